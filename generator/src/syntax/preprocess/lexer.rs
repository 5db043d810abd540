//! C tokens, line ends and backslash-newline splicing.
//!
//! Everything here scans the bytes of a `&str` and only ever stops on an ASCII
//! byte, after a whole character, or at the end of the text, so every offset it
//! returns is a valid place to slice the text.

use std::borrow::Cow;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Ident,
    /// A C "preprocessing number": digits, letters, `.`, and signed exponents.
    Number,
    Str,
    Char,
    Punct,
    Other,
    /// A parameter reference inside a macro body (index into the parameters).
    Param(usize),
    /// Stands for an empty argument next to `##`; dropped before output.
    Placemarker,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub text: Rc<str>,
    /// Whitespace, a comment or a newline came before this token.
    pub space: bool,
    /// "Painted blue": it named a macro while that macro was being expanded,
    /// so it is never expanded again.
    pub no_expand: bool,
}

impl Token {
    pub fn new(kind: Kind, text: impl Into<Rc<str>>, space: bool) -> Self {
        Token {
            kind,
            text: text.into(),
            space,
            no_expand: false,
        }
    }

    pub fn placemarker(space: bool) -> Self {
        Token::new(Kind::Placemarker, "", space)
    }

    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && &*self.text == p
    }
}

/// A token as positions in the text it was lexed from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Raw {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub space: bool,
}

pub(crate) fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$'
}

pub(crate) fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

pub(crate) fn is_hspace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// `text[a..b]`, or "" if that is not a valid range (never panics).
pub(crate) fn slice(text: &str, a: usize, b: usize) -> &str {
    text.get(a..b).unwrap_or("")
}

/// Offset just past the `*/` closing the comment whose `/*` is at `pos`.
pub(crate) fn comment_end(b: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 2;
    loop {
        let k = b.get(i..)?.iter().position(|&c| c == b'*')?;
        i += k + 1;
        if b.get(i) == Some(&b'/') {
            return Some(i + 1);
        }
    }
}

/// Offset of the `\n` at or after `pos`, or the length of the text.
pub(crate) fn line_break(b: &[u8], pos: usize) -> usize {
    b.get(pos..)
        .and_then(|s| s.iter().position(|&c| c == b'\n'))
        .map_or(b.len(), |k| pos + k)
}

pub(crate) fn ident_end(b: &[u8], pos: usize) -> usize {
    let mut i = pos + 1;
    while b.get(i).is_some_and(|&c| is_ident_char(c)) {
        i += 1;
    }
    i
}

/// End of a string or character literal whose opening quote is at `pos`, and
/// whether it was closed. An unclosed literal ends at its line's `\n`.
pub(crate) fn literal_end(b: &[u8], pos: usize) -> (usize, bool) {
    let Some(&quote) = b.get(pos) else {
        return (b.len(), false);
    };
    let mut i = pos + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' => return (i, false),
            b'\\' => {
                if b.get(i + 1) == Some(&b'\n') {
                    return (i + 1, false);
                }
                i += 2;
            }
            _ if c == quote => return (i + 1, true),
            _ => i += 1,
        }
    }
    (b.len(), false)
}

/// End of the preprocessing number starting at `pos`.
pub(crate) fn number_end(b: &[u8], pos: usize) -> usize {
    let mut i = pos + 1;
    while let Some(&c) = b.get(i) {
        if matches!(c, b'e' | b'E' | b'p' | b'P') && matches!(b.get(i + 1), Some(b'+' | b'-')) {
            i += 2;
        } else if is_ident_char(c) || c == b'.' {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn punct_len(b: &[u8], pos: usize) -> usize {
    let at = |k: usize| b.get(pos + k).copied().unwrap_or(0);
    let (c0, c1, c2) = (at(0), at(1), at(2));
    if matches!(
        (c0, c1, c2),
        (b'.', b'.', b'.') | (b'<', b'<', b'=') | (b'>', b'>', b'=')
    ) {
        return 3;
    }
    match (c0, c1) {
        (b'-', b'>' | b'-' | b'=')
        | (b'+', b'+' | b'=')
        | (b'<', b'<' | b'=')
        | (b'>', b'>' | b'=')
        | (b'=' | b'!' | b'*' | b'/' | b'%' | b'^', b'=')
        | (b'&', b'&' | b'=')
        | (b'|', b'|' | b'=')
        | (b'#', b'#')
        | (b':', b':') => 2,
        _ => 1,
    }
}

/// Whether two tokens written back to back, the first ending in `a` and the
/// second starting with `b`, would read as a different token sequence.
pub(crate) fn would_paste(a: u8, b: u8) -> bool {
    if is_ident_char(a) && (is_ident_char(b) || b == b'"' || b == b'\'') {
        return true;
    }
    if (a == b'.' && b.is_ascii_digit()) || (a.is_ascii_digit() && b == b'.') {
        return true;
    }
    (a == b'/' && (b == b'/' || b == b'*')) || punct_len(&[a, b], 0) == 2
}

fn char_len(text: &str, pos: usize) -> usize {
    text.get(pos..)
        .and_then(|s| s.chars().next())
        .map_or(1, char::len_utf8)
}

/// Kind and end of the token starting at `pos` (which is not blank).
pub(crate) fn lex_at(text: &str, pos: usize) -> (Kind, usize) {
    let b = text.as_bytes();
    let Some(&c) = b.get(pos) else {
        return (Kind::Other, pos + 1);
    };
    if is_ident_start(c) {
        let i = ident_end(b, pos);
        // An encoding prefix glued to a literal belongs to the literal.
        if let Some(&q @ (b'"' | b'\'')) = b.get(i)
            && matches!(b.get(pos..i), Some(b"L" | b"u" | b"U" | b"u8"))
        {
            let kind = if q == b'"' { Kind::Str } else { Kind::Char };
            return (kind, literal_end(b, i).0);
        }
        return (Kind::Ident, i);
    }
    if c.is_ascii_digit() || (c == b'.' && b.get(pos + 1).is_some_and(u8::is_ascii_digit)) {
        return (Kind::Number, number_end(b, pos));
    }
    match c {
        b'"' => (Kind::Str, literal_end(b, pos).0),
        b'\'' => (Kind::Char, literal_end(b, pos).0),
        _ if c.is_ascii_punctuation() => (Kind::Punct, pos + punct_len(b, pos)),
        _ if c.is_ascii() => (Kind::Other, pos + 1),
        _ => (Kind::Other, pos + char_len(text, pos)),
    }
}

/// The `\n` ending the logical line that starts at `pos`, looking through
/// comments (a `/* */` comment may run over several lines) and literals; plus
/// the start of a block comment that never closes.
pub(crate) fn logical_line_end(b: &[u8], pos: usize) -> (usize, Option<usize>) {
    let mut i = pos;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' => return (i, None),
            b'/' if b.get(i + 1) == Some(&b'*') => match comment_end(b, i) {
                Some(e) => i = e,
                None => return (b.len(), Some(i)),
            },
            b'/' if b.get(i + 1) == Some(&b'/') => return (line_break(b, i), None),
            b'"' | b'\'' => i = literal_end(b, i).0,
            _ => i += 1,
        }
    }
    (b.len(), None)
}

/// First offset at or after `pos` that is neither blank nor a block comment
/// closing on the same line (so `/* x */ #define` is still a directive).
pub(crate) fn skip_blank_prefix(b: &[u8], pos: usize) -> usize {
    let mut i = pos;
    loop {
        match b.get(i) {
            Some(&c) if is_hspace(c) => i += 1,
            Some(b'/') if b.get(i + 1) == Some(&b'*') => {
                let mut k = i + 2;
                loop {
                    match b.get(k) {
                        None | Some(b'\n') => return i,
                        Some(b'*') if b.get(k + 1) == Some(&b'/') => break,
                        _ => k += 1,
                    }
                }
                i = k + 2;
            }
            _ => return i,
        }
    }
}

/// Whether the line starting at `pos` is a directive line.
fn starts_directive(b: &[u8], pos: usize) -> bool {
    let i = skip_blank_prefix(b, pos);
    b.get(i) == Some(&b'#')
}

pub(crate) fn count_newlines(b: &[u8], a: usize, e: usize) -> usize {
    b.get(a..e.min(b.len()))
        .map_or(0, |s| s.iter().filter(|&&c| c == b'\n').count())
}

/// Reads C tokens, treating comments as whitespace.
///
/// A directive lexer stops at `end` (the end of the directive line). A source
/// lexer reads on over newlines, as macro arguments may, but stops before a
/// directive line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lexer<'t> {
    text: &'t str,
    pub pos: usize,
    end: usize,
    multiline: bool,
}

impl<'t> Lexer<'t> {
    pub fn directive(text: &'t str, start: usize, end: usize) -> Self {
        let end = end.min(text.len());
        Lexer {
            text,
            pos: start.min(end),
            end,
            multiline: false,
        }
    }

    pub fn source(text: &'t str, start: usize) -> Self {
        Lexer {
            text,
            pos: start.min(text.len()),
            end: text.len(),
            multiline: true,
        }
    }

    /// Skips blanks and comments: `Some(skipped anything)`, or `None` at the end.
    fn skip(&mut self) -> Option<bool> {
        let b = self.text.as_bytes();
        let mut space = false;
        while let Some(&c) = b.get(self.pos).filter(|_| self.pos < self.end) {
            match c {
                _ if is_hspace(c) => self.pos += 1,
                b'\n' => {
                    if self.multiline && starts_directive(b, self.pos + 1) {
                        return None;
                    }
                    self.pos += 1;
                }
                b'/' if b.get(self.pos + 1) == Some(&b'*') => match comment_end(b, self.pos) {
                    Some(e) => self.pos = e.min(self.end),
                    None => {
                        self.pos = self.end;
                        return None;
                    }
                },
                b'/' if b.get(self.pos + 1) == Some(&b'/') => {
                    self.pos = line_break(b, self.pos).min(self.end);
                }
                _ => return Some(space),
            }
            space = true;
        }
        None
    }

    pub fn next(&mut self) -> Option<Raw> {
        let space = self.skip()?;
        let start = self.pos;
        let (kind, end) = lex_at(self.text, start);
        let end = if end > self.end {
            self.end
        } else {
            end.max(start + 1)
        };
        self.pos = end;
        Some(Raw {
            kind,
            start,
            end,
            space,
        })
    }

    /// Offset of the next token (or of the end), without consuming it.
    pub fn skip_blank(&mut self) -> usize {
        let _ = self.skip();
        self.pos
    }

    pub fn text_of(&self, raw: &Raw) -> &'t str {
        slice(self.text, raw.start, raw.end)
    }

    pub fn token(&self, raw: &Raw) -> Token {
        Token::new(raw.kind, self.text_of(raw), raw.space)
    }

    /// The remaining tokens, and the range they cover.
    pub fn rest(&mut self) -> (Vec<Token>, Option<(usize, usize)>) {
        let mut tokens = Vec::new();
        let mut range: Option<(usize, usize)> = None;
        while let Some(raw) = self.next() {
            tokens.push(self.token(&raw));
            range = Some((range.map_or(raw.start, |r| r.0), raw.end));
        }
        (tokens, range)
    }
}

/// A file's text with backslash-newlines removed (C translation phase 2).
pub(crate) struct Logical<'t> {
    pub text: Cow<'t, str>,
    /// For each removed backslash-newline: its offset in `text` and the total
    /// number of bytes removed up to and including it.
    pub splices: Vec<(usize, usize)>,
}

impl<'t> Logical<'t> {
    pub fn new(src: &'t str) -> Self {
        if !src.contains("\\\n") && !src.contains("\\\r\n") {
            return Logical {
                text: Cow::Borrowed(src),
                splices: Vec::new(),
            };
        }
        let b = src.as_bytes();
        let mut text = String::with_capacity(src.len());
        let mut splices = Vec::new();
        let (mut removed, mut copied, mut i) = (0, 0, 0);
        while let Some(k) = b.get(i..).and_then(|s| s.iter().position(|&c| c == b'\\')) {
            let at = i + k;
            let len = match (b.get(at + 1), b.get(at + 2)) {
                (Some(b'\n'), _) => 2,
                (Some(b'\r'), Some(b'\n')) => 3,
                _ => 0,
            };
            i = at + 1;
            if len == 0 {
                continue;
            }
            text.push_str(slice(src, copied, at));
            removed += len;
            copied = at + len;
            i = copied;
            splices.push((text.len(), removed));
        }
        text.push_str(src.get(copied..).unwrap_or(""));
        Logical {
            text: Cow::Owned(text),
            splices,
        }
    }
}
