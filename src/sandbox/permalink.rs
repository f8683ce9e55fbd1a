//! Permalinks: a scenario packed into the page's URL fragment, so a session can be shared as a link.
//!
//! The page's fragment is `#s=` followed by [`encode`]'s output, `#s=s1.<base64url>`:
//!
//! - `s1.` is the format's version tag, so a later format can be told apart from this one (and an old page can say
//!   it does not know a newer link instead of reading garbage);
//! - the rest is the scenario's JSON text, compressed with raw DEFLATE (RFC 1951: no zlib or gzip header, which
//!   would only add bytes) and written as base64url without padding (RFC 4648 §5: only `A–Z a–z 0–9 - _`, so it
//!   needs no percent-encoding in a URL and survives being pasted into chat and mail).
//!
//! The fragment is never sent to a server, so the scenario stays in the browser, and a link's length is bounded
//! only by what the browser keeps in a URL (Chromium keeps up to 2 MB; a typical scenario's link is under 1 KB).
//!
//! [`decode`] is the inverse. A link is outside input (anyone can write one), so it never panics and never
//! allocates without bound: inflating stops at [`crate::scenario::MAX_SOURCE_BYTES`], the largest scenario conflab
//! reads anyway, so a small link that would inflate to gigabytes (a "zip bomb") is refused after at most 4 MiB.
//! The text it returns is not checked as a scenario: `crate::scenario::parse` does that, with line:column.
//!
//! Natively the DEFLATE codec is `miniz_oxide`. The page ([`browser`], wasm32 only) uses the browser's own raw
//! DEFLATE (`CompressionStream` / `DecompressionStream` with `"deflate-raw"`) instead of compiling an inflater
//! and a compressor into the app: the format is the same, so a link made by either opens in the other, and the
//! browser's inflating is bounded the same way (it stops reading past the limit).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
#[cfg(not(target_arch = "wasm32"))]
use miniz_oxide::inflate::TINFLStatus;
use std::fmt;

/// The version tag of the current format, the part of a payload before its first `.`.
pub const VERSION: &str = "s1";

/// What comes before [`encode`]'s output in the page's URL: the fragment is `#s=<encoded>`.
pub const FRAGMENT_PREFIX: &str = "#s=";

/// DEFLATE's best ratio: a scenario is a few kilobytes, so even the slowest level is quick, and every byte saved
/// shortens the link. (The browser's `CompressionStream` has no level: it uses zlib's default.)
#[cfg(not(target_arch = "wasm32"))]
const LEVEL: u8 = 9;

/// The longest version tag quoted back in an error message (the tag comes from outside and may be huge).
const MAX_QUOTED_TAG: usize = 16;

/// Why a fragment payload is not a scenario's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PermalinkError {
    /// The payload does not start with a version tag this page knows (`s1.`).
    UnknownVersion {
        /// The tag found (up to its first `.`, shortened if long), empty when there is none.
        tag: String,
    },
    /// The payload after the tag is not base64url text without padding.
    NotBase64Url {
        /// The byte offset of the problem in the payload given to [`decode`] (tag included).
        offset: usize,
        /// The offending byte, or `None` when the text ends where a character is missing (it was cut).
        byte: Option<u8>,
    },
    /// The decoded bytes are not raw DEFLATE data.
    NotDeflate {
        /// True when the data ends early (the link was cut), false when it is corrupt.
        truncated: bool,
    },
    /// The data inflates to more than a scenario may be.
    TooLarge {
        /// The limit, in bytes ([`crate::scenario::MAX_SOURCE_BYTES`]).
        limit: usize,
    },
    /// The inflated bytes are not UTF-8 text.
    NotUtf8 {
        /// The byte offset of the first invalid byte in the inflated text.
        offset: usize,
    },
}

impl fmt::Display for PermalinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownVersion { tag } if tag.is_empty() => write!(
                f,
                "this link has no scenario version tag (it should start with \"#s={VERSION}.\"): it was probably \
                 edited or cut; copy the whole link again"
            ),
            Self::UnknownVersion { tag } => write!(
                f,
                "this link's scenario has version \"{tag}\", and this page reads only \"{VERSION}\": open it with \
                 the conflab version that made it, or copy the whole link again if it was edited"
            ),
            Self::NotBase64Url {
                offset,
                byte: Some(byte),
            } => write!(
                f,
                "this link's scenario is damaged: byte {offset} of the fragment after \"#s=\" is {}, and only \
                 A-Z, a-z, 0-9, '-' and '_' may follow \"{VERSION}.\"; copy the whole link again",
                describe_byte(*byte)
            ),
            Self::NotBase64Url { offset, byte: None } => write!(
                f,
                "this link's scenario is cut short: it ends at byte {offset} of the fragment after \"#s=\" in the \
                 middle of a character group; copy the whole link again"
            ),
            Self::NotDeflate { truncated: true } => write!(
                f,
                "this link's scenario is cut short (its compressed data ends early); copy the whole link again"
            ),
            Self::NotDeflate { truncated: false } => write!(
                f,
                "this link's scenario is damaged (its compressed data is not valid DEFLATE); copy the whole link \
                 again"
            ),
            Self::TooLarge { limit } => write!(
                f,
                "this link's scenario is larger than {limit} bytes once uncompressed, the most conflab reads; \
                 share a smaller scenario"
            ),
            Self::NotUtf8 { offset } => write!(
                f,
                "this link's scenario is not UTF-8 text (byte {offset} of the uncompressed scenario is invalid); \
                 it was not made by conflab, so ask for the scenario file instead"
            ),
        }
    }
}

impl std::error::Error for PermalinkError {}

/// A byte for a message: the character when it is printable ASCII, its hex value otherwise.
fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() || byte == b' ' {
        format!("'{}'", char::from(byte))
    } else {
        format!("0x{byte:02x}")
    }
}

/// Packs a scenario's JSON text into a fragment payload: `s1.` + base64url(raw DEFLATE(text)), without padding.
///
/// The page's URL is then `…#s=<this>` ([`FRAGMENT_PREFIX`]). Any text round-trips through [`decode`] as long as
/// it is at most [`crate::scenario::MAX_SOURCE_BYTES`] long.
#[cfg(not(target_arch = "wasm32"))]
pub fn encode(scenario_json: &str) -> String {
    pack(&miniz_oxide::deflate::compress_to_vec(
        scenario_json.as_bytes(),
        LEVEL,
    ))
}

/// Unpacks a fragment payload (what follows `#s=`) made by [`encode`] back into the scenario's JSON text.
///
/// Never panics, and never allocates more than [`crate::scenario::MAX_SOURCE_BYTES`] of inflated output.
#[cfg(not(target_arch = "wasm32"))]
pub fn decode(fragment_payload: &str) -> Result<String, PermalinkError> {
    let compressed = unpack(fragment_payload)?;
    let limit = crate::scenario::MAX_SOURCE_BYTES;
    let inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, limit).map_err(
        |error| match error.status {
            TINFLStatus::HasMoreOutput => PermalinkError::TooLarge { limit },
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                PermalinkError::NotDeflate { truncated: true }
            }
            _ => PermalinkError::NotDeflate { truncated: false },
        },
    )?;
    text(inflated)
}

/// The payload for raw DEFLATE data: the version tag, a `.`, and the data as base64url without padding.
fn pack(compressed: &[u8]) -> String {
    let mut out = String::with_capacity(VERSION.len() + 1 + compressed.len().div_ceil(3) * 4);
    out.push_str(VERSION);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(compressed, &mut out);
    out
}

/// The raw DEFLATE data of a payload, after checking its version tag and its base64url text.
fn unpack(fragment_payload: &str) -> Result<Vec<u8>, PermalinkError> {
    let Some((tag, data)) = fragment_payload.split_once('.') else {
        return Err(unknown_version(fragment_payload));
    };
    if tag != VERSION {
        return Err(unknown_version(tag));
    }
    // Offsets in errors count from the start of the payload, which is what a user sees after "#s=".
    let base = tag.len() + 1;
    let compressed = URL_SAFE_NO_PAD
        .decode(data)
        .map_err(|error| base64_error(error, data, base))?;
    // Even empty text deflates to a non-empty stream, so zero bytes are never a permalink. (Refusing here also keeps
    // an empty buffer away from the inflater, whose output buffer starts at twice the input's length.)
    if compressed.is_empty() {
        return Err(PermalinkError::NotDeflate { truncated: true });
    }
    Ok(compressed)
}

/// The inflated bytes as text.
fn text(inflated: Vec<u8>) -> Result<String, PermalinkError> {
    String::from_utf8(inflated).map_err(|error| PermalinkError::NotUtf8 {
        offset: error.utf8_error().valid_up_to(),
    })
}

/// The error for a tag this page does not read, quoting at most [`MAX_QUOTED_TAG`] characters of it.
fn unknown_version(tag: &str) -> PermalinkError {
    let mut quoted: String = tag.chars().take(MAX_QUOTED_TAG).collect();
    if quoted.len() < tag.len() {
        quoted.push('…');
    }
    PermalinkError::UnknownVersion { tag: quoted }
}

/// Places a base64 error in the payload: `data` is the text after the tag, which starts at byte `base`.
fn base64_error(error: base64::DecodeError, data: &str, base: usize) -> PermalinkError {
    let (offset, byte) = match error {
        base64::DecodeError::InvalidByte(offset, byte)
        | base64::DecodeError::InvalidLastSymbol(offset, byte) => (offset, Some(byte)),
        // One character too few or too many in the last group of four: the link ends where one is missing.
        base64::DecodeError::InvalidLength(_) => (data.len(), None),
        // Padding is never written, so an '=' is the problem wherever it is.
        base64::DecodeError::InvalidPadding => match data.find('=') {
            Some(offset) => (offset, Some(b'=')),
            None => (data.len(), None),
        },
    };
    PermalinkError::NotBase64Url {
        offset: base + offset,
        byte,
    }
}

/// The page's codec: the same format as [`encode`] and [`decode`], with the browser's own raw DEFLATE
/// (`CompressionStream` / `DecompressionStream`, `"deflate-raw"`), which is asynchronous.
#[cfg(target_arch = "wasm32")]
pub mod browser {
    use super::{PermalinkError, pack, text, unpack};
    use js_sys::{Array, Uint8Array};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Blob, ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult,
        ReadableWritablePair, Response,
    };

    #[wasm_bindgen]
    extern "C" {
        // web-sys has these only behind `web_sys_unstable_apis`; both are a `ReadableWritablePair` for pipeThrough.
        #[wasm_bindgen(js_name = CompressionStream)]
        type CompressionStream;
        #[wasm_bindgen(constructor, catch, js_class = "CompressionStream")]
        fn new(format: &str) -> Result<CompressionStream, JsValue>;

        #[wasm_bindgen(js_name = DecompressionStream)]
        type DecompressionStream;
        #[wasm_bindgen(constructor, catch, js_class = "DecompressionStream")]
        fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    }

    /// The browser's name for raw DEFLATE (RFC 1951, no header), what [`super::encode`] writes.
    const FORMAT: &str = "deflate-raw";

    /// [`super::encode`] in the page: the payload for `#s=`. Fails only when the browser has no raw DEFLATE.
    pub async fn encode(scenario_json: &str) -> Result<String, JsValue> {
        let parts = Array::of1(&JsValue::from_str(scenario_json));
        let stream = Blob::new_with_str_sequence(&parts)?
            .stream()
            .pipe_through(CompressionStream::new(FORMAT)?.unchecked_ref::<ReadableWritablePair>());
        let buffer =
            JsFuture::from(Response::new_with_opt_readable_stream(Some(&stream))?.array_buffer()?)
                .await?;
        Ok(pack(&Uint8Array::new(&buffer).to_vec()))
    }

    /// [`super::decode`] in the page, with the same errors and the same bound: the inflated stream is read a chunk
    /// at a time and cancelled as soon as it passes [`crate::scenario::MAX_SOURCE_BYTES`].
    pub async fn decode(fragment_payload: &str) -> Result<String, PermalinkError> {
        let compressed = unpack(fragment_payload)?;
        let limit = crate::scenario::MAX_SOURCE_BYTES;
        let reader =
            inflating(&compressed).map_err(|_| PermalinkError::NotDeflate { truncated: false })?;
        let mut inflated = Vec::new();
        loop {
            let chunk: ReadableStreamReadResult = match JsFuture::from(reader.read()).await {
                Ok(chunk) => chunk.unchecked_into(),
                Err(error) => return Err(not_deflate(&error)),
            };
            if chunk.get_done().unwrap_or(true) {
                break;
            }
            let bytes: Uint8Array = chunk.get_value().unchecked_into();
            if inflated.len() + bytes.length() as usize > limit {
                // Stop the inflater: nothing past the limit is produced or kept.
                let _ = reader.cancel();
                return Err(PermalinkError::TooLarge { limit });
            }
            let at = inflated.len();
            inflated.resize(at + bytes.length() as usize, 0);
            bytes.copy_to(&mut inflated[at..]);
        }
        text(inflated)
    }

    /// A reader of `compressed` inflated.
    fn inflating(compressed: &[u8]) -> Result<ReadableStreamDefaultReader, JsValue> {
        let parts = Array::of1(&Uint8Array::from(compressed));
        let stream: ReadableStream = Blob::new_with_u8_array_sequence(&parts)?
            .stream()
            .pipe_through(
                DecompressionStream::new(FORMAT)?.unchecked_ref::<ReadableWritablePair>(),
            );
        Ok(stream.get_reader().unchecked_into())
    }

    /// The browser's refusal of the data as a [`PermalinkError`]: it says "truncated" when the data ends early
    /// (Chromium: "Compressed input was truncated."), anything else is corrupt data.
    fn not_deflate(error: &JsValue) -> PermalinkError {
        let message = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        PermalinkError::NotDeflate {
            truncated: message.contains("truncated"),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::scenario::MAX_SOURCE_BYTES;
    use miniz_oxide::deflate::core::{
        CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
    };
    use proptest::prelude::*;
    use std::path::Path;

    /// The golden scenario files, by name.
    fn scenario_files() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("tests/scenarios is readable")
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("a scenario file is UTF-8");
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    text,
                )
            })
            .collect();
        files.sort();
        files
    }

    /// Base64url of raw bytes, tagged: a payload whose only problem is in its bytes.
    fn tagged(bytes: &[u8]) -> String {
        format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    #[test]
    fn every_golden_scenario_round_trips() {
        let files = scenario_files();
        assert!(
            files.len() > 20,
            "only {} scenario files found",
            files.len()
        );
        for (name, text) in &files {
            let encoded = encode(text);
            assert!(encoded.starts_with("s1."), "{name}: {encoded}");
            assert!(
                encoded
                    .bytes()
                    .skip(3)
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{name}: {encoded}"
            );
            assert_eq!(decode(&encoded).as_deref(), Ok(text.as_str()), "{name}");
        }
    }

    #[test]
    fn audio_lifecycle_compresses_below_six_tenths() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/audio_lifecycle.json");
        let text = std::fs::read_to_string(path).unwrap();
        let encoded = encode(&text);
        // The ratio a user sees: the link's payload against the file.
        let ratio = encoded.len() as f64 / text.len() as f64;
        eprintln!(
            "audio_lifecycle.json: {} bytes -> {} bytes of fragment payload (ratio {ratio:.3})",
            text.len(),
            encoded.len()
        );
        assert!(ratio < 0.6, "ratio {ratio}");
    }

    /// A link the page made (Chromium's `CompressionStream("deflate-raw")`, zlib's default level, not level 9) of
    /// tests/scenarios/redirect-limit.json. tests/web.rs checks the other way: a link made here opens in the page.
    const BROWSER_LINK: &str = "s1.fZAxDsMgDEX3nAJ5bdQkA0vW3qBSpyoDIa6KSgICp0vE3WtIhy6pJ_wN7_uzVUJARJygF52sc7es84ghsrDBqZNStl2bqwhvZzTeguUGnkQ-9k2jvD8TRmqscx5q5pGiNV6UtaPSr6PbmucRUiqmrGY-H8URuBf3Da44mYCayjJKk3HL321SGpi5e0RCn2Pdiws_z5SW952MsgX4CG7OrG_sUjkQuR91_4yUmDJUqfoA";

    #[test]
    fn a_link_made_by_the_browser_opens_natively() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/redirect-limit.json");
        let text = std::fs::read_to_string(path).unwrap();
        assert_eq!(decode(BROWSER_LINK).as_deref(), Ok(text.as_str()));
    }

    #[test]
    fn empty_text_round_trips() {
        assert_eq!(decode(&encode("")).as_deref(), Ok(""));
    }

    #[test]
    fn a_payload_of_exactly_the_limit_round_trips() {
        let text = "x".repeat(MAX_SOURCE_BYTES);
        assert_eq!(
            decode(&encode(&text)).map(|t| t.len()),
            Ok(MAX_SOURCE_BYTES)
        );
        let over = "x".repeat(MAX_SOURCE_BYTES + 1);
        assert_eq!(
            decode(&encode(&over)),
            Err(PermalinkError::TooLarge {
                limit: MAX_SOURCE_BYTES
            })
        );
    }

    #[test]
    fn unknown_versions_are_refused_and_named() {
        let payload = encode("{}");
        let later = payload.replacen("s1.", "s2.", 1);
        let error = decode(&later).unwrap_err();
        assert_eq!(error, PermalinkError::UnknownVersion { tag: "s2".into() });
        assert!(error.to_string().contains("\"s2\""), "{error}");

        assert_eq!(
            decode("no-dot-at-all"),
            Err(PermalinkError::UnknownVersion {
                tag: "no-dot-at-all".into()
            })
        );
        assert_eq!(
            decode(""),
            Err(PermalinkError::UnknownVersion { tag: String::new() })
        );
        assert!(
            decode("")
                .unwrap_err()
                .to_string()
                .contains("no scenario version tag")
        );

        // A long tag is quoted shortened, so an error message stays short.
        let long = format!("{}.{}", "é".repeat(1000), "AAAA");
        let PermalinkError::UnknownVersion { tag } = decode(&long).unwrap_err() else {
            panic!()
        };
        assert_eq!(tag, format!("{}…", "é".repeat(MAX_QUOTED_TAG)));
    }

    #[test]
    fn base64_problems_give_the_byte_offset_in_the_payload() {
        let good = encode(r#"{"seed": 1}"#);
        // A character outside base64url, at byte 8 of the payload.
        let mut bad = good.clone();
        bad.replace_range(8..9, "+");
        let error = decode(&bad).unwrap_err();
        assert_eq!(
            error,
            PermalinkError::NotBase64Url {
                offset: 8,
                byte: Some(b'+')
            }
        );
        assert!(
            error.to_string().contains("byte 8") && error.to_string().contains("'+'"),
            "{error}"
        );

        // A non-ASCII character is shown as its first byte.
        let error = decode("s1.AAé").unwrap_err();
        assert_eq!(
            error,
            PermalinkError::NotBase64Url {
                offset: 5,
                byte: Some(0xc3)
            }
        );
        assert!(error.to_string().contains("0xc3"), "{error}");

        // Padding is never written, so '=' is refused where it is.
        let error = decode("s1.AA==").unwrap_err();
        assert!(
            matches!(
                error,
                PermalinkError::NotBase64Url {
                    byte: Some(b'='),
                    ..
                }
            ),
            "{error:?}"
        );

        // One character alone in its last group of four: the link was cut.
        let error = decode("s1.AAAAA").unwrap_err();
        assert_eq!(
            error,
            PermalinkError::NotBase64Url {
                offset: 8,
                byte: None
            }
        );
        assert!(error.to_string().contains("cut short"), "{error}");

        // A last character whose spare bits are set cannot come from an encoder.
        let error = decode("s1.AB").unwrap_err();
        assert_eq!(
            error,
            PermalinkError::NotBase64Url {
                offset: 4,
                byte: Some(b'B')
            }
        );
    }

    #[test]
    fn data_that_is_not_deflate_is_refused() {
        // Block type 3 is reserved in DEFLATE: corrupt from the first byte.
        let error = decode(&tagged(&[0xff, 0xff, 0xff, 0xff])).unwrap_err();
        assert_eq!(error, PermalinkError::NotDeflate { truncated: false });
        assert!(error.to_string().contains("not valid DEFLATE"), "{error}");

        // A real stream cut in half ends early.
        let full = miniz_oxide::deflate::compress_to_vec(b"{\"seed\": 1, \"steps\": []}", LEVEL);
        let error = decode(&tagged(&full[..full.len() / 2])).unwrap_err();
        assert_eq!(error, PermalinkError::NotDeflate { truncated: true });
        assert!(error.to_string().contains("cut short"), "{error}");

        // Nothing after the tag.
        assert_eq!(
            decode("s1."),
            Err(PermalinkError::NotDeflate { truncated: true })
        );
    }

    #[test]
    fn inflated_bytes_that_are_not_utf8_are_refused_with_their_offset() {
        let bytes = b"{\"a\": \"\xff\"}";
        let error = decode(&tagged(&miniz_oxide::deflate::compress_to_vec(
            bytes, LEVEL,
        )))
        .unwrap_err();
        assert_eq!(error, PermalinkError::NotUtf8 { offset: 7 });
        assert!(error.to_string().contains("byte 7"), "{error}");
    }

    /// Raw DEFLATE of `total` zero bytes, compressed from a stream of small chunks so the zeros are never in memory
    /// at once (only the compressed output is: about 1 byte per 1,000).
    fn deflated_zeros(total: usize) -> Vec<u8> {
        const CHUNK: usize = 1 << 16;
        let zeros = [0u8; CHUNK];
        // Level 9 packs a run of zeros densest (about 1,000 to 1); window_bits 0 means raw DEFLATE (no zlib header), as `encode` writes.
        let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(9, 0, 0));
        let mut out = Vec::new();
        let mut buf = vec![0u8; CHUNK];
        let mut left = total;
        loop {
            let take = left.min(CHUNK);
            let flush = if left == take {
                TDEFLFlush::Finish
            } else {
                TDEFLFlush::None
            };
            let mut input = &zeros[..take];
            loop {
                let (status, consumed, produced) =
                    compress(&mut compressor, input, &mut buf, flush);
                out.extend_from_slice(&buf[..produced]);
                input = &input[consumed..];
                match status {
                    TDEFLStatus::Done => return out,
                    // Without Finish, a chunk is done once it is all taken; with it, only Done ends the stream.
                    TDEFLStatus::Okay if input.is_empty() && flush == TDEFLFlush::None => break,
                    TDEFLStatus::Okay => {}
                    other => panic!("compressor failed: {other:?}"),
                }
            }
            left -= take;
        }
    }

    #[test]
    fn a_zip_bomb_is_refused_without_inflating_it() {
        let bomb = deflated_zeros(100_000_000);
        let payload = tagged(&bomb);
        eprintln!(
            "100 MB of zeros: {} bytes of DEFLATE, a {}-byte payload",
            bomb.len(),
            payload.len()
        );
        assert!(payload.len() < 200_000, "{}", payload.len());
        let error = decode(&payload).unwrap_err();
        assert_eq!(
            error,
            PermalinkError::TooLarge {
                limit: MAX_SOURCE_BYTES
            }
        );
        assert!(
            error.to_string().contains(&MAX_SOURCE_BYTES.to_string()),
            "{error}"
        );
    }

    proptest! {
        #[test]
        fn any_text_round_trips(text in any::<String>()) {
            let encoded = encode(&text);
            prop_assert_eq!(decode(&encoded), Ok(text));
        }
    }

    /// Inputs for the fuzz-style test: arbitrary text, tagged text of base64url characters, tagged base64url of
    /// arbitrary bytes (which reaches the inflater), and real permalinks with one byte changed.
    fn hostile_payload() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            "s1\\.[A-Za-z0-9_=+/.-]{0,200}",
            proptest::collection::vec(any::<u8>(), 0..256).prop_map(|b| tagged(&b)),
            (any::<String>(), any::<prop::sample::Index>(), any::<u8>()).prop_map(
                |(text, at, byte)| {
                    let mut bytes = URL_SAFE_NO_PAD.decode(&encode(&text)[3..]).unwrap();
                    let i = at.index(bytes.len());
                    bytes[i] ^= byte.max(1);
                    tagged(&bytes)
                }
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// Decode is fed links from anyone: whatever it gets, it answers Ok or Err and never panics.
        #[test]
        fn decode_never_panics(payload in hostile_payload()) {
            if let Err(error) = decode(&payload) {
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }
}
