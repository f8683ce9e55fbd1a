"""A real FreeClimb webhook app for tests/serve_sdk.rs, written as FreeClimb's "connect a caller to another
party" tutorial has it (https://docs.freeclimb.com/docs/how-to-connect-a-caller-to-another-party), with the
official Python SDK (freeclimb==5.4.1):

  inboundCall        -> CreateConference (actionUrl /conferenceCreated)
  conferenceCreated  -> OutDial the agent (actionUrl /outDialStart, callConnectUrl /agentConnect)
  outDialStart       -> AddToConference the caller (leaveConferenceUrl /callerLeft)
  outDialConnect     -> AddToConference the agent
  leaveConference    -> terminate the conference over REST (DefaultApi.update_a_conference), then answer

Every webhook must verify with RequestVerifier (TOLERANCE seconds, the SDK's default unless given) and parse
with Webhook.from_dict. GET /stats gives the counts and every failure as JSON.

Usage: serve_app.py PORT HOST ACCOUNT_ID API_KEY SIGNING_SECRET NUMBER AGENT [TOLERANCE]
Prints the port it listens on (loopback), then serves until killed.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import freeclimb
from freeclimb import models as m
from freeclimb.models.webhook import Webhook
from freeclimb.utils.request_verifier import RequestVerifier

PORT, HOST, ACCOUNT_ID, API_KEY, SECRET, NUMBER, AGENT = sys.argv[1:8]
TOLERANCE = int(sys.argv[8]) if len(sys.argv) > 8 else None

api = freeclimb.DefaultApi(
    freeclimb.ApiClient(freeclimb.Configuration(host=HOST, username=ACCOUNT_ID, password=API_KEY))
)
lock = threading.Lock()
stats = {"verified": 0, "parsed": 0, "byType": {}, "failures": [], "terminated": 0}


def percl(*commands):
    return m.PerclScript(commands=list(commands)).to_json()


class App(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=""):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            self.answer(200, json.dumps(stats))

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        url = urlparse(self.path)
        query = parse_qs(url.query)
        body = json.loads(raw)
        kind = body.get("requestType")
        with lock:
            stats["byType"][kind] = stats["byType"].get(kind, 0) + 1
            try:
                args = [raw, self.headers.get("FreeClimb-Signature", ""), SECRET]
                if TOLERANCE is not None:
                    args.append(TOLERANCE)
                RequestVerifier.verify_request_signature(*args)
                stats["verified"] += 1
            except Exception as e:  # noqa: BLE001 (any refusal is a failure to report)
                stats["failures"].append(f"{url.path}: signature: {e}")
            try:
                Webhook.from_dict(body)
                stats["parsed"] += 1
            except Exception as e:  # noqa: BLE001
                stats["failures"].append(f"{url.path}: Webhook.from_dict: {e}")
        app = f"http://127.0.0.1:{self.server.server_address[1]}"
        if url.path == "/inbound":
            return self.answer(200, percl(m.CreateConference(action_url=f"{app}/conferenceCreated",
                                                             status_callback_url=f"{app}/status")))
        if url.path == "/conferenceCreated":
            cf = body["conferenceId"]
            return self.answer(200, percl(m.OutDial(action_url=f"{app}/outDialStart?conf={cf}",
                                                    call_connect_url=f"{app}/agentConnect?conf={cf}",
                                                    calling_number=NUMBER, destination=AGENT)))
        if url.path == "/outDialStart":
            cf = query["conf"][0]
            return self.answer(200, percl(m.AddToConference(conference_id=cf,
                                                            leave_conference_url=f"{app}/callerLeft?conf={cf}")))
        if url.path == "/agentConnect":
            return self.answer(200, percl(m.AddToConference(conference_id=query["conf"][0])))
        if url.path == "/callerLeft":
            # The tutorial ends the conference for everyone when the caller leaves, before answering.
            try:
                api.update_a_conference(query["conf"][0],
                                        m.UpdateConferenceRequest(status=m.UpdateConferenceRequestStatus.TERMINATED))
                with lock:
                    stats["terminated"] += 1
            except Exception as e:  # noqa: BLE001
                with lock:
                    stats["failures"].append(f"terminate: {e}")
            return self.answer(200, "")
        return self.answer(200, "")


server = ThreadingHTTPServer(("127.0.0.1", int(PORT)), App)
print(server.server_address[1], flush=True)
server.serve_forever()
