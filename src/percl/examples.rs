//! Working example scripts for the UI's example menu: one per conference command, then a few call flows.
//! Each checks clean (no errors, no warnings); a test makes sure of it.

/// One example: a menu title and the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// The menu entry.
    pub title: &'static str,
    /// The PerCL script, pretty-printed for reading.
    pub script: &'static str,
}

/// Every example, conference commands first.
pub const EXAMPLES: &[Example] = &[
    Example {
        title: "CreateConference: create a conference, then join it",
        script: r##"[
  {"Say": {"text": "Creating your conference."}},
  {"CreateConference": {
    "actionUrl": "https://app.example.com/conference-created",
    "alias": "team-standup",
    "playBeep": "entryOnly",
    "record": true,
    "statusCallbackUrl": "https://app.example.com/conference-status"
  }}
]"##,
    },
    Example {
        title: "AddToConference: join as the moderator (returned from actionUrl)",
        script: r##"[
  {"AddToConference": {
    "conferenceId": "CF0123456789abcdef0123456789abcdef01234567",
    "startConfOnEnter": true,
    "talk": true,
    "listen": true,
    "allowCallControl": true,
    "callControlSequence": "*9",
    "callControlUrl": "https://app.example.com/call-control",
    "leaveConferenceUrl": "https://app.example.com/left"
  }}
]"##,
    },
    Example {
        title: "RemoveFromConference: leave the conference (callControl response)",
        script: r##"[
  {"RemoveFromConference": {}}
]"##,
    },
    Example {
        title: "TerminateConference: end the conference for everyone",
        script: r##"[
  {"TerminateConference": {}}
]"##,
    },
    Example {
        title: "SetTalk: mute yourself (callControl response)",
        script: r##"[
  {"SetTalk": {"talk": false}}
]"##,
    },
    Example {
        title: "SetListen: stop hearing the conference (callControl response)",
        script: r##"[
  {"SetListen": {"listen": false}}
]"##,
    },
    Example {
        title: "SetDTMFPassThrough: keep your key presses private (callControl response)",
        script: r##"[
  {"SetDTMFPassThrough": {"dtmfPassThrough": false}}
]"##,
    },
    Example {
        title: "Menu: ask for a conference PIN with GetDigits",
        script: r##"[
  {"GetDigits": {
    "actionUrl": "https://app.example.com/pin",
    "minDigits": 4,
    "maxDigits": 6,
    "finishOnKey": "#",
    "prompts": [
      {"Say": {"text": "Welcome. Enter your conference PIN, then press pound.", "language": "en-US"}},
      {"Pause": {"length": 500}}
    ]
  }}
]"##,
    },
    Example {
        title: "Bridge: call someone and meet them in a conference",
        script: r##"[
  {"Say": {"text": "Connecting you now."}},
  {"OutDial": {
    "actionUrl": "https://app.example.com/outdial-started",
    "callConnectUrl": "https://app.example.com/outdial-connected",
    "callingNumber": "+18005550100",
    "destination": "+18005550199",
    "ifMachine": "hangup",
    "timeout": 30
  }}
]"##,
    },
    Example {
        title: "Voicemail: record a message, then hang up",
        script: r##"[
  {"Play": {"file": "https://app.example.com/audio/leave-a-message.wav"}},
  {"RecordUtterance": {
    "actionUrl": "https://app.example.com/recorded",
    "maxLengthSec": 60,
    "finishOnKey": "#",
    "playBeep": true
  }}
]"##,
    },
    Example {
        title: "Goodbye: say goodbye and hang up",
        script: r##"[
  {"Say": {"text": "Thanks for calling. Goodbye!", "loop": 1}},
  {"Hangup": {"reason": "finished"}}
]"##,
    },
];
