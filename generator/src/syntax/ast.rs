//! The syntax tree of one preprocessed IDL file.
//!
//! It records what was written, in order, with spans: nothing is resolved
//! here (names, imports, constant values belong to the model). Spans are byte
//! ranges in the preprocessed text of the file they come from; the file's
//! [`crate::syntax::preprocess::Preprocessed`] maps them back to the original.

use std::fmt;

/// A byte range in a unit's preprocessed text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        // Units are far below 4 GiB: the loader refuses larger files.
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A parsed file: its top-level items in source order.
#[derive(Clone, Debug, Default)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Import(Import),
    ImportLib(Literal),
    CppQuote(Literal),
    /// `#pragma ...` or `midl_pragma ...`, kept as written.
    Pragma(Literal),
    Interface(Interface),
    Dispinterface(Dispinterface),
    Coclass(Class),
    Library(Scope),
    Module(Scope),
    Namespace(Scope),
    RuntimeClass(Class),
    ApiContract(ApiContract),
    Delegate(Delegate),
    /// WinRT `declare { interface IVector<T>; ... }`: generic instantiations.
    Declare(Vec<TypeName>),
    Typedef(Typedef),
    Const(Const),
    /// Any other C declaration: a bare `struct S {...};`, a function, a variable.
    Declaration(Declaration),
}

/// A string literal (adjacent literals already joined, escapes decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Import {
    pub files: Vec<Literal>,
    pub span: Span,
}

/// Leading comments of a declaration, markers stripped, one entry per line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Docs(pub Vec<String>);

impl Docs {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

// ---------------------------------------------------------------- attributes

#[derive(Clone, Debug, Default)]
pub struct Attributes(pub Vec<Attribute>);

impl Attributes {
    pub fn get(&self, name: &str) -> Option<&Attribute> {
        self.0.iter().find(|a| a.name.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Attribute> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `name` or `name(arg, ...)`. Unknown attributes are kept like known ones.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: Ident,
    /// `None` when written without parentheses.
    pub args: Option<Vec<AttrArg>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum AttrArg {
    /// `uuid(...)`, `custom(guid, ...)`: a GUID written bare.
    Uuid(Guid, Span),
    /// `version(1.2.3)`: dotted numbers that are no C number.
    Version(String, Span),
    Expr(Expr),
    Type(TypeRef),
    /// `size_is(, n)`: a skipped dimension.
    Empty(Span),
}

/// A GUID, as its 16 bytes' fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid {
    pub data1: u32,
    pub data2: u16,
    pub data3: u16,
    pub data4: [u8; 8],
}

impl Guid {
    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (any case).
    pub fn parse(text: &str) -> Option<Guid> {
        let groups: Vec<&str> = text.split('-').collect();
        let lengths = [8, 4, 4, 4, 12];
        if groups.len() != 5
            || groups
                .iter()
                .zip(lengths)
                .any(|(g, n)| g.len() != n || !g.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return None;
        }
        let mut data4 = [0u8; 8];
        let tail = format!("{}{}", groups[3], groups[4]);
        for (i, byte) in data4.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&tail[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Guid {
            data1: u32::from_str_radix(groups[0], 16).ok()?,
            data2: u16::from_str_radix(groups[1], 16).ok()?,
            data3: u16::from_str_radix(groups[2], 16).ok()?,
            data4,
        })
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.data4;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
            self.data1, self.data2, self.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

// ---------------------------------------------------------------- interfaces

#[derive(Clone, Debug)]
pub struct Interface {
    pub docs: Docs,
    pub attributes: Attributes,
    /// Dotted for WinRT (`Windows.Foundation.IClosable`).
    pub name: Ident,
    /// WinRT generic parameters (`IVector<T>`).
    pub generic_params: Vec<Ident>,
    /// `None` for a forward declaration (`interface IFoo;`).
    pub body: Option<InterfaceBody>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct InterfaceBody {
    pub base: Option<TypeName>,
    /// WinRT `requires` list.
    pub requires: Vec<TypeName>,
    pub items: Vec<Item>,
}

impl Interface {
    /// The methods declared in the body, in order (not the base's).
    pub fn methods(&self) -> impl Iterator<Item = Method<'_>> {
        self.body
            .iter()
            .flat_map(|b| b.items.iter())
            .filter_map(|item| match item {
                Item::Declaration(d) => Method::from_declaration(d),
                _ => None,
            })
    }
}

/// A function declaration seen as a method: its attributes, return type, name
/// and parameters.
#[derive(Clone, Copy, Debug)]
pub struct Method<'a> {
    pub declaration: &'a Declaration,
    pub declarator: &'a Declarator,
    pub params: &'a [Param],
}

impl<'a> Method<'a> {
    /// A declaration with one declarator whose outermost derivation is a
    /// parameter list (not a pointer to a function).
    pub fn from_declaration(declaration: &'a Declaration) -> Option<Self> {
        let [declarator] = declaration.declarators.as_slice() else {
            return None;
        };
        match declarator.derived.first() {
            Some(Derived::Function(params)) => Some(Method {
                declaration,
                declarator,
                params,
            }),
            _ => None,
        }
    }

    pub fn name(&self) -> Option<&'a Ident> {
        self.declarator.name.as_ref()
    }

    /// The return type: the declaration's type with what follows the
    /// parameter list (a function returning `void *` has one pointer).
    pub fn return_type(&self) -> TypeRef {
        TypeRef {
            spec: self.declaration.spec.clone(),
            derived: self.declarator.derived[1..].to_vec(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Dispinterface {
    pub docs: Docs,
    pub attributes: Attributes,
    pub name: Ident,
    pub body: Option<DispinterfaceBody>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum DispinterfaceBody {
    /// `dispinterface D { interface I; }`
    Of(TypeName),
    Sections {
        properties: Vec<Declaration>,
        methods: Vec<Declaration>,
    },
}

/// A class of a `coclass` or `runtimeclass`: `[default] interface IFoo;`.
#[derive(Clone, Debug)]
pub struct ClassMember {
    pub attributes: Attributes,
    pub dispinterface: bool,
    pub name: TypeName,
    pub span: Span,
}

/// A `coclass` or a WinRT `runtimeclass`.
#[derive(Clone, Debug)]
pub struct Class {
    pub docs: Docs,
    pub attributes: Attributes,
    pub name: Ident,
    /// `None` for a forward declaration.
    pub members: Option<Vec<ClassMember>>,
    pub span: Span,
}

/// A named block of items: `library`, `module` or WinRT `namespace`
/// (which takes no attributes and may have a dotted name).
#[derive(Clone, Debug)]
pub struct Scope {
    pub docs: Docs,
    pub attributes: Attributes,
    pub name: Ident,
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ApiContract {
    pub docs: Docs,
    pub attributes: Attributes,
    pub name: Ident,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Delegate {
    pub docs: Docs,
    pub attributes: Attributes,
    pub return_type: TypeSpec,
    pub name: Ident,
    pub generic_params: Vec<Ident>,
    pub params: Vec<Param>,
    pub span: Span,
}

// ---------------------------------------------------------------- declarations

#[derive(Clone, Debug)]
pub struct Typedef {
    pub docs: Docs,
    pub attributes: Attributes,
    pub spec: TypeSpec,
    pub declarators: Vec<Declarator>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Const {
    pub docs: Docs,
    pub attributes: Attributes,
    pub spec: TypeSpec,
    pub declarator: Declarator,
    pub value: Expr,
    pub span: Span,
}

/// `[attributes] type declarator, declarator;`
#[derive(Clone, Debug)]
pub struct Declaration {
    pub docs: Docs,
    pub attributes: Attributes,
    pub spec: TypeSpec,
    pub declarators: Vec<Declarator>,
    pub span: Span,
}

/// What a declarator gives its name: pointers, arrays, parameter lists,
/// listed from the name outward (`*a[3]` is an array of pointers:
/// `[Array, Pointer]`).
#[derive(Clone, Debug)]
pub struct Declarator {
    pub name: Option<Ident>,
    pub derived: Vec<Derived>,
    pub bit_width: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Derived {
    Pointer(Qualifiers),
    /// `[n]`; `None` for `[]` and `[*]` (conformant).
    Array(Option<Expr>),
    Function(Vec<Param>),
}

// `...` is rare: boxing every parameter to shrink it would cost more.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Param {
    Named {
        attributes: Attributes,
        spec: TypeSpec,
        declarator: Declarator,
        span: Span,
    },
    /// C varargs `...`.
    Ellipsis(Span),
}

impl Param {
    pub fn span(&self) -> Span {
        match self {
            Param::Named { span, .. } | Param::Ellipsis(span) => *span,
        }
    }
}

// ---------------------------------------------------------------- types

/// `const`, `volatile`, `__unaligned` and the MS pointer modifiers, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Qualifiers(pub Vec<String>);

impl Qualifiers {
    pub fn is_const(&self) -> bool {
        self.0.iter().any(|q| q == "const")
    }
}

/// A type without declarator: `const unsigned long`, `struct tagX { ... }`.
#[derive(Clone, Debug)]
pub struct TypeSpec {
    pub qualifiers: Qualifiers,
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// A built-in type, its words normalised (`unsigned long`, `__int64`).
    Base(String),
    Named(TypeName),
    Struct(StructType),
    Union(UnionType),
    Enum(EnumType),
    SafeArray(Box<TypeRef>),
    /// `interface IFoo` used as a type.
    Interface(TypeName),
}

/// A complete type: specifier plus abstract derivations (`void **`).
#[derive(Clone, Debug)]
pub struct TypeRef {
    pub spec: TypeSpec,
    pub derived: Vec<Derived>,
}

/// A (possibly dotted, possibly generic) type name.
#[derive(Clone, Debug)]
pub struct TypeName {
    pub name: Ident,
    pub args: Vec<TypeRef>,
}

#[derive(Clone, Debug)]
pub struct StructType {
    pub tag: Option<Ident>,
    /// `None` for a reference to a tag (`struct tagX *`).
    pub members: Option<Vec<Declaration>>,
}

#[derive(Clone, Debug)]
pub struct UnionType {
    pub tag: Option<Ident>,
    pub body: Option<UnionBody>,
}

#[derive(Clone, Debug)]
pub enum UnionBody {
    /// A C-style body; arms may carry `[case(...)]`/`[default]`.
    Plain(Vec<Declaration>),
    /// `switch (type name) [union_name] { case ...: ... }`
    Encapsulated {
        discriminant_type: Box<TypeSpec>,
        discriminant: Ident,
        union_name: Option<Ident>,
        arms: Vec<UnionArm>,
    },
}

#[derive(Clone, Debug)]
pub struct UnionArm {
    /// `None` for `default`.
    pub cases: Vec<Option<Expr>>,
    /// `None` for an empty arm (`case 1: ;`).
    pub member: Option<Declaration>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EnumType {
    pub tag: Option<Ident>,
    pub members: Option<Vec<Enumerator>>,
}

#[derive(Clone, Debug)]
pub struct Enumerator {
    pub docs: Docs,
    pub attributes: Attributes,
    pub name: Ident,
    pub value: Option<Expr>,
}

// ---------------------------------------------------------------- expressions

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An integer or floating literal as written (`0x10UL`, `1.5`).
    Number(String),
    /// A character literal as written (`'a'`, `L'\0'`).
    Char(String),
    String(Literal),
    Ident(String),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Cast(Box<TypeRef>, Box<Expr>),
    SizeofType(Box<TypeRef>),
    SizeofExpr(Box<Expr>),
    Index(Box<Expr>, Box<Expr>),
    /// `a.b` or `a->b`.
    Member(Box<Expr>, Ident, bool),
    Call(Box<Expr>, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
    BitNot,
    Deref,
    AddrOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    BitOr,
    BitXor,
    BitAnd,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Plus => "+",
            UnaryOp::Not => "!",
            UnaryOp::BitNot => "~",
            UnaryOp::Deref => "*",
            UnaryOp::AddrOf => "&",
        }
    }
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::BitAnd => "&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }

    /// C precedence, higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::BitOr => 3,
            BinaryOp::BitXor => 4,
            BinaryOp::BitAnd => 5,
            BinaryOp::Eq | BinaryOp::Ne => 6,
            BinaryOp::Lt | BinaryOp::Gt | BinaryOp::Le | BinaryOp::Ge => 7,
            BinaryOp::Shl | BinaryOp::Shr => 8,
            BinaryOp::Add | BinaryOp::Sub => 9,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_round_trips_and_rejects_bad_forms() {
        let text = "00000000-0000-0000-c000-000000000046";
        let guid = Guid::parse("00000000-0000-0000-C000-000000000046").unwrap();
        assert_eq!(guid.data4[0], 0xc0);
        assert_eq!(guid.to_string(), text);
        for bad in [
            "",
            "0000-0000",
            "0000000g-0000-0000-c000-000000000046",
            "00000000-0000-0000-c000-0000000000467",
        ] {
            assert!(Guid::parse(bad).is_none(), "{bad}");
        }
    }
}
