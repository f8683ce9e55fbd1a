//! The canonical form: a script serialised exactly as the official Python SDK (freeclimb 5.4.1) writes it.
//!
//! `PerclScript.to_json()` is `json.dumps` of the commands: `", "` and `": "` separators, non-ASCII escaped
//! as `\uXXXX`, floats in Python's `repr`, attributes in the SDK models' order, absent attributes left out,
//! and the defaults the SDK models carry filled in (`Say.loop: 1`; TranscribeUtterance `playBeep`,
//! `privacyForLogging`, `privacyForRecording`: false; its `record.saveRecording`: false,
//! `record.maxLengthSec`: 60). Unknown attributes are dropped (FreeClimb ignores them). Formatting is stable:
//! formatting the output again gives the same text.

use super::defaults as d;
use super::model::{Command, Script};
use serde::Serialize;
use std::io;

/// Serialises `script` in the SDK's wire form.
pub fn to_string(script: &Script) -> String {
    let mut script = script.clone();
    script.0.iter_mut().for_each(fill_sdk_defaults);
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    // Serialising the model into memory cannot fail: every map key is a string and every float finite.
    if script.serialize(&mut ser).is_err() {
        return String::new();
    }
    // The formatter writes only ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// Fills in the defaults the SDK models carry, so that the output equals what the SDK emits.
fn fill_sdk_defaults(command: &mut Command) {
    match command {
        Command::Say(say) => {
            say.r#loop.get_or_insert(d::LOOP);
        }
        Command::TranscribeUtterance(t) => {
            t.play_beep.get_or_insert(d::TRANSCRIBE_FLAGS);
            t.privacy_for_logging.get_or_insert(d::TRANSCRIBE_FLAGS);
            t.privacy_for_recording.get_or_insert(d::TRANSCRIBE_FLAGS);
            if let Some(r) = &mut t.record {
                r.save_recording.get_or_insert(d::TRANSCRIBE_SAVE_RECORDING);
                r.max_length_sec.get_or_insert(d::TRANSCRIBE_MAX_LENGTH_SEC);
            }
            t.prompts.iter_mut().flatten().for_each(fill_sdk_defaults);
        }
        Command::GetDigits(g) => g.prompts.iter_mut().flatten().for_each(fill_sdk_defaults),
        Command::GetSpeech(g) => g.prompts.iter_mut().flatten().for_each(fill_sdk_defaults),
        _ => {}
    }
}

/// serde_json output shaped like Python's `json.dumps` defaults.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(python_float_repr(value).as_bytes())
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        w.write_all(python_float_repr(f64::from(value)).as_bytes())
    }
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // ensure_ascii: everything beyond ASCII as \uXXXX, astral characters as surrogate pairs.
        let mut run = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            w.write_all(&fragment.as_bytes()[run..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(w, "\\u{unit:04x}")?;
            }
            run = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[run..])
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the decimal exponent
/// is from -4 to 15, otherwise scientific with a signed two-digit exponent (`1e-05`, `1.5e+16`).
///
/// ```
/// use conflab::percl::canonical::python_float_repr;
/// assert_eq!(python_float_repr(0.5), "0.5");
/// assert_eq!(python_float_repr(1.0), "1.0");
/// assert_eq!(python_float_repr(1e-5), "1e-05");
/// assert_eq!(python_float_repr(1e16), "1e+16");
/// assert_eq!(python_float_repr(123456.789), "123456.789");
/// ```
pub fn python_float_repr(value: f64) -> String {
    if !value.is_finite() {
        // Python's json.dumps writes these; the checker never lets them through.
        return if value.is_nan() {
            "NaN".into()
        } else if value > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{value:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            let (int, frac) = if digits.len() > int_len {
                (digits[..int_len].to_owned(), digits[int_len..].to_owned())
            } else {
                (
                    format!("{digits}{}", "0".repeat(int_len - digits.len())),
                    "0".to_owned(),
                )
            };
            format!("{sign}{int}.{frac}")
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{dot}e{esign}{:02}", exp.abs())
    }
}
