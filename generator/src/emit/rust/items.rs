//! Enums, structs, unions, typedefs, constants, coclasses and libraries.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{Place, ident, int_literal, prim};
use super::{Emitter, docs, guid};
use crate::model::layout::Storage;
use crate::model::{Arch, ConstValue, Enum, Item, ItemId, ItemKind, Prim, Record, Type};

impl Emitter<'_> {
    pub(super) fn enumeration(&self, item: &Item, e: &Enum) -> TokenStream {
        let doc = docs(&item.docs);
        if item.name.is_empty() {
            // `enum { A = 1 };` defines constants only.
            let consts = e.members.iter().map(|m| {
                let (name, doc, value) = (
                    ident(&m.name),
                    docs(&m.docs),
                    int_literal(Prim::I32, m.value.into()),
                );
                quote!(#doc pub const #name: i32 = #value;)
            });
            return quote!(#(#consts)*);
        }
        let name = ident(&item.name);
        let members = e.members.iter().map(|m| {
            let (member, doc, value) = (
                ident(&m.name),
                docs(&m.docs),
                int_literal(Prim::I32, m.value.into()),
            );
            quote!(#doc pub const #member: Self = Self(#value);)
        });
        let flags = e.flags.then(|| {
            quote! {
                impl #name {
                    /// Whether every bit of `other` is set in `self`.
                    pub const fn contains(self, other: Self) -> bool {
                        self.0 & other.0 == other.0
                    }
                }
                impl core::ops::BitOr for #name {
                    type Output = Self;
                    fn bitor(self, other: Self) -> Self { Self(self.0 | other.0) }
                }
                impl core::ops::BitAnd for #name {
                    type Output = Self;
                    fn bitand(self, other: Self) -> Self { Self(self.0 & other.0) }
                }
                impl core::ops::BitOrAssign for #name {
                    fn bitor_assign(&mut self, other: Self) { self.0 |= other.0 }
                }
                impl core::ops::BitAndAssign for #name {
                    fn bitand_assign(&mut self, other: Self) { self.0 &= other.0 }
                }
                impl core::ops::Not for #name {
                    type Output = Self;
                    fn not(self) -> Self { Self(!self.0) }
                }
            }
        });
        quote! {
            #doc
            #[repr(transparent)]
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub struct #name(pub i32);
            impl #name { #(#members)* }
            #flags
        }
    }

    pub(super) fn record(&self, id: ItemId, item: &Item, record: &Record) -> TokenStream {
        let name = ident(&item.name);
        let doc = docs(&item.docs);
        if !record.complete {
            return quote! {
                #doc
                /// Declared but never defined: only usable through pointers.
                #[repr(C)]
                pub struct #name { _opaque: [u8; 0] }
            };
        }
        let place = if record.union {
            Place::UnionField
        } else {
            Place::Field
        };
        let fields = record
            .storage(self.model)
            .into_iter()
            .enumerate()
            .map(|(index, storage)| match storage {
                Storage::Field(i) => {
                    let field = &record.fields[i];
                    let (field_name, doc, ty) = (
                        ident(&field.name),
                        docs(&field.docs),
                        self.ty(&field.ty, place),
                    );
                    quote!(#doc pub #field_name: #ty)
                }
                Storage::Bits { ty, fields } => {
                    let widths: Vec<String> = fields
                        .iter()
                        .map(|&i| {
                            format!(
                                "`{}`: {} bits",
                                record.fields[i].name,
                                record.fields[i].bits.unwrap_or(0)
                            )
                        })
                        .collect();
                    let doc = docs(&[format!(
                        "Bit-fields, lowest bits first: {}.",
                        widths.join(", ")
                    )]);
                    let (field_name, ty) = (format_ident!("_bitfield{index}"), self.ty(&ty, place));
                    quote!(#doc pub #field_name: #ty)
                }
            });
        let traits = self.traits(&Type::Named(id));
        let mut derives = vec![quote!(Clone)];
        if traits.copy {
            derives.push(quote!(Copy));
        }
        if traits.debug {
            derives.push(quote!(Debug));
        }
        if traits.partial_eq {
            derives.push(quote!(PartialEq));
        }
        if traits.eq {
            derives.push(quote!(Eq));
        }
        let packed = self.packing(record);
        let repr = match packed {
            Some(pack) => {
                let pack = Literal::u64_unsuffixed(pack);
                quote!(#[repr(C, packed(#pack))])
            }
            None => quote!(#[repr(C)]),
        };
        let packed = packed.is_some();
        let (keyword, derives, clone) = if (record.union || packed) && !traits.copy {
            // Owned pointers in a union (or a packed struct) copy bit for
            // bit, as C copies them.
            let clone = quote! {
                impl Clone for #name {
                    fn clone(&self) -> Self { unsafe { core::mem::transmute_copy(self) } }
                }
            };
            let keyword = if record.union {
                quote!(union)
            } else {
                quote!(struct)
            };
            (keyword, TokenStream::new(), clone)
        } else if record.union {
            (
                quote!(union),
                quote!(#[derive(Clone, Copy)]),
                TokenStream::new(),
            )
        } else if packed {
            // Derives other than these would take references to unaligned fields.
            (
                quote!(struct),
                quote!(#[derive(Clone, Copy)]),
                TokenStream::new(),
            )
        } else {
            (
                quote!(struct),
                quote!(#[derive(#(#derives),*)]),
                TokenStream::new(),
            )
        };
        let [x64, x86] = Arch::ALL.map(|arch| {
            let layout = record.layout_on(arch);
            (
                Literal::u64_unsuffixed(layout.size),
                Literal::u64_unsuffixed(layout.align),
            )
        });
        let ((size64, align64), (size32, align32)) = (x64, x86);
        quote! {
            #doc
            #repr
            #derives
            pub #keyword #name { #(#fields),* }
            #clone
            impl Default for #name {
                // All fields are C data for which all-zero bits are valid:
                // integers, null pointers, `None`.
                fn default() -> Self { unsafe { core::mem::zeroed() } }
            }
            // The layout C gives it (x64, x86): a mismatch fails to compile.
            #[cfg(target_pointer_width = "64")]
            const _: [(); #size64] = [(); core::mem::size_of::<#name>()];
            #[cfg(target_pointer_width = "64")]
            const _: [(); #align64] = [(); core::mem::align_of::<#name>()];
            #[cfg(target_pointer_width = "32")]
            const _: [(); #size32] = [(); core::mem::size_of::<#name>()];
            #[cfg(target_pointer_width = "32")]
            const _: [(); #align32] = [(); core::mem::align_of::<#name>()];
        }
    }

    /// A typedef emitted under its own name: a handle, a function pointer,
    /// or (for a file's own typedefs) an alias users may name.
    pub(super) fn alias(&self, item: &Item, ty: &Type, handle: bool) -> TokenStream {
        let name = ident(&item.name);
        let doc = docs(&item.docs);
        if handle {
            let inner = self.ty(ty, Place::Abi);
            return quote! {
                #doc
                #[repr(transparent)]
                #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
                pub struct #name(pub #inner);
                impl Default for #name {
                    fn default() -> Self { Self(core::ptr::null_mut()) }
                }
            };
        }
        let target = match self.interface_pointee(ty) {
            Some(interface) => {
                let path = self.path(interface);
                quote!(Option<#path>)
            }
            None => self.ty(ty, Place::Field),
        };
        quote!(#doc pub type #name = #target;)
    }

    pub(super) fn constant(&self, item: &Item, ty: &Type, value: &ConstValue) -> TokenStream {
        let name = ident(&item.name);
        let doc = docs(&item.docs);
        let (ty, value) = match (self.resolved(ty), value) {
            (_, ConstValue::Str(text)) => (quote!(&str), quote!(#text)),
            (Type::Prim(p), ConstValue::Float(_) | ConstValue::Int(_)) if p.is_float() => {
                let v = match value {
                    ConstValue::Float(v) => *v,
                    ConstValue::Int(i) => *i as f64,
                    ConstValue::Str(_) => 0.0,
                };
                let literal = Literal::f64_unsuffixed(v.abs());
                let sign = (v < 0.0).then(|| quote!(-));
                (prim(*p), quote!(#sign #literal))
            }
            (Type::Prim(p), ConstValue::Int(v)) => (prim(*p), int_literal(*p, *v)),
            (Type::Named(id), ConstValue::Int(v)) => {
                let path = self.path(*id);
                let named = &self.model.items[*id];
                match (&named.kind, named.name.as_str()) {
                    (_, "HRESULT") => {
                        let v = int_literal(Prim::I32, *v);
                        (path.clone(), quote!(#path(#v)))
                    }
                    (_, "BOOL") | (ItemKind::Enum(_), _) => {
                        let v = int_literal(Prim::I32, *v);
                        (path.clone(), quote!(#path(#v)))
                    }
                    _ => return TokenStream::new(),
                }
            }
            // Pointers and other types have no Rust constant form.
            _ => return TokenStream::new(),
        };
        quote!(#doc pub const #name: #ty = #value;)
    }

    /// `CLSID_Name` or `LIBID_Name`.
    pub(super) fn guid_constant(
        &self,
        item: &Item,
        prefix: &str,
        id: Option<crate::syntax::ast::Guid>,
    ) -> TokenStream {
        let Some(id) = id else {
            return TokenStream::new();
        };
        let name = format_ident!("{prefix}_{}", item.name);
        let mut lines = item.docs.clone();
        lines.push(format!("`{{{id}}}`"));
        let doc = docs(&lines);
        let value = guid(id);
        quote!(#doc pub const #name: windows_core::GUID = #value;)
    }
}
