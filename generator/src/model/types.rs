//! The resolved declarations: every named thing in the files a run reads,
//! with its types resolved to other declarations by id.

use crate::syntax::ast::Guid;
use crate::syntax::source::SourceSpan;

/// Index of an [`Item`] in [`super::Model::items`].
pub type ItemId = usize;

/// Index of a [`Module`] (one per IDL file) in [`super::Model::modules`].
pub type ModuleId = usize;

/// The built-in scalar types of IDL, by their memory representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prim {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    /// `__int3264`: pointer-sized.
    ISize,
    USize,
    F32,
    F64,
    /// MIDL `boolean`: one byte, zero or not.
    Boolean,
    /// `wchar_t`: UTF-16 code unit.
    WChar,
}

impl Prim {
    /// Size in bytes; pointer-sized types depend on the target.
    pub fn size(self, arch: Arch) -> u64 {
        match self {
            Prim::I8 | Prim::U8 | Prim::Boolean => 1,
            Prim::I16 | Prim::U16 | Prim::WChar => 2,
            Prim::I32 | Prim::U32 | Prim::F32 => 4,
            Prim::I64 | Prim::U64 | Prim::F64 => 8,
            Prim::ISize | Prim::USize => arch.pointer_size(),
        }
    }

    pub fn is_signed(self) -> bool {
        matches!(
            self,
            Prim::I8 | Prim::I16 | Prim::I32 | Prim::I64 | Prim::ISize
        )
    }

    pub fn is_float(self) -> bool {
        matches!(self, Prim::F32 | Prim::F64)
    }
}

/// The two targets whose layouts the model computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    X64,
    X86,
}

impl Arch {
    pub const ALL: [Arch; 2] = [Arch::X64, Arch::X86];

    pub fn pointer_size(self) -> u64 {
        match self {
            Arch::X64 => 8,
            Arch::X86 => 4,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Type {
    Void,
    Prim(Prim),
    /// A struct, union, enum, typedef or interface.
    Named(ItemId),
    Pointer {
        to: Box<Type>,
        /// The pointee is `const` (`const WCHAR *`).
        to_const: bool,
    },
    Array {
        of: Box<Type>,
        /// `None` for a conformant array (`[]`, `[*]`), which C headers
        /// declare with one element.
        len: Option<u64>,
    },
    Function(Box<Signature>),
    /// A name that did not resolve; the error has been reported.
    Error,
}

impl Type {
    pub fn pointer(to: Type, to_const: bool) -> Type {
        Type::Pointer {
            to: Box::new(to),
            to_const,
        }
    }

    /// Every item this type names, directly or through pointers, arrays and
    /// function signatures.
    pub fn visit_items(&self, f: &mut dyn FnMut(ItemId)) {
        match self {
            Type::Named(id) => f(*id),
            Type::Pointer { to, .. } => to.visit_items(f),
            Type::Array { of, .. } => of.visit_items(f),
            Type::Function(signature) => {
                signature.ret.visit_items(f);
                for param in &signature.params {
                    param.ty.visit_items(f);
                }
            }
            Type::Void | Type::Prim(_) | Type::Error => {}
        }
    }
}

/// A function type or method: return type and parameters.
#[derive(Clone, Debug)]
pub struct Signature {
    pub ret: Type,
    pub params: Vec<Param>,
    /// Ends with `...`.
    pub variadic: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
    InOut,
}

/// How a pointer parameter may be null: MIDL's `[ref]` (never), `[unique]`
/// and `[ptr]` (may be).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerKind {
    Ref,
    Unique,
    Ptr,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub span: Option<SourceSpan>,
    pub ty: Type,
    pub dir: Direction,
    pub retval: bool,
    /// `[string]`: a NUL-terminated string.
    pub string: bool,
    /// The top-level pointer's kind (`[ref]` when not written).
    pub pointer: PointerKind,
    pub optional: bool,
    /// `iid_is(p)`: the index of the parameter holding the IID.
    pub iid_is: Option<usize>,
    /// `size_is(n)`/`max_is(n)` of the outermost dimension, when it is one
    /// parameter (`n`) or what one parameter points to (`*pn`).
    pub size_is: Option<Extent>,
    /// `length_is(n)`, same forms.
    pub length_is: Option<Extent>,
    /// Any array attribute (`size_is`, `max_is`, `length_is`, `first_is`,
    /// `last_is`), of any dimension and extent: it points to several values.
    pub sized: bool,
}

/// A run-time array extent that names another parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extent {
    pub param: usize,
    /// Written `*p`: the count is what the parameter points to.
    pub deref: bool,
}

/// A named declaration.
#[derive(Clone, Debug)]
pub struct Item {
    pub name: String,
    pub module: ModuleId,
    pub span: Option<SourceSpan>,
    /// Doc comment lines and `helpstring`, in that order.
    pub docs: Vec<String>,
    pub kind: ItemKind,
}

#[derive(Clone, Debug)]
pub enum ItemKind {
    Interface(Interface),
    Enum(Enum),
    Record(Record),
    Alias(Alias),
    Const(Const),
    Coclass(Coclass),
    Library(Library),
}

impl ItemKind {
    pub fn describe(&self) -> &'static str {
        match self {
            ItemKind::Interface(_) => "interface",
            ItemKind::Enum(_) => "enum",
            ItemKind::Record(r) if r.union => "union",
            ItemKind::Record(_) => "struct",
            ItemKind::Alias(_) => "typedef",
            ItemKind::Const(_) => "constant",
            ItemKind::Coclass(_) => "coclass",
            ItemKind::Library(_) => "library",
        }
    }

    /// Calls `f` with every item this one refers to: its base, and the
    /// items named in its types.
    pub fn visit_items(&self, f: &mut dyn FnMut(ItemId)) {
        match self {
            ItemKind::Interface(interface) => {
                if let Some(base) = interface.base {
                    f(base);
                }
                for method in &interface.methods {
                    method.signature.ret.visit_items(f);
                    for param in &method.signature.params {
                        param.ty.visit_items(f);
                    }
                }
            }
            ItemKind::Record(record) => record
                .fields
                .iter()
                .for_each(|field| field.ty.visit_items(f)),
            ItemKind::Alias(alias) => alias.ty.visit_items(f),
            ItemKind::Const(constant) => constant.ty.visit_items(f),
            ItemKind::Enum(_) | ItemKind::Coclass(_) | ItemKind::Library(_) => {}
        }
    }
}

#[derive(Clone, Debug)]
pub struct Interface {
    pub iid: Option<Guid>,
    pub base: Option<ItemId>,
    pub methods: Vec<Method>,
    /// A COM interface (`[object]`, `[odl]`, `[dual]` or a dispinterface),
    /// as opposed to an RPC interface.
    pub object: bool,
    /// `[local]`: never marshalled.
    pub local: bool,
    /// A dispinterface: all calls go through `IDispatch::Invoke`.
    pub dispatch: bool,
    /// `false` for an interface only ever declared `interface IFoo;`.
    pub defined: bool,
}

#[derive(Clone, Debug)]
pub struct Method {
    /// The name in C headers: `get_`/`put_`/`putref_` prefixed for
    /// properties, as MIDL writes them.
    pub name: String,
    pub span: Option<SourceSpan>,
    pub docs: Vec<String>,
    pub signature: Signature,
    /// `[call_as(X)]`: the wire form of `X`; takes no vtable slot.
    pub call_as: bool,
    pub local: bool,
    /// The declaration as written, for comments.
    pub c_text: String,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub members: Vec<Enumerator>,
    /// The values look like bits to be combined.
    pub flags: bool,
}

#[derive(Clone, Debug)]
pub struct Enumerator {
    pub name: String,
    pub value: i64,
    pub span: Option<SourceSpan>,
    pub docs: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Record {
    pub union: bool,
    /// `false` for a struct only ever named (`struct X *`), never defined.
    pub complete: bool,
    /// `#pragma pack(n)` in force where it was defined.
    pub pack: Option<u64>,
    pub fields: Vec<Field>,
    /// Size and alignment per [`Arch::ALL`], filled in after lowering.
    pub layout: [Layout; 2],
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub size: u64,
    pub align: u64,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub span: Option<SourceSpan>,
    pub docs: Vec<String>,
    pub ty: Type,
    /// A bit-field's width.
    pub bits: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Alias {
    pub ty: Type,
    /// An opaque handle (`[wire_marshal]` or `[context_handle]` over a
    /// pointer): its own type, not interchangeable with other pointers.
    pub handle: bool,
}

#[derive(Clone, Debug)]
pub struct Const {
    pub ty: Type,
    pub value: ConstValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Int(i128),
    Float(f64),
    Str(String),
}

#[derive(Clone, Debug)]
pub struct Coclass {
    pub clsid: Option<Guid>,
    /// Implemented interfaces, the `[default]` one marked.
    pub interfaces: Vec<(String, bool)>,
}

#[derive(Clone, Debug)]
pub struct Library {
    pub libid: Option<Guid>,
}

/// One IDL file.
#[derive(Clone, Debug)]
pub struct Module {
    pub path: std::path::PathBuf,
    /// The Rust module name (file stem, lower case).
    pub name: String,
    /// Declarations made in this file, in source order.
    pub items: Vec<ItemId>,
}
