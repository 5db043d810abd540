//! Turns pest's failure into a diagnostic a person can act on: what was
//! expected, in words, what was found, and where to fix it.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diagnostic::Diagnostic;
use crate::syntax::preprocess::Preprocessed;

/// More alternatives than this are summed up by context instead of listed.
const MAX_LISTED: usize = 6;

pub(super) fn syntax_error(pre: &Preprocessed, error: &Error<Rule>) -> Diagnostic {
    let text = pre.text.as_str();
    let position = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(text.len()),
    };
    if let ErrorVariant::CustomError { message } = &error.variant {
        // pest's own limits (native stack, call budget).
        return Diagnostic::error(format!("cannot parse this file: {message}"))
            .at(pre.span(position, position + 1), "parsing stopped here")
            .help("the input is nested too deeply or too large to be a real IDL file");
    }
    let found = Token::at(text, position);
    let attempts = error.parse_attempts();
    let mut expected: Vec<String> = Vec::new();
    let mut context = None;
    if let Some(attempts) = &attempts {
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            if is_literal_token(&token) {
                push_unique(&mut expected, format!("`{token}`"));
            }
        }
        for stack in attempts.call_stacks() {
            if let Some(words) = stack.deepest.get_rule().copied().and_then(describe) {
                push_unique(&mut expected, words.to_string());
            }
            context = context.or(stack.parent.and_then(describe_context));
        }
    }
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            if let Some(words) = describe(*rule) {
                push_unique(&mut expected, words.to_string());
            }
        }
    }
    expected.sort_by_key(|e| !e.starts_with('`'));

    // A missing `;` or `)` belongs right after the previous token, where a
    // person would type it, not at the start of the next line.
    let wants_terminator = expected.iter().any(|e| e == "`;`");
    let (start, end) = if wants_terminator && found.starts_line {
        let before = end_of_previous_token(text, position);
        (before, before)
    } else {
        (position, position + found.len.max(1))
    };

    let wanted = if expected.is_empty() || expected.len() > MAX_LISTED {
        match context {
            Some(context) => format!("unexpected {} in {context}", found.describe()),
            None => format!("unexpected {}", found.describe()),
        }
    } else {
        format!("expected {}, found {}", or_list(&expected), found.describe())
    };
    let label = if wants_terminator && found.starts_line {
        "expected `;` here".to_string()
    } else {
        format!("unexpected {}", found.describe())
    };
    let mut diagnostic = Diagnostic::error(wanted).at(pre.span(start, end), label);
    if let Some(help) = hint(text, position, &found, &expected) {
        diagnostic = diagnostic.help(help);
    }
    if found.kind == TokenKind::Eof {
        if let Some(open) = unclosed_bracket(text) {
            diagnostic = diagnostic.related(pre.span(open, open + 1), "this bracket is never closed");
        }
    }
    diagnostic
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Literal tokens worth naming: not white space, comment openers, character
/// ranges (`a..z`) or pest's built-ins.
fn is_literal_token(token: &str) -> bool {
    let is_range = token.chars().count() == 4 && token.chars().skip(1).take(2).all(|c| c == '.');
    !(token.trim().is_empty()
        || token == "/*"
        || token == "//"
        || token == "BUILTIN_RULE"
        || is_range)
}

/// What a rule is, in the words of someone writing IDL.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::scoped_name => "an identifier",
        Rule::type_spec | Rule::type_ref | Rule::type_name | Rule::base_type => "a type",
        Rule::expr | Rule::unary | Rule::postfix => "an expression",
        Rule::number => "a number",
        Rule::string | Rule::strings => "a string literal",
        Rule::attribute | Rule::attr_name => "an attribute",
        Rule::attributes => "an attribute list `[...]`",
        Rule::declarator | Rule::direct_declarator => "a declarator",
        Rule::param => "a parameter",
        Rule::params => "a parameter list `(...)`",
        Rule::enumerator => "an enumerator",
        Rule::interface_body => "an interface body `{...}`",
        Rule::class_member => "`interface NAME;`",
        Rule::uuid_lit => "a GUID",
        Rule::attr_arg | Rule::attr_args => "an attribute argument",
        Rule::item | Rule::attributed_item => "a declaration",
        Rule::declaration | Rule::attributed_declaration => "a declaration",
        Rule::union_arm | Rule::case_label => "`case` or `default`",
        Rule::pragma => "`#pragma`",
        _ => return None,
    })
}

fn describe_context(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::file | Rule::item => "a declaration",
        Rule::interface | Rule::interface_body => "the interface",
        Rule::coclass | Rule::class_body => "the coclass",
        Rule::library => "the library",
        Rule::attributes | Rule::attribute | Rule::attr_args | Rule::attr_arg => {
            "the attribute list"
        }
        Rule::expr | Rule::unary | Rule::postfix => "the expression",
        Rule::params | Rule::param => "the parameter list",
        Rule::struct_type | Rule::struct_body => "the struct",
        Rule::union_type | Rule::union_switch => "the union",
        Rule::enum_type | Rule::enum_body => "the enum",
        Rule::typedef => "the typedef",
        Rule::declaration | Rule::attributed_declaration => "the declaration",
        _ => return None,
    })
}

/// A targeted suggestion for the mistakes people make most.
fn hint(text: &str, position: usize, found: &Token, expected: &[String]) -> Option<String> {
    let has = |what: &str| expected.iter().any(|e| e == what);
    let found_text = &text[position..position + found.len];
    if found.kind == TokenKind::Eof && has("`}`") {
        return Some("a `{` is never closed; add the missing `}`".into());
    }
    if found.kind == TokenKind::Other {
        return Some(format!(
            "`{}` cannot appear in IDL outside a comment or string",
            found_text.escape_debug()
        ));
    }
    if found.kind == TokenKind::Word && has("`;`") {
        return Some("end the previous declaration with `;`".into());
    }
    if found_text == "}" && has("`;`") {
        return Some("end each declaration in a body with `;`".into());
    }
    None
}

/// The byte offset just after the last token before `position`, skipping
/// white space and comments.
fn end_of_previous_token(text: &str, position: usize) -> usize {
    let mut end = position;
    loop {
        let trimmed = text[..end].trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let line = &trimmed[line_start..];
        if let Some(comment) = line_comment_start(line) {
            end = line_start + comment;
            continue;
        }
        if trimmed.ends_with("*/") {
            if let Some(open) = trimmed[..trimmed.len() - 2].rfind("/*") {
                end = open;
                continue;
            }
        }
        return trimmed.len();
    }
}

/// Where a `//` comment starts on a line, ignoring `//` inside strings.
fn line_comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The last `{`, `(` or `[` that is never closed, outside comments and strings.
fn unclosed_bracket(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |e| i + e);
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'(' | b'[' => open.push(i),
            b'}' | b')' | b']' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    open.pop()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    Eof,
    Word,
    Number,
    String,
    Punct,
    Other,
}

/// The token that stopped the parser, to name it in the message.
struct Token<'a> {
    kind: TokenKind,
    text: &'a str,
    len: usize,
    /// Only white space stands between the token and the start of its line.
    starts_line: bool,
}

impl<'a> Token<'a> {
    fn at(text: &'a str, position: usize) -> Token<'a> {
        let rest = &text[position..];
        let line_start = text[..position].rfind('\n').map_or(0, |i| i + 1);
        let starts_line = text[line_start..position].trim().is_empty();
        let Some(first) = rest.chars().next() else {
            return Token {
                kind: TokenKind::Eof,
                text: "",
                len: 0,
                starts_line,
            };
        };
        let word_len = |pred: fn(char) -> bool| {
            rest.char_indices()
                .find(|&(_, c)| !pred(c))
                .map_or(rest.len(), |(i, _)| i)
        };
        let (kind, len) = if first.is_ascii_alphabetic() || first == '_' {
            (TokenKind::Word, word_len(|c| c.is_ascii_alphanumeric() || c == '_'))
        } else if first.is_ascii_digit() {
            (TokenKind::Number, word_len(|c| c.is_ascii_alphanumeric() || c == '.'))
        } else if first == '"' {
            let close = rest[1..].find(['"', '\n']).map_or(rest.len(), |i| i + 2);
            (TokenKind::String, close.min(rest.len()))
        } else if first.is_ascii_punctuation() {
            let two = rest.get(..2).unwrap_or("");
            let len = if ["<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "::"].contains(&two)
            {
                2
            } else {
                1
            };
            (TokenKind::Punct, len)
        } else {
            (TokenKind::Other, first.len_utf8())
        };
        Token {
            kind,
            text: &rest[..len],
            len,
            starts_line,
        }
    }

    fn describe(&self) -> String {
        match self.kind {
            TokenKind::Eof => "end of file".into(),
            TokenKind::Word => format!("`{}`", self.text),
            TokenKind::Number => format!("number `{}`", self.text),
            TokenKind::String => "a string literal".into(),
            TokenKind::Punct => format!("`{}`", self.text),
            TokenKind::Other => format!("character {:?}", self.text),
        }
    }
}
