//! A small JSON parser that remembers where every value and key came from.
//!
//! `serde_json::Value` forgets positions, but every PerCL diagnostic needs a line and column, so the checker
//! parses with this instead. Strings without escapes borrow from the source (no allocation), numbers keep their
//! exact text (the checker decides what a number means for each attribute), and objects keep their members in
//! source order, duplicates included (the checker reports them).
//!
//! Limits make adversarial input cheap: nesting deeper than [`MAX_DEPTH`] stops the parse with an error instead
//! of overflowing the stack. (The size limit is enforced by the caller, see [`super::MAX_SOURCE_BYTES`].)

use std::borrow::Cow;

/// How deeply arrays and objects may nest. A PerCL script needs about 8 levels (script, command, attributes,
/// prompts, command, attributes, engine, parameters); the rest is room for TTS engine parameters.
pub const MAX_DEPTH: usize = 64;

/// A byte range `start..end` in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

/// Turns byte offsets into 1-based line and column (columns count characters, not bytes), in one pass over
/// the source for offsets given in increasing order.
#[derive(Clone, Copy, Debug)]
pub struct LineColumn {
    pos: usize,
    line: usize,
    column: usize,
}

impl Default for LineColumn {
    fn default() -> Self {
        LineColumn {
            pos: 0,
            line: 1,
            column: 1,
        }
    }
}

impl LineColumn {
    /// Line and column of byte `offset` (clamped to the source). Offsets must not decrease between calls; a
    /// smaller one gets the position already reached.
    pub fn at(&mut self, source: &[u8], offset: usize) -> (usize, usize) {
        let target = offset.min(source.len());
        for &b in source.get(self.pos..target).unwrap_or(&[]) {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                // Count characters, not UTF-8 continuation bytes.
                self.column += 1;
            }
        }
        self.pos = target.max(self.pos);
        (self.line, self.column)
    }
}

impl Span {
    fn new(start: usize, end: usize) -> Self {
        // The caller refuses sources over MAX_SOURCE_BYTES (far below u32::MAX), so offsets fit.
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// A JSON value with the span of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Value<'a> {
    /// Where the value is written, from its first to its last byte.
    pub span: Span,
    /// What the value is.
    pub kind: Kind<'a>,
}

/// The kinds of JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written (already checked against the JSON number grammar).
    Number(&'a str),
    /// A string, with escapes resolved.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object, members in source order, duplicates kept.
    Object(Vec<Member<'a>>),
}

impl Kind<'_> {
    /// The name of this kind, as a learner would say it ("a string", "an object").
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// One `"key": value` member of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member<'a> {
    /// The key, with escapes resolved.
    pub key: Cow<'a, str>,
    /// Where the key is written, quotes included.
    pub key_span: Span,
    /// The value.
    pub value: Value<'a>,
}

/// One step of a path into a JSON document, for JSON pointers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// An array index.
    Index(usize),
    /// An object key.
    Key(String),
}

/// What is wrong with the JSON text itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// The text ends in the middle of a value.
    UnexpectedEnd {
        /// What was expected there.
        expected: &'static str,
    },
    /// A character that cannot appear here.
    UnexpectedChar {
        /// The character found.
        found: char,
        /// What was expected there.
        expected: &'static str,
    },
    /// Something follows the complete top-level value.
    TrailingCharacters,
    /// A backslash escape that JSON does not define.
    InvalidEscape {
        /// The character after the backslash.
        found: char,
    },
    /// `\u` not followed by four hex digits.
    InvalidUnicodeEscape,
    /// A raw control character (U+0000 to U+001F) inside a string.
    ControlCharacter {
        /// The character's code.
        code: u8,
    },
    /// A number that does not follow JSON's grammar (`01`, `1.`, `-`, `1e`).
    InvalidNumber,
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A comma before `]` or `}` (JSON allows none).
    TrailingComma,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyntaxError::UnexpectedEnd { expected } => write!(f, "the JSON text ends early: expected {expected}"),
            SyntaxError::UnexpectedChar { found, expected } => {
                write!(f, "unexpected {} in JSON: expected {expected}", describe_char(*found))
            }
            SyntaxError::TrailingCharacters => {
                f.write_str("unexpected text after the end of the script: a PerCL script is one JSON array")
            }
            SyntaxError::InvalidEscape { found } => {
                write!(f, "invalid escape `\\{found}` in a JSON string: JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")
            }
            SyntaxError::InvalidUnicodeEscape => f.write_str("invalid `\\u` escape: it needs exactly four hex digits"),
            SyntaxError::ControlCharacter { code } => {
                write!(f, "raw control character U+{code:04X} in a JSON string: write it as an escape such as \\n or \\u{code:04x}")
            }
            SyntaxError::InvalidNumber => {
                f.write_str("invalid JSON number: write digits with an optional `-`, fraction and exponent (no leading zeros, no trailing `.`)")
            }
            SyntaxError::TooDeep => write!(f, "arrays and objects are nested more than {MAX_DEPTH} levels deep"),
            SyntaxError::TrailingComma => f.write_str("a comma before the closing bracket: JSON does not allow a trailing comma; remove it"),
        }
    }
}

fn describe_char(c: char) -> String {
    match c {
        '\u{feff}' => "byte order mark (save the file as UTF-8 without BOM)".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// A fatal syntax error: where it is and the path of containers around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What is wrong.
    pub error: SyntaxError,
    /// Where (often a single character).
    pub span: Span,
    /// The path from the root to the innermost container being parsed, for the JSON pointer.
    pub path: Vec<Segment>,
}

/// A problem that does not stop the parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Defect {
    /// A `\uD800`..`\uDFFF` escape without its other half; replaced by U+FFFD.
    LoneSurrogate {
        /// The escape's code unit.
        unit: u16,
    },
}

/// The result of [`parse`]: the value (absent after a fatal error) and every non-fatal defect.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The document, or the fatal syntax error.
    pub value: Result<Value<'a>, Failure>,
    /// Non-fatal problems with their spans, in source order.
    pub defects: Vec<(Defect, Span)>,
}

/// Parses `src` as one JSON value.
///
/// ```
/// use conflab::percl::json::{parse, Kind};
/// let parsed = parse(r#"[{"Say": {"text": "Hi"}}]"#);
/// let value = parsed.value.unwrap();
/// assert!(matches!(value.kind, Kind::Array(ref items) if items.len() == 1));
/// assert_eq!((value.span.start, value.span.end), (0, 25));
/// ```
pub fn parse(src: &str) -> Parsed<'_> {
    let mut p = Parser {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        depth: 0,
        defects: Vec::new(),
    };
    let value = p.document();
    Parsed {
        value,
        defects: p.defects,
    }
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    defects: Vec<(Defect, Span)>,
}

type PResult<T> = Result<T, Failure>;

impl<'a> Parser<'a> {
    fn document(&mut self) -> PResult<Value<'a>> {
        self.skip_ws();
        let value = self.value()?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.fail_here(SyntaxError::TrailingCharacters));
        }
        Ok(value)
    }

    fn fail(&self, error: SyntaxError, start: usize, end: usize) -> Failure {
        // Spans are used to slice the source (editors underline them), so both ends must be char boundaries.
        let mut end = end.clamp(start, self.src.len());
        while !self.src.is_char_boundary(end) {
            end += 1;
        }
        Failure {
            error,
            span: Span::new(start, end),
            path: Vec::new(),
        }
    }

    /// A failure at the current character (or at the end).
    fn fail_here(&self, error: SyntaxError) -> Failure {
        let end = self.src[self.pos..]
            .chars()
            .next()
            .map_or(self.pos, |c| self.pos + c.len_utf8());
        self.fail(error, self.pos, end)
    }

    fn unexpected(&self, expected: &'static str) -> Failure {
        match self.src[self.pos..].chars().next() {
            None => self.fail(SyntaxError::UnexpectedEnd { expected }, self.pos, self.pos),
            Some(found) => self.fail_here(SyntaxError::UnexpectedChar { found, expected }),
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> PResult<Value<'a>> {
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => {
                return Err(
                    self.unexpected("a value (object, array, string, number, true, false or null)")
                );
            }
        };
        Ok(Value {
            span: Span::new(start, self.pos),
            kind,
        })
    }

    fn literal(&mut self, word: &'static str, kind: Kind<'a>) -> PResult<Kind<'a>> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            // Point at the first character that differs.
            let same = self.bytes[self.pos..]
                .iter()
                .zip(word.as_bytes())
                .take_while(|(a, b)| a == b)
                .count();
            self.pos += same;
            Err(self.unexpected(match word {
                "true" => "`true`",
                "false" => "`false`",
                _ => "`null`",
            }))
        }
    }

    fn number(&mut self) -> PResult<Kind<'a>> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => {
                i += 1;
                if matches!(b.get(i), Some(b'0'..=b'9')) {
                    return Err(self.fail(SyntaxError::InvalidNumber, start, i + 1));
                }
            }
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(self.fail(SyntaxError::InvalidNumber, start, (i + 1).min(b.len()))),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let digits = i;
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            if i == digits {
                return Err(self.fail(SyntaxError::InvalidNumber, start, i));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = i;
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            if i == digits {
                return Err(self.fail(SyntaxError::InvalidNumber, start, i));
            }
        }
        self.pos = i;
        Ok(Kind::Number(&self.src[start..i]))
    }

    /// Steps over a comma, failing when only whitespace separates it from `close`.
    fn trailing_comma(&mut self, close: u8) -> PResult<()> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&close) {
            return Err(self.fail(SyntaxError::TrailingComma, comma, comma + 1));
        }
        Ok(())
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail_here(SyntaxError::TooDeep));
        }
        Ok(())
    }

    fn array(&mut self) -> PResult<Kind<'a>> {
        self.enter()?;
        self.pos += 1; // [
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_ws();
            match self.value() {
                Ok(v) => items.push(v),
                Err(mut f) => {
                    f.path.push(Segment::Index(items.len()));
                    return Err(f);
                }
            }
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    if let Err(mut f) = self.trailing_comma(b']') {
                        f.path.push(Segment::Index(items.len() - 1));
                        return Err(f);
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let mut f = self.unexpected("`,` or `]`");
                    f.path.push(Segment::Index(items.len() - 1));
                    return Err(f);
                }
            }
        }
        self.depth -= 1;
        Ok(Kind::Array(items))
    }

    fn object(&mut self) -> PResult<Kind<'a>> {
        self.enter()?;
        self.pos += 1; // {
        let mut members: Vec<Member<'a>> = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected("a member name in double quotes"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                let mut f = self.unexpected("`:` after the member name");
                f.path.push(Segment::Key(key.into_owned()));
                return Err(f);
            }
            self.pos += 1;
            self.skip_ws();
            let value = match self.value() {
                Ok(v) => v,
                Err(mut f) => {
                    f.path.push(Segment::Key(key.into_owned()));
                    return Err(f);
                }
            };
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    if let Err(mut f) = self.trailing_comma(b'}') {
                        f.path.push(Segment::Key(
                            members
                                .pop()
                                .map(|m| m.key.into_owned())
                                .unwrap_or_default(),
                        ));
                        return Err(f);
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let mut f = self.unexpected("`,` or `}`");
                    let last = members
                        .pop()
                        .map(|m| m.key.into_owned())
                        .unwrap_or_default();
                    f.path.push(Segment::Key(last));
                    return Err(f);
                }
            }
        }
        self.depth -= 1;
        Ok(Kind::Object(members))
    }

    /// Parses a string starting at its opening quote; borrows when there is no escape.
    fn string(&mut self) -> PResult<Cow<'a, str>> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        let b = self.bytes;
        // Fast path: scan to the closing quote.
        let mut i = start;
        while let Some(&c) = b.get(i) {
            match c {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(&self.src[start..i]));
                }
                b'\\' => break,
                0..=0x1f => {
                    return Err(self.fail(SyntaxError::ControlCharacter { code: c }, i, i + 1));
                }
                _ => i += 1,
            }
        }
        if i >= b.len() {
            self.pos = i;
            return Err(self.fail(
                SyntaxError::UnexpectedEnd {
                    expected: "`\"` to close the string",
                },
                open,
                i,
            ));
        }
        // Slow path: there are escapes.
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.src[start..i]);
        loop {
            let run = i;
            while let Some(&c) = b.get(i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                i += 1;
            }
            out.push_str(&self.src[run..i]);
            match b.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.fail(
                        SyntaxError::UnexpectedEnd {
                            expected: "`\"` to close the string",
                        },
                        open,
                        i,
                    ));
                }
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(&c) if c < 0x20 => {
                    return Err(self.fail(SyntaxError::ControlCharacter { code: c }, i, i + 1));
                }
                Some(_) => {
                    // A backslash.
                    let esc = i;
                    i += 1;
                    let Some(&e) = b.get(i) else {
                        self.pos = i;
                        return Err(self.fail(
                            SyntaxError::UnexpectedEnd {
                                expected: "an escape after `\\`",
                            },
                            esc,
                            i,
                        ));
                    };
                    i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4(esc, i)?;
                            i += 4;
                            let c = if (0xD800..0xDC00).contains(&unit) {
                                // A high surrogate must be followed by `\u` and a low one.
                                let low = if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u')
                                {
                                    let low = self.hex4(i, i + 2)?;
                                    (0xDC00..0xE000).contains(&low).then_some(low)
                                } else {
                                    None
                                };
                                match low {
                                    Some(low) => {
                                        i += 6;
                                        let cp = 0x10000
                                            + ((u32::from(unit) - 0xD800) << 10)
                                            + (u32::from(low) - 0xDC00);
                                        char::from_u32(cp).unwrap_or('\u{FFFD}')
                                    }
                                    None => {
                                        self.defects.push((
                                            Defect::LoneSurrogate { unit },
                                            Span::new(esc, i),
                                        ));
                                        '\u{FFFD}'
                                    }
                                }
                            } else if (0xDC00..0xE000).contains(&unit) {
                                self.defects
                                    .push((Defect::LoneSurrogate { unit }, Span::new(esc, i)));
                                '\u{FFFD}'
                            } else {
                                char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}')
                            };
                            out.push(c);
                        }
                        _ => {
                            let found = self.src[i - 1..].chars().next().unwrap_or('\\');
                            return Err(self.fail(
                                SyntaxError::InvalidEscape { found },
                                esc,
                                i - 1 + found.len_utf8(),
                            ));
                        }
                    }
                }
            }
        }
    }

    /// Reads four hex digits at `at` (an escape that starts at `esc`).
    fn hex4(&self, esc: usize, at: usize) -> PResult<u16> {
        let digits = self.bytes.get(at..at + 4);
        let parsed = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u16::from_str_radix(d, 16).ok());
        parsed.ok_or_else(|| {
            // Cover the escape up to the first bad digit, on a char boundary.
            let mut end = (at + 4).min(self.bytes.len());
            while !self.src.is_char_boundary(end) {
                end -= 1;
            }
            self.fail(SyntaxError::InvalidUnicodeEscape, esc, end)
        })
    }
}
