//! Source files and positions.
//!
//! Every diagnostic points into an original file, not into preprocessed text: a
//! [`SourceSpan`] carries the file itself (shared, never copied) plus the chain of
//! `#include` sites that brought it in, so rendering needs nothing else.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;

/// One file as read from disk (or from an in-memory provider), decoded to text.
pub struct SourceFile {
    path: PathBuf,
    text: String,
    /// Byte offset of the start of each line; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<Self> {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

impl SourceFile {
    /// Decodes file bytes: UTF-8 (BOM stripped), UTF-16 LE/BE with BOM; bytes
    /// that are not valid UTF-8 are read as Windows-1252/Latin-1 and a warning
    /// points at the first invalid byte.
    pub fn decode(path: impl Into<PathBuf>, bytes: &[u8]) -> (Arc<SourceFile>, Option<Diagnostic>) {
        let path = path.into();
        if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
            return decode_utf16(path, rest, u16::from_le_bytes);
        }
        if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
            return decode_utf16(path, rest, u16::from_be_bytes);
        }
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        if let Ok(text) = std::str::from_utf8(bytes) {
            return (SourceFile::new(path, text), None);
        }
        // Mostly UTF-8 with stray legacy bytes is the common case, so keep the
        // valid sequences and read only the invalid bytes as Windows-1252.
        let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
        let mut first_bad: Option<(usize, usize)> = None;
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            for &b in chunk.invalid() {
                let start = text.len();
                text.push(windows_1252(b));
                first_bad.get_or_insert((start, text.len()));
            }
        }
        let file = SourceFile::new(path, text);
        let warning =
            first_bad.map(|(start, end)| {
                Diagnostic::warning("file is not valid UTF-8")
                .at(SourceSpan::new(file.clone(), start, end), "first invalid byte here")
                .help("bytes that are not UTF-8 were read as Windows-1252; save the file as UTF-8")
            });
        (file, warning)
    }
}

fn decode_utf16(
    path: PathBuf,
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
) -> (Arc<SourceFile>, Option<Diagnostic>) {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut first_bad: Option<(usize, usize)> = None;
    for c in char::decode_utf16(units) {
        let start = text.len();
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                text.push(char::REPLACEMENT_CHARACTER);
                first_bad.get_or_insert((start, text.len()));
            }
        }
    }
    let odd = bytes.len() % 2 == 1;
    let file = SourceFile::new(path, text);
    let len = file.text().len();
    let warning = match (first_bad, odd) {
        (Some((start, end)), _) => Some(Diagnostic::warning("file is not valid UTF-16").at(
            SourceSpan::new(file.clone(), start, end),
            "unpaired surrogate here",
        )),
        (None, true) => Some(Diagnostic::warning("file is not valid UTF-16").at(
            SourceSpan::new(file.clone(), len, len),
            "odd trailing byte ignored",
        )),
        (None, false) => None,
    };
    (file, warning)
}

/// A byte of Windows-1252; the five bytes it leaves undefined read as Latin-1.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}',
        '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}',
        '\u{178}',
    ];
    match b {
        0x80..=0x9f => HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or('\u{fffd}'),
        _ => char::from(b),
    }
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceFile({})", self.path.display())
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A byte range in one original file, with the `#include` sites that led to it
/// (innermost first).
#[derive(Clone, Debug)]
pub struct SourceSpan {
    pub file: Arc<SourceFile>,
    pub start: usize,
    pub end: usize,
    pub included_from: Arc<[IncludeSite]>,
}

/// Where an `#include` directive stands.
#[derive(Clone, Debug)]
pub struct IncludeSite {
    pub file: Arc<SourceFile>,
    pub offset: usize,
}

impl SourceSpan {
    pub fn new(file: Arc<SourceFile>, start: usize, end: usize) -> Self {
        SourceSpan {
            file,
            start,
            end,
            included_from: Arc::from([]),
        }
    }

    /// `path:line:col` of the start of the span.
    pub fn position(&self) -> String {
        let (line, col) = self.file.line_col(self.start);
        format!("{}:{line}:{col}", self.file.path().display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let f = SourceFile::new("a.idl", "ab\n\u{e9}x\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(5), (2, 2));
        assert_eq!(f.line_text(2), "\u{e9}x");
        assert_eq!(f.line_text(9), "");
    }
}
