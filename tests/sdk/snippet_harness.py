"""Runs conflab's Copy as Python SDK snippets against the official FreeClimb SDK (freeclimb 5.x), offline.

  snippet_harness.py SCRIPT...

Each script is compiled (py_compile), then executed with `freeclimb.api_client.ApiClient.call_api` replaced by
a recorder that answers 204 with no body (200 with four bytes of audio for a recording's Stream and Download,
whose methods return the bytes): so the SDK's own configuration, models (keyword arguments, strict
types, enums), DefaultApi method and request serialization all run, and nothing goes on the network. Prints one
JSON line per script: {"script", "calls": [{"method", "url", "headers", "body"}]} (what the script prints goes to
stderr). Exits 1 when any script fails
to compile or raises, with its traceback on stderr.
"""

import contextlib
import json
import os
import py_compile
import runpy
import sys
import tempfile
import traceback

import freeclimb
from freeclimb import rest
from freeclimb.api_client import ApiClient

calls = []


class _Answer:
    def __init__(self, status, data):
        self.status = status
        self.reason = "OK" if status == 200 else "No Content"
        self.data = data
        self.headers = {"content-type": "audio/wav"} if data else {}


def _record(self, method, url, header_params=None, body=None, post_params=None, _request_timeout=None):
    calls.append({"method": method, "url": url, "headers": dict(header_params or {}), "body": body})
    if url.split("?")[0].endswith(("/Stream", "/Download")):
        return rest.RESTResponse(_Answer(200, b"RIFF"))
    return rest.RESTResponse(_Answer(204, b""))


ApiClient.call_api = _record

failed = 0
workdir = tempfile.mkdtemp(prefix="conflab-snippets-")
os.chdir(workdir)  # the recording snippets write recording.wav
for script in sys.argv[1:]:
    calls.clear()
    try:
        py_compile.compile(script, doraise=True)
        with contextlib.redirect_stdout(sys.stderr):
            runpy.run_path(script, run_name="__main__")
    except BaseException:  # SystemExit too: a snippet must run to its end
        failed += 1
        print(f"--- {script} (freeclimb {freeclimb.__version__})", file=sys.stderr)
        traceback.print_exc()
        continue
    print(json.dumps({"script": script, "calls": calls}), flush=True)
sys.exit(1 if failed else 0)
