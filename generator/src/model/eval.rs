//! Constant expressions: enum values, `const` initialisers, array sizes.
//!
//! Values are computed in `i128`, wide enough for every `unsigned __int64`
//! and `__int64` operand; the declared type narrows them afterwards.

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

pub fn evaluate(expr: &Expr, names: &mut dyn Names) -> Result<i128, EvalError> {
    let value = |e: &Expr, names: &mut dyn Names| evaluate(e, names);
    match &expr.kind {
        ExprKind::Number(text) => {
            let parsed = parse_number(text).map_err(|m| EvalError::At(expr.span, m))?;
            Ok(if parsed.unsigned {
                i128::from(parsed.bits)
            } else {
                i128::from(parsed.bits as i64)
            })
        }
        ExprKind::Char(text) => {
            let parsed = parse_char(text).map_err(|m| EvalError::At(expr.span, m))?;
            Ok(i128::from(parsed.bits as i64))
        }
        ExprKind::Ident(name) => match names.constant(name) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(EvalError::At(
                expr.span,
                format!("`{name}` is not a constant"),
            )),
            Err(Reported) => Err(EvalError::Reported),
        },
        ExprKind::Unary(op, operand) => {
            let v = value(operand, names)?;
            match op {
                UnaryOp::Neg => Ok(v.wrapping_neg()),
                UnaryOp::Plus => Ok(v),
                UnaryOp::Not => Ok(i128::from(v == 0)),
                UnaryOp::BitNot => Ok(!v),
                UnaryOp::Deref | UnaryOp::AddrOf => Err(not_constant(expr)),
            }
        }
        ExprKind::Binary(op, left, right) => {
            let l = value(left, names)?;
            // `&&` and `||` do not evaluate what they do not need.
            match op {
                BinaryOp::And if l == 0 => return Ok(0),
                BinaryOp::Or if l != 0 => return Ok(1),
                _ => {}
            }
            let r = value(right, names)?;
            binary(*op, l, r).ok_or_else(|| {
                EvalError::At(expr.span, format!("`{expr}` divides by zero or overflows"))
            })
        }
        ExprKind::Conditional(cond, then, otherwise) => {
            if value(cond, names)? != 0 {
                value(then, names)
            } else {
                value(otherwise, names)
            }
        }
        ExprKind::Cast(target, operand) => {
            // The grammar cannot tell `(x) - 1` from a cast of `-1` to a type
            // named `x`: when `x` is a constant, it was arithmetic.
            if let (TypeKind::Named(name), true) = (&target.spec.kind, target.derived.is_empty())
                && target.spec.qualifiers.0.is_empty()
                && name.args.is_empty()
                && let Ok(Some(l)) = names.constant(&name.name.name)
                && let ExprKind::Unary(op, right) = &operand.kind
            {
                let r = value(right, names)?;
                let op = match op {
                    UnaryOp::Neg => BinaryOp::Sub,
                    UnaryOp::Plus => BinaryOp::Add,
                    UnaryOp::Deref => BinaryOp::Mul,
                    UnaryOp::AddrOf => BinaryOp::BitAnd,
                    _ => return Err(not_constant(expr)),
                };
                return binary(op, l, r).ok_or_else(|| not_constant(expr));
            }
            let v = value(operand, names)?;
            // Pointers and unknown names keep the value; integer casts narrow.
            if target
                .derived
                .iter()
                .any(|d| matches!(d, Derived::Pointer(_)))
            {
                return Ok(v);
            }
            Ok(match &target.spec.kind {
                TypeKind::Base(words) => narrow(words, v),
                _ => v,
            })
        }
        _ => Err(not_constant(expr)),
    }
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

fn binary(op: BinaryOp, l: i128, r: i128) -> Option<i128> {
    Some(match op {
        BinaryOp::Or => i128::from(l != 0 || r != 0),
        BinaryOp::And => i128::from(l != 0 && r != 0),
        BinaryOp::BitOr => l | r,
        BinaryOp::BitXor => l ^ r,
        BinaryOp::BitAnd => l & r,
        BinaryOp::Eq => i128::from(l == r),
        BinaryOp::Ne => i128::from(l != r),
        BinaryOp::Lt => i128::from(l < r),
        BinaryOp::Gt => i128::from(l > r),
        BinaryOp::Le => i128::from(l <= r),
        BinaryOp::Ge => i128::from(l >= r),
        BinaryOp::Shl => l.checked_shl(u32::try_from(r).ok().filter(|&s| s < 64)?)?,
        BinaryOp::Shr => l.checked_shr(u32::try_from(r).ok().filter(|&s| s < 64)?)?,
        BinaryOp::Add => l.checked_add(r)?,
        BinaryOp::Sub => l.checked_sub(r)?,
        BinaryOp::Mul => l.checked_mul(r)?,
        BinaryOp::Div => l.checked_div(r)?,
        BinaryOp::Rem => l.checked_rem(r)?,
    })
}

/// The value of `v` converted to the C integer type `words`.
fn narrow(words: &str, v: i128) -> i128 {
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
