//! The C preprocessor that MIDL runs before parsing.
//!
//! It differs from a plain `cpp` in what it keeps for the parser: comments are
//! copied through (doc comments), `#pragma` lines are copied through (they are
//! items), and every directive or skipped line becomes an empty line, so the
//! output of a file without includes lines up with its input.
//! [`Preprocessed::span`] maps any range of the output back to the original
//! file and its `#include` chain.
//!
//! Layout: `lexer` (tokens, line ends, backslash-newlines), `macros`
//! (definitions and expansion), `expr` (`#if` arithmetic), `map` (output to
//! source positions). This file holds the API and the line/directive driver.

pub(crate) mod expr;
mod lexer;
mod macros;
mod map;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::syntax::source::{IncludeSite, SourceFile, SourceSpan};

use lexer::{Kind, Lexer, Logical, Token, slice};
use macros::{Abort, Env, Macro, MacroKind, MacroTable};
use map::{Output, SourceMap};

/// `#include` nesting beyond this is almost surely recursion.
const MAX_INCLUDE_DEPTH: usize = 64;
/// Files entered in one run, so that a file including itself twice cannot
/// make the work grow as 2^64.
const MAX_INCLUSIONS: usize = 10_000;
/// Tokens produced by all macro expansions of one run.
const MAX_TOTAL_TOKENS: usize = 4 << 20;
/// `#line` copies the rest of the file (see `line_directive`); this bounds the copies.
const MAX_LINE_VIEW_BYTES: usize = 16 << 20;
const MAX_LINE_NUMBER: usize = 1_000_000;

/// How to preprocess: the command line's `-I`, `-D` and `-U`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub include_dirs: Vec<PathBuf>,
    /// `-D NAME=VALUE`; `-D NAME` gives value `"1"`. `NAME` may be `F(x)`.
    pub defines: Vec<(String, String)>,
    /// `-U NAME`, applied after the predefined macros and `defines`.
    pub undefines: Vec<String>,
}

/// Where included files come from (the disk, or memory in tests).
pub trait FileProvider: Sync {
    /// Reads a file's bytes. `Err` with kind `NotFound` when absent.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// Whether a file exists at `path` (the import loader probes with it).
    fn exists(&self, path: &Path) -> bool {
        self.read(path).is_ok()
    }
}

/// A [`FileProvider`] over `std::fs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFiles;

impl FileProvider for DiskFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// Preprocessed text and the way back to the sources.
#[derive(Clone, Debug)]
pub struct Preprocessed {
    pub text: String,
    map: SourceMap,
}

impl Preprocessed {
    /// Maps a byte range of `text` back to the original file, line and column.
    ///
    /// Copied text maps byte for byte; text from a macro expansion maps to the
    /// whole invocation. A range crossing into a different piece is cut at the
    /// end of the piece its start is in; offsets at or past the end map to the
    /// end of the last file.
    pub fn span(&self, start: usize, end: usize) -> SourceSpan {
        self.map.span(start, end)
    }

    /// The file itself and every file it included.
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        self.map.files()
    }
}

/// Runs the preprocessor over `main`, reading includes through `files`.
pub fn preprocess(
    main: Arc<SourceFile>,
    options: &Options,
    files: &dyn FileProvider,
) -> (Preprocessed, Vec<Diagnostic>) {
    let chain: Arc<[IncludeSite]> = Arc::from(Vec::new());
    let mut pp = Preprocessor {
        options,
        files,
        macros: MacroTable::default(),
        out: Output::new(main.clone(), chain.clone()),
        diags: Vec::new(),
        warned_self_ref: HashSet::new(),
        once: HashSet::new(),
        cache: HashMap::new(),
        depth: 0,
        inclusions: 1,
        includes_off: false,
        token_budget: MAX_TOTAL_TOKENS,
        expansion_off: false,
        line_view_bytes: 0,
    };
    pp.predefine();
    pp.run_file(main, 0, chain);
    let (text, map) = pp.out.finish();
    (Preprocessed { text, map }, pp.diags)
}

struct Preprocessor<'a> {
    options: &'a Options,
    files: &'a dyn FileProvider,
    macros: MacroTable,
    out: Output,
    diags: Vec<Diagnostic>,
    warned_self_ref: HashSet<Rc<str>>,
    /// Files that said `#pragma once`.
    once: HashSet<PathBuf>,
    /// Decoded files by path, so a header included many times is read once.
    cache: HashMap<PathBuf, Arc<SourceFile>>,
    depth: usize,
    inclusions: usize,
    /// Set after runaway inclusion: further `#include`s are ignored.
    includes_off: bool,
    token_budget: usize,
    /// Set after the run's expansion budget is spent.
    expansion_off: bool,
    line_view_bytes: usize,
}

/// An open `#if` group.
struct Cond {
    keyword: &'static str,
    span: SourceSpan,
    else_span: Option<SourceSpan>,
    /// Some branch of this group has been taken (or the group is inside a
    /// skipped one, where no branch may be taken).
    taken: bool,
    outer_skipping: bool,
}

/// The state of one file being preprocessed. Offsets are in the logical text
/// (backslash-newlines removed); `to_src` and `to_view` map them back.
struct FileCtx<'t> {
    file: Arc<SourceFile>,
    text: &'t str,
    splices: &'t [(usize, usize)],
    /// The inclusion the output maps to; `#line` switches to a new one.
    inc: u32,
    /// The file positions are reported in: `file`, or a `#line` view of it.
    view: Arc<SourceFile>,
    chain: Arc<[IncludeSite]>,
    /// (source offset, view offset) at which the view starts.
    view_base: (usize, usize),
    /// Next splice not yet counted towards the output's line count.
    splice_idx: usize,
    /// Start of text that is being copied through but not yet written.
    run: Option<usize>,
    /// Blank lines owed to the output, for directive and skipped lines.
    pending_nl: usize,
    conds: Vec<Cond>,
    skipping: bool,
    /// Macro expansion stays off before this offset (after a failed expansion).
    no_expand_until: usize,
}

impl FileCtx<'_> {
    fn to_src(&self, pos: usize) -> usize {
        let k = self.splices.partition_point(|&(p, _)| p <= pos);
        pos + k
            .checked_sub(1)
            .and_then(|k| self.splices.get(k))
            .map_or(0, |s| s.1)
    }

    fn to_view(&self, pos: usize) -> usize {
        self.to_src(pos).saturating_sub(self.view_base.0) + self.view_base.1
    }

    fn span(&self, a: usize, b: usize) -> SourceSpan {
        SourceSpan {
            file: self.view.clone(),
            start: self.to_view(a),
            end: self.to_view(b.max(a)),
            included_from: self.chain.clone(),
        }
    }

    /// Counts the splices at or before `upto` not counted yet: each removed
    /// a line break the output must make up for.
    fn take_splices(&mut self, upto: usize) -> usize {
        let start = self.splice_idx;
        while self
            .splices
            .get(self.splice_idx)
            .is_some_and(|s| s.0 <= upto)
        {
            self.splice_idx += 1;
        }
        self.splice_idx - start
    }
}

/// `end` without trailing blanks (down to `start`).
fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b.get(end - 1).is_some_and(|&c| lexer::is_hspace(c)) {
        end -= 1;
    }
    end
}

impl Preprocessor<'_> {
    fn error(&mut self, span: SourceSpan, message: impl Into<String>, label: impl Into<String>) {
        self.diags.push(Diagnostic::error(message).at(span, label));
    }

    fn warning(&mut self, span: SourceSpan, message: impl Into<String>, label: impl Into<String>) {
        self.diags
            .push(Diagnostic::warning(message).at(span, label));
    }

    fn predefine(&mut self) {
        self.macros
            .insert(Macro::builtin("__FILE__", MacroKind::File));
        self.macros
            .insert(Macro::builtin("__LINE__", MacroKind::Line));
        // MIDL defines __midl as major * 100 + minor; this is MIDL 8.01.
        self.command_line_define("__midl", "801");
        let options = self.options;
        for (name, value) in &options.defines {
            self.command_line_define(name, value);
        }
        for name in &options.undefines {
            self.macros.remove(name);
        }
    }

    fn command_line_define(&mut self, name: &str, value: &str) {
        let text = format!("{name} {value}");
        match macros::parse_define(&text, 0, text.len()) {
            Ok(d) if d.name_start == 0 && d.name_end <= name.len() => self.macros.insert(d.mac),
            Ok(_) => self.diags.push(Diagnostic::error(format!(
                "invalid macro name `{name}` in `-D`"
            ))),
            Err(e) => self.diags.push(
                Diagnostic::error(format!("invalid `-D {name}={value}`: {}", e.message))
                    .help("write `-D NAME`, `-D NAME=VALUE` or `-D NAME(ARGS)=VALUE`"),
            ),
        }
    }

    fn run_file(&mut self, file: Arc<SourceFile>, inc: u32, chain: Arc<[IncludeSite]>) {
        let logical = Logical::new(file.text());
        let mut ctx = FileCtx {
            file: file.clone(),
            text: &logical.text,
            splices: &logical.splices,
            inc,
            view: file.clone(),
            chain,
            view_base: (0, 0),
            splice_idx: 0,
            run: None,
            pending_nl: 0,
            conds: Vec::new(),
            skipping: false,
            no_expand_until: 0,
        };
        self.process(&mut ctx);
    }

    fn process(&mut self, ctx: &mut FileCtx) {
        let len = ctx.text.len();
        let mut pos = 0;
        while pos < len {
            pos = self.line(ctx, pos);
        }
        self.flush_run(ctx, len);
        ctx.pending_nl += ctx.take_splices(len);
        self.emit_pending(ctx, len);
        for cond in std::mem::take(&mut ctx.conds) {
            self.diags.push(
                Diagnostic::error(format!("unterminated `{}`", cond.keyword))
                    .at(cond.span, "this group is never closed")
                    .help("add `#endif`"),
            );
        }
    }

    // ----- output -----

    /// Writes the copied text from the run start up to `to`.
    fn flush_run(&mut self, ctx: &mut FileCtx, to: usize) {
        if let Some(a) = ctx.run.take()
            && a < to
        {
            self.emit_verbatim(ctx, a, to);
        }
    }

    /// Copies `a..b`, one segment per stretch without a backslash-newline
    /// (whose removal breaks the byte-for-byte correspondence).
    fn emit_verbatim(&mut self, ctx: &FileCtx, mut a: usize, b: usize) {
        let k = ctx.splices.partition_point(|&(p, _)| p <= a);
        for &(p, _) in ctx.splices.get(k..).unwrap_or(&[]) {
            if p >= b {
                break;
            }
            self.out
                .verbatim(ctx.inc, slice(ctx.text, a, p), ctx.to_view(a));
            a = p;
        }
        self.out
            .verbatim(ctx.inc, slice(ctx.text, a, b), ctx.to_view(a));
    }

    fn emit_pending(&mut self, ctx: &mut FileCtx, at: usize) {
        if ctx.pending_nl > 0 {
            self.out.newlines(ctx.inc, ctx.to_view(at), ctx.pending_nl);
            ctx.pending_nl = 0;
        }
    }

    fn generated(&mut self, ctx: &FileCtx, text: &str, at: usize) {
        let v = ctx.to_view(at);
        self.out.generated(ctx.inc, text, v, v);
    }

    // ----- lines -----

    /// Handles the logical line starting at `ls`; returns where the next starts.
    fn line(&mut self, ctx: &mut FileCtx, ls: usize) -> usize {
        let b = ctx.text.as_bytes();
        let len = b.len();
        let p = lexer::skip_blank_prefix(b, ls);
        let is_directive = b.get(p) == Some(&b'#');
        if !is_directive && !ctx.skipping {
            return self.text_line(ctx, ls);
        }
        let (le, open_comment) = lexer::logical_line_end(b, p);
        if let Some(c) = open_comment {
            self.error(
                ctx.span(c, c + 2),
                "unterminated comment",
                "comment starts here",
            );
        }
        if is_directive && self.directive(ctx, ls, p, le) {
            // A kept (`#pragma`) line is copied like text.
            if open_comment.is_some() {
                self.flush_run(ctx, le);
                self.generated(ctx, " */", le);
            }
            return self.end_line(ctx, le);
        }
        self.flush_run(ctx, ls);
        let next = (le + 1).min(len);
        ctx.pending_nl += lexer::count_newlines(b, ls, next) + ctx.take_splices(le);
        next
    }

    /// Ends a copied line at its `\n` at `le`.
    fn end_line(&mut self, ctx: &mut FileCtx, le: usize) -> usize {
        let next = (le + 1).min(ctx.text.len());
        let n = ctx.take_splices(le);
        if n > 0 {
            // Joined lines: owe the output the line breaks removed.
            self.flush_run(ctx, next);
            ctx.pending_nl += n;
        }
        next
    }

    fn start_copy(&mut self, ctx: &mut FileCtx, ls: usize) {
        if ctx.pending_nl > 0 {
            self.flush_run(ctx, ls);
            self.emit_pending(ctx, ls);
        }
        if ctx.run.is_none() {
            ctx.run = Some(ls);
        }
    }

    /// Copies a line of program text, expanding macros outside comments and
    /// literals. A comment or macro invocation may carry on to later lines.
    fn text_line(&mut self, ctx: &mut FileCtx, ls: usize) -> usize {
        self.start_copy(ctx, ls);
        let b = ctx.text.as_bytes();
        let len = b.len();
        let mut i = ls;
        while let Some(&c) = b.get(i) {
            match c {
                b'\n' => return self.end_line(ctx, i),
                b'/' => match b.get(i + 1) {
                    Some(b'*') => match lexer::comment_end(b, i) {
                        Some(e) => i = e,
                        None => {
                            self.error(
                                ctx.span(i, i + 2),
                                "unterminated comment",
                                "comment starts here",
                            );
                            self.flush_run(ctx, len);
                            // Close it, so the parser does not report it again.
                            self.generated(ctx, " */", len);
                            return len;
                        }
                    },
                    Some(b'/') => i = lexer::line_break(b, i),
                    _ => i += 1,
                },
                b'"' | b'\'' => i = self.literal(ctx, i),
                b'0'..=b'9' => i = lexer::number_end(b, i),
                b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => i = lexer::number_end(b, i),
                _ if lexer::is_ident_start(c) => {
                    let j = lexer::ident_end(b, i);
                    if matches!(b.get(j), Some(b'"' | b'\''))
                        && matches!(b.get(i..j), Some(b"L" | b"u" | b"U" | b"u8"))
                    {
                        i = self.literal(ctx, j);
                    } else if i >= ctx.no_expand_until && !self.expansion_off {
                        i = self.invoke(ctx, i, j);
                    } else {
                        i = j;
                    }
                }
                _ => i += 1,
            }
        }
        len
    }

    /// Skips a string or character literal starting at `i`; an unterminated one
    /// is reported and closed.
    fn literal(&mut self, ctx: &mut FileCtx, i: usize) -> usize {
        let b = ctx.text.as_bytes();
        let (e, closed) = lexer::literal_end(b, i);
        if closed {
            return e;
        }
        let at = if e > i + 1 && b.get(e - 1) == Some(&b'\r') {
            e - 1
        } else {
            e
        };
        let string = b.get(i) == Some(&b'"');
        let (message, label, quote) = if string {
            ("unterminated string literal", "string starts here", "\"")
        } else {
            ("unterminated character literal", "literal starts here", "'")
        };
        self.error(ctx.span(i, at), message, label);
        self.flush_run(ctx, at);
        self.generated(ctx, quote, at);
        ctx.run = Some(at);
        e
    }

    /// The identifier at `i..j` in program text: expands it if it is a macro
    /// (and, for a function-like one, followed by `(`). Returns where to go on.
    fn invoke(&mut self, ctx: &mut FileCtx, i: usize, j: usize) -> usize {
        let text = ctx.text;
        let Some(mac) = self.macros.get(slice(text, i, j)) else {
            return j;
        };
        let name = mac.name.clone();
        if mac.kind == MacroKind::Function {
            let mut probe = Lexer::source(text, j);
            if probe.next().is_none_or(|t| probe.text_of(&t) != "(") {
                return j;
            }
        }
        self.flush_run(ctx, i);
        let mut reader = Lexer::source(text, j);
        let (result, tokens_used, self_refs, bad_pastes) = {
            let mut env = Env::new(&self.macros, &ctx.view, ctx.to_view(i), self.token_budget);
            let result = macros::run(
                &mut env,
                Some(&mut reader),
                vec![Token::new(Kind::Ident, name, false)],
                &[],
                0,
            );
            (result, env.tokens, env.self_refs, env.bad_pastes)
        };
        self.token_budget = self.token_budget.saturating_sub(tokens_used);
        let end = reader.pos.max(j);
        let out_start = self.out.text.len();
        let result = result.and_then(|tokens| {
            if macros::render(&tokens, &mut self.out.text, macros::MAX_OUTPUT) {
                Ok(())
            } else {
                Err(Abort::TooLarge)
            }
        });
        if !self_refs.is_empty() || !bad_pastes.is_empty() {
            self.report_expansion(ctx.span(i, end), self_refs, bad_pastes);
        }
        if let Err(abort) = result {
            self.out.text.truncate(out_start);
            self.report_abort(ctx.span(i, end), abort);
            // Give up on macros for the rest of this line, and for all text the
            // failed attempt read (so that a run of unclosed `f(` is not read
            // again and again), and copy it as it is.
            ctx.no_expand_until = lexer::line_break(text.as_bytes(), i).max(end);
            ctx.run = Some(i);
            return j;
        }
        // `render` kept the expansion from running into the text before it;
        // keep it from running into the text after it too.
        let b = text.as_bytes();
        if let (Some(&last), Some(&next)) = (self.out.text.as_bytes().last(), b.get(end))
            && lexer::would_paste(last, next)
        {
            self.out.text.push(' ');
        }
        self.out
            .generated_from(ctx.inc, out_start, ctx.to_view(i), ctx.to_view(end));
        // Arguments spread over lines: restore the line count right away.
        let lines = lexer::count_newlines(b, i, end);
        self.out.newlines(ctx.inc, ctx.to_view(end), lines);
        ctx.run = Some(end);
        end
    }

    fn report_expansion(
        &mut self,
        span: SourceSpan,
        self_refs: Vec<Rc<str>>,
        bad_pastes: Vec<(Rc<str>, Rc<str>)>,
    ) {
        for name in self_refs {
            if self.warned_self_ref.insert(name.clone()) {
                self.diags.push(
                    Diagnostic::warning(format!("macro `{name}` refers to itself"))
                        .at(span.clone(), "left unexpanded in this expansion")
                        .help("a macro is not expanded inside its own expansion"),
                );
            }
        }
        for (a, b) in bad_pastes {
            self.error(
                span.clone(),
                format!("pasting `{a}` and `{b}` does not give a valid preprocessing token"),
                "in this expansion",
            );
        }
    }

    fn report_abort(&mut self, span: SourceSpan, abort: Abort) {
        let d = match abort {
            Abort::TooLarge => {
                let d = Diagnostic::error("macro expansion too large").at(span, "expanding this");
                if self.token_budget == 0 {
                    self.expansion_off = true;
                    d.help("macro expansion is switched off for the rest of the input")
                } else {
                    d.help("the expansion grows without bound (more than 1 MiB or 100000 steps)")
                }
            }
            Abort::Unterminated(name) => Diagnostic::error(format!(
                "unterminated argument list invoking macro `{name}`"
            ))
            .at(span, "macro invoked here")
            .help("add the missing `)`"),
            Abort::ArgCount {
                name,
                expected,
                given,
                variadic,
            } => {
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                let at_least = if variadic { "at least " } else { "" };
                let were = if given == 1 { "was" } else { "were" };
                Diagnostic::error(format!(
                    "macro `{name}` expects {at_least}{expected} argument{}, but {given} {were} given",
                    plural(expected)
                ))
                .at(span, "in this invocation")
            }
        };
        self.diags.push(d);
    }

    /// Macro-expands directive tokens (for `#if`, `#include`, `#line`).
    fn expand_tokens(
        &mut self,
        ctx: &FileCtx,
        tokens: Vec<Token>,
        span: &SourceSpan,
    ) -> Option<Vec<Token>> {
        if self.expansion_off {
            return Some(tokens);
        }
        let (result, used, self_refs, bad_pastes) = {
            let mut env = Env::new(&self.macros, &ctx.view, span.start, self.token_budget);
            let r = macros::run(&mut env, None, tokens, &[], 0);
            (r, env.tokens, env.self_refs, env.bad_pastes)
        };
        self.token_budget = self.token_budget.saturating_sub(used);
        self.report_expansion(span.clone(), self_refs, bad_pastes);
        match result {
            Ok(t) => Some(t),
            Err(abort) => {
                self.report_abort(span.clone(), abort);
                None
            }
        }
    }

    // ----- directives -----

    /// Handles the directive whose `#` is at `p`, on the line `ls..le`.
    /// Returns true for a line kept in the output (`#pragma`).
    fn directive(&mut self, ctx: &mut FileCtx, ls: usize, p: usize, le: usize) -> bool {
        let text = ctx.text;
        let mut lx = Lexer::directive(text, p + 1, le);
        let first = lx.next();
        let word = first.map_or("", |t| lx.text_of(&t));
        let name = match first.map(|t| t.kind) {
            None => "",
            Some(Kind::Ident) => word,
            Some(Kind::Number) => "#number",
            Some(_) => "#other",
        };
        let name_end = first.map_or(p + 1, |t| t.end);
        if ctx.skipping {
            match name {
                "if" | "ifdef" | "ifndef" => {
                    let span = ctx.span(p, trim_end(text.as_bytes(), p, le));
                    ctx.conds.push(Cond {
                        keyword: keyword(name),
                        span,
                        else_span: None,
                        taken: true,
                        outer_skipping: true,
                    });
                }
                "elif" => self.elif(ctx, p, name_end, le),
                "else" => self.else_(ctx, p, name_end, le),
                "endif" => self.endif(ctx, p, name_end, le),
                _ => {}
            }
            return false;
        }
        if name == "pragma" {
            let mut rest = lx;
            let once =
                rest.next().is_some_and(|t| rest.text_of(&t) == "once") && rest.next().is_none();
            if once {
                self.once.insert(ctx.file.path().to_path_buf());
            }
            self.start_copy(ctx, ls);
            return true;
        }
        self.flush_run(ctx, ls);
        match name {
            "" => {}
            "define" => match macros::parse_define(text, name_end, le) {
                Ok(mut d) => {
                    let span = ctx.span(d.name_start, d.name_end);
                    d.mac.def_span = Some(span);
                    self.add_macro(d.mac);
                }
                Err(e) => self.error(ctx.span(e.start, e.end), e.message, ""),
            },
            "undef" => {
                if let Some(name) = self.macro_name(ctx, "#undef", p, name_end, le) {
                    self.macros.remove(&name);
                }
            }
            "include" => self.include(ctx, ls, p, name_end, le),
            "if" => {
                let v = self.condition(ctx, "#if", p, name_end, le);
                self.open_group(ctx, "if", p, le, v);
            }
            "ifdef" | "ifndef" => {
                let kw = keyword(name);
                let v = self
                    .macro_name(ctx, kw, p, name_end, le)
                    .is_some_and(|n| self.macros.contains(&n) == (name == "ifdef"));
                self.open_group(ctx, name, p, le, v);
            }
            "elif" => self.elif(ctx, p, name_end, le),
            "else" => self.else_(ctx, p, name_end, le),
            "endif" => self.endif(ctx, p, name_end, le),
            "error" | "warning" => {
                let b = text.as_bytes();
                let end = trim_end(b, p, le);
                let message = slice(text, name_end, end).trim();
                let span = ctx.span(p, end);
                let d = if name == "error" {
                    Diagnostic::error(if message.is_empty() {
                        "`#error`"
                    } else {
                        message
                    })
                } else {
                    Diagnostic::warning(if message.is_empty() {
                        "`#warning`"
                    } else {
                        message
                    })
                };
                self.diags.push(d.at(span, format!("`#{name}` directive")));
            }
            "line" => self.line_directive(ctx, p, name_end, le),
            // GCC's line markers: `# 12 "file"`.
            "#number" => self.line_directive(ctx, p, p + 1, le),
            _ => {
                let span = ctx.span(p, name_end);
                self.error(
                    span,
                    format!("unknown preprocessor directive `#{word}`"),
                    "not a directive",
                );
            }
        }
        false
    }

    fn add_macro(&mut self, mac: Macro) {
        if let Some(old) = self.macros.get(&mac.name)
            && !old.same_definition(&mac)
            && let Some(span) = &mac.def_span
        {
            let mut d = Diagnostic::warning(format!("macro `{}` redefined", mac.name))
                .at(span.clone(), "redefined here with a different body");
            if let Some(old_span) = &old.def_span {
                d = d.related(old_span.clone(), "previous definition");
            }
            self.diags.push(d);
        }
        self.macros.insert(mac);
    }

    /// The single macro name a directive takes (`#ifdef X`, `#undef X`).
    fn macro_name(
        &mut self,
        ctx: &FileCtx,
        kw: &str,
        p: usize,
        start: usize,
        le: usize,
    ) -> Option<String> {
        let mut lx = Lexer::directive(ctx.text, start, le);
        let Some(t) = lx.next() else {
            self.error(
                ctx.span(p, start),
                format!("`{kw}` needs a macro name"),
                "no name here",
            );
            return None;
        };
        if t.kind != Kind::Ident {
            self.error(
                ctx.span(t.start, t.end),
                "macro names must be identifiers",
                "",
            );
            return None;
        }
        if let Some(extra) = lx.next() {
            let end = trim_end(ctx.text.as_bytes(), extra.start, le);
            self.warning(
                ctx.span(extra.start, end),
                format!("extra tokens after `{kw}` name"),
                "ignored",
            );
        }
        Some(lx.text_of(&t).to_string())
    }

    fn open_group(&mut self, ctx: &mut FileCtx, name: &str, p: usize, le: usize, taken: bool) {
        let span = ctx.span(p, trim_end(ctx.text.as_bytes(), p, le));
        ctx.conds.push(Cond {
            keyword: keyword(name),
            span,
            else_span: None,
            taken,
            outer_skipping: false,
        });
        ctx.skipping = !taken;
    }

    /// Evaluates the expression of `#if`/`#elif` in `start..le`.
    fn condition(&mut self, ctx: &FileCtx, kw: &str, p: usize, start: usize, le: usize) -> bool {
        let (tokens, range) = Lexer::directive(ctx.text, start, le).rest();
        let Some((a, e)) = range else {
            self.error(
                ctx.span(p, start),
                format!("`{kw}` with no expression"),
                "expected an expression",
            );
            return false;
        };
        let span = ctx.span(a, e);
        let tokens = match expr::replace_defined(tokens, &self.macros) {
            Ok(t) => t,
            Err(message) => {
                self.error(span, message, "in this expression");
                return false;
            }
        };
        let Some(tokens) = self.expand_tokens(ctx, tokens, &span) else {
            return false;
        };
        match expr::evaluate(&tokens, &self.macros) {
            Ok(v) => v.is_true(),
            Err(message) => {
                self.error(span, message, "in this expression");
                false
            }
        }
    }

    fn elif(&mut self, ctx: &mut FileCtx, p: usize, name_end: usize, le: usize) {
        let Some(top) = ctx.conds.last() else {
            self.error(
                ctx.span(p, name_end),
                "`#elif` without `#if`",
                "no open `#if`",
            );
            return;
        };
        let (else_span, outer, taken) = (top.else_span.clone(), top.outer_skipping, top.taken);
        if let Some(else_span) = else_span {
            self.diags.push(
                Diagnostic::error("`#elif` after `#else`")
                    .at(ctx.span(p, name_end), "")
                    .related(else_span, "`#else` here"),
            );
            ctx.skipping = true;
            return;
        }
        if outer {
            return;
        }
        if taken {
            ctx.skipping = true;
            return;
        }
        let v = self.condition(ctx, "#elif", p, name_end, le);
        if let Some(top) = ctx.conds.last_mut() {
            top.taken = v;
        }
        ctx.skipping = !v;
    }

    fn else_(&mut self, ctx: &mut FileCtx, p: usize, name_end: usize, le: usize) {
        let here = ctx.span(p, name_end);
        let Some(top) = ctx.conds.last_mut() else {
            self.error(here, "`#else` without `#if`", "no open `#if`");
            return;
        };
        if let Some(first) = top.else_span.clone() {
            self.diags.push(
                Diagnostic::error("`#else` after `#else`")
                    .at(here, "")
                    .related(first, "first `#else` here"),
            );
            // Skip the stray branch: a group has at most one `#else` to take.
            ctx.skipping = true;
            return;
        }
        top.else_span = Some(here);
        if !top.outer_skipping {
            ctx.skipping = top.taken;
            top.taken = true;
        }
        if !ctx.skipping {
            self.extra_tokens(ctx, "#else", name_end, le);
        }
    }

    fn endif(&mut self, ctx: &mut FileCtx, p: usize, name_end: usize, le: usize) {
        let Some(top) = ctx.conds.pop() else {
            self.error(
                ctx.span(p, name_end),
                "`#endif` without `#if`",
                "no open `#if`",
            );
            return;
        };
        ctx.skipping = top.outer_skipping;
        if !ctx.skipping {
            self.extra_tokens(ctx, "#endif", name_end, le);
        }
    }

    fn extra_tokens(&mut self, ctx: &FileCtx, kw: &str, start: usize, le: usize) {
        let mut lx = Lexer::directive(ctx.text, start, le);
        if let Some(t) = lx.next() {
            let end = trim_end(ctx.text.as_bytes(), t.start, le);
            self.warning(
                ctx.span(t.start, end),
                format!("extra tokens after `{kw}`"),
                "ignored",
            );
        }
    }

    /// `#line N ["file"]`: positions after it are reported as line `N` of
    /// `file`. A `SourceSpan` can only name a file and byte offsets, so this
    /// makes a view of the file: `N - 1` empty lines, then the rest of the
    /// file, and maps the rest of the file into it.
    fn line_directive(&mut self, ctx: &mut FileCtx, p: usize, start: usize, le: usize) {
        let (tokens, range) = Lexer::directive(ctx.text, start, le).rest();
        let (a, e) = range.unwrap_or((p, le));
        let span = ctx.span(a, e);
        let Some(tokens) = self.expand_tokens(ctx, tokens, &span) else {
            return;
        };
        let mut it = tokens.iter().filter(|t| t.kind != Kind::Placemarker);
        let number = it
            .next()
            .filter(|t| t.kind == Kind::Number && t.text.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.text.parse::<usize>().ok());
        let Some(n) = number else {
            self.error(
                span,
                "`#line` needs a line number",
                "expected a decimal line number",
            );
            return;
        };
        let file_name = match it.next() {
            Some(t) if t.kind == Kind::Str && t.text.starts_with('"') => Some(unquote(&t.text)),
            None => None,
            Some(_) if start > p + 1 => {
                self.error(span, "invalid file name in `#line`", "expected a string");
                return;
            }
            Some(_) => None,
        };
        if n == 0 || n > MAX_LINE_NUMBER {
            self.warning(
                span,
                format!("`#line` number {n} is out of range"),
                "ignored",
            );
            return;
        }
        let len = ctx.text.len();
        let next_line = if le < len { le + 1 } else { le };
        let src_start = ctx.to_src(next_line);
        let rest = ctx.file.text().get(src_start..).unwrap_or("");
        let size = n - 1 + rest.len();
        if self.line_view_bytes.saturating_add(size) > MAX_LINE_VIEW_BYTES {
            // Warn once; `usize::MAX` marks that it was said.
            if self.line_view_bytes != usize::MAX {
                self.line_view_bytes = usize::MAX;
                self.warning(
                    span,
                    "too many `#line` directives; from here on they are ignored",
                    "ignored",
                );
            }
            return;
        }
        self.line_view_bytes += size;
        let mut view_text = String::with_capacity(size);
        view_text.extend(std::iter::repeat_n('\n', n - 1));
        view_text.push_str(rest);
        let path = file_name.map_or_else(|| ctx.view.path().to_path_buf(), PathBuf::from);
        let view = SourceFile::new(path, view_text);
        ctx.inc = self.out.add_inclusion(view.clone(), ctx.chain.clone());
        ctx.view = view;
        ctx.view_base = (src_start, n - 1);
    }

    fn include(&mut self, ctx: &mut FileCtx, ls: usize, p: usize, start: usize, le: usize) {
        let text = ctx.text;
        let b = text.as_bytes();
        let mut lx = Lexer::directive(text, start, le);
        let q = lx.skip_blank();
        let closing = match b.get(q) {
            Some(b'"') if q < le => Some(b'"'),
            Some(b'<') if q < le => Some(b'>'),
            _ => None,
        };
        let (name, span_a, span_b) = if let Some(close) = closing {
            let found = b
                .get(q + 1..le)
                .and_then(|s| s.iter().position(|&c| c == close));
            let Some(k) = found else {
                let end = trim_end(b, q, le);
                self.error(
                    ctx.span(q, end),
                    "missing closing delimiter of the `#include` file name",
                    "",
                );
                return;
            };
            let c = q + 1 + k;
            let mut after = Lexer::directive(text, c + 1, le);
            if let Some(t) = after.next() {
                let end = trim_end(b, t.start, le);
                self.warning(
                    ctx.span(t.start, end),
                    "extra tokens after `#include` file name",
                    "ignored",
                );
            }
            (slice(text, q + 1, c).to_string(), q, c + 1)
        } else {
            // `#include MACRO`: the expansion must be "name" or <name>.
            let (tokens, range) = lx.rest();
            let Some((a, e)) = range else {
                self.error(
                    ctx.span(p, start),
                    "`#include` expects \"FILENAME\" or <FILENAME>",
                    "",
                );
                return;
            };
            let span = ctx.span(a, e);
            let Some(tokens) = self.expand_tokens(ctx, tokens, &span) else {
                return;
            };
            match header_name(&tokens) {
                Some(name) => (name, a, e),
                None => {
                    self.error(
                        span,
                        "`#include` expects \"FILENAME\" or <FILENAME>",
                        "this does not expand to a file name",
                    );
                    return;
                }
            }
        };
        let span = ctx.span(span_a, span_b);
        if name.is_empty() {
            self.error(span, "empty file name in `#include`", "");
            return;
        }
        if self.includes_off {
            return;
        }
        if self.depth >= MAX_INCLUDE_DEPTH {
            self.includes_off = true;
            self.diags.push(
                Diagnostic::error("include nesting too deep, likely recursion")
                    .at(
                        span,
                        format!("more than {MAX_INCLUDE_DEPTH} nested includes"),
                    )
                    .help("guard the file with `#ifndef`/`#define`/`#endif` or `#pragma once`"),
            );
            return;
        }
        let chain: Arc<[IncludeSite]> = std::iter::once(IncludeSite {
            file: ctx.view.clone(),
            offset: ctx.to_view(p),
        })
        .chain(ctx.chain.iter().cloned())
        .collect();
        let mut dirs: Vec<PathBuf> = Vec::with_capacity(1 + self.options.include_dirs.len());
        dirs.push(
            ctx.file
                .path()
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        );
        dirs.extend(self.options.include_dirs.iter().cloned());
        let mut found = None;
        for dir in &dirs {
            let path = dir.join(&name);
            if let Some(f) = self.cache.get(&path) {
                found = Some((path, f.clone()));
                break;
            }
            match self.files.read(&path) {
                Ok(bytes) => {
                    let (f, warning) = SourceFile::decode(path.clone(), &bytes);
                    if let Some(mut w) = warning {
                        if let Some(s) = &mut w.span {
                            s.included_from = chain.clone();
                        }
                        self.diags.push(w);
                    }
                    self.cache.insert(path.clone(), f.clone());
                    found = Some((path, f));
                    break;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::NotFound
                            | io::ErrorKind::IsADirectory
                            | io::ErrorKind::NotADirectory
                    ) => {}
                Err(e) => {
                    self.error(span, format!("cannot read `{}`: {e}", path.display()), "");
                    return;
                }
            }
        }
        let Some((path, file)) = found else {
            let searched: Vec<String> = dirs
                .iter()
                .map(|d| format!("`{}`", crate::diagnostic::display_path(d)))
                .collect();
            self.diags.push(
                Diagnostic::error(format!("cannot find include file `{name}`"))
                    .at(span, "not found")
                    .help(format!("searched {}", searched.join(", "))),
            );
            return;
        };
        if self.once.contains(&path) {
            return;
        }
        self.inclusions += 1;
        if self.inclusions > MAX_INCLUSIONS {
            self.includes_off = true;
            self.error(
                span,
                "too many `#include`s",
                format!("more than {MAX_INCLUSIONS} files included"),
            );
            return;
        }
        // Blank lines owed so far come before the included text.
        self.emit_pending(ctx, ls);
        let inc = self.out.add_inclusion(file.clone(), chain.clone());
        self.depth += 1;
        self.run_file(file, inc, chain);
        self.depth -= 1;
    }
}

fn keyword(name: &str) -> &'static str {
    match name {
        "ifdef" => "#ifdef",
        "ifndef" => "#ifndef",
        _ => "#if",
    }
}

/// The file name a macro-expanded `#include` names, if any.
fn header_name(tokens: &[Token]) -> Option<String> {
    let mut it = tokens.iter().filter(|t| t.kind != Kind::Placemarker);
    let first = it.next()?;
    if first.kind == Kind::Str && first.text.starts_with('"') {
        let inner = first.text.strip_prefix('"')?.strip_suffix('"')?;
        return Some(inner.to_string());
    }
    if !first.is_punct("<") {
        return None;
    }
    let mut name = String::new();
    for t in it {
        if t.is_punct(">") {
            return Some(name);
        }
        if t.space && !name.is_empty() {
            name.push(' ');
        }
        name.push_str(&t.text);
    }
    None
}

/// The contents of a `"..."` literal with `\\` and `\"` unescaped.
fn unquote(s: &str) -> String {
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(s);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}
