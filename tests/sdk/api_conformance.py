"""Conformance of conflab's REST API with the official FreeClimb Python SDK (freeclimb==5.4.1).

Two modes; both exit 1 with every problem listed, and print a one-line JSON summary on stdout.

  api_conformance.py sdk HOST ACCOUNT_ID API_KEY IDS_JSON
      Drives the SDK's own client (DefaultApi) against conflab's REST API served at HOST (loopback), through
      every endpoint a conference simulator has: each answer must come back with the status the SDK maps
      (else the SDK returns None), parse into the SDK's result model, and round-trip: every field conflab
      sends that is not null must survive `from_dict` -> `to_dict` with the same value (a field the model does
      not know, e.g. by a spelling mismatch, is reported). Lists are followed with `get_next_page`. Errors
      must raise the SDK's exception for their status and carry {"code","message","url","details"}.

  api_conformance.py logs FILE...
      Reads event logs (JSON lines, `conflab run` output) and checks every {"kind":"api",...} line: a 2xx
      response against the model for its route and status, an error against FreeClimb's error shape.
"""

import base64
import datetime
import enum
import json
import re
import sys
import urllib.request

import freeclimb
from freeclimb import models as m
from freeclimb.exceptions import ApiException

ERROR_KEYS = {"code", "message", "url", "details"}

problems = []
counts = {"responses": 0, "fields": 0, "items": 0, "errors": 0}
unset_fields = {}  # model name -> fields of the model conflab left null or absent


def problem(where, what):
    problems.append(f"{where}: {what}")


def normalise(value):
    """A model value as plain JSON-like data, for comparing with what was sent."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value
    if hasattr(value, "to_dict"):
        return normalise(value.to_dict())
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def aliases(model_cls):
    return {f.alias or name for name, f in model_cls.model_fields.items()}


def same(sent, parsed):
    if isinstance(parsed, datetime.datetime):
        if not isinstance(sent, str):
            return False
        try:
            return datetime.datetime.fromisoformat(sent.replace("Z", "+00:00")) == parsed
        except ValueError:
            return False
    return sent == parsed


LIST_ITEMS = {
    "ConferenceList": ("conferences", m.ConferenceResult),
    "ConferenceParticipantList": ("participants", m.ConferenceParticipantResult),
    "CallList": ("calls", m.CallResult),
    "RecordingList": ("recordings", m.RecordingResult),
}


def round_trip(where, model_cls, body, obj=None):
    """Checks that `body` (what conflab sent) parses into `model_cls` and survives the round trip."""
    name = model_cls.__name__
    if not isinstance(body, dict):
        problem(where, f"{name}: body is not a JSON object: {body!r}")
        return
    try:
        if obj is None:
            obj = model_cls.from_dict(body)
    except Exception as e:  # pydantic ValidationError and friends: the SDK refuses the body
        problem(where, f"{name}.from_dict refused the body: {e}")
        return
    if not isinstance(obj, model_cls):
        problem(where, f"expected a {name}, the SDK gave {type(obj).__name__}")
        return
    known = aliases(model_cls)
    back = normalise(obj.to_dict())
    for key, sent in body.items():
        if key not in known:
            problem(where, f"{name} has no field `{key}` (sent {sent!r}); the SDK drops it")
            continue
        if sent is None:
            continue
        if name in LIST_ITEMS and key == LIST_ITEMS[name][0]:
            continue  # items are checked one by one below
        counts["fields"] += 1
        if not same(sent, back.get(key)):
            problem(where, f"{name}.{key}: sent {sent!r}, the SDK read {back.get(key)!r}")
    unset = sorted(k for k in known if body.get(k) is None)
    prev = unset_fields.setdefault(name, set(unset))
    prev.intersection_update(unset)
    if name in LIST_ITEMS:
        key, item_cls = LIST_ITEMS[name]
        items = body.get(key)
        if not isinstance(items, list):
            problem(where, f"{name}.{key} must be a list, is {items!r}")
            return
        parsed_items = getattr(obj, key) or []
        if len(parsed_items) != len(items):
            problem(where, f"{name}.{key}: sent {len(items)} items, the SDK read {len(parsed_items)}")
        for i, (item, parsed) in enumerate(zip(items, parsed_items)):
            counts["items"] += 1
            round_trip(f"{where}/{key}/{i}", item_cls, item, parsed)
        for field in ("total", "start", "end", "page", "numPages", "pageSize"):
            if not isinstance(body.get(field), int):
                problem(where, f"{name}.{field} must be an integer, is {body.get(field)!r}")
        if body.get("pageSize") != len(items):
            problem(where, f"{name}.pageSize is {body.get('pageSize')}, the page has {len(items)} items")
        nxt = body.get("nextPageUri")
        if nxt is not None and not (isinstance(nxt, str) and nxt.startswith("/Accounts/") and "cursor=" in nxt):
            problem(where, f"{name}.nextPageUri must be relative to the API root with a cursor, is {nxt!r}")


def check_error(where, status, body):
    counts["errors"] += 1
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            problem(where, f"HTTP {status}: the error body is not JSON: {body!r}")
            return
    if not isinstance(body, dict) or set(body) != ERROR_KEYS:
        problem(where, f"HTTP {status}: the error body must have exactly {sorted(ERROR_KEYS)}, has {body!r}")
        return
    if not isinstance(body["code"], int) or not isinstance(body["message"], str) or not body["message"]:
        problem(where, f"HTTP {status}: code must be an integer and message a non-empty string: {body!r}")
    if not isinstance(body["details"], dict):
        problem(where, f"HTTP {status}: details must be an object: {body!r}")
    if not str(body["url"]).endswith(f"#{body['code']}"):
        problem(where, f"HTTP {status}: url must point at the code's dictionary entry: {body!r}")


# ---------------------------------------------------------------------------------------------- sdk mode


def sdk_mode(host, account_id, api_key, ids):
    config = freeclimb.Configuration(host=host, username=account_id, password=api_key)
    api = freeclimb.DefaultApi(freeclimb.ApiClient(config))
    auth = "Basic " + base64.b64encode(f"{account_id}:{api_key}".encode()).decode()

    def raw_get(path):
        req = urllib.request.Request(host + path, headers={"Authorization": auth, "Accept": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def call(name, fn, model_cls, expect, /, *args, **kwargs):
        """Calls `fn`_with_http_info: the status must be `expect` and the data a `model_cls` (None: no body)."""
        where = f"sdk {name}"
        try:
            resp = getattr(api, fn + "_with_http_info")(*args, **kwargs)
        except ApiException as e:
            problem(where, f"raised {type(e).__name__} HTTP {e.status}: {e.body}")
            return None
        counts["responses"] += 1
        if resp.status_code != expect:
            problem(where, f"HTTP {resp.status_code}, the SDK maps {expect}")
        if model_cls is None:
            if resp.data is not None:
                problem(where, f"expected no body, the SDK read {resp.data!r}")
            return None
        if resp.data is None:
            problem(where, f"the SDK returned None (a status it does not map, or no body): HTTP {resp.status_code}")
            return None
        body = json.loads(resp.raw_data)
        round_trip(where, model_cls, body, resp.data)
        return resp.data

    def refused(name, fn, status, exc_cls, code, /, *args, **kwargs):
        where = f"sdk {name}"
        try:
            getattr(api, fn)(*args, **kwargs)
        except ApiException as e:
            counts["responses"] += 1
            if e.status != status or not isinstance(e, exc_cls):
                problem(where, f"expected {exc_cls.__name__} HTTP {status}, got {type(e).__name__} HTTP {e.status}")
            check_error(where, e.status, e.body)
            body = json.loads(e.body)
            if body.get("code") != code:
                problem(where, f"expected error code {code}, got {body.get('code')}")
            return
        problem(where, "the SDK did not raise")

    cf, cf_terminated, ca, ca_done, re_conf = (
        ids["conference"], ids["terminatedConference"], ids["participantCall"], ids["completedCall"],
        ids["conferenceRecording"],
    )

    call("get an account", "get_an_account", m.AccountResult, 200)
    created = call(
        "create a conference", "create_a_conference", m.ConferenceResult, 200,
        m.CreateConferenceRequest(
            alias="retro", play_beep=m.PlayBeep.ENTRY_ONLY, record=True,
            wait_url="https://app.test/wait", status_callback_url="https://app.test/status",
        ),
    )
    if created is not None and (created.alias, created.status, created.play_beep) != (
        "retro", m.ConferenceStatus.EMPTY, m.PlayBeep.ENTRY_ONLY,
    ):
        problem("sdk create a conference", f"unexpected result {created}")
    call("create a minimal conference", "create_a_conference", m.ConferenceResult, 200,
         m.CreateConferenceRequest(status_callback_url="https://app.test/status"))

    first = call("list conferences", "list_conferences", m.ConferenceList, 200)
    pages = 1
    page = first
    while page is not None and page.next_page_uri:
        nxt = page.next_page_uri
        page = api.get_next_page(page)
        pages += 1
        counts["responses"] += 1
        if not isinstance(page, m.ConferenceList):
            problem("sdk get_next_page", f"expected a ConferenceList, got {type(page).__name__}")
            break
        round_trip(f"sdk get_next_page {nxt}", m.ConferenceList, raw_get(nxt), page)
        if pages > 10:
            problem("sdk get_next_page", "more than 10 pages")
            break
    filtered = call("list conferences filtered", "list_conferences", m.ConferenceList, 200,
                    status="inProgress", alias="standup")
    if filtered is not None and [c.conference_id for c in filtered.conferences or []] != [cf]:
        problem("sdk list conferences filtered", f"expected only {cf}, got {filtered.to_dict()}")

    call("get a conference", "get_a_conference", m.ConferenceResult, 200, cf)
    call("get a terminated conference", "get_a_conference", m.ConferenceResult, 200, cf_terminated)
    call("update a conference", "update_a_conference", None, 204, cf,
         m.UpdateConferenceRequest(alias="standup", play_beep=m.PlayBeep.NEVER))

    call("list participants", "list_participants", m.ConferenceParticipantList, 200, cf)
    talkers = call("list participants talk=true", "list_participants", m.ConferenceParticipantList, 200, cf,
                   talk=True, listen=True)
    if talkers is not None and any(not p.talk for p in talkers.participants or []):
        problem("sdk list participants talk=true", "a participant without talk was listed")
    call("get a participant", "get_a_participant", m.ConferenceParticipantResult, 200, cf, ca)
    updated = call("update a participant", "update_a_participant", m.ConferenceParticipantResult, 200, cf, ca,
                   m.UpdateConferenceParticipantRequest(talk=False, listen=True, dtmf_pass_through=False))
    if updated is not None and (updated.talk, updated.dtmf_pass_through) != (False, False):
        problem("sdk update a participant", f"the update is not in the result: {updated}")
    call("remove a participant", "remove_a_participant", None, 204, cf, ca)
    call("list conference recordings", "list_conference_recordings", m.RecordingList, 200, cf)
    call("terminate a conference", "update_a_conference", None, 204, cf,
         m.UpdateConferenceRequest(status=m.UpdateConferenceRequestStatus.TERMINATED))

    made = call("make a call", "make_a_call", m.CallResult, 202,
                m.MakeCallRequest(var_from=ids["ownNumber"], to=ids["verifiedNumber"],
                                  call_connect_url="https://app.test/connect"))
    if made is not None and (made.status, made.direction) != (m.CallStatus.QUEUED, m.CallDirection.OUTBOUND_API):
        problem("sdk make a call", f"unexpected result {made}")
    call("list calls", "list_calls", m.CallList, 200)
    call("list active calls", "list_calls", m.CallList, 200, active=True, status="inProgress")
    call("get a completed call", "get_a_call", m.CallResult, 200, ca_done)
    call("get a call in progress", "get_a_call", m.CallResult, 200, ca)
    call("hang up a call", "update_a_live_call", None, 202, ca,
         m.UpdateCallRequest(status=m.UpdateCallRequestStatus.COMPLETED))
    call("list call recordings", "list_call_recordings", m.RecordingList, 200, ca_done)
    call("list recordings", "list_recordings", m.RecordingList, 200)
    call("list recordings of a conference", "list_recordings", m.RecordingList, 200, conference_id=cf)
    call("get a recording", "get_a_recording", m.RecordingResult, 200, re_conf)
    logs = call("list call logs", "list_call_logs", m.LogList, 200, ca_done)
    if logs is not None and [entry.message for entry in logs.logs or []] != ["Call ended", "Call created"]:
        problem("sdk list call logs", f"expected newest first, got {logs.to_dict()}")
    apps = call("list applications", "list_applications", m.ApplicationList, 200)
    if apps is not None and [a.application_id for a in apps.applications or []][-1:] != [ids["application"]]:
        problem("sdk list applications", f"expected the oldest last, got {apps.to_dict()}")
    call("list applications by alias", "list_applications", m.ApplicationList, 200, alias="main line")
    call("get an application", "get_an_application", m.ApplicationResult, 200, ids["application"])
    call("list incoming numbers", "list_incoming_numbers", m.IncomingNumberList, 200)
    call("list incoming numbers filtered", "list_incoming_numbers", m.IncomingNumberList, 200,
         phone_number="5550100", has_application=True, application_id=ids["application"])
    call("get an incoming number", "get_an_incoming_number", m.IncomingNumberResult, 200, ids["phoneNumber"])
    call("delete a recording", "delete_a_recording", None, 204, re_conf)

    refused("unknown conference", "get_a_conference", 404, freeclimb.exceptions.NotFoundException, 66,
            "CF" + "0" * 40)
    refused("trial account, unverified number", "make_a_call", 400, freeclimb.exceptions.BadRequestException, 29,
            m.MakeCallRequest(var_from=ids["ownNumber"], to="+15550199999",
                              call_connect_url="https://app.test/connect"))
    refused("participant of a terminated conference", "update_a_participant", 409, ApiException, 108,
            cf_terminated, ca, m.UpdateConferenceParticipantRequest(talk=False))
    bad = freeclimb.DefaultApi(freeclimb.ApiClient(
        freeclimb.Configuration(host=host, username=account_id, password="wrong-key")))
    try:
        bad.get_an_account()
        problem("sdk wrong API key", "the SDK did not raise")
    except freeclimb.exceptions.UnauthorizedException as e:
        counts["responses"] += 1
        check_error("sdk wrong API key", e.status, e.body)
    counts["pages"] = pages


# --------------------------------------------------------------------------------------------- logs mode

ID = r"[^/?]+"
ROUTES = [
    # (method, path pattern under /Accounts/{id}, success status, model or None)
    ("GET", r"", 200, m.AccountResult),
    ("POST", r"/Conferences", 200, m.ConferenceResult),
    ("GET", r"/Conferences", 200, m.ConferenceList),
    ("GET", rf"/Conferences/{ID}", 200, m.ConferenceResult),
    ("POST", rf"/Conferences/{ID}", 204, None),
    ("GET", rf"/Conferences/{ID}/Participants", 200, m.ConferenceParticipantList),
    ("GET", rf"/Conferences/{ID}/Participants/{ID}", 200, m.ConferenceParticipantResult),
    ("POST", rf"/Conferences/{ID}/Participants/{ID}", 200, m.ConferenceParticipantResult),
    ("DELETE", rf"/Conferences/{ID}/Participants/{ID}", 204, None),
    ("GET", rf"/Conferences/{ID}/Recordings", 200, m.RecordingList),
    ("POST", r"/Calls", 202, m.CallResult),
    ("GET", r"/Calls", 200, m.CallList),
    ("GET", rf"/Calls/{ID}", 200, m.CallResult),
    ("POST", rf"/Calls/{ID}", 202, None),
    ("GET", rf"/Calls/{ID}/Recordings", 200, m.RecordingList),
    ("GET", rf"/Calls/{ID}/Logs", 200, m.LogList),
    ("GET", r"/Applications", 200, m.ApplicationList),
    ("GET", rf"/Applications/{ID}", 200, m.ApplicationResult),
    ("GET", r"/IncomingPhoneNumbers", 200, m.IncomingNumberList),
    ("GET", rf"/IncomingPhoneNumbers/{ID}", 200, m.IncomingNumberResult),
    ("GET", r"/Recordings", 200, m.RecordingList),
    ("GET", rf"/Recordings/{ID}", 200, m.RecordingResult),
    ("DELETE", rf"/Recordings/{ID}", 204, None),
]


def route(method, path):
    path = path.split("?", 1)[0].rstrip("/")
    path = re.sub(r"^(/apiserver)?/Accounts/[^/]+", "", path)
    for (meth, pattern, status, model) in ROUTES:
        if meth == method and re.fullmatch(pattern, path):
            return status, model
    return None


def logs_mode(files):
    lines = 0
    for name in files:
        with open(name, encoding="utf-8") as f:
            for number, text in enumerate(f, 1):
                if not text.strip():
                    continue
                where = f"{name}:{number}"
                try:
                    event = json.loads(text)
                except ValueError as e:
                    problem(where, f"not JSON: {e}")
                    continue
                if event.get("kind") != "api":
                    continue
                lines += 1
                method, path, status = event.get("method"), event.get("path", ""), event.get("status")
                response = event.get("response")
                if not isinstance(status, int):
                    problem(where, f"status must be an integer, is {status!r}")
                    continue
                counts["responses"] += 1
                if status >= 400:
                    check_error(where, status, response)
                    continue
                found = route(method, path)
                if found is None:
                    if "/Stream" in path or "/Download" in path:
                        continue  # audio/wav, not JSON
                    problem(where, f"{method} {path} answered {status}, but it is no endpoint")
                    continue
                expected, model = found
                if status != expected:
                    problem(where, f"{method} {path}: HTTP {status}, the SDK maps {expected} (else returns None)")
                if model is None:
                    if response is not None:
                        problem(where, f"{method} {path}: HTTP {status} must have no body, has {response!r}")
                    continue
                round_trip(f"{where} {method} {path}", model, response)
    counts["apiLines"] = lines
    counts["files"] = len(files)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "sdk" and len(sys.argv) == 6:
        sdk_mode(sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5]))
    elif len(sys.argv) >= 2 and sys.argv[1] == "logs":
        logs_mode(sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    summary = dict(counts)
    summary["problems"] = problems
    summary["unsetFields"] = {k: sorted(v) for k, v in sorted(unset_fields.items())}
    print(json.dumps(summary))
    for p in problems:
        print("PROBLEM " + p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
