//! `#if` expressions: C integer constant expressions, evaluated in
//! `intmax_t`/`uintmax_t` (here `i64`/`u64`) with the usual arithmetic
//! conversions, short-circuit evaluation and wrapping overflow.

use super::lexer::{Kind, Token};
use super::macros::MacroTable;

/// Parentheses and unary operators recurse; this bounds the recursion.
const MAX_NESTING: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Value {
    pub bits: u64,
    pub unsigned: bool,
}

impl Value {
    fn signed(v: i64) -> Self {
        Value {
            bits: v as u64,
            unsigned: false,
        }
    }

    fn truth(b: bool) -> Self {
        Value::signed(i64::from(b))
    }

    pub fn is_true(self) -> bool {
        self.bits != 0
    }
}

/// Replaces `defined X` and `defined(X)` by `1` or `0`, before macro expansion
/// (which would otherwise expand `X`).
pub(crate) fn replace_defined(
    tokens: Vec<Token>,
    macros: &MacroTable,
) -> Result<Vec<Token>, String> {
    if !tokens
        .iter()
        .any(|t| t.kind == Kind::Ident && &*t.text == "defined")
    {
        return Ok(tokens);
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut it = tokens.into_iter();
    while let Some(t) = it.next() {
        if t.kind != Kind::Ident || &*t.text != "defined" {
            out.push(t);
            continue;
        }
        let missing = || "`defined` needs a macro name".to_string();
        let mut name = it.next().ok_or_else(missing)?;
        let paren = name.is_punct("(");
        if paren {
            name = it.next().ok_or_else(missing)?;
        }
        if name.kind != Kind::Ident {
            return Err(missing());
        }
        if paren && !it.next().is_some_and(|t| t.is_punct(")")) {
            return Err("missing `)` after `defined(`".to_string());
        }
        let v = if macros.contains(&name.text) {
            "1"
        } else {
            "0"
        };
        out.push(Token::new(Kind::Number, v, t.space));
    }
    Ok(out)
}

/// Evaluates a macro-expanded `#if` expression.
pub(crate) fn evaluate(tokens: &[Token], macros: &MacroTable) -> Result<Value, String> {
    let mut p = Parser {
        tokens,
        pos: 0,
        macros,
        nesting: 0,
    };
    if p.peek().is_none() {
        return Err("expected an expression".to_string());
    }
    let v = p.comma(true)?;
    match p.peek() {
        None => Ok(v),
        Some(t) if t.is_punct(")") => Err("unmatched `)` in expression".to_string()),
        Some(t) => Err(format!("unexpected `{}` in expression", t.text)),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    And,
    Or,
}

fn binary_op(t: &Token) -> Option<(Op, u8)> {
    if t.kind != Kind::Punct {
        return None;
    }
    Some(match &*t.text {
        "*" => (Op::Mul, 10),
        "/" => (Op::Div, 10),
        "%" => (Op::Rem, 10),
        "+" => (Op::Add, 9),
        "-" => (Op::Sub, 9),
        "<<" => (Op::Shl, 8),
        ">>" => (Op::Shr, 8),
        "<" => (Op::Lt, 7),
        ">" => (Op::Gt, 7),
        "<=" => (Op::Le, 7),
        ">=" => (Op::Ge, 7),
        "==" => (Op::Eq, 6),
        "!=" => (Op::Ne, 6),
        "&" => (Op::BitAnd, 5),
        "^" => (Op::BitXor, 4),
        "|" => (Op::BitOr, 3),
        "&&" => (Op::And, 2),
        "||" => (Op::Or, 1),
        _ => return None,
    })
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    macros: &'a MacroTable,
    nesting: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens
            .get(self.pos..)
            .unwrap_or(&[])
            .iter()
            .find(|t| t.kind != Kind::Placemarker)
    }

    fn next(&mut self) -> Option<Token> {
        while let Some(t) = self.tokens.get(self.pos) {
            self.pos += 1;
            if t.kind != Kind::Placemarker {
                return Some(t.clone());
            }
        }
        None
    }

    fn enter(&mut self) -> Result<(), String> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err("expression nested too deeply".to_string());
        }
        Ok(())
    }

    /// `a, b` (C99 allows it where it is not evaluated; GCC everywhere).
    fn comma(&mut self, eval: bool) -> Result<Value, String> {
        let mut v = self.conditional(eval)?;
        while self.peek().is_some_and(|t| t.is_punct(",")) {
            self.next();
            v = self.conditional(eval)?;
        }
        Ok(v)
    }

    fn conditional(&mut self, eval: bool) -> Result<Value, String> {
        self.enter()?;
        let c = self.binary(1, eval)?;
        let v = if self.peek().is_some_and(|t| t.is_punct("?")) {
            self.next();
            let a = self.comma(eval && c.is_true())?;
            if !self.next().is_some_and(|t| t.is_punct(":")) {
                return Err("expected `:` in `?:` expression".to_string());
            }
            let b = self.conditional(eval && !c.is_true())?;
            Value {
                bits: if c.is_true() { a.bits } else { b.bits },
                unsigned: a.unsigned || b.unsigned,
            }
        } else {
            c
        };
        self.nesting -= 1;
        Ok(v)
    }

    /// Precedence climbing over the binary operators.
    fn binary(&mut self, min_prec: u8, eval: bool) -> Result<Value, String> {
        let mut lhs = self.unary(eval)?;
        while let Some((op, prec)) = self.peek().and_then(binary_op) {
            if prec < min_prec {
                break;
            }
            self.next();
            let rhs_eval = match op {
                Op::And => eval && lhs.is_true(),
                Op::Or => eval && !lhs.is_true(),
                _ => eval,
            };
            let rhs = self.binary(prec + 1, rhs_eval)?;
            lhs = apply(op, lhs, rhs, eval)?;
        }
        Ok(lhs)
    }

    fn unary(&mut self, eval: bool) -> Result<Value, String> {
        let Some(t) = self.next() else {
            return Err("expected a value at the end of the expression".to_string());
        };
        match t.kind {
            Kind::Number => parse_number(&t.text),
            Kind::Char => parse_char(&t.text),
            Kind::Ident if &*t.text == "defined" => self.defined(),
            // Identifiers that are not macros are 0.
            Kind::Ident => Ok(Value::signed(0)),
            Kind::Punct => {
                let op = &*t.text;
                if !matches!(op, "(" | "-" | "+" | "~" | "!") {
                    return Err(format!("unexpected `{op}` in expression"));
                }
                self.enter()?;
                let v = if op == "(" {
                    let v = self.comma(eval)?;
                    if !self.next().is_some_and(|t| t.is_punct(")")) {
                        return Err("missing `)` in expression".to_string());
                    }
                    v
                } else {
                    let v = self.unary(eval)?;
                    match op {
                        "-" => Value {
                            bits: v.bits.wrapping_neg(),
                            ..v
                        },
                        "~" => Value { bits: !v.bits, ..v },
                        "!" => Value::truth(!v.is_true()),
                        _ => v,
                    }
                };
                self.nesting -= 1;
                Ok(v)
            }
            Kind::Str => Err("string literal in expression".to_string()),
            _ => Err(format!("unexpected `{}` in expression", t.text)),
        }
    }

    /// `defined` that came out of a macro expansion.
    fn defined(&mut self) -> Result<Value, String> {
        let missing = || "`defined` needs a macro name".to_string();
        let mut name = self.next().ok_or_else(missing)?;
        let paren = name.is_punct("(");
        if paren {
            name = self.next().ok_or_else(missing)?;
        }
        if name.kind != Kind::Ident {
            return Err(missing());
        }
        if paren && !self.next().is_some_and(|t| t.is_punct(")")) {
            return Err("missing `)` after `defined(`".to_string());
        }
        Ok(Value::truth(self.macros.contains(&name.text)))
    }
}

fn apply(op: Op, a: Value, b: Value, eval: bool) -> Result<Value, String> {
    let unsigned = a.unsigned || b.unsigned;
    let (x, y) = (a.bits, b.bits);
    let (sx, sy) = (x as i64, y as i64);
    let num = |bits: u64| Value { bits, unsigned };
    Ok(match op {
        Op::Mul => num(x.wrapping_mul(y)),
        Op::Div | Op::Rem => {
            if y == 0 {
                if eval {
                    return Err("division by zero in `#if`".to_string());
                }
                return Ok(num(0));
            }
            num(match (op == Op::Div, unsigned) {
                (true, true) => x / y,
                (false, true) => x % y,
                (true, false) => sx.wrapping_div(sy) as u64,
                (false, false) => sx.wrapping_rem(sy) as u64,
            })
        }
        Op::Add => num(x.wrapping_add(y)),
        Op::Sub => num(x.wrapping_sub(y)),
        Op::Shl => shift(a, b, true),
        Op::Shr => shift(a, b, false),
        Op::Lt => Value::truth(if unsigned { x < y } else { sx < sy }),
        Op::Gt => Value::truth(if unsigned { x > y } else { sx > sy }),
        Op::Le => Value::truth(if unsigned { x <= y } else { sx <= sy }),
        Op::Ge => Value::truth(if unsigned { x >= y } else { sx >= sy }),
        Op::Eq => Value::truth(x == y),
        Op::Ne => Value::truth(x != y),
        Op::BitAnd => num(x & y),
        Op::BitXor => num(x ^ y),
        Op::BitOr => num(x | y),
        Op::And => Value::truth(a.is_true() && b.is_true()),
        Op::Or => Value::truth(a.is_true() || b.is_true()),
    })
}

/// Shifts keep the left operand's type; a negative count shifts the other way
/// and counts of 64 or more shift everything out, as GCC does.
fn shift(a: Value, b: Value, left: bool) -> Value {
    let negative = !b.unsigned && (b.bits as i64) < 0;
    let (left, n) = if negative {
        (!left, (b.bits as i64).unsigned_abs())
    } else {
        (left, b.bits)
    };
    let bits = if left {
        if n >= 64 { 0 } else { a.bits << n }
    } else if a.unsigned {
        if n >= 64 { 0 } else { a.bits >> n }
    } else {
        let v = a.bits as i64;
        (if n >= 64 { v >> 63 } else { v >> n }) as u64
    };
    Value {
        bits,
        unsigned: a.unsigned,
    }
}

/// An integer constant: decimal, `0x` hex, `0` octal, `0b` binary, with the
/// C suffixes and Microsoft's `i64` family.
pub(crate) fn parse_number(text: &str) -> Result<Value, String> {
    let lower = text.to_ascii_lowercase();
    let (radix, body) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r)
    } else if lower.len() > 1
        && lower.starts_with('0')
        && lower.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
    {
        (8, lower.get(1..).unwrap_or(""))
    } else {
        (10, lower.as_str())
    };
    let digits_len = body
        .bytes()
        .take_while(|c| {
            if radix == 16 {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        })
        .count();
    let (digits, suffix) = (
        body.get(..digits_len).unwrap_or(""),
        body.get(digits_len..).unwrap_or(""),
    );
    let float = suffix.starts_with('.')
        || (radix != 16 && suffix.starts_with('e'))
        || (radix == 16 && suffix.contains('p'));
    if float {
        return Err(format!("floating constant `{text}` in expression"));
    }
    if digits.is_empty() {
        return Err(format!("invalid integer constant `{text}`"));
    }
    let mut v: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(16).unwrap_or(99);
        if d >= radix {
            return Err(format!("invalid digit `{c}` in integer constant `{text}`"));
        }
        v = v
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or_else(|| format!("integer constant `{text}` is too large"))?;
    }
    let valid = matches!(
        suffix,
        "" | "u"
            | "l"
            | "ul"
            | "lu"
            | "ll"
            | "ull"
            | "llu"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "ui8"
            | "ui16"
            | "ui32"
            | "ui64"
    );
    if !valid {
        return Err(format!("invalid suffix on integer constant `{text}`"));
    }
    Ok(Value {
        bits: v,
        unsigned: suffix.contains('u') || v > i64::MAX as u64,
    })
}

/// The value of the escape sequence `\e...` in a C literal; `chars` stands
/// after `e` and is advanced past the digits the sequence takes.
pub(crate) fn escape_value(
    e: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<u32, String> {
    Ok(match e {
        'n' => 10,
        't' => 9,
        'r' => 13,
        'a' => 7,
        'b' => 8,
        'f' => 12,
        'v' => 11,
        'e' | 'E' => 27,
        '0'..='7' => {
            let mut v = e.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                match chars.peek().and_then(|c| c.to_digit(8)) {
                    Some(d) => {
                        v = v * 8 + d;
                        chars.next();
                    }
                    None => break,
                }
            }
            v
        }
        'x' | 'u' | 'U' => {
            let max = match e {
                'u' => 4,
                'U' => 8,
                _ => usize::MAX,
            };
            let mut v: u32 = 0;
            let mut n = 0;
            while n < max {
                match chars.peek().and_then(|c| c.to_digit(16)) {
                    Some(d) => {
                        v = v.wrapping_mul(16).wrapping_add(d);
                        chars.next();
                        n += 1;
                    }
                    None => break,
                }
            }
            if n == 0 {
                return Err(format!("`\\{e}` used with no following hex digits"));
            }
            v
        }
        other => u32::from(other),
    })
}

/// A character constant. Plain `char` is signed (as with MSVC and GCC on x86);
/// `L'x'` and `u'x'` are 16-bit unsigned (Windows `wchar_t`), `U'x'` 32-bit.
pub(crate) fn parse_char(text: &str) -> Result<Value, String> {
    let Some(q) = text.find('\'') else {
        return Err(format!("invalid character constant `{text}`"));
    };
    let (prefix, rest) = (text.get(..q).unwrap_or(""), text.get(q..).unwrap_or(""));
    let Some(inner) = rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) else {
        return Err("unterminated character constant".to_string());
    };
    let narrow = matches!(prefix, "" | "u8");
    let mut values: Vec<u32> = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        let v = if c != '\\' {
            u32::from(c)
        } else {
            let Some(e) = chars.next() else {
                return Err("unterminated character constant".to_string());
            };
            let v = escape_value(e, &mut chars)?;
            if matches!(e, 'u' | 'U') && narrow {
                // A universal character name in a narrow constant is
                // its UTF-8 bytes.
                let ch = char::from_u32(v).unwrap_or('\u{fffd}');
                let mut buf = [0; 4];
                values.extend(ch.encode_utf8(&mut buf).bytes().map(u32::from));
                continue;
            }
            v
        };
        if narrow && c != '\\' && !c.is_ascii() {
            let mut buf = [0; 4];
            values.extend(c.encode_utf8(&mut buf).bytes().map(u32::from));
        } else {
            values.push(v);
        }
    }
    let Some(&last) = values.last() else {
        return Err("empty character constant".to_string());
    };
    Ok(match prefix {
        "L" | "u" => Value {
            bits: u64::from(last & 0xffff),
            unsigned: true,
        },
        "U" => Value {
            bits: u64::from(last),
            unsigned: true,
        },
        "u8" => Value {
            bits: u64::from(last & 0xff),
            unsigned: true,
        },
        _ if values.len() == 1 => Value::signed(i64::from(last as u8 as i8)),
        // A multi-character constant packs its bytes into an `int`.
        _ => {
            let packed = values.iter().fold(0u32, |acc, &v| (acc << 8) | (v & 0xff));
            Value::signed(i64::from(packed as i32))
        }
    })
}
