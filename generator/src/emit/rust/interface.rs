//! Interfaces: the interface type, its vtable, and callable methods.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{Place, ident};
use super::{Emitter, docs, guid_u128};
use crate::model::{Direction, Interface, Item, ItemId, Method, Param, PointerKind, Prim, Type};

/// How a parameter appears in a method's Rust signature (the caller's
/// view; `implement` reads the arguments the same way).
pub(super) enum Role {
    /// Passed through as its vtable type.
    Raw,
    /// `[in]` interface pointer: `impl Param<I>`.
    Interface(ItemId),
    /// `[in, unique]` interface pointer: `Option<&I>`.
    OptionalInterface(ItemId),
    /// `[in]` `LPCWSTR`/`LPCSTR`/`LPWSTR`/`LPSTR`, or a `[string]` character
    /// pointer (`raw`: its vtable type is the bare pointer): `&WideStr`
    /// (`wide`) or `&CStr`, `Option<..>` when it may be null.
    Str { wide: bool, raw: bool },
    /// `[in] BOOL`: `bool`.
    Bool,
    /// `[in] BSTR`: `&BSTR`.
    Bstr,
    /// `[in] T *` to one plain value: `&T`, `Option<&T>` when it may be null.
    Ref { optional: bool },
    /// `[in, out] T *` to one plain value, or an `[out]` one no result
    /// stands for: `&mut T`, `Option<..>`.
    Mut { optional: bool },
    /// An `[out] I **` no result stands for: `&mut Option<I>`, which the
    /// callee sets (a value already there is not released).
    OutInterface { id: ItemId, optional: bool },
    /// An `[in]` array of wide strings counted by a parameter of its own:
    /// `&[&WideStr]`, `Option<..>`.
    WideStrs { optional: bool },
    /// The last `[out]`: the `Ok` value.
    Returned,
    /// The `riid` of an `iid_is` pair: `T::IID`.
    Iid,
    /// The `ppv` of an `iid_is` pair: the `Ok` value, as `T`.
    Object,
    /// A `size_is(n)` array whose count `n` is an `[in]` parameter of its
    /// own: `&[T]` (`&mut [T]` when the callee writes it), `Option<..>` when
    /// it may be null. Interface elements are `Option<I>`.
    Slice { optional: bool },
    /// The count of the slice at this index: its length.
    Count(usize),
}

impl Emitter<'_> {
    pub(super) fn interface(&self, id: ItemId, item: &Item, interface: &Interface) -> TokenStream {
        let name = ident(&item.name);
        if !interface.defined {
            return opaque_interface(&name);
        }
        let vtbl = format_ident!("{}_Vtbl", item.name);
        let mut lines = item.docs.clone();
        if let Some(iid) = interface.iid {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!("IID `{{{iid}}}`"));
        }
        let iid = match interface.iid {
            Some(iid) => {
                let value = guid_u128(iid);
                quote!(windows_core::GUID::from_u128(#value))
            }
            None => quote!(windows_core::GUID::zeroed()),
        };
        let ancestors: Vec<ItemId> = self.model.ancestry(id).into_iter().skip(1).collect();
        // C++-style interfaces with no base (ID3DInclude) are not COM: no
        // IUnknown slots, no reference counting, no QueryInterface.
        let root = ancestors.last().copied().unwrap_or(id);
        // (IUnknown itself is mapped; so may be a base only declared here.)
        let com = self.externs.contains_key(&self.model.items[root].name)
            || self.model.interface(root).is_none_or(|i| !i.defined);
        let base_vtbl = match interface.base {
            Some(base) => {
                let path = self.path_with_suffix(base, "_Vtbl");
                quote!(pub base__: #path,)
            }
            None if com => quote!(pub base__: windows_core::IUnknown_Vtbl,),
            None => TokenStream::new(),
        };
        let implementation = if com {
            match self.implementation(id, item, interface) {
                Ok(tokens) => tokens,
                Err(reason) => {
                    lines.push(String::new());
                    lines.push(format!("No `{}_Impl`: {reason}.", item.name));
                    TokenStream::new()
                }
            }
        } else {
            TokenStream::new()
        };
        let doc = docs(&lines);
        let (pointer, unknown, hierarchy) = if com {
            let ancestors = ancestors.iter().map(|&a| self.path(a));
            (
                quote!(windows_core::IUnknown),
                TokenStream::new(),
                quote!(windows_core::imp::interface_hierarchy!(#name, #(#ancestors),*);),
            )
        } else {
            (
                quote!(core::ptr::NonNull<core::ffi::c_void>),
                quote!(
                    const UNKNOWN: bool = false;
                ),
                TokenStream::new(),
            )
        };
        let deref = interface
            .base
            .filter(|&b| self.model.items[b].name != "IUnknown")
            .map(|base| {
                let base = self.path(base);
                quote! {
                    impl core::ops::Deref for #name {
                        type Target = #base;
                        // An interface pointer is a pointer to its base too:
                        // the base's slots come first in the vtable.
                        fn deref(&self) -> &Self::Target { unsafe { core::mem::transmute(self) } }
                    }
                }
            });
        let vtbl_doc = if base_vtbl.is_empty() {
            format!(" The vtable of [`{}`] (not a COM interface).", item.name)
        } else {
            format!(
                " The vtable of [`{}`]: the base's slots, then its own.",
                item.name
            )
        };
        let own: Vec<&Method> = interface.methods.iter().filter(|m| !m.call_as).collect();
        let first_slot = self.model.vtable(id).len() - own.len();
        let slots = own
            .iter()
            .enumerate()
            .map(|(i, method)| self.slot(first_slot + i, method));
        let methods = own.iter().map(|method| self.method(&item.name, method));
        quote! {
            #doc
            #[repr(transparent)]
            #[derive(Clone, Debug, PartialEq, Eq)]
            pub struct #name(#pointer);
            unsafe impl windows_core::Interface for #name {
                type Vtable = #vtbl;
                const IID: windows_core::GUID = #iid;
                #unknown
            }
            #deref
            #hierarchy
            impl #name { #(#methods)* }
            #[doc = #vtbl_doc]
            #[repr(C)]
            pub struct #vtbl {
                #base_vtbl
                #(#slots),*
            }
            #implementation
        }
    }

    fn slot(&self, index: usize, method: &Method) -> TokenStream {
        let name = ident(&method.name);
        let doc = format!(" Slot {index}: `{}`", method.c_text);
        if method.signature.variadic {
            // C varargs cannot be called through a typed Rust pointer.
            return quote!(#[doc = #doc] pub #name: usize);
        }
        let params = method
            .signature
            .params
            .iter()
            .map(|p| self.param_abi(&p.ty));
        let ret = self.return_abi(&method.signature.ret);
        quote! {
            #[doc = #doc]
            pub #name: unsafe extern "system" fn(*mut core::ffi::c_void, #(#params),*) #ret
        }
    }

    fn roles(&self, interface: &str, method: &Method) -> Vec<Role> {
        let params = &method.signature.params;
        let mut roles: Vec<Role> = params.iter().map(|p| self.argument_role(p)).collect();
        if self.is_extern(&method.signature.ret, "HRESULT")
            && !self.is_answer(interface, &method.name)
        {
            self.results(params, &mut roles);
        }
        // `[out]` pointers no result stands for: the caller lends the place.
        for (param, role) in params.iter().zip(&mut roles) {
            if !matches!(role, Role::Raw) || param.dir != Direction::Out || param.sized {
                continue;
            }
            let optional = param.pointer != PointerKind::Ref || param.optional;
            if let Some(id) = self.out_interface(&param.ty) {
                *role = Role::OutInterface { id, optional };
            } else if !self.is_const_pointer(&param.ty) && self.is_plain_pointee(&param.ty) {
                *role = Role::Mut { optional };
            }
        }
        roles
    }

    /// The roles an `HRESULT` method's results give: slices and their
    /// counts, and the `Ok` value (the last `[out]`, or an `iid_is` pair).
    fn results(&self, params: &[Param], roles: &mut [Role]) {
        for (index, param) in params.iter().enumerate() {
            if let Some(count) = self.slice_count(params, index) {
                let optional = param.pointer != PointerKind::Ref;
                roles[index] = if param.dir == Direction::In && self.has_wide_string_elements(param)
                {
                    Role::WideStrs { optional }
                } else {
                    Role::Slice { optional }
                };
                roles[count] = Role::Count(index);
            }
        }
        let Some(last) = params.len().checked_sub(1) else {
            return;
        };
        let out = &params[last];
        let counted = params.iter().any(|p| {
            [p.size_is, p.length_is]
                .iter()
                .flatten()
                .any(|e| e.param == last)
        });
        if out.dir != Direction::Out || out.sized || counted {
            return;
        }
        if let Some(riid) = self.iid_pair(params, last) {
            roles[riid] = Role::Iid;
            roles[last] = Role::Object;
        } else if self.returnable(&out.ty) && out.pointer == PointerKind::Ref && !out.optional {
            roles[last] = Role::Returned;
        }
    }

    /// For the `[out]` object pointer of an `iid_is(riid)` pair: `riid`'s
    /// index. The object's type is the `riid` asked for, whatever the IDL
    /// declares the pointer as (`void **`, `IUnknown **`).
    pub(super) fn iid_pair(&self, params: &[Param], index: usize) -> Option<usize> {
        let out = &params[index];
        let riid = out.iid_is.filter(|&riid| riid != index)?;
        (out.dir == Direction::Out
            && (self.is_void_pointer_pointer(&out.ty) || self.out_interface(&out.ty).is_some()))
        .then_some(riid)
    }

    /// For a parameter `size_is(n)` that can be a slice: `n`'s index. `n`
    /// must be a plain `[in]` integer that sizes nothing else, so the
    /// slice's length can stand for it.
    pub(super) fn slice_count(&self, params: &[Param], index: usize) -> Option<usize> {
        let param = &params[index];
        let count = param
            .size_is
            .filter(|e| !e.deref && e.param != index)?
            .param;
        let counts_only_this = counts_only(params, count, index);
        // An `[in]` array counted by something else is not a slice.
        let length_fits = param.dir != Direction::In
            || param.length_is.is_none_or(|e| e.param == count && !e.deref);
        let is_array = matches!(
            self.resolved(&param.ty),
            Type::Pointer { .. } | Type::Array { len: None, .. }
        );
        let count_is_integer = matches!(
            self.resolved(&params[count].ty),
            Type::Prim(p) if !p.is_float() && *p != Prim::Boolean
        );
        (params[count].dir == Direction::In
            && params[count].iid_is.is_none()
            && counts_only_this
            && length_fits
            && is_array
            && count_is_integer)
            .then_some(count)
    }

    /// A parameter's Rust name. A parameter may not be named like a struct
    /// or constant of its module (Rust would read it as a pattern):
    /// `AnnoScope AnnoScope` becomes `AnnoScope_`.
    pub(super) fn param_ident(&self, name: &str) -> proc_macro2::Ident {
        let shadows = self
            .model
            .lookup(name)
            .is_some_and(|id| self.model.items[id].module == self.module);
        if shadows {
            format_ident!("{name}_")
        } else {
            ident(name)
        }
    }

    /// Whether a pointer parameter's vtable type is `*const`.
    pub(super) fn is_const_pointer(&self, ty: &Type) -> bool {
        matches!(self.resolved(ty), Type::Pointer { to_const: true, .. })
    }

    /// The element type of an array parameter (a pointer or an array).
    pub(super) fn array_element<'t>(&'t self, ty: &'t Type) -> Option<&'t Type> {
        match self.resolved(ty) {
            Type::Pointer { to, .. } | Type::Array { of: to, .. } => Some(to),
            _ => None,
        }
    }

    /// The slice element type of a `size_is` parameter.
    pub(super) fn slice_element(&self, ty: &Type) -> TokenStream {
        let element = self
            .array_element(ty)
            .expect("slice_count admits pointers and arrays only");
        match self.interface_pointee(element) {
            Some(interface) => {
                let path = self.path(interface);
                quote!(Option<#path>)
            }
            None => self.ty(element, Place::Abi),
        }
    }

    pub(super) fn input_role(&self, param: &Param) -> Role {
        if param.dir != Direction::In {
            return Role::Raw;
        }
        if let Some(interface) = self.interface_pointee(&param.ty) {
            return if param.pointer == PointerKind::Ref {
                Role::Interface(interface)
            } else {
                Role::OptionalInterface(interface)
            };
        }
        for (name, wide) in [("PCWSTR", true), ("PCSTR", false)] {
            if self.is_extern(&param.ty, name) {
                return Role::Str { wide, raw: false };
            }
        }
        if param.string
            && let Type::Pointer { to, .. } = self.resolved(&param.ty)
            && let Type::Prim(element) = self.resolved(to)
        {
            let wide = match element {
                Prim::WChar | Prim::U16 => Some(true),
                Prim::I8 | Prim::U8 => Some(false),
                _ => None,
            };
            if let Some(wide) = wide {
                return Role::Str { wide, raw: true };
            }
        }
        if self.is_extern(&param.ty, "BOOL") {
            Role::Bool
        } else if self.is_extern(&param.ty, "BSTR") {
            Role::Bstr
        } else {
            Role::Raw
        }
    }

    /// A parameter's role on its own (slices, counts, results and pairs
    /// are settled per method): `input_role`, and pointers to one plain
    /// value.
    pub(super) fn argument_role(&self, param: &Param) -> Role {
        let optional = param.pointer != PointerKind::Ref;
        // Sized pointers are buffers, not one value.
        match (param.dir, self.input_role(param)) {
            // `[in] LPWSTR`, `LPSTR` (their typedefs say `[string]`): the
            // callee only reads them.
            (Direction::In, Role::Raw) if !param.sized && self.is_string_pointer(&param.ty) => {
                Role::Str {
                    wide: self.is_extern(&param.ty, "PWSTR"),
                    raw: false,
                }
            }
            (Direction::In, Role::Raw) if !param.sized && self.is_plain_pointee(&param.ty) => {
                Role::Ref { optional }
            }
            (Direction::InOut, _)
                if !param.sized
                    && !self.is_const_pointer(&param.ty)
                    && self.is_plain_pointee(&param.ty) =>
            {
                Role::Mut { optional }
            }
            (_, role) => role,
        }
    }

    /// Whether safe Rust can make every value of the parameter's Rust type
    /// such that the call stays sound: no raw pointer the callee follows.
    fn is_safe_argument(&self, param: &Param, role: &Role) -> bool {
        match role {
            Role::Raw => {
                !matches!(self.resolved(&param.ty), Type::Array { .. })
                    && self.interface_pointee(&param.ty).is_none()
                    && self.traits(&param.ty).plain
            }
            // The callee reads what it is lent, unless it only writes it.
            Role::Ref { .. } | Role::Mut { .. } => {
                param.dir == Direction::Out
                    || self
                        .pointee(&param.ty)
                        .is_some_and(|to| self.traits(to).plain)
            }
            // The callee reads the elements unless it only writes them.
            Role::Slice { .. } => {
                param.dir == Direction::Out
                    || self
                        .array_element(&param.ty)
                        .is_some_and(|element| self.traits(element).plain)
            }
            _ => true,
        }
    }

    fn is_void_pointer_pointer(&self, ty: &Type) -> bool {
        matches!(self.resolved(ty), Type::Pointer { to, .. }
            if matches!(self.resolved(to), Type::Pointer { to, .. } if matches!(self.resolved(to), Type::Void)))
    }

    /// An out-pointer whose target makes a sensible return value.
    fn returnable(&self, ty: &Type) -> bool {
        match self.resolved(ty) {
            Type::Pointer { to, .. } => match self.resolved(to) {
                Type::Void | Type::Function(_) | Type::Array { .. } => false,
                // `[out] IFoo *p` (one level): the callee fills an object
                // in place, which Rust cannot hold by value.
                Type::Named(id) => self.model.interface(*id).is_none(),
                _ => true,
            },
            _ => false,
        }
    }

    fn method(&self, interface: &str, method: &Method) -> TokenStream {
        if method.signature.variadic {
            return TokenStream::new();
        }
        let name = ident(&method.name);
        let params = &method.signature.params;
        let roles = self.roles(interface, method);
        let answer = self.is_answer(interface, &method.name);
        let mut generics = Vec::new();
        let mut bounds = Vec::new();
        let mut inputs = Vec::new();
        let mut args = Vec::new();
        // Statements before the call (string arrays made into pointers).
        let mut prelude = Vec::new();
        for (index, (param, role)) in params.iter().zip(&roles).enumerate() {
            let arg = self.param_ident(&param.name);
            match role {
                Role::Raw => {
                    let ty = self.param_abi(&param.ty);
                    inputs.push(quote!(#arg: #ty));
                    args.push(quote!(#arg));
                }
                Role::Interface(interface) => {
                    let generic = format_ident!("P{index}");
                    let path = self.path(*interface);
                    generics.push(quote!(#generic));
                    bounds.push(quote!(#generic: windows_core::Param<#path>));
                    inputs.push(quote!(#arg: #generic));
                    args.push(quote!(#arg.param().abi()));
                }
                Role::OptionalInterface(interface) => {
                    let path = self.path(*interface);
                    inputs.push(quote!(#arg: Option<&#path>));
                    args.push(
                        quote!(#arg.map_or(core::ptr::null_mut(), windows_core::Interface::as_raw)),
                    );
                }
                Role::Str { wide, raw } => {
                    let string = if *wide {
                        quote!(comidl_runtime::WideStr)
                    } else {
                        quote!(core::ffi::CStr)
                    };
                    // `[in] LPWSTR`: the callee promises not to write.
                    let mutable = self.is_extern(&param.ty, "PWSTR")
                        || self.is_extern(&param.ty, "PSTR")
                        || *raw && !self.is_const_pointer(&param.ty);
                    // `cast` turns `CStr`'s `c_char` into the vtable's unit.
                    let (convert, null) = if mutable {
                        (quote!(.as_ptr().cast_mut().cast()), quote!(null_mut))
                    } else {
                        (quote!(.as_ptr().cast()), quote!(null))
                    };
                    let pointer = if param.pointer == PointerKind::Ref {
                        inputs.push(quote!(#arg: &#string));
                        quote!(#arg #convert)
                    } else {
                        inputs.push(quote!(#arg: Option<&#string>));
                        quote!(#arg.map_or(core::ptr::#null(), |s| s #convert))
                    };
                    args.push(if *raw {
                        pointer
                    } else {
                        let path = self.param_abi(&param.ty);
                        quote!(#path(#pointer))
                    });
                }
                Role::Ref { optional } => {
                    let ty = self.pointee_rust(&param.ty);
                    let pointer = if *optional {
                        inputs.push(quote!(#arg: Option<&#ty>));
                        quote!(#arg.map_or(core::ptr::null(), core::ptr::from_ref))
                    } else {
                        inputs.push(quote!(#arg: &#ty));
                        quote!(core::ptr::from_ref(#arg))
                    };
                    args.push(if self.is_const_pointer(&param.ty) {
                        pointer
                    } else {
                        quote!(#pointer.cast_mut())
                    });
                }
                Role::Mut { optional } => {
                    let ty = self.pointee_rust(&param.ty);
                    if *optional {
                        inputs.push(quote!(#arg: Option<&mut #ty>));
                        args.push(quote!(#arg.map_or(core::ptr::null_mut(), core::ptr::from_mut)));
                    } else {
                        inputs.push(quote!(#arg: &mut #ty));
                        args.push(quote!(core::ptr::from_mut(#arg)));
                    }
                }
                Role::OutInterface { id, optional } => {
                    let path = self.path(*id);
                    // `Option<I>` is one nullable interface pointer.
                    if *optional {
                        inputs.push(quote!(#arg: Option<&mut Option<#path>>));
                        args.push(quote!(#arg.map_or(core::ptr::null_mut(), |p| core::ptr::from_mut(p).cast())));
                    } else {
                        inputs.push(quote!(#arg: &mut Option<#path>));
                        args.push(quote!(core::ptr::from_mut(#arg).cast()));
                    }
                }
                Role::WideStrs { optional } => {
                    let strings = quote!(&[&comidl_runtime::WideStr]);
                    let some = if *optional {
                        inputs.push(quote!(#arg: Option<#strings>));
                        quote!(#arg)
                    } else {
                        inputs.push(quote!(#arg: #strings));
                        quote!(Some(#arg))
                    };
                    // Shadowed by the pointers, which the count reads too.
                    prelude.push(quote!(let #arg = comidl_runtime::WidePointers::new(#some);));
                    args.push(if self.is_const_pointer(&param.ty) {
                        quote!(#arg.as_ptr().cast())
                    } else {
                        quote!(#arg.as_ptr().cast_mut().cast())
                    });
                }
                Role::Bool => {
                    inputs.push(quote!(#arg: bool));
                    args.push(quote!(#arg.into()));
                }
                Role::Bstr => {
                    let path = self.extern_path("BSTR");
                    inputs.push(quote!(#arg: &#path));
                    args.push(quote!(#arg.as_ptr()));
                }
                Role::Slice { optional } => {
                    let element = self.slice_element(&param.ty);
                    let writes = param.dir != Direction::In;
                    let (slice, as_ptr, null) = if writes {
                        (
                            quote!(&mut [#element]),
                            quote!(as_mut_ptr),
                            quote!(null_mut),
                        )
                    } else {
                        (quote!(&[#element]), quote!(as_ptr), quote!(null))
                    };
                    // `cast` adapts constness and element type (an
                    // `Option<I>` is one nullable interface pointer).
                    let (ty, ptr) = if *optional {
                        // Borrowed again, not moved: the count reads it too.
                        let reborrow = if writes {
                            quote!(as_deref_mut)
                        } else {
                            quote!(as_deref)
                        };
                        (
                            quote!(Option<#slice>),
                            quote!(#arg.#reborrow().map_or(core::ptr::#null(), |s| s.#as_ptr())),
                        )
                    } else {
                        (slice, quote!(#arg.#as_ptr()))
                    };
                    let ptr = match (writes, self.is_const_pointer(&param.ty)) {
                        (false, false) => quote!(#ptr.cast_mut().cast()),
                        (true, true) => quote!(#ptr.cast_const().cast()),
                        _ => quote!(#ptr.cast()),
                    };
                    // `as_deref_mut` needs the binding mutable.
                    let binding = if writes && *optional {
                        quote!(mut #arg)
                    } else {
                        quote!(#arg)
                    };
                    inputs.push(quote!(#binding: #ty));
                    args.push(ptr);
                }
                Role::Count(slice) => {
                    let name = self.param_ident(&params[*slice].name);
                    let len = match roles[*slice] {
                        Role::Slice { optional: true } => {
                            quote!(#name.as_deref().map_or(0, |s| s.len()))
                        }
                        // Slices, and string arrays' pointers.
                        _ => quote!(#name.len()),
                    };
                    args.push(
                        quote!(#len.try_into().expect("slice longer than its count type holds")),
                    );
                }
                Role::Returned => args.push(quote!(&mut result__)),
                Role::Iid => args.push(if self.is_const_pointer(&param.ty) {
                    quote!(&<T as windows_core::Interface>::IID)
                } else {
                    // Wine's IDL declares `typedef IID *REFIID` (C sees a
                    // const pointer); the callee only reads it.
                    quote!(core::ptr::from_ref(&<T as windows_core::Interface>::IID).cast_mut())
                }),
                Role::Object => {
                    generics.push(quote!(T));
                    bounds.push(quote!(T: windows_core::Interface));
                    args.push(quote!(&mut result__));
                }
            }
        }
        let call = quote!((windows_core::Interface::vtable(self).#name)(windows_core::Interface::as_raw(self), #(#args),*));
        let returned = roles.iter().position(|r| matches!(r, Role::Returned));
        let object = roles.iter().any(|r| matches!(r, Role::Object));
        let (output, body) = if answer {
            (
                quote!(-> windows_core::Result<bool>),
                quote! {
                    let hr = #call;
                    hr.ok().map(|()| hr != windows_core::HRESULT(1))
                },
            )
        } else if object {
            (
                quote!(-> windows_core::Result<T>),
                quote! {
                    let mut result__ = core::ptr::null_mut();
                    #call.and_then(|| windows_core::Type::from_abi(result__))
                },
            )
        } else if let Some(index) = returned {
            let param = &params[index];
            if let Some(interface) = self.out_interface(&param.ty) {
                let path = self.path(interface);
                (
                    quote!(-> windows_core::Result<#path>),
                    quote! {
                        let mut result__ = core::ptr::null_mut();
                        #call.and_then(|| windows_core::Type::from_abi(result__))
                    },
                )
            } else {
                let ty = match self.resolved(&param.ty) {
                    Type::Pointer { to, .. } => self.ty(to, Place::Abi),
                    _ => unreachable!("only pointers are returned"),
                };
                let (ty, map) = if self.pointee_is_extern(&param.ty, "BOOL") {
                    (quote!(bool), quote!(result__.as_bool()))
                } else {
                    (ty, quote!(result__))
                };
                (
                    quote!(-> windows_core::Result<#ty>),
                    quote! {
                        let mut result__ = core::mem::zeroed();
                        #call.map(|| #map)
                    },
                )
            }
        } else if self.is_extern(&method.signature.ret, "HRESULT") {
            (quote!(-> windows_core::Result<()>), quote!(#call.ok()))
        } else {
            // `-> T` as in the vtable, nothing for `void`.
            (self.return_abi(&method.signature.ret), call)
        };
        let mut lines = method.docs.clone();
        if answer {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(
                "The answer is the success code: `Ok(true)` for `S_OK`, `Ok(false)` for `S_FALSE`."
                    .into(),
            );
        }
        for (count, role) in roles.iter().enumerate() {
            if let Role::Count(slice) = role {
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(format!(
                    "`{}` is the length of `{}`.",
                    params[count].name, params[*slice].name
                ));
            }
        }
        let raw: Vec<String> = params
            .iter()
            .zip(&roles)
            .filter(|(param, role)| !self.is_safe_argument(param, role))
            .map(|(param, _)| format!("`{}`", param.name))
            .collect();
        if !raw.is_empty() {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!(
                "Unsafe: the callee follows raw pointers in {}; they must be valid for the call.",
                raw.join(", ")
            ));
        }
        let doc = docs(&lines);
        let generics = if generics.is_empty() {
            TokenStream::new()
        } else {
            quote!(<#(#generics),*>)
        };
        let bounds = if bounds.is_empty() {
            TokenStream::new()
        } else {
            quote!(where #(#bounds),*)
        };
        let unsafety = if raw.is_empty() {
            TokenStream::new()
        } else {
            quote!(unsafe)
        };
        quote! {
            #doc
            pub #unsafety fn #name #generics(&self, #(#inputs),*) #output #bounds {
                #(#prelude)*
                unsafe { #body }
            }
        }
    }

    /// The Rust type a pointer parameter points to.
    pub(super) fn pointee_rust(&self, ty: &Type) -> TokenStream {
        let to = self.pointee(ty).expect("read through a pointer");
        self.ty(to, Place::Abi)
    }

    /// For an `[out] IFoo **`: `IFoo`.
    fn out_interface(&self, ty: &Type) -> Option<ItemId> {
        match self.resolved(ty) {
            Type::Pointer { to, .. } => self.interface_pointee(to),
            _ => None,
        }
    }

    fn pointee_is_extern(&self, ty: &Type, name: &str) -> bool {
        matches!(self.resolved(ty), Type::Pointer { to, .. } if self.is_extern(to, name))
    }
}

/// Whether no parameter but the one at `array` names the one at `count` in
/// its `size_is` or `length_is`, so that array's length can stand for it.
pub(super) fn counts_only(params: &[Param], count: usize, array: usize) -> bool {
    params.iter().enumerate().all(|(other, p)| {
        other == array
            || [p.size_is, p.length_is]
                .iter()
                .flatten()
                .all(|e| e.param != count)
    })
}

/// An interface the IDL only declares (`interface IFoo;`): usable as a type
/// and through `cast`, with nothing known of its IID or methods.
fn opaque_interface(name: &proc_macro2::Ident) -> TokenStream {
    let doc = format!(
        " `{name}` is only declared in the IDL: no IID, no methods. Map it to a real type with `--extern-type`."
    );
    quote! {
        #[doc = #doc]
        #[repr(transparent)]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct #name(windows_core::IUnknown);
        unsafe impl windows_core::Interface for #name {
            type Vtable = windows_core::IUnknown_Vtbl;
            const IID: windows_core::GUID = windows_core::GUID::zeroed();
        }
        windows_core::imp::interface_hierarchy!(#name, windows_core::IUnknown);
    }
}
