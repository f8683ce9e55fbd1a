"""Checks conflab's webhooks with the official FreeClimb Python SDK (freeclimb==5.4.1).

Run by tests/webhook_sdk.rs inside the shared virtual environment. Two sources of webhooks:

  --cases FILE   a JSON array (FILE may be "-" for stdin) of signed webhooks built by conflab::webhook:
                 [{"name", "requestType", "rawBody", "header", "secret", "now"}]
  --log PATH --secret SECRET   (repeatable) a JSON-lines event log printed by `conflab run`; every line with
                 "kind": "webhook" is checked: {"url", "headers": {"FreeClimb-Signature"}, "rawBody", "body", ...}

For every webhook:
  * rawBody is JSON, and the log's "body" (when present) equals it parsed;
  * freeclimb.models.Webhook.from_dict(body) returns the class the SDK's discriminator maps its requestType to;
  * every key of the body that the class knows round-trips: the model's value (enum .value) equals the body's;
    keys the class does not know are reported as "extra" (the SDK ignores them), per requestType;
  * the FreeClimb-Signature verifies with freeclimb.utils.request_verifier.RequestVerifier, and the v1 value
    equals an HMAC-SHA256 computed here with Python's hmac; a tampered body and a wrong secret are refused.

Two SDK quirks are neutralised, not hidden:
  * SignatureInformation.signatures is a class-level list that every header appends to, so one valid header
    would make later checks pass; it is cleared before each verification.
  * The verifier compares the header's t with the real clock; conflab's t is virtual time (a fixed epoch plus
    the scenario's milliseconds), so verification runs with the clock set to the case's "now" (for logs: t).
    The tolerance check itself is exercised once with the real clock (a fresh t must pass, an old one fail).

Prints one JSON report on stdout; exits 1 if anything failed (the failures are in the report and on stderr).
"""

import argparse
import enum
import hashlib
import hmac
import json
import sys
import time
from importlib.metadata import version
from unittest import mock

from freeclimb.models.webhook import Webhook
from freeclimb.utils.request_verifier import RequestVerifier
from freeclimb.utils.signature_information import SignatureInformation

HEADER = "FreeClimb-Signature"
def discriminator_map():
    """The SDK's requestType -> class name table, read from the model (its name is mangled and private)."""
    for name, value in vars(Webhook).items():
        if name.endswith("discriminator_value_class_map") and isinstance(value, dict):
            return dict(value)
    for name in dir(Webhook):
        if "discriminator_value_class_map" in name:
            value = getattr(Webhook, name)
            if isinstance(value, dict):
                return dict(value)
    raise SystemExit("cannot find Webhook's discriminator map in the installed SDK")


def plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    return value


def verify(raw_body, header, secret, now):
    """RequestVerifier.verify_request_signature at unix time `now`; returns None or the error message."""
    SignatureInformation.signatures.clear()
    try:
        with mock.patch.object(SignatureInformation, "get_current_unix_time", return_value=now):
            RequestVerifier.verify_request_signature(raw_body, header, secret)
        return None
    except Exception as e:  # the SDK raises bare Exception
        return str(e) or type(e).__name__
    finally:
        SignatureInformation.signatures.clear()


def parse_header(header):
    parts = dict(p.split("=", 1) for p in header.split(","))
    return int(parts["t"]), parts["v1"]


def tamper(raw_body):
    """A body that differs from raw_body by one character inside the JSON (still valid JSON)."""
    i = raw_body.index('"requestType":"') + len('"requestType":"')
    return raw_body[:i] + ("X" if raw_body[i] != "X" else "Y") + raw_body[i + 1:]


class Checker:
    def __init__(self):
        self.classes = discriminator_map()
        self.failures = []
        self.results = []
        self.signatures = 0
        self.refused = 0
        self.log_lines = 0

    def fail(self, where, message):
        self.failures.append(f"{where}: {message}")

    def check(self, where, raw_body, header, secret, now, logged_body=None, logged_type=None):
        result = {"name": where}
        self.results.append(result)
        try:
            body = json.loads(raw_body)
        except (TypeError, ValueError) as e:
            self.fail(where, f"rawBody is not JSON: {e}")
            return
        if logged_body is not None and logged_body != body:
            self.fail(where, "the logged body differs from rawBody parsed")
        request_type = body.get("requestType")
        result["requestType"] = request_type
        if logged_type is not None and logged_type != request_type:
            self.fail(where, f"logged requestType {logged_type!r} but the body says {request_type!r}")
        expected = self.classes.get(request_type)
        if expected is None:
            self.fail(where, f"requestType {request_type!r} is not one the SDK can parse")
        try:
            model = Webhook.from_dict(body)
        except Exception as e:
            self.fail(where, f"Webhook.from_dict raised {type(e).__name__}: {e}")
            model = None
        if model is not None:
            result["class"] = type(model).__name__
            if expected is not None and type(model).__name__ != expected:
                self.fail(where, f"parsed as {type(model).__name__}, expected {expected}")
            known = {}
            for name, field in type(model).model_fields.items():
                known[field.alias or name] = name
            result["extra"] = sorted(k for k in body if k not in known)
            for key, value in body.items():
                if key in known:
                    got = plain(getattr(model, known[key]))
                    if got != value or type(got) is not type(value):
                        self.fail(where, f"{key}: body has {value!r}, the SDK model holds {got!r}")
            again = type(model).from_dict(model.to_dict())
            if again != model:
                self.fail(where, "the SDK model does not survive to_dict/from_dict")
        # Signature.
        if not header:
            self.fail(where, f"no {HEADER} header")
            return
        try:
            t, v1 = parse_header(header)
        except (ValueError, KeyError) as e:
            self.fail(where, f"{HEADER} {header!r} is not t=..,v1=..: {e}")
            return
        independent = hmac.new(secret.encode("utf-8"), f"{t}.{raw_body}".encode("utf-8"),
                               hashlib.sha256).hexdigest()
        if v1 != independent:
            self.fail(where, f"v1 {v1} differs from Python's HMAC-SHA256 {independent}")
        error = verify(raw_body, header, secret, t if now is None else now)
        if error:
            self.fail(where, f"RequestVerifier refused a conflab signature: {error}")
        else:
            self.signatures += 1
        for what, body_, secret_ in [("a tampered body", tamper(raw_body), secret),
                                     ("a wrong secret", raw_body, secret + "x")]:
            if verify(body_, header, secret_, t if now is None else now) is None:
                self.fail(where, f"RequestVerifier accepted {what}")
            else:
                self.refused += 1

    def check_log(self, path, secret):
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    event = json.loads(line)
                except ValueError as e:
                    self.fail(where, f"not JSON: {e}")
                    continue
                if event.get("kind") != "webhook":
                    continue
                self.log_lines += 1
                headers = event.get("headers") or {}
                self.check(where, event.get("rawBody"), headers.get(HEADER), secret, None,
                           logged_body=event.get("body"), logged_type=event.get("requestType"))

    def check_real_clock(self):
        """The tolerance check with the SDK's real clock: a fresh t passes, one older than the tolerance fails."""
        body = '{"requestType":"inboundCall"}'
        secret = "sigsec_clock"
        now = int(time.time())
        fresh = f"t={now},v1=" + hmac.new(secret.encode(), f"{now}.{body}".encode(), hashlib.sha256).hexdigest()
        SignatureInformation.signatures.clear()
        try:
            RequestVerifier.verify_request_signature(body, fresh, secret)
        except Exception as e:
            self.fail("real clock", f"a fresh signature was refused: {e}")
        old_t = now - RequestVerifier.DEFAULT_TOLERANCE - 10
        old = f"t={old_t},v1=" + hmac.new(secret.encode(), f"{old_t}.{body}".encode(), hashlib.sha256).hexdigest()
        SignatureInformation.signatures.clear()
        try:
            RequestVerifier.verify_request_signature(body, old, secret)
            self.fail("real clock", "a signature older than the tolerance was accepted")
        except Exception:
            pass
        SignatureInformation.signatures.clear()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help="JSON array of signed webhooks ('-' for stdin)")
    parser.add_argument("--log", action="append", default=[], help="a conflab run event log (JSON lines)")
    parser.add_argument("--secret", action="append", default=[], help="the signing secret of each --log")
    args = parser.parse_args()
    if len(args.log) != len(args.secret):
        parser.error("give one --secret per --log")

    checker = Checker()
    if args.cases:
        text = sys.stdin.read() if args.cases == "-" else open(args.cases, encoding="utf-8").read()
        for case in json.loads(text):
            checker.check(case["name"], case["rawBody"], case["header"], case["secret"], case["now"])
    for path, secret in zip(args.log, args.secret):
        checker.check_log(path, secret)
    checker.check_real_clock()

    report = {
        "sdk_version": version("freeclimb"),
        "classes": checker.classes,
        "results": checker.results,
        "signatures": checker.signatures,
        "refused": checker.refused,
        "log_lines": checker.log_lines,
        "failures": checker.failures,
    }
    json.dump(report, sys.stdout, ensure_ascii=False)
    print()
    if checker.failures:
        print("\n".join(checker.failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
