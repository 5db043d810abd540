//! Turns pest's failure into a diagnostic a person can act on: what was
//! expected, in words, what was found, and where to fix it.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diagnostic::Diagnostic;
use crate::syntax::preprocess::Preprocessed;

/// More alternatives than this are summed up by context instead of listed.
const MAX_LISTED: usize = 6;

/// `code` is the text pest parsed: the preprocessed text with comments blanked.
pub(super) fn syntax_error(pre: &Preprocessed, code: &str, error: &Error<Rule>) -> Diagnostic {
    let text = code;
    let attempts = error.parse_attempts();
    // The farthest point the parser reached is where the input went wrong.
    let reported = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
    };
    let position = attempts
        .as_ref()
        .map_or(reported, |a| a.max_position.max(reported))
        .min(text.len());
    if let ErrorVariant::CustomError { message } = &error.variant {
        // pest's own limits (native stack, call budget).
        return Diagnostic::error(format!("cannot parse this file: {message}"))
            .at(pre.span(position, position + 1), "parsing stopped here")
            .help("the input is nested too deeply or too large to be a real IDL file");
    }
    let found = Token::at(text, position);
    let open = open_brackets(&text[..position]);
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
            context = context.or(stack.parent.and_then(describe_context).map(String::from));
        }
    }
    if let Some(attribute) = enclosing_attribute(text, &open) {
        context = Some(format!("the arguments of attribute `{attribute}`"));
    }
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            if let Some(words) = describe(*rule) {
                push_unique(&mut expected, words.to_string());
            }
        }
    }
    expected.sort_by_key(|e| !e.starts_with('`'));

    // A missing `;` belongs right after the previous token, where a person
    // would type it, not at the next line or the closing brace.
    let previous_end = end_of_previous_token(text, position);
    let previous = text[..previous_end].chars().next_back();
    let missing_semicolon = expected.iter().any(|e| e == "`;`")
        && (found.starts_line || found.text == "}" || found.kind == TokenKind::Eof)
        && matches!(
            found.kind,
            TokenKind::Word | TokenKind::Punct | TokenKind::Eof
        )
        && previous.is_some_and(|c| !matches!(c, ';' | '{' | '}'));
    let unclosed = open
        .last()
        .filter(|_| found.kind == TokenKind::Eof)
        .map(|&at| match text.as_bytes()[at] {
            b'{' => '}',
            b'(' => ')',
            _ => ']',
        });
    let (start, end, wanted, label) = if let Some(close) = unclosed {
        (
            position,
            position,
            format!("expected `{close}`, found end of file"),
            format!("`{close}` missing"),
        )
    } else if missing_semicolon {
        (
            previous_end,
            previous_end,
            format!("expected `;`, found {}", found.describe()),
            "expected `;` here".to_string(),
        )
    } else {
        let wanted = if expected.is_empty() || expected.len() > MAX_LISTED {
            match context {
                Some(context) => format!("unexpected {} in {context}", found.describe()),
                None => format!("unexpected {}", found.describe()),
            }
        } else {
            format!(
                "expected {}, found {}",
                or_list(&expected),
                found.describe()
            )
        };
        (
            position,
            position + found.len.max(1),
            wanted,
            format!("unexpected {}", found.describe()),
        )
    };
    let mut diagnostic = Diagnostic::error(wanted).at(pre.span(start, end), label);
    if let Some(help) = hint(text, position, &found, &expected) {
        diagnostic = diagnostic.help(help);
    }
    // The bracket still open where parsing failed is often the real cause.
    if let Some(&open) = open.last() {
        if found.kind == TokenKind::Eof {
            diagnostic =
                diagnostic.related(pre.span(open, open + 1), "this bracket is never closed");
        } else if matches!(text.as_bytes()[open], b'(' | b'[')
            && !text[open..position].contains('\n')
        {
            diagnostic =
                diagnostic.related(pre.span(open, open + 1), "inside this bracket, still open");
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
/// ranges (`a..z`), pest's built-ins or the first characters of tokens
/// (the grammar looks ahead at them to skip rules quickly).
fn is_literal_token(token: &str) -> bool {
    let is_range = token.chars().count() == 4 && token.chars().skip(1).take(2).all(|c| c == '.');
    // Single letters, `_`, `#` and quotes are the first characters of words,
    // pragmas and literals, which are named as such.
    let first_character = token.len() == 1
        && token
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '#' | '"' | '\''));
    !(token.trim().is_empty()
        || first_character
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
    let found_text = &text[position..position + found.len];
    if found.kind == TokenKind::Eof {
        return Some(if expected.iter().any(|e| e == "`}`") {
            "a `{` is never closed; add the missing `}`".into()
        } else {
            "the file ends in the middle of a declaration".into()
        });
    }
    if found.kind == TokenKind::Other {
        return Some(format!(
            "`{}` cannot appear in IDL outside a comment or string",
            found_text.escape_debug()
        ));
    }
    None
}

/// The byte offset just after the last token before `position` (comments
/// are already blanks).
fn end_of_previous_token(text: &str, position: usize) -> usize {
    text[..position].trim_end().len()
}

/// The `{`, `(` and `[` still open at the end of `text` (outside string
/// literals), outermost first.
fn open_brackets(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut open = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                i = super::literal_end(bytes, i);
                continue;
            }
            b'{' | b'(' | b'[' => open.push(i),
            b'}' | b')' | b']' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    open
}

/// `size_is` when `position` is inside the argument list of an attribute
/// (`[..., size_is(` ... ), for a message that names it.
fn enclosing_attribute<'a>(text: &'a str, open: &[usize]) -> Option<&'a str> {
    let [.., list, args] = open else { return None };
    if text.as_bytes()[*list] != b'[' || text.as_bytes()[*args] != b'(' {
        return None;
    }
    let before = text[..*args].trim_end();
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let name = &before[start..];
    (!name.is_empty()).then_some(name)
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
            (
                TokenKind::Word,
                word_len(|c| c.is_ascii_alphanumeric() || c == '_'),
            )
        } else if first.is_ascii_digit() {
            (
                TokenKind::Number,
                word_len(|c| c.is_ascii_alphanumeric() || c == '.'),
            )
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
