//! Maps offsets in the preprocessed text back to the original files.
//!
//! The output is built as a run of segments sorted by output offset. A segment
//! is either copied verbatim from one file (offsets map byte for byte) or
//! generated (a macro expansion, padding, blank lines standing for directives),
//! which maps to one fixed source range. A lookup is one binary search, and
//! contiguous verbatim copies merge, so a file without macros or directives is
//! a single segment.

use std::sync::Arc;

use crate::syntax::source::{IncludeSite, SourceFile, SourceSpan};

/// One file as entered through one `#include` chain (or one `#line` view).
#[derive(Clone, Debug)]
struct Inclusion {
    file: Arc<SourceFile>,
    chain: Arc<[IncludeSite]>,
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    out: usize,
    src: usize,
    src_end: usize,
    inc: u32,
    verbatim: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct SourceMap {
    inclusions: Vec<Inclusion>,
    segments: Vec<Segment>,
    len: usize,
}

impl SourceMap {
    /// Every file the text came from, each once, the main file first.
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for inclusion in &self.inclusions {
            let path = inclusion.file.path();
            if !files.iter().any(|f| f == path) {
                files.push(path.to_path_buf());
            }
        }
        files
    }

    pub fn span(&self, start: usize, end: usize) -> SourceSpan {
        let Some(last) = self.segments.last() else {
            return self.end_of(0);
        };
        if start >= self.len {
            return self.end_of(last.inc);
        }
        let k = self
            .segments
            .partition_point(|s| s.out <= start)
            .saturating_sub(1);
        let Some(seg) = self.segments.get(k) else {
            return self.end_of(last.inc);
        };
        if !seg.verbatim {
            return self.make(seg.inc, seg.src, seg.src_end);
        }
        // Clamp the end to this segment: a range never spans two sources.
        let seg_end = self.segments.get(k + 1).map_or(self.len, |s| s.out);
        let end = end.min(seg_end).max(start);
        self.make(
            seg.inc,
            seg.src + start.saturating_sub(seg.out),
            seg.src + end.saturating_sub(seg.out),
        )
    }

    fn inclusion(&self, inc: u32) -> Option<&Inclusion> {
        usize::try_from(inc)
            .ok()
            .and_then(|i| self.inclusions.get(i))
            .or_else(|| self.inclusions.first())
    }

    fn make(&self, inc: u32, start: usize, end: usize) -> SourceSpan {
        match self.inclusion(inc) {
            Some(i) => SourceSpan {
                file: i.file.clone(),
                start,
                end,
                included_from: i.chain.clone(),
            },
            None => SourceSpan::new(SourceFile::new("", ""), 0, 0),
        }
    }

    fn end_of(&self, inc: u32) -> SourceSpan {
        let n = self.inclusion(inc).map_or(0, |i| i.file.text().len());
        self.make(inc, n, n)
    }
}

/// The preprocessed text under construction, with its map.
pub(crate) struct Output {
    pub text: String,
    map: SourceMap,
}

impl Output {
    pub fn new(main: Arc<SourceFile>, chain: Arc<[IncludeSite]>) -> Self {
        Output {
            text: String::new(),
            map: SourceMap {
                inclusions: vec![Inclusion { file: main, chain }],
                segments: Vec::new(),
                len: 0,
            },
        }
    }

    pub fn add_inclusion(&mut self, file: Arc<SourceFile>, chain: Arc<[IncludeSite]>) -> u32 {
        self.map.inclusions.push(Inclusion { file, chain });
        u32::try_from(self.map.inclusions.len() - 1).unwrap_or(u32::MAX)
    }

    /// Appends `text`, which is the source text at offset `src` of inclusion `inc`.
    pub fn verbatim(&mut self, inc: u32, text: &str, src: usize) {
        if text.is_empty() {
            return;
        }
        let out = self.text.len();
        self.text.push_str(text);
        let src_end = src + text.len();
        if let Some(last) = self.map.segments.last_mut()
            && last.verbatim
            && last.inc == inc
            && last.src_end == src
        {
            last.src_end = src_end;
            return;
        }
        self.map.segments.push(Segment {
            out,
            src,
            src_end,
            inc,
            verbatim: true,
        });
    }

    /// Appends generated `text` standing for the source range `src..src_end`.
    pub fn generated(&mut self, inc: u32, text: &str, src: usize, src_end: usize) {
        if text.is_empty() {
            return;
        }
        self.map.segments.push(Segment {
            out: self.text.len(),
            src,
            src_end: src_end.max(src),
            inc,
            verbatim: false,
        });
        self.text.push_str(text);
    }

    /// Records that the text appended since offset `out` was generated for
    /// the source range `src..src_end`.
    pub fn generated_from(&mut self, inc: u32, out: usize, src: usize, src_end: usize) {
        if out >= self.text.len() {
            return;
        }
        self.map.segments.push(Segment {
            out,
            src,
            src_end: src_end.max(src),
            inc,
            verbatim: false,
        });
    }

    pub fn newlines(&mut self, inc: u32, src: usize, n: usize) {
        if n == 0 {
            return;
        }
        self.map.segments.push(Segment {
            out: self.text.len(),
            src,
            src_end: src,
            inc,
            verbatim: false,
        });
        self.text.extend(std::iter::repeat_n('\n', n));
    }

    pub fn finish(mut self) -> (String, SourceMap) {
        self.map.len = self.text.len();
        (self.text, self.map)
    }
}
