//! Constant expressions: enum values, `const` initialisers, array sizes.
//!
//! Integers follow C as MSVC has it: `int` and `long` are 32 bits,
//! `__int64` 64; each operation happens in the type C's conversions give its
//! operands and wraps to it (so `~0u >> 4` is `0x0fffffff`). Values are held
//! in `i128`, wide enough for both signednesses of every width.

use crate::syntax::ast::{BinaryOp, Derived, Expr, ExprKind, TypeKind, UnaryOp};
use crate::syntax::preprocess::expr::{parse_char, parse_number};

/// What the evaluator needs from the model: the value of a named constant or
/// enumerator.
pub trait Names {
    /// `Ok(None)`: not a constant. `Err`: a constant whose value failed.
    fn constant(&mut self, name: &str) -> Result<Option<i128>, Reported>;
}

/// A problem already reported where it was found.
#[derive(Debug)]
pub struct Reported;

/// Why an expression has no value.
#[derive(Debug, PartialEq, Eq)]
pub enum EvalError {
    /// Reported at `span` with `message`.
    At(crate::syntax::ast::Span, String),
    /// A named constant it uses failed; that was reported already.
    Reported,
}

/// A C integer type after promotion: 32 or 64 bits, signed or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IntType {
    wide: bool,
    unsigned: bool,
}

const INT: IntType = IntType {
    wide: false,
    unsigned: false,
};

impl IntType {
    fn bits(self) -> u32 {
        if self.wide { 64 } else { 32 }
    }

    /// `v` converted to this type: wrapped to its width.
    fn wrap(self, v: i128) -> i128 {
        wrap_to_bits(v, self.bits(), self.unsigned)
    }

    /// The first of `candidates` that holds `v`.
    fn first_holding(v: i128, candidates: &[IntType]) -> IntType {
        let fits = |t: &&IntType| t.wrap(v) == v;
        *candidates
            .iter()
            .find(fits)
            .unwrap_or(candidates.last().expect("candidates"))
    }

    /// The type both operands of a binary operator convert to.
    fn common(self, other: IntType) -> IntType {
        match (self.wide, other.wide) {
            (true, false) => self,
            (false, true) => other,
            _ => IntType {
                wide: self.wide,
                unsigned: self.unsigned || other.unsigned,
            },
        }
    }
}

const UINT: IntType = IntType {
    wide: false,
    unsigned: true,
};
const INT64: IntType = IntType {
    wide: true,
    unsigned: false,
};
const UINT64: IntType = IntType {
    wide: true,
    unsigned: true,
};

/// The value of an integer constant expression.
pub fn evaluate(expr: &Expr, names: &mut dyn Names) -> Result<i128, EvalError> {
    typed(expr, names).map(|(value, _)| value)
}

fn typed(expr: &Expr, names: &mut dyn Names) -> Result<(i128, IntType), EvalError> {
    match &expr.kind {
        ExprKind::Number(text) => {
            let parsed = parse_number(text).map_err(|m| EvalError::At(expr.span, m))?;
            let v = i128::from(parsed.bits);
            Ok((v, literal_type(text, v)))
        }
        ExprKind::Char(text) => {
            let parsed = parse_char(text).map_err(|m| EvalError::At(expr.span, m))?;
            Ok((INT.wrap(i128::from(parsed.bits as i64)), INT))
        }
        ExprKind::Ident(name) => match names.constant(name) {
            Ok(Some(v)) => Ok((v, named_type(v))),
            Ok(None) => Err(EvalError::At(
                expr.span,
                format!("`{name}` is not a constant"),
            )),
            Err(Reported) => Err(EvalError::Reported),
        },
        ExprKind::Unary(op, operand) => {
            let (v, ty) = typed(operand, names)?;
            match op {
                UnaryOp::Neg => Ok((ty.wrap(v.wrapping_neg()), ty)),
                UnaryOp::Plus => Ok((v, ty)),
                UnaryOp::Not => Ok((i128::from(v == 0), INT)),
                UnaryOp::BitNot => Ok((ty.wrap(!v), ty)),
                UnaryOp::Deref | UnaryOp::AddrOf => Err(not_constant(expr)),
            }
        }
        ExprKind::Binary(op, left, right) => {
            let l = typed(left, names)?;
            // `&&` and `||` do not evaluate what they do not need.
            match op {
                BinaryOp::And if l.0 == 0 => return Ok((0, INT)),
                BinaryOp::Or if l.0 != 0 => return Ok((1, INT)),
                _ => {}
            }
            let r = typed(right, names)?;
            binary(*op, l, r).ok_or_else(|| {
                EvalError::At(expr.span, format!("`{expr}` divides by zero or overflows"))
            })
        }
        ExprKind::Conditional(cond, then, otherwise) => {
            if typed(cond, names)?.0 != 0 {
                typed(then, names)
            } else {
                typed(otherwise, names)
            }
        }
        ExprKind::Cast(target, operand) => {
            // The grammar cannot tell `(x) - 1` from a cast of `-1` to a type
            // named `x`: when `x` is a constant, it was arithmetic.
            if let (TypeKind::Named(name), true) = (&target.spec.kind, target.derived.is_empty())
                && target.spec.qualifiers.0.is_empty()
                && name.args.is_empty()
                && let Some(left) = typed_name(&name.name.name, names)
                && let ExprKind::Unary(op, right) = &operand.kind
            {
                let r = typed(right, names)?;
                let op = match op {
                    UnaryOp::Neg => BinaryOp::Sub,
                    UnaryOp::Plus => BinaryOp::Add,
                    UnaryOp::Deref => BinaryOp::Mul,
                    UnaryOp::AddrOf => BinaryOp::BitAnd,
                    _ => return Err(not_constant(expr)),
                };
                return binary(op, left, r).ok_or_else(|| not_constant(expr));
            }
            let (v, ty) = typed(operand, names)?;
            // Pointers and unknown names keep the value; integer casts narrow.
            if target
                .derived
                .iter()
                .any(|d| matches!(d, Derived::Pointer(_)))
            {
                return Ok((v, ty));
            }
            Ok(match &target.spec.kind {
                TypeKind::Base(words) => narrow(words, v),
                _ => (v, ty),
            })
        }
        _ => Err(not_constant(expr)),
    }
}

/// A named constant's value and type, when `name` is one.
fn typed_name(name: &str, names: &mut dyn Names) -> Option<(i128, IntType)> {
    let v = names.constant(name).ok()??;
    Some((v, named_type(v)))
}

/// A named constant's type: the smallest that holds its value (the model
/// keeps values, not the types they were computed in).
fn named_type(v: i128) -> IntType {
    IntType::first_holding(v, &[INT, UINT, INT64, UINT64])
}

/// C's type for an integer literal: by suffix, then the first type of its
/// list that holds the value (hex and octal may be unsigned without `u`).
fn literal_type(text: &str, v: i128) -> IntType {
    let lower = text.to_ascii_lowercase();
    let suffix = lower.trim_start_matches(|c: char| c.is_ascii_hexdigit() || c == 'x');
    let unsigned = suffix.contains('u');
    let wide = suffix.contains("ll") || suffix.contains("i64");
    let decimal = !lower.starts_with('0') || lower == "0";
    let candidates: &[IntType] = match (unsigned, wide, decimal) {
        (true, false, _) => &[UINT, UINT64],
        (true, true, _) => &[UINT64],
        (false, true, true) => &[INT64, UINT64],
        (false, true, false) => &[INT64, UINT64],
        (false, false, true) => &[INT, INT64, UINT64],
        (false, false, false) => &[INT, UINT, INT64, UINT64],
    };
    IntType::first_holding(v, candidates)
}

/// A floating-point constant: literals, integer constants, `+ - * /`.
pub fn evaluate_float(expr: &Expr, names: &mut dyn Names) -> Result<f64, EvalError> {
    match &expr.kind {
        ExprKind::Number(text) => {
            let digits = text.trim_end_matches(['f', 'F', 'l', 'L']);
            match digits.parse::<f64>() {
                Ok(v) => Ok(v),
                Err(_) => evaluate(expr, names).map(|v| v as f64),
            }
        }
        ExprKind::Unary(UnaryOp::Neg, operand) => Ok(-evaluate_float(operand, names)?),
        ExprKind::Unary(UnaryOp::Plus, operand) | ExprKind::Cast(_, operand) => {
            evaluate_float(operand, names)
        }
        ExprKind::Binary(op, left, right) => {
            let (l, r) = (evaluate_float(left, names)?, evaluate_float(right, names)?);
            match op {
                BinaryOp::Add => Ok(l + r),
                BinaryOp::Sub => Ok(l - r),
                BinaryOp::Mul => Ok(l * r),
                BinaryOp::Div => Ok(l / r),
                _ => Err(not_constant(expr)),
            }
        }
        _ => evaluate(expr, names).map(|v| v as f64),
    }
}

fn not_constant(expr: &Expr) -> EvalError {
    EvalError::At(expr.span, format!("`{expr}` is not a constant expression"))
}

fn binary(
    op: BinaryOp,
    (l, lt): (i128, IntType),
    (r, rt): (i128, IntType),
) -> Option<(i128, IntType)> {
    let truth = |b: bool| Some((i128::from(b), INT));
    // Shifts keep the left operand's type; the others convert both.
    if let BinaryOp::Shl | BinaryOp::Shr = op {
        let shift = u32::try_from(r).ok().filter(|&s| s < lt.bits())?;
        let v = if op == BinaryOp::Shl {
            l << shift
        } else {
            l >> shift
        };
        return Some((lt.wrap(v), lt));
    }
    let ty = lt.common(rt);
    let (l, r) = (ty.wrap(l), ty.wrap(r));
    let v = match op {
        BinaryOp::Or => return truth(l != 0 || r != 0),
        BinaryOp::And => return truth(l != 0 && r != 0),
        BinaryOp::Eq => return truth(l == r),
        BinaryOp::Ne => return truth(l != r),
        BinaryOp::Lt => return truth(l < r),
        BinaryOp::Gt => return truth(l > r),
        BinaryOp::Le => return truth(l <= r),
        BinaryOp::Ge => return truth(l >= r),
        BinaryOp::BitOr => l | r,
        BinaryOp::BitXor => l ^ r,
        BinaryOp::BitAnd => l & r,
        BinaryOp::Add => l + r,
        BinaryOp::Sub => l - r,
        BinaryOp::Mul => l * r,
        BinaryOp::Div => l.checked_div(r)?,
        BinaryOp::Rem => l.checked_rem(r)?,
        BinaryOp::Shl | BinaryOp::Shr => unreachable!("handled above"),
    };
    Some((ty.wrap(v), ty))
}

/// The value of `v` converted to the C integer type `words`, and the type
/// it then has (types narrower than `int` promote to `int`).
fn narrow(words: &str, v: i128) -> (i128, IntType) {
    let unsigned = words.starts_with("unsigned") || words == "byte";
    let bits = match words
        .trim_start_matches("unsigned")
        .trim_start_matches("signed")
        .trim()
    {
        "char" | "small" | "__int8" | "byte" => 8,
        "short" | "short int" | "__int16" | "wchar_t" => 16,
        "hyper" | "__int64" | "long long" | "long long int" | "__int3264" => 64,
        _ => 32,
    };
    let ty = IntType {
        wide: bits == 64,
        unsigned: unsigned && bits >= 32,
    };
    (wrap_to_bits(v, bits, unsigned), ty)
}

/// `v` modulo 2^`bits`, read as signed or unsigned: C's conversion to an
/// integer type of that width.
fn wrap_to_bits(v: i128, bits: u32, unsigned: bool) -> i128 {
    let masked = v & ((1i128 << bits) - 1);
    if !unsigned && masked >> (bits - 1) == 1 {
        masked - (1i128 << bits)
    } else {
        masked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse::parse;
    use crate::syntax::preprocess::{Options, preprocess};
    use crate::syntax::source::SourceFile;
    use std::collections::HashMap;

    struct Table(HashMap<&'static str, i128>);

    impl Names for Table {
        fn constant(&mut self, name: &str) -> Result<Option<i128>, Reported> {
            Ok(self.0.get(name).copied())
        }
    }

    fn eval(text: &str) -> Result<i128, EvalError> {
        let source = SourceFile::new("t.idl", format!("const int x = {text};"));
        let (pre, _) = preprocess(
            source,
            &Options::default(),
            &crate::syntax::preprocess::DiskFiles,
        );
        let (file, diagnostics) = parse(&pre);
        assert!(diagnostics.is_empty(), "{text}");
        let crate::syntax::ast::Item::Const(c) = &file.items[0] else {
            panic!("not a const: {text}")
        };
        let mut names = Table(HashMap::from([("FOUR", 4), ("BIG", 0xffff_ffff)]));
        evaluate(&c.value, &mut names)
    }

    #[test]
    fn arithmetic_follows_c() {
        assert_eq!(eval("1 + 2 * 3"), Ok(7));
        assert_eq!(eval("(1 << 4) | 3"), Ok(19));
        assert_eq!(eval("~0"), Ok(-1));
        assert_eq!(eval("-7 / 2"), Ok(-3));
        assert_eq!(eval("1 ? 2 : 3"), Ok(2));
        assert_eq!(eval("0 && (1 / 0)"), Ok(0));
        assert_eq!(eval("0xFFFFFFFFu"), Ok(0xffff_ffff));
        assert_eq!(eval("'A'"), Ok(65));
    }

    #[test]
    fn types_and_widths_follow_msvc() {
        // Unsigned 32-bit arithmetic wraps and shifts in zeros.
        assert_eq!(eval("~0u >> 4"), Ok(0x0fff_ffff));
        assert_eq!(eval("~0u"), Ok(0xffff_ffff));
        assert_eq!(eval("0u - 1"), Ok(0xffff_ffff));
        // A hex literal too big for int is unsigned int; a decimal one is
        // __int64.
        assert_eq!(eval("0xFFFFFFFF + 1"), Ok(0));
        assert_eq!(eval("4294967295 + 1"), Ok(0x1_0000_0000));
        // int arithmetic wraps at 32 bits, as MSVC's does.
        assert_eq!(eval("1 << 31"), Ok(-0x8000_0000));
        assert_eq!(eval("0x7fffffff + 1"), Ok(-0x8000_0000));
        // Comparisons convert to the common type: -1 becomes 0xffffffff.
        assert_eq!(eval("-1 < 0u"), Ok(0));
        assert_eq!(eval("-1 < 0"), Ok(1));
        // 64-bit suffixes.
        assert_eq!(eval("1ui64 << 63"), Ok(1 << 63));
        assert_eq!(eval("~0i64"), Ok(-1));
        // A named constant has the smallest type holding it.
        assert_eq!(eval("BIG + 1"), Ok(0));
        assert_eq!(eval("~FOUR"), Ok(-5));
    }

    #[test]
    fn floats() {
        let source = SourceFile::new("t.idl", "const float x = -1.5f * 2 + FOUR;");
        let (pre, _) = preprocess(
            source,
            &Options::default(),
            &crate::syntax::preprocess::DiskFiles,
        );
        let (file, _) = parse(&pre);
        let crate::syntax::ast::Item::Const(c) = &file.items[0] else {
            panic!()
        };
        let mut names = Table(HashMap::from([("FOUR", 4)]));
        assert_eq!(evaluate_float(&c.value, &mut names), Ok(1.0));
    }

    #[test]
    fn names_and_casts() {
        assert_eq!(eval("FOUR * 2"), Ok(8));
        // `(FOUR) - 1` is arithmetic, not a cast of `-1` to a type `FOUR`.
        assert_eq!(eval("(FOUR) - 1"), Ok(3));
        assert_eq!(eval("(unsigned char)0x1ff"), Ok(0xff));
        assert_eq!(eval("(int)BIG"), Ok(-1));
        assert_eq!(eval("(short)-1"), Ok(-1));
    }

    #[test]
    fn failures_name_the_cause() {
        let Err(EvalError::At(_, message)) = eval("UNKNOWN + 1") else {
            panic!()
        };
        assert_eq!(message, "`UNKNOWN` is not a constant");
        assert!(matches!(eval("1 / 0"), Err(EvalError::At(_, m)) if m.contains("divides by zero")));
    }
}
