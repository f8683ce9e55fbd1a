"""What the official Python SDK (freeclimb==5.4.1) sees of a `conflab serve` session, for tests/serve_sdk.rs:
the conferences with their status and participants, and the calls with their status, as JSON.

Usage: serve_check.py HOST ACCOUNT_ID API_KEY
"""

import json
import sys

import freeclimb

host, account_id, api_key = sys.argv[1:4]
api = freeclimb.DefaultApi(
    freeclimb.ApiClient(freeclimb.Configuration(host=host, username=account_id, password=api_key))
)
out = {"conferences": [], "calls": []}
for c in api.list_conferences().conferences or []:
    got = api.get_a_conference(c.conference_id)
    participants = api.list_participants(c.conference_id).participants or []
    out["conferences"].append({"id": got.conference_id, "status": str(got.status.value),
                               "participants": sorted(p.call_id for p in participants)})
for call in api.list_calls().calls or []:
    out["calls"].append({"id": call.call_id, "status": str(call.status.value), "to": call.to})
print(json.dumps(out, sort_keys=True))
