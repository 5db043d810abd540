//! Rust spellings of model types, and which derives a type allows.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use super::Emitter;
use crate::model::{ItemId, ItemKind, Prim, Type};

/// Where a type is written: the spelling of interface pointers differs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A struct field: interface pointers are owned, `ManuallyDrop<Option<I>>`.
    Field,
    /// A union field: anything that is not `Copy` goes in `ManuallyDrop`.
    UnionField,
    /// A vtable slot: interface pointers are raw.
    Abi,
}

/// Traits a type's Rust spelling implements, to pick a record's derives,
/// and whether a method may safely be handed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Traits {
    pub copy: bool,
    pub debug: bool,
    pub partial_eq: bool,
    pub eq: bool,
    /// Holds no raw pointer (strings, buffers, callbacks) that a callee
    /// would follow: any value safe Rust can make is valid to pass.
    /// Interfaces and handles are values here.
    pub plain: bool,
}

impl Traits {
    const ALL: Traits = Traits {
        copy: true,
        debug: true,
        partial_eq: true,
        eq: true,
        plain: true,
    };

    fn and(self, other: Traits) -> Traits {
        Traits {
            copy: self.copy && other.copy,
            debug: self.debug && other.debug,
            partial_eq: self.partial_eq && other.partial_eq,
            eq: self.eq && other.eq,
            plain: self.plain && other.plain,
        }
    }
}

/// An identifier for an IDL name: raw when it is a Rust keyword.
pub(super) fn ident(name: &str) -> Ident {
    match name {
        // Keywords that cannot be raw identifiers.
        "self" | "Self" | "super" | "crate" | "_" => format_ident!("{name}_"),
        _ if is_keyword(name) => Ident::new_raw(name, Span::call_site()),
        _ => Ident::new(name, Span::call_site()),
    }
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "async"
            | "await"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
            | "abstract"
            | "become"
    )
}

pub(super) fn prim(p: Prim) -> TokenStream {
    match p {
        Prim::I8 => quote!(i8),
        Prim::U8 | Prim::Boolean => quote!(u8),
        Prim::I16 => quote!(i16),
        Prim::U16 | Prim::WChar => quote!(u16),
        Prim::I32 => quote!(i32),
        Prim::U32 => quote!(u32),
        Prim::I64 => quote!(i64),
        Prim::U64 => quote!(u64),
        Prim::ISize => quote!(isize),
        Prim::USize => quote!(usize),
        Prim::F32 => quote!(f32),
        Prim::F64 => quote!(f64),
    }
}

/// An integer literal of the Rust type for `p`, `value` wrapped to its width
/// as a C conversion would.
pub(super) fn int_literal(p: Prim, value: i128) -> TokenStream {
    let bits = p.size(crate::model::Arch::X64) * 8;
    let masked = value & ((1i128 << bits) - 1);
    let signed = if p.is_signed() && masked >> (bits - 1) == 1 {
        masked - (1i128 << bits)
    } else {
        masked
    };
    let literal = Literal::i128_unsuffixed(signed.abs());
    if signed < 0 {
        quote!(-#literal)
    } else {
        quote!(#literal)
    }
}

impl Emitter<'_> {
    /// `ty` with typedefs removed, except those emitted under their own
    /// name (handles, function pointers, mapped types).
    pub(super) fn resolved<'t>(&'t self, ty: &'t Type) -> &'t Type {
        self.model.resolve(ty, &|id| self.keeps_name(id))
    }

    /// Whether a typedef is spelt by its name rather than what it stands for.
    pub(super) fn keeps_name(&self, id: ItemId) -> bool {
        if self.externs.contains_key(&self.model.items[id].name) {
            return true;
        }
        match &self.model.items[id].kind {
            ItemKind::Alias(alias) => alias.handle || self.is_function_pointer(&alias.ty),
            _ => false,
        }
    }

    fn is_function_pointer(&self, ty: &Type) -> bool {
        matches!(ty, Type::Pointer { to, .. } if matches!(**to, Type::Function(_)))
    }

    /// The interface that `ty` points to (one level), if any.
    pub(super) fn interface_pointee(&self, ty: &Type) -> Option<ItemId> {
        let Type::Pointer { to, .. } = self.resolved(ty) else {
            return None;
        };
        match self.resolved(to) {
            Type::Named(id) if matches!(self.model.items[*id].kind, ItemKind::Interface(_)) => {
                Some(*id)
            }
            _ => None,
        }
    }

    /// Whether `ty` is the built-in mapped type `canonical` (`BOOL`,
    /// `PCWSTR`, ...), under any of its IDL names, and not remapped.
    pub(super) fn is_extern(&self, ty: &Type, canonical: &str) -> bool {
        let Type::Named(id) = self.resolved(ty) else {
            return false;
        };
        let name = self.model.items[*id].name.as_str();
        self.canonical.get(name) == Some(&canonical)
            && self.externs.get(name).map(|p| quote!(#p).to_string())
                == Some(self.extern_path(canonical).to_string())
    }

    pub(super) fn ty(&self, ty: &Type, place: Place) -> TokenStream {
        if let Some(interface) = self.interface_pointee(ty) {
            let path = self.path(interface);
            return match place {
                Place::Abi => quote!(*mut core::ffi::c_void),
                Place::Field | Place::UnionField => quote!(core::mem::ManuallyDrop<Option<#path>>),
            };
        }
        let spelt = match self.resolved(ty) {
            Type::Void => quote!(core::ffi::c_void),
            Type::Prim(p) => prim(*p),
            Type::Named(id) => self.path(*id),
            Type::Pointer { to, to_const } => {
                if let Type::Function(signature) = &**to {
                    let params = signature.params.iter().map(|p| self.param_abi(&p.ty));
                    let ret = self.return_abi(&signature.ret);
                    return quote!(Option<unsafe extern "system" fn(#(#params),*) #ret>);
                }
                // Under a pointer, an interface is always raw.
                let inner = if self.interface_pointee(to).is_some() {
                    quote!(*mut core::ffi::c_void)
                } else {
                    self.ty(to, Place::Abi)
                };
                if *to_const {
                    quote!(*const #inner)
                } else {
                    quote!(*mut #inner)
                }
            }
            Type::Array { of, len } => {
                let element = self.ty(of, place);
                let len = Literal::u64_unsuffixed(len.unwrap_or(1));
                quote!([#element; #len])
            }
            // Reported by the model; generation stops before this.
            Type::Function(_) | Type::Error => quote!(core::ffi::c_void),
        };
        if place == Place::UnionField && !self.traits(ty).copy {
            quote!(core::mem::ManuallyDrop<#spelt>)
        } else {
            spelt
        }
    }

    /// A parameter's type in a vtable slot: arrays decay to pointers.
    pub(super) fn param_abi(&self, ty: &Type) -> TokenStream {
        match self.resolved(ty) {
            Type::Array { of, .. } => {
                let element = self.ty(of, Place::Abi);
                quote!(*mut #element)
            }
            _ if self.is_extern(ty, "BSTR") => quote!(*const u16),
            _ => self.ty(ty, Place::Abi),
        }
    }

    /// `-> T` for a return type, nothing for `void`.
    pub(super) fn return_abi(&self, ty: &Type) -> TokenStream {
        match self.resolved(ty) {
            Type::Void => TokenStream::new(),
            _ => {
                let ty = self.ty(ty, Place::Abi);
                quote!(-> #ty)
            }
        }
    }

    /// The `#pragma pack` of a record, when it lowers some field's alignment
    /// (otherwise it changes nothing and is left out).
    pub(super) fn packing(&self, record: &crate::model::Record) -> Option<u64> {
        let pack = record.pack?;
        record
            .fields
            .iter()
            .filter_map(|f| self.model.layout_of(&f.ty, crate::model::Arch::X64))
            .any(|l| l.align > pack)
            .then_some(pack)
    }

    /// What the Rust spelling of a field of type `ty` implements.
    pub(super) fn traits(&self, ty: &Type) -> Traits {
        if self.interface_pointee(ty).is_some() {
            return Traits {
                copy: false,
                ..Traits::ALL
            };
        }
        match self.resolved(ty) {
            Type::Prim(p) if p.is_float() => Traits {
                eq: false,
                ..Traits::ALL
            },
            Type::Void | Type::Prim(_) | Type::Error | Type::Function(_) => Traits::ALL,
            Type::Pointer { to, .. } if matches!(**to, Type::Function(_)) => Traits {
                partial_eq: false,
                eq: false,
                plain: false,
                ..Traits::ALL
            },
            Type::Pointer { .. } => Traits {
                plain: false,
                ..Traits::ALL
            },
            Type::Array { of, .. } => self.traits(of),
            Type::Named(id) => self.item_traits(*id),
        }
    }

    fn item_traits(&self, id: ItemId) -> Traits {
        let item = &self.model.items[id];
        if self.externs.contains_key(&item.name) {
            let built_in = self
                .canonical
                .get(item.name.as_str())
                .filter(|&&c| self.is_extern(&Type::Named(id), c));
            return match built_in {
                Some(&"BSTR") => Traits {
                    copy: false,
                    ..Traits::ALL
                },
                Some(&("PCWSTR" | "PWSTR" | "PCSTR" | "PSTR")) => Traits {
                    plain: false,
                    ..Traits::ALL
                },
                Some(_) => Traits::ALL,
                // A type mapped by the user: assume only what every
                // windows-rs value type has, and that it may hold pointers.
                _ => Traits {
                    copy: false,
                    debug: false,
                    partial_eq: false,
                    eq: false,
                    plain: false,
                },
            };
        }
        if let Some(&cached) = self.traits_cache.borrow().get(&id) {
            return cached;
        }
        // Guards against a record reached again through itself.
        self.traits_cache.borrow_mut().insert(id, Traits::ALL);
        let traits = match &item.kind {
            // Unions and packed records derive only what their fields allow
            // without reading a field by reference.
            ItemKind::Record(record) if record.union || self.packing(record).is_some() => {
                let fields = record
                    .fields
                    .iter()
                    .fold(Traits::ALL, |t, f| t.and(self.traits(&f.ty)));
                Traits {
                    copy: fields.copy,
                    debug: false,
                    partial_eq: false,
                    eq: false,
                    plain: fields.plain,
                }
            }
            ItemKind::Record(record) => record
                .fields
                .iter()
                .fold(Traits::ALL, |t, f| t.and(self.traits(&f.ty))),
            // A handle is a value the callee never dereferences for us.
            ItemKind::Alias(alias) if alias.handle => Traits {
                plain: true,
                ..self.traits(&alias.ty)
            },
            ItemKind::Alias(alias) => self.traits(&alias.ty),
            _ => Traits::ALL,
        };
        self.traits_cache.borrow_mut().insert(id, traits);
        traits
    }
}
