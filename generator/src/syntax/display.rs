//! C spellings of types and expressions, for `inspect` and for messages.
//!
//! Expressions print with only the parentheses C needs; types print as C
//! abstract declarators (`const WCHAR *`, `void (*)(int)`).

use std::fmt::{self, Display, Formatter, Write as _};

use crate::syntax::ast::*;

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_expr(f, self, 0)
    }
}

/// Precedence of a unary or postfix form: tighter than any binary operator.
const UNARY: u8 = 11;
const POSTFIX: u8 = 12;
const CONDITIONAL: u8 = 0;

fn write_expr(f: &mut Formatter<'_>, expr: &Expr, outer: u8) -> fmt::Result {
    let own = match &expr.kind {
        ExprKind::Binary(op, ..) => op.precedence(),
        ExprKind::Conditional(..) => CONDITIONAL,
        ExprKind::Unary(..) | ExprKind::Cast(..) | ExprKind::SizeofExpr(..) => UNARY,
        _ => POSTFIX,
    };
    let parens = own < outer;
    if parens {
        f.write_char('(')?;
    }
    match &expr.kind {
        ExprKind::Number(text) | ExprKind::Char(text) | ExprKind::Ident(text) => {
            f.write_str(text)?
        }
        ExprKind::String(literal) => write!(f, "{:?}", literal.value)?,
        ExprKind::Unary(op, operand) => {
            f.write_str(op.symbol())?;
            write_expr(f, operand, UNARY)?;
        }
        ExprKind::Binary(op, left, right) => {
            // Left-associative: the right operand needs parentheses at equal
            // precedence.
            write_expr(f, left, own)?;
            write!(f, " {} ", op.symbol())?;
            write_expr(f, right, own + 1)?;
        }
        ExprKind::Conditional(condition, then, otherwise) => {
            write_expr(f, condition, CONDITIONAL + 1)?;
            f.write_str(" ? ")?;
            write_expr(f, then, CONDITIONAL)?;
            f.write_str(" : ")?;
            write_expr(f, otherwise, CONDITIONAL)?;
        }
        ExprKind::Cast(ty, operand) => {
            write!(f, "({ty})")?;
            write_expr(f, operand, UNARY)?;
        }
        ExprKind::SizeofType(ty) => write!(f, "sizeof({ty})")?,
        ExprKind::SizeofExpr(operand) => {
            f.write_str("sizeof ")?;
            write_expr(f, operand, UNARY)?;
        }
        ExprKind::Index(base, index) => {
            write_expr(f, base, POSTFIX)?;
            write!(f, "[{index}]")?;
        }
        ExprKind::Member(base, name, arrow) => {
            write_expr(f, base, POSTFIX)?;
            write!(f, "{}{name}", if *arrow { "->" } else { "." })?;
        }
        ExprKind::Call(callee, args) => {
            write_expr(f, callee, POSTFIX)?;
            write_list(f, '(', args, ')')?;
        }
    }
    if parens {
        f.write_char(')')?;
    }
    Ok(())
}

impl Display for TypeSpec {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for qualifier in &self.qualifiers.0 {
            write!(f, "{qualifier} ")?;
        }
        match &self.kind {
            TypeKind::Base(name) => f.write_str(name),
            TypeKind::Named(name) => write!(f, "{name}"),
            TypeKind::Interface(name) => write!(f, "interface {name}"),
            TypeKind::SafeArray(element) => write!(f, "SAFEARRAY({element})"),
            TypeKind::Struct(s) => write_tagged(f, "struct", s.tag.as_ref(), s.members.is_some()),
            TypeKind::Union(u) => write_tagged(f, "union", u.tag.as_ref(), u.body.is_some()),
            TypeKind::Enum(e) => write_tagged(f, "enum", e.tag.as_ref(), e.members.is_some()),
        }
    }
}

fn write_tagged(f: &mut Formatter<'_>, word: &str, tag: Option<&Ident>, body: bool) -> fmt::Result {
    match (tag, body) {
        (Some(tag), _) => write!(f, "{word} {tag}"),
        (None, true) => write!(f, "{word} {{...}}"),
        (None, false) => f.write_str(word),
    }
}

impl Display for TypeName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name.name)?;
        if self.args.is_empty() {
            Ok(())
        } else {
            write_list(f, '<', &self.args, '>')
        }
    }
}

impl Display for TypeRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&type_text(&self.spec, &self.derived, None))
    }
}

/// `spec` with `derived` applied around an optional name, as C writes it.
pub fn type_text(spec: &TypeSpec, derived: &[Derived], name: Option<&str>) -> String {
    let mut declarator = name.unwrap_or("").to_string();
    let mut last_was_pointer = false;
    for part in derived {
        match part {
            Derived::Pointer(qualifiers) => {
                let mut pointer = String::from("*");
                for q in &qualifiers.0 {
                    pointer.push_str(q);
                    pointer.push(' ');
                }
                declarator = format!("{pointer}{declarator}");
                last_was_pointer = true;
            }
            Derived::Array(size) => {
                if last_was_pointer {
                    declarator = format!("({declarator})");
                }
                match size {
                    Some(size) => declarator.push_str(&format!("[{size}]")),
                    None => declarator.push_str("[]"),
                }
                last_was_pointer = false;
            }
            Derived::Function(params) => {
                if last_was_pointer {
                    declarator = format!("({declarator})");
                }
                let params: Vec<String> = params.iter().map(param_text).collect();
                declarator.push_str(&format!("({})", params.join(", ")));
                last_was_pointer = false;
            }
        }
    }
    let spec = spec.to_string();
    if declarator.is_empty() {
        spec
    } else if declarator.starts_with('[') || declarator.starts_with('(') && name.is_none() {
        format!("{spec} {declarator}")
    } else {
        format!("{spec} {}", declarator.trim_end())
    }
}

fn param_text(param: &Param) -> String {
    match param {
        Param::Ellipsis(_) => "...".into(),
        Param::Named {
            spec, declarator, ..
        } => type_text(
            spec,
            &declarator.derived,
            declarator.name.as_ref().map(|n| n.name.as_str()),
        ),
    }
}

impl Display for AttrArg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            AttrArg::Uuid(guid, _) => write!(f, "{guid}"),
            AttrArg::Version(text, _) => f.write_str(text),
            AttrArg::Expr(expr) => write!(f, "{expr}"),
            AttrArg::Type(ty) => write!(f, "{ty}"),
            AttrArg::Empty(_) => Ok(()),
        }
    }
}

impl Display for Attribute {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name.name)?;
        match &self.args {
            Some(args) => write_list(f, '(', args, ')'),
            None => Ok(()),
        }
    }
}

/// `open item, item, ... close`.
fn write_list<T: Display>(
    f: &mut Formatter<'_>,
    open: char,
    items: &[T],
    close: char,
) -> fmt::Result {
    f.write_char(open)?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    f.write_char(close)
}
