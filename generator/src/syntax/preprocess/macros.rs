//! Macro definitions and C macro expansion.
//!
//! Expansion uses the classic context stack: a macro's replacement list is
//! pushed as a context, and the macro stays disabled until that context has
//! been read past. A name met while its macro is disabled is "painted blue" and
//! never expanded again, which is what makes `#define A A` terminate. Arguments
//! are fully expanded on their own before substitution, except next to `#` and
//! `##`. Every expansion runs under a budget so that a hostile input cannot
//! make the preprocessor run away.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::lexer::{self, Kind, Lexer, Token};
use crate::syntax::source::{SourceFile, SourceSpan};

/// Macro invocations within one top-level expansion.
const MAX_STEPS: usize = 100_000;
/// Bytes created by `#` and `##` within one top-level expansion.
const MAX_BYTES: usize = 1 << 20;
/// Nesting of argument pre-expansion (`f(f(f(...)))`), which recurses.
const MAX_DEPTH: usize = 128;
/// Tokens produced by one top-level expansion.
pub(crate) const MAX_TOKENS: usize = 1 << 20;
/// Bytes of text one top-level expansion may produce.
pub(crate) const MAX_OUTPUT: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MacroKind {
    Object,
    Function,
    /// `__FILE__`
    File,
    /// `__LINE__`
    Line,
}

#[derive(Debug)]
pub(crate) struct Macro {
    pub name: Rc<str>,
    pub kind: MacroKind,
    pub params: Vec<Rc<str>>,
    /// The last parameter takes the rest of the arguments.
    pub variadic: bool,
    pub body: Vec<Token>,
    /// The body contains `##`.
    paste: bool,
    pub def_span: Option<SourceSpan>,
}

impl Macro {
    pub fn builtin(name: &str, kind: MacroKind) -> Self {
        Macro {
            name: name.into(),
            kind,
            params: Vec::new(),
            variadic: false,
            body: Vec::new(),
            paste: false,
            def_span: None,
        }
    }

    /// Whether two definitions are the same in the C sense (same parameters,
    /// same tokens, same whitespace separation).
    pub fn same_definition(&self, other: &Macro) -> bool {
        self.kind == other.kind
            && self.params == other.params
            && self.variadic == other.variadic
            && self.body.len() == other.body.len()
            && self
                .body
                .iter()
                .zip(&other.body)
                .enumerate()
                .all(|(k, (a, b))| {
                    a.kind == b.kind && a.text == b.text && (k == 0 || a.space == b.space)
                })
    }
}

/// A cheap hash for identifiers (no need for DoS resistance here).
#[derive(Default)]
pub(crate) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

/// The defined macros. Most identifiers in IDL are not macros, so a lookup
/// first checks a filter on the first byte and the length.
#[derive(Default)]
pub(crate) struct MacroTable {
    map: HashMap<Rc<str>, Rc<Macro>, BuildHasherDefault<NameHasher>>,
    first: [u64; 2],
    lengths: u64,
}

impl MacroTable {
    pub fn get(&self, name: &str) -> Option<&Rc<Macro>> {
        let b = name.as_bytes();
        let c = *b.first()?;
        if c >= 128
            || self.first[usize::from(c >> 6)] & (1 << (c & 63)) == 0
            || self.lengths & (1 << b.len().min(63)) == 0
        {
            return None;
        }
        self.map.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn insert(&mut self, mac: Macro) {
        if let Some(&c) = mac.name.as_bytes().first()
            && c < 128
        {
            self.first[usize::from(c >> 6)] |= 1 << (c & 63);
        }
        self.lengths |= 1 << mac.name.len().min(63);
        self.map.insert(mac.name.clone(), Rc::new(mac));
    }

    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }
}

/// A `#define` that parsed.
pub(crate) struct Defined {
    pub mac: Macro,
    pub name_start: usize,
    pub name_end: usize,
}

/// A `#define` that did not parse, with the offending range.
pub(crate) struct DefineError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

fn define_error(message: impl Into<String>, start: usize, end: usize) -> DefineError {
    DefineError {
        message: message.into(),
        start,
        end,
    }
}

/// Parses what follows `#define` in `text[start..end]`.
pub(crate) fn parse_define(text: &str, start: usize, end: usize) -> Result<Defined, DefineError> {
    let mut lx = Lexer::directive(text, start, end);
    let Some(name) = lx.next() else {
        return Err(define_error(
            "macro name missing after `#define`",
            start,
            end,
        ));
    };
    let name_text = lx.text_of(&name);
    if name.kind != Kind::Ident {
        return Err(define_error(
            "macro names must be identifiers",
            name.start,
            name.end,
        ));
    }
    if name_text == "defined" {
        return Err(define_error(
            "`defined` cannot be used as a macro name",
            name.start,
            name.end,
        ));
    }
    // Function-like only when `(` follows the name with no space between.
    let function_like = name.end < end && text.as_bytes().get(name.end) == Some(&b'(');
    let mut params: Vec<Rc<str>> = Vec::new();
    let mut variadic = false;
    if function_like {
        let _ = lx.next();
        let missing = || define_error("missing `)` in macro parameter list", name.start, end);
        let mut t = lx.next().ok_or_else(missing)?;
        if lx.text_of(&t) != ")" {
            loop {
                let s = lx.text_of(&t);
                if s == "..." {
                    variadic = true;
                    params.push("__VA_ARGS__".into());
                    t = lx.next().ok_or_else(missing)?;
                    if lx.text_of(&t) != ")" {
                        return Err(define_error("expected `)` after `...`", t.start, t.end));
                    }
                    break;
                }
                if t.kind != Kind::Ident {
                    return Err(define_error("expected a parameter name", t.start, t.end));
                }
                if s == "__VA_ARGS__" {
                    return Err(define_error(
                        "`__VA_ARGS__` can only name the `...` parameter",
                        t.start,
                        t.end,
                    ));
                }
                if params.iter().any(|p| &**p == s) {
                    return Err(define_error(
                        format!("duplicate macro parameter `{s}`"),
                        t.start,
                        t.end,
                    ));
                }
                params.push(s.into());
                t = lx.next().ok_or_else(missing)?;
                match lx.text_of(&t) {
                    // GNU named variadic parameter: `args...`
                    "..." => {
                        variadic = true;
                        t = lx.next().ok_or_else(missing)?;
                        if lx.text_of(&t) != ")" {
                            return Err(define_error("expected `)` after `...`", t.start, t.end));
                        }
                        break;
                    }
                    ")" => break,
                    "," => t = lx.next().ok_or_else(missing)?,
                    _ => {
                        return Err(define_error(
                            "expected `,` or `)` in macro parameter list",
                            t.start,
                            t.end,
                        ));
                    }
                }
            }
        }
    }
    let mut body: Vec<Token> = Vec::new();
    let mut spans = Vec::new();
    while let Some(raw) = lx.next() {
        let mut tok = lx.token(&raw);
        tok.space = raw.space && !body.is_empty();
        if function_like
            && raw.kind == Kind::Ident
            && let Some(k) = params.iter().position(|p| **p == *tok.text)
        {
            tok.kind = Kind::Param(k);
        }
        body.push(tok);
        spans.push((raw.start, raw.end));
    }
    let last = body.len().saturating_sub(1);
    for (k, tok) in body.iter().enumerate() {
        let (s, e) = spans.get(k).copied().unwrap_or((start, end));
        if tok.is_punct("##") && (k == 0 || k == last) {
            return Err(define_error(
                "`##` cannot appear at either end of a macro expansion",
                s,
                e,
            ));
        }
        if function_like
            && tok.is_punct("#")
            && !matches!(body.get(k + 1).map(|t| t.kind), Some(Kind::Param(_)))
        {
            return Err(define_error(
                "`#` is not followed by a macro parameter",
                s,
                e,
            ));
        }
    }
    let paste = body.iter().any(|t| t.is_punct("##"));
    Ok(Defined {
        mac: Macro {
            name: name_text.into(),
            kind: if function_like {
                MacroKind::Function
            } else {
                MacroKind::Object
            },
            params,
            variadic,
            body,
            paste,
            def_span: None,
        },
        name_start: name.start,
        name_end: name.end,
    })
}

/// Why an expansion was given up.
#[derive(Debug)]
pub(crate) enum Abort {
    TooLarge,
    Unterminated(Rc<str>),
    ArgCount {
        name: Rc<str>,
        expected: usize,
        given: usize,
        variadic: bool,
    },
}

/// What one top-level expansion needs and reports besides its tokens.
pub(crate) struct Env<'a> {
    macros: &'a MacroTable,
    /// The file and offset `__FILE__` and `__LINE__` describe.
    file: &'a SourceFile,
    offset: usize,
    steps: usize,
    pub tokens: usize,
    token_limit: usize,
    bytes: usize,
    /// Macros left unexpanded because they referred to themselves.
    pub self_refs: Vec<Rc<str>>,
    /// `##` operands that did not form one token.
    pub bad_pastes: Vec<(Rc<str>, Rc<str>)>,
}

impl<'a> Env<'a> {
    pub fn new(
        macros: &'a MacroTable,
        file: &'a SourceFile,
        offset: usize,
        token_limit: usize,
    ) -> Self {
        Env {
            macros,
            file,
            offset,
            steps: 0,
            tokens: 0,
            token_limit: token_limit.min(MAX_TOKENS),
            bytes: 0,
            self_refs: Vec::new(),
            bad_pastes: Vec::new(),
        }
    }

    fn step(&mut self) -> Result<(), Abort> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Abort::TooLarge);
        }
        Ok(())
    }

    fn count(&mut self, tokens: usize) -> Result<(), Abort> {
        self.tokens += tokens;
        if self.tokens > self.token_limit {
            return Err(Abort::TooLarge);
        }
        Ok(())
    }

    fn count_bytes(&mut self, bytes: usize) -> Result<(), Abort> {
        self.bytes += bytes;
        if self.bytes > MAX_BYTES {
            return Err(Abort::TooLarge);
        }
        Ok(())
    }

    fn file_literal(&self) -> String {
        let path = self.file.path().display().to_string();
        let mut s = String::with_capacity(path.len() + 2);
        s.push('"');
        for c in path.chars() {
            if c == '\\' || c == '"' {
                s.push('\\');
            }
            s.push(c);
        }
        s.push('"');
        s
    }

    fn line(&self) -> usize {
        self.file.line_col(self.offset).0
    }
}

/// Tokens being read: a substitution result, or (for the common object-like
/// macro without `##`) the macro's own body, shared rather than copied.
enum Body {
    Owned(Vec<Token>),
    Shared(Rc<Macro>),
}

struct Context {
    body: Body,
    pos: usize,
    /// The macro this context is the expansion of; disabled while it is here.
    name: Option<Rc<str>>,
    /// The invocation's spacing, which the first token takes over.
    first_space: bool,
}

impl Context {
    fn get(&self, k: usize) -> Option<&Token> {
        match &self.body {
            Body::Owned(v) => v.get(k),
            Body::Shared(m) => m.body.get(k),
        }
    }
}

struct Machine<'s, 't, 'o> {
    contexts: Vec<Context>,
    /// The rest of the file, for arguments that run past the tokens at hand.
    source: Option<&'s mut Lexer<'t>>,
    /// Macros disabled by an enclosing expansion.
    outer: &'o [Rc<str>],
}

/// Fully macro-expands `tokens`. With a `source`, a function-like macro at the
/// end may take its arguments from the file text that follows (the lexer is
/// left after the last token used).
pub(crate) fn run(
    env: &mut Env,
    source: Option<&mut Lexer>,
    tokens: Vec<Token>,
    outer: &[Rc<str>],
    depth: usize,
) -> Result<Vec<Token>, Abort> {
    if depth > MAX_DEPTH {
        return Err(Abort::TooLarge);
    }
    let mut m = Machine {
        contexts: vec![Context {
            first_space: tokens.first().is_some_and(|t| t.space),
            body: Body::Owned(tokens),
            pos: 0,
            name: None,
        }],
        source,
        outer,
    };
    let mut out = Vec::new();
    while let Some(tok) = m.next_in_contexts() {
        m.handle(env, tok, &mut out, depth)?;
        if out.len() > MAX_TOKENS {
            return Err(Abort::TooLarge);
        }
    }
    Ok(out)
}

impl Machine<'_, '_, '_> {
    fn next_in_contexts(&mut self) -> Option<Token> {
        while let Some(ctx) = self.contexts.last_mut() {
            if let Some(t) = ctx.get(ctx.pos) {
                let mut t = t.clone();
                if ctx.pos == 0 {
                    t.space = ctx.first_space;
                }
                ctx.pos += 1;
                return Some(t);
            }
            self.contexts.pop();
        }
        None
    }

    fn next_any(&mut self) -> Option<Token> {
        if let Some(t) = self.next_in_contexts() {
            return Some(t);
        }
        let src = self.source.as_deref_mut()?;
        let raw = src.next()?;
        Some(src.token(&raw))
    }

    fn is_disabled(&self, name: &str) -> bool {
        self.outer.iter().any(|n| **n == *name)
            || self
                .contexts
                .iter()
                .any(|c| c.name.as_deref() == Some(name))
    }

    fn disabled_names(&self) -> Vec<Rc<str>> {
        let mut names = self.outer.to_vec();
        names.extend(self.contexts.iter().filter_map(|c| c.name.clone()));
        names
    }

    /// Whether a `(` comes next. Contexts read to their end are left, as C
    /// requires (`f` at the end of an expansion takes `(` from what follows);
    /// the source is only peeked at.
    fn peek_lparen(&mut self) -> bool {
        loop {
            match self.contexts.last() {
                Some(ctx) => match ctx.get(ctx.pos) {
                    Some(t) => return t.is_punct("("),
                    None => {
                        self.contexts.pop();
                    }
                },
                None => {
                    let Some(src) = self.source.as_deref_mut() else {
                        return false;
                    };
                    let mut probe = *src;
                    return probe.next().is_some_and(|raw| probe.text_of(&raw) == "(");
                }
            }
        }
    }

    fn top_next_is_lparen(&self) -> bool {
        self.contexts
            .last()
            .and_then(|c| c.get(c.pos))
            .is_some_and(|t| t.is_punct("("))
    }

    fn handle(
        &mut self,
        env: &mut Env,
        mut tok: Token,
        out: &mut Vec<Token>,
        depth: usize,
    ) -> Result<(), Abort> {
        if tok.kind != Kind::Ident || tok.no_expand {
            out.push(tok);
            return Ok(());
        }
        let macros = env.macros;
        let Some(mac) = macros.get(&tok.text) else {
            out.push(tok);
            return Ok(());
        };
        if self.is_disabled(&mac.name) {
            let would_expand = mac.kind != MacroKind::Function || self.top_next_is_lparen();
            if would_expand && !env.self_refs.contains(&mac.name) {
                env.self_refs.push(mac.name.clone());
            }
            tok.no_expand = true;
            out.push(tok);
            return Ok(());
        }
        match mac.kind {
            MacroKind::File => out.push(Token::new(Kind::Str, env.file_literal(), tok.space)),
            MacroKind::Line => {
                out.push(Token::new(Kind::Number, env.line().to_string(), tok.space))
            }
            MacroKind::Object => {
                env.step()?;
                let body = if mac.paste {
                    Body::Owned(substitute(env, mac, &[], &[], depth)?)
                } else {
                    Body::Shared(mac.clone())
                };
                env.count(mac.body.len())?;
                self.push(body, mac, tok.space);
            }
            MacroKind::Function => {
                if !self.peek_lparen() {
                    out.push(tok);
                    return Ok(());
                }
                let mut args = self.collect_args(mac)?;
                check_arity(mac, &mut args)?;
                env.step()?;
                let disabled = self.disabled_names();
                let body = substitute(env, mac, &args, &disabled, depth)?;
                env.count(body.len())?;
                self.push(Body::Owned(body), mac, tok.space);
            }
        }
        Ok(())
    }

    fn push(&mut self, body: Body, mac: &Macro, space: bool) {
        self.contexts.push(Context {
            body,
            pos: 0,
            name: Some(mac.name.clone()),
            first_space: space,
        });
    }

    /// Reads `( args )`; the `(` is known to come next.
    fn collect_args(&mut self, mac: &Macro) -> Result<Vec<Vec<Token>>, Abort> {
        let _ = self.next_any();
        let mut args: Vec<Vec<Token>> = vec![Vec::new()];
        let mut nesting = 0usize;
        let mut count = 0usize;
        loop {
            let Some(t) = self.next_any() else {
                return Err(Abort::Unterminated(mac.name.clone()));
            };
            count += 1;
            if count > MAX_TOKENS {
                return Err(Abort::TooLarge);
            }
            if t.kind == Kind::Punct {
                match &*t.text {
                    "(" => nesting += 1,
                    ")" if nesting == 0 => break,
                    ")" => nesting -= 1,
                    "," if nesting == 0 && !(mac.variadic && args.len() == mac.params.len()) => {
                        args.push(Vec::new());
                        continue;
                    }
                    _ => {}
                }
            }
            if let Some(arg) = args.last_mut() {
                arg.push(t);
            }
        }
        Ok(args)
    }
}

fn check_arity(mac: &Macro, args: &mut Vec<Vec<Token>>) -> Result<(), Abort> {
    let n = mac.params.len();
    let given = args.len();
    if n == 0 {
        if given == 1 && args.first().is_some_and(Vec::is_empty) {
            args.clear();
            return Ok(());
        }
    } else if mac.variadic {
        if given + 1 == n {
            args.push(Vec::new());
        }
        if given + 1 >= n {
            return Ok(());
        }
    } else if given == n {
        return Ok(());
    }
    Err(Abort::ArgCount {
        name: mac.name.clone(),
        expected: if mac.variadic { n - 1 } else { n },
        given,
        variadic: mac.variadic,
    })
}

/// The replacement list of `mac` with `args` substituted, `#` and `##` applied.
fn substitute(
    env: &mut Env,
    mac: &Macro,
    args: &[Vec<Token>],
    disabled: &[Rc<str>],
    depth: usize,
) -> Result<Vec<Token>, Abort> {
    let body = &mac.body;
    let function_like = mac.kind == MacroKind::Function;
    let va_index = if mac.variadic {
        mac.params.len().checked_sub(1)
    } else {
        None
    };
    let empty: Vec<Token> = Vec::new();
    let arg = |p: usize| args.get(p).unwrap_or(&empty);
    let mut expanded: Vec<Option<Vec<Token>>> = vec![None; args.len()];
    let mut out: Vec<Token> = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(t) = body.get(i) {
        // `#param`
        if function_like
            && t.is_punct("#")
            && let Some(Kind::Param(p)) = body.get(i + 1).map(|n| n.kind)
        {
            out.push(stringify(env, arg(p), t.space)?);
            i += 2;
            continue;
        }
        if t.is_punct("##") {
            let Some(next) = body.get(i + 1) else {
                i += 1;
                continue;
            };
            // GNU: `, ## __VA_ARGS__` drops the comma when there are no
            // variable arguments, and is a plain comma otherwise.
            if let Kind::Param(p) = next.kind
                && Some(p) == va_index
                && out.last().is_some_and(|l| l.is_punct(","))
            {
                if arg(p).is_empty() {
                    out.pop();
                } else {
                    out.extend(arg(p).iter().cloned());
                }
                i += 2;
                continue;
            }
            let (rhs, used): (Vec<Token>, usize) = match next.kind {
                Kind::Param(p) if arg(p).is_empty() => (vec![Token::placemarker(next.space)], 2),
                Kind::Param(p) => (arg(p).clone(), 2),
                _ if function_like && next.is_punct("#") => match body.get(i + 2).map(|n| n.kind) {
                    Some(Kind::Param(p)) => (vec![stringify(env, arg(p), next.space)?], 3),
                    _ => (vec![next.clone()], 2),
                },
                _ => (vec![next.clone()], 2),
            };
            let lhs = out.pop().unwrap_or_else(|| Token::placemarker(false));
            let mut rest = rhs.into_iter();
            match rest.next() {
                Some(first) => match paste(env, &lhs, &first)? {
                    Some(tok) => out.push(tok),
                    None => {
                        env.bad_pastes.push((lhs.text.clone(), first.text.clone()));
                        out.push(lhs);
                        out.push(first);
                    }
                },
                None => out.push(lhs),
            }
            out.extend(rest);
            i += used;
            continue;
        }
        if let Kind::Param(p) = t.kind {
            let raw = arg(p);
            let tokens: &[Token] = if body.get(i + 1).is_some_and(|n| n.is_punct("##")) {
                // An operand of `##` is not expanded.
                if raw.is_empty() {
                    out.push(Token::placemarker(t.space));
                    i += 1;
                    continue;
                }
                raw
            } else {
                if expanded.get(p).is_some_and(Option::is_none) {
                    let e = run(env, None, raw.clone(), disabled, depth + 1)?;
                    if let Some(slot) = expanded.get_mut(p) {
                        *slot = Some(e);
                    }
                }
                expanded.get(p).and_then(Option::as_ref).unwrap_or(&empty)
            };
            let start = out.len();
            out.extend(tokens.iter().cloned());
            if let Some(first) = out.get_mut(start) {
                first.space = t.space;
            }
            env.count(tokens.len())?;
            i += 1;
            continue;
        }
        out.push(t.clone());
        i += 1;
    }
    out.retain(|t| t.kind != Kind::Placemarker);
    Ok(out)
}

/// `#arg`: the argument's spelling as a string literal.
fn stringify(env: &mut Env, arg: &[Token], space: bool) -> Result<Token, Abort> {
    let mut s = String::from("\"");
    let mut first = true;
    for t in arg.iter().filter(|t| t.kind != Kind::Placemarker) {
        if t.space && !first {
            s.push(' ');
        }
        first = false;
        if matches!(t.kind, Kind::Str | Kind::Char) {
            for c in t.text.chars() {
                if c == '\\' || c == '"' {
                    s.push('\\');
                }
                s.push(c);
            }
        } else {
            s.push_str(&t.text);
        }
    }
    s.push('"');
    env.count_bytes(s.len())?;
    Ok(Token::new(Kind::Str, s, space))
}

/// `a ## b`: one token, or `None` when the spellings do not form one token.
fn paste(env: &mut Env, lhs: &Token, rhs: &Token) -> Result<Option<Token>, Abort> {
    if lhs.kind == Kind::Placemarker {
        let mut t = rhs.clone();
        t.space = lhs.space;
        return Ok(Some(t));
    }
    if rhs.kind == Kind::Placemarker {
        return Ok(Some(lhs.clone()));
    }
    let s = format!("{}{}", lhs.text, rhs.text);
    env.count_bytes(s.len())?;
    let (kind, end) = lexer::lex_at(&s, 0);
    if end != s.len() {
        return Ok(None);
    }
    Ok(Some(Token::new(kind, s, lhs.space)))
}

/// Appends tokens as text, with a space where the source had one or where two
/// tokens would otherwise run together (also with the text already in `out`).
/// Returns false when the text would exceed `limit` bytes.
pub(crate) fn render(tokens: &[Token], out: &mut String, limit: usize) -> bool {
    let limit = out.len().saturating_add(limit);
    let mut prev: Option<u8> = out.as_bytes().last().copied();
    let mut first = true;
    for t in tokens.iter().filter(|t| t.kind != Kind::Placemarker) {
        let bytes = t.text.as_bytes();
        if let (Some(p), Some(&f)) = (prev, bytes.first()) {
            // The first token's own spacing was copied with the source text.
            if (t.space && !first) || lexer::would_paste(p, f) {
                out.push(' ');
            }
        }
        first = false;
        out.push_str(&t.text);
        if out.len() > limit {
            return false;
        }
        if let Some(&l) = bytes.last() {
            prev = Some(l);
        }
    }
    true
}
