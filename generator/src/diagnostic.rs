//! Diagnostics and their rustc-style rendering.
//!
//! Stages collect every problem they can into a list of [`Diagnostic`]s and
//! keep going; the caller decides after each stage whether to stop.

use std::fmt::Write as _;
use std::path::Path;

use crate::syntax::source::SourceSpan;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; `None` for problems with no place in a file
    /// (a file that cannot be opened, a bad `-D` option).
    pub span: Option<SourceSpan>,
    /// Short text under the caret.
    pub label: String,
    /// Extra places worth showing (a previous definition, an opening bracket).
    pub related: Vec<(SourceSpan, String)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: None,
            label: String::new(),
            related: Vec::new(),
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, span: SourceSpan, label: impl Into<String>) -> Self {
        self.span = Some(span);
        self.label = label.into();
        self
    }

    pub fn related(mut self, span: SourceSpan, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// What makes two reports the same problem: severity, message and
    /// where (cheaper to compare than the rendered text).
    pub fn identity(&self) -> (Severity, String, Option<(std::path::PathBuf, usize)>) {
        (
            self.severity,
            self.message.clone(),
            self.span
                .as_ref()
                .map(|s| (s.file.path().to_path_buf(), s.start)),
        )
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic as rustc does: headline, `-->` position, the
    /// source line with carets, related places, help, include chain.
    pub fn render(&self, color: bool) -> String {
        let paint = Paint { color };
        let mut out = String::new();
        let (word, word_style) = match self.severity {
            Severity::Error => ("error", RED),
            Severity::Warning => ("warning", YELLOW),
        };
        let _ = writeln!(
            out,
            "{}{}",
            paint.style(word_style, word),
            paint.style(BOLD, &format!(": {}", self.message))
        );
        let mut places: Vec<(&SourceSpan, &str, &str)> = Vec::new();
        if let Some(span) = &self.span {
            places.push((span, &self.label, word_style));
        }
        for (span, label) in &self.related {
            places.push((span, label, BLUE));
        }
        let gutter = places
            .iter()
            .map(|(s, _, _)| s.file.line_col(s.start).0.to_string().len())
            .max()
            .unwrap_or(0);
        for (index, (span, label, style)) in places.iter().enumerate() {
            let arrow = if index == 0 { "-->" } else { ":::" };
            let (line, col) = span.file.line_col(span.start);
            let _ = writeln!(
                out,
                "{:gutter$}{} {}:{line}:{col}",
                "",
                paint.style(BLUE, arrow),
                display_path(span.file.path())
            );
            render_snippet(&mut out, span, label, style, gutter, &paint);
            // A runaway include recursion would print its whole chain: show
            // both ends of a long one.
            let chain = &span.included_from;
            for (index, site) in chain.iter().enumerate() {
                if chain.len() > MAX_CHAIN
                    && (MAX_CHAIN / 2..chain.len() - MAX_CHAIN / 2).contains(&index)
                {
                    if index == MAX_CHAIN / 2 {
                        let hidden = chain.len() - MAX_CHAIN / 2 * 2;
                        let _ = writeln!(
                            out,
                            "{:gutter$} {} ... {hidden} more includes",
                            "",
                            paint.style(BLUE, "=")
                        );
                    }
                    continue;
                }
                let (line, col) = site.file.line_col(site.offset);
                let _ = writeln!(
                    out,
                    "{:gutter$} {} in file included from {}:{line}:{col}",
                    "",
                    paint.style(BLUE, "="),
                    display_path(site.file.path())
                );
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(
                out,
                "{:gutter$} {} {help}",
                "",
                paint.style(BOLD, "= help:")
            );
        }
        out
    }
}

/// A path as a person reads it: relative to the current folder when it lies
/// below it (`.` for the folder itself), as written otherwise.
pub fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
        .display()
        .to_string();
    if shown.is_empty() { ".".into() } else { shown }
}

fn render_snippet(
    out: &mut String,
    span: &SourceSpan,
    label: &str,
    style: &str,
    gutter: usize,
    paint: &Paint,
) {
    let (line, col) = span.file.line_col(span.start);
    let text = span.file.line_text(line);
    let (end_line, end_col) = span.file.line_col(span.end);
    // Carets run to the end of the span, or to the end of the first line when the
    // span goes on; an empty span still gets one caret.
    let width = if end_line == line {
        end_col.saturating_sub(col).max(1)
    } else {
        text.chars().count().saturating_sub(col - 1).max(1)
    };
    // A long line is cut to a window around the caret, marked with `...`.
    let chars: Vec<char> = text.chars().collect();
    let caret = (col - 1).min(chars.len());
    let first = caret
        .saturating_sub(MAX_LINE / 2)
        .min(chars.len().saturating_sub(MAX_LINE));
    let last = (first + MAX_LINE).min(chars.len());
    let (before, after) = (
        if first > 0 { "..." } else { "" },
        if last < chars.len() { "..." } else { "" },
    );
    let shown: String = chars[first..last].iter().collect();
    let pad: String = before
        .chars()
        .map(|_| ' ')
        .chain(chars[first..caret].iter().flat_map(|&c| {
            let n = if c == '\t' { 4 } else { 1 };
            std::iter::repeat_n(' ', n)
        }))
        .collect();
    let width = width.min(last.saturating_sub(caret).max(1));
    let bar = paint.style(BLUE, "|");
    let _ = writeln!(out, "{:gutter$} {bar}", "");
    let _ = writeln!(
        out,
        "{} {bar} {before}{}{after}",
        paint.style(BLUE, &format!("{line:>gutter$}")),
        visible(&shown).trim_end()
    );
    let carets = paint.style(
        style,
        &format!("{}{}", "^".repeat(width), label_suffix(label)),
    );
    let _ = writeln!(out, "{:gutter$} {bar} {pad}{carets}", "");
}

/// A source line as it can be shown: tabs as four spaces, control characters
/// as their Unicode pictures (`␀`), so they neither vanish nor move the caret.
fn visible(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\t' => "    ".to_string(),
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('?').to_string(),
            '\u{7f}' => "\u{2421}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn label_suffix(label: &str) -> String {
    if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    }
}

/// Include sites shown before a chain is shortened.
const MAX_CHAIN: usize = 6;
/// Characters of a source line shown around the caret.
const MAX_LINE: usize = 100;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";

struct Paint {
    color: bool,
}

impl Paint {
    fn style(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::source::SourceFile;

    #[test]
    fn renders_position_line_and_caret() {
        let file = SourceFile::new("x.idl", "interface IFoo {\n    HRESULT F()\n};\n");
        let d = Diagnostic::error("expected `;`")
            .at(SourceSpan::new(file, 32, 33), "here")
            .help("end each method with `;`");
        assert_eq!(
            d.render(false),
            "error: expected `;`\n --> x.idl:2:16\n  |\n2 |     HRESULT F()\n  |                ^ here\n  = help: end each method with `;`\n"
        );
    }
}
