"""Generates PerCL scripts with the official FreeClimb Python SDK (freeclimb==5.4.1) for conflab's checker.

Run by tests/percl_sdk.rs inside a virtual environment that has the SDK installed. Prints one JSON document:

  {"sdk_version": "5.4.1",
   "minimal":  [{"name", "script"}],   every command with only its required attributes
   "full":     [{"name", "script"}],   every command with every attribute
   "random":   [{"name", "script"}],   seeded random mixes, with nested prompts
   "rejected": [{"name", "script", "kind", "attribute", "pointer"}]}

Every "script" in the first three lists is exactly what `PerclScript(commands=[...]).to_json()` returns. The
"rejected" scripts are ones the SDK's own models refuse (missing required attribute, null, wrong type, bad
enum, out of range): each is first tried with the SDK, which must raise its validation error, and then built by
hand as the JSON the SDK would have written, with `pointer` naming the attribute conflab must report.

Usage: python percl_conformance.py [SEED] [RANDOM_COUNT]
"""

import copy
import json
import random
import sys
import typing
from importlib.metadata import version

import pydantic
from freeclimb import models as m

COMMANDS = [
    "AddToConference", "AudioStream", "CreateConference", "Dequeue", "Enqueue", "GetDigits", "GetSpeech",
    "Hangup", "OutDial", "Park", "Pause", "Play", "PlayEarlyMedia", "RecordUtterance", "Redirect", "Reject",
    "RemoveFromConference", "Say", "SendDigits", "SetDTMFPassThrough", "SetListen", "SetTalk", "Sms",
    "StartRecordCall", "TerminateConference", "TranscribeUtterance", "Unpark",
]
KEYS = "0123456789*#"
# Text that exercises JSON escaping: quotes, backslashes, control characters, non-ASCII and astral characters.
TEXT_PIECES = ["Hello", "caller", "conférence", "Grüße", "日本語", "😀", '"quoted"', "back\\slash", "tab\there",
               "line\nbreak", "PIN", "#", "100%", "<b>", "ünïcödé", "\u2014", "'single'", "/slash/"]


def fields(cls):
    """(python name, wire alias, annotation, required) of a model's attributes, in SDK order."""
    out = []
    for name, f in cls.model_fields.items():
        if name == "command":
            continue
        out.append((name, f.alias or name, f.annotation, f.is_required()))
    return out


def hex40(rng):
    return "".join(rng.choice("0123456789abcdef") for _ in range(40))


def url(rng, path="percl"):
    return "https://%s.example.com/%s/%d" % (rng.choice(["app", "api", "hooks"]), path, rng.randrange(1000))


def phone(rng):
    return "+1" + "".join(rng.choice("0123456789") for _ in range(10))


def text(rng, max_words=8):
    return " ".join(rng.choice(TEXT_PIECES) for _ in range(rng.randint(1, max_words)))


def prompt(rng):
    kind = rng.choice(["Say", "Play", "Pause"])
    if kind == "Say":
        return m.Say(**optional(rng, m.Say, {"text": text(rng)}, "Say"))
    if kind == "Play":
        return m.Play(**optional(rng, m.Play, {"file": url(rng, "audio")}, "Play"))
    return m.Pause(length=rng.randint(1, 5000))


def engine(rng):
    params = rng.choice([None, {}, {"voice": "Rachel", "stability": 0.5}, {"speed": rng.random(), "tags": ["a", 1, None, True], "nested": {"k": -3}}])
    kwargs = {"name": rng.choice(list(m.TTSEngineName))}
    if params is not None:
        kwargs["parameters"] = params
    return m.TTSEngine(**kwargs)


def value(rng, command, alias, chosen):
    """A valid value for attribute `alias` of `command`; `chosen` holds the values picked so far."""
    if alias in ("allowCallControl", "listen", "startConfOnEnter", "talk", "dtmfPassThrough", "privacyMode",
                 "flushBuffer", "autoStart", "privacyForLogging", "privacyForRecording") or (
            alias == "playBeep" and command != "CreateConference"):
        return rng.random() < 0.5
    if alias in ("actionUrl", "callControlUrl", "leaveConferenceUrl", "notificationUrl", "statusCallbackUrl",
                 "waitUrl", "callConnectUrl", "ifMachineUrl"):
        return url(rng, alias)
    if alias == "file":
        return url(rng, "audio")
    if alias == "location":
        return "grpc.example.com:443"
    if alias == "conferenceId":
        return "CF" + hex40(rng)
    if alias == "queueId":
        return "QU" + hex40(rng)
    if alias == "parentCallId":
        return "CA" + hex40(rng)
    if alias == "callControlSequence":
        return "".join(rng.choice(KEYS) for _ in range(rng.randint(1, 4)))
    if alias == "finishOnKey":
        return rng.choice(KEYS)
    if alias in ("to", "from", "callingNumber", "destination"):
        return phone(rng)
    if alias == "digits":
        return "".join(rng.choice(KEYS) for _ in range(rng.randint(1, 10)))
    if alias == "sendDigits":
        return "".join(rng.choice(KEYS) for _ in range(rng.randint(1, 6)))
    if alias == "text":
        return text(rng, 40 if command == "Sms" else 12)
    if alias in ("alias", "reason", "grammarRule", "contentType"):
        return rng.choice(["standup", "done", "main", "audio/x-mulaw;rate=8000", text(rng, 3)])
    if alias == "language":
        return rng.choice(list(m.Language)).value
    if alias == "engine":
        return engine(rng)
    if alias == "playBeep":
        return rng.choice(list(m.PlayBeep))
    if alias == "record":
        if command == "CreateConference":
            return rng.random() < 0.5
        kwargs = {}
        if rng.random() < 0.7:
            kwargs["save_recording"] = rng.random() < 0.5
        if rng.random() < 0.7:
            kwargs["max_length_sec"] = rng.randint(1, 60)
        if rng.random() < 0.7:
            kwargs["rcrd_termination_silence_time_ms"] = rng.randint(1, 3000)
        return m.TranscribeUtteranceRecord(**kwargs)
    if alias == "grammarType":
        return rng.choice(list(m.GrammarType))
    if alias == "grammarFile":
        if chosen.get("grammarType") == m.GrammarType.BUILT_IN:
            return rng.choice(list(m.GrammarFileBuiltIn)).value
        return url(rng, "grammar.grxml")
    if alias == "ifMachine":
        return rng.choice(list(m.IfMachine))
    if alias in ("confidenceThreshold", "sensitivityLevel"):
        return rng.choice([rng.random(), round(rng.random(), 2), 0, 1, 0.5, 1e-05])
    if alias == "prompts":
        return [prompt(rng) for _ in range(rng.randint(0, 4))]
    if alias == "maxDigits":
        return rng.randint(1, 20)
    if alias == "minDigits":
        # The SDK orders maxDigits first; FreeClimb needs minDigits <= maxDigits (16 when absent).
        return rng.randint(0, min(4, chosen.get("maxDigits", 16)))
    if alias == "length":
        return rng.randint(1, 10000)
    if alias == "loop":
        return rng.randint(0, 5)
    if alias == "pauseMs":
        # Outside 100-1000 FreeClimb clamps: conflab warns, and the script stays valid.
        return rng.choice([rng.randint(100, 1000), 50, 2000])
    if alias == "timeout":
        return rng.randint(1, 120)
    if alias == "maxLengthSec":
        return rng.randint(1, 3600)
    if alias.endswith("Ms"):
        return rng.randint(0, 60000)
    raise KeyError("no generator for %s.%s" % (command, alias))


def annotation_kind(annotation):
    """bool, int, float, str, list, enum or model, for an attribute's (optional) annotation."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    base = args[0]
    while typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if typing.get_origin(base) in (list, typing.List):
        return "list"
    if typing.get_origin(base) in (dict, typing.Dict):
        return "dict"
    if len(args) > 1 and all(typing.get_args(a) and typing.get_args(a)[0] in (int, float) for a in args):
        return "float"
    if isinstance(base, type):
        if issubclass(base, bool):
            return "bool"
        if issubclass(base, int):
            return "int"
        if issubclass(base, float):
            return "float"
        if issubclass(base, str) and base is not str:
            return "enum"
        if issubclass(base, str):
            return "str"
        if issubclass(base, pydantic.BaseModel):
            return "model"
    return "str"


# Python names: AudioStream.meta_data cannot be serialised by this SDK version (to_json treats every list as
# nested commands and raises AttributeError), so SDK-generated scripts never carry it.
UNSERIALISABLE = {("AudioStream", "metaData")}


def build(command, rng, which):
    """kwargs for `command`: "required" only, "all" attributes, or "random" optional ones."""
    cls = getattr(m, command)
    chosen = {}
    kwargs = {}
    for name, alias, _ann, required in fields(cls):
        if (command, alias) in UNSERIALISABLE:
            continue
        take = required or which == "all" or (which == "random" and rng.random() < 0.5)
        if command == "OutDial" and alias == "ifMachineUrl":
            take = chosen.get("ifMachine") == m.IfMachine.REDIRECT
        if command == "OutDial" and alias == "ifMachine" and which == "all":
            chosen[alias] = kwargs[name] = m.IfMachine.REDIRECT
            continue
        if take:
            chosen[alias] = kwargs[name] = value(rng, command, alias, chosen)
    return kwargs


def optional(rng, cls, kwargs, command):
    """Adds random optional attributes to kwargs (for nested prompts)."""
    for name, alias, _ann, required in fields(cls):
        if not required and rng.random() < 0.4:
            kwargs[name] = value(rng, command, alias, kwargs)
    return kwargs


def script(*commands):
    return m.PerclScript(commands=list(commands)).to_json()


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 20260603
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(seed)
    out = {"sdk_version": version("freeclimb"), "minimal": [], "full": [], "random": [], "rejected": []}
    minimal_dicts = {}

    for command in COMMANDS:
        cls = getattr(m, command)
        s = script(cls(**build(command, rng, "required")))
        out["minimal"].append({"name": command + " (required only)", "script": s})
        minimal_dicts[command] = json.loads(s)[0][command]
        full = build(command, rng, "all")
        out["full"].append({"name": command + " (all attributes)", "script": script(cls(**full))})

    for i in range(count):
        commands = []
        for _ in range(rng.randint(1, 8)):
            command = rng.choice(COMMANDS)
            cls = getattr(m, command)
            kwargs = build(command, rng, "random")
            if command in ("GetDigits", "GetSpeech", "TranscribeUtterance") and rng.random() < 0.8:
                kwargs["prompts"] = [prompt(rng) for _ in range(rng.randint(1, 4))]
            commands.append(cls(**kwargs))
        out["random"].append({"name": "random %d (seed %d)" % (i, seed), "script": script(*commands)})

    def reject(command, kind, attribute, sdk_call, wire, pointer):
        """Records a case after making sure the SDK refuses it."""
        try:
            sdk_call()
        except (pydantic.ValidationError, ValueError, TypeError):
            out["rejected"].append({
                "name": "%s: %s %s" % (command, kind, attribute), "kind": kind, "attribute": attribute,
                "script": json.dumps([{command: wire}]), "pointer": pointer,
            })
            return
        raise SystemExit("the SDK accepted %s %s of %s; the generator is wrong" % (kind, attribute, command))

    wrong = {"str": 123, "enum": 5, "bool": "yes", "int": "5", "float": "0.5", "list": "not-a-list",
             "dict": "not-an-object", "model": "not-an-object"}
    for command in COMMANDS:
        cls = getattr(m, command)
        base_kwargs = build(command, random.Random(seed), "required")
        base_wire = minimal_dicts[command]
        for name, alias, ann, required in fields(cls):
            pointer = "/0/%s/%s" % (command, alias)
            if required:
                kw = {k: v for k, v in base_kwargs.items() if k != name}
                wire = {k: v for k, v in base_wire.items() if k != alias}
                reject(command, "missing", alias, lambda: cls(**kw), wire, "/0/" + command)
                kw = dict(base_kwargs, **{name: None})
                reject(command, "null", alias, lambda: cls(**kw), dict(base_wire, **{alias: None}), pointer)
            kind = annotation_kind(ann)
            bad = wrong[kind]
            kw = dict(base_kwargs, **{name: bad})
            reject(command, "wrong type", alias, lambda: cls(**kw), dict(base_wire, **{alias: bad}), pointer)
            if kind == "enum":
                bad = {"playBeep": "Always", "grammarType": "builtin", "ifMachine": "Hangup"}[alias]
                kw = dict(base_kwargs, **{name: bad})
                reject(command, "bad enum", alias, lambda: cls(**kw), dict(base_wire, **{alias: bad}), pointer)

    # Nested objects: Say.engine and TranscribeUtterance.record.
    for name, alias, ann, _required in fields(m.TTSEngine):
        kind = annotation_kind(ann)
        for label, bad in [("wrong type", wrong[kind])] + ([("bad enum", "neural")] if kind == "enum" else []):
            wire = {"text": "hi", "engine": {alias: bad}, "loop": 1}
            reject("Say", label, "engine." + alias, lambda: m.TTSEngine(**{name: bad}), wire, "/0/Say/engine/" + alias)
    for name, alias, ann, _required in fields(m.TranscribeUtteranceRecord):
        kind = annotation_kind(ann)
        cases = [("wrong type", wrong[kind])]
        if alias == "maxLengthSec":
            cases += [("out of range", 0), ("out of range", 61)]
        if alias == "rcrdTerminationSilenceTimeMs":
            cases += [("out of range", 0), ("out of range", 3001)]
        for label, bad in cases:
            wire = {"actionUrl": "https://app.example.com/t", "playBeep": False, "record": {alias: bad},
                    "privacyForLogging": False, "privacyForRecording": False}
            reject("TranscribeUtterance", label, "record." + alias, lambda: m.TranscribeUtteranceRecord(**{name: bad}),
                   wire, "/0/TranscribeUtterance/record/" + alias)

    # The documented quirk: the SDK cannot serialise AudioStream.metaData. Confirm it, so that a fixed SDK is
    # noticed, and hand the wire form to conflab as a valid script.
    try:
        script(m.AudioStream(location="grpc.example.com:443", meta_data=["a", "b"]))
        out["audio_stream_meta_data_quirk"] = False
    except AttributeError:
        out["audio_stream_meta_data_quirk"] = True
    out["hand_built_valid"] = [{"name": "AudioStream with metaData (hand-built: the SDK cannot write it)",
                                "script": json.dumps([{"AudioStream": {"location": "grpc.example.com:443",
                                                                       "actionUrl": "https://app.example.com/a",
                                                                       "metaData": ["a", "b"]}}])}]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
