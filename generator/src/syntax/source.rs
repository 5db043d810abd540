//! Source files and positions.
//!
//! Every diagnostic points into an original file, not into preprocessed text: a
//! [`SourceSpan`] carries the file itself (shared, never copied) plus the chain of
//! `#include` sites that brought it in, so rendering needs nothing else.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
