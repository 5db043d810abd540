//! The implementor side of a COM interface `IFoo`: the trait `IFoo_Impl`
//! that a Rust object implements, with signatures read from the IDL
//! attributes, and `IFoo_Vtbl::new`, a vtable of thunks that turn the raw
//! arguments of a call into those of the trait and its result back into an
//! `HRESULT` and `[out]` parameters (helpers in `comidl_runtime::thunk`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::interface::{Role, counts_only};
use super::types::{Place, ident};
use super::{Emitter, docs};
use crate::model::{
    Direction, Interface, Item, ItemId, ItemKind, Method, Param, PointerKind, Prim, Type,
};

/// How a parameter appears in an `_Impl` method.
enum Reading {
    /// As in the vtable.
    Raw,
    /// `[in] BOOL`: `bool`.
    Bool,
    /// `[in]` interface pointer: `&I`, `Option<&I>` when it may be null.
    Interface { id: ItemId, optional: bool },
    /// `[in]` string: `&WideStr` (`wide`) or `&CStr`, `Option<..>` when it
    /// may be null. `raw`: the vtable type is the bare pointer.
    Str {
        wide: bool,
        raw: bool,
        optional: bool,
    },
    /// `[in] BSTR`: `&BSTR`.
    Bstr,
    /// `[in] T *` to one plain value: `&T`, `Option<&T>` when it may be null.
    Ref { optional: bool },
    /// `[in, out] T *` to one plain value: `&mut T`, `Option<..>`.
    InOut { optional: bool },
    /// A `size_is(n)` array counted by an `[in]` parameter of its own:
    /// `&[T]`, `&mut [T]` when `[in, out]` or `[out]` (zero-filled first),
    /// `Option<..>` when it may be null.
    Slice { optional: bool },
    /// An `[in]` array of wide strings: `Vec<&WideStr>`, `Option<..>`.
    WideStrs { optional: bool },
    /// The count of the slice at this index: its length.
    Count(usize),
    /// An `[out]` result, part of the `Ok` value.
    Out(Out),
    /// The `riid` of an `iid_is` pair: what the object is asked for.
    Iid,
    /// The object pointer of an `iid_is` pair with the `riid` at this
    /// index: an `IUnknown` in the `Ok` value, queried for `riid`.
    Object(usize),
    /// The `[out]` count of the `length_is` of the out slice at this index
    /// (`*pceltFetched`): part of the `Ok` value, written only when the
    /// caller passes it; fewer than the slice's length is `S_FALSE`.
    Fetched(usize),
}

/// What an `[out]` result is returned as.
enum Out {
    /// The pointee, as in the vtable.
    Value,
    /// `[out] BOOL *`: `bool`.
    Bool,
    /// `[out] I **`: `I`.
    Interface(ItemId),
    /// `[out] LPWSTR *`: a `String`, handed over in task memory.
    WideString,
    /// `[out] BSTR *`: the `BSTR`, handed over as is (the caller frees it).
    Bstr,
    /// `[out] T **` to a plain `Copy` struct: a `T`, handed over in task memory.
    Boxed,
}

/// The pieces of one thunk and its trait method.
#[derive(Default)]
struct Thunk {
    /// The trait method's parameters.
    params: Vec<TokenStream>,
    /// What the trait method is called with, after `&self`: each raw
    /// parameter in the `comidl_runtime::thunk` wrapper that says how to
    /// read it.
    inputs: Vec<TokenStream>,
    /// The `Ok` value's parts: each type and the out-pointer it is written
    /// to, in its `comidl_runtime::thunk` wrapper.
    outputs: Vec<(TokenStream, TokenStream)>,
    /// Doc lines on how parameters map.
    notes: Vec<String>,
}

/// One method of an `_Impl` trait as its implementor writes it: the trait
/// declares it, a skeleton (`emit::skeleton`) implements it.
pub(super) struct ImplMethod {
    /// The method's IDL doc lines, then how its parameters map.
    pub docs: Vec<String>,
    /// `fn Name(&self, ...) -> ...`, without a body.
    pub signature: TokenStream,
}

/// The most elements a tuple of thunk inputs or outputs may have:
/// `comidl_runtime::thunk::MAX_ARITY`.
const MAX_ARITY: usize = 24;

impl Emitter<'_> {
    /// `IFoo_Impl` and `IFoo_Vtbl::new`/`matches` for a COM interface whose
    /// ancestry can be implemented in Rust, or a reason why it cannot.
    pub(super) fn implementation(
        &self,
        id: ItemId,
        item: &Item,
        interface: &Interface,
    ) -> Result<TokenStream, String> {
        self.implementable(id)?;
        let name = ident(&item.name);
        let trait_name = format_ident!("{}_Impl", item.name);
        let vtbl = format_ident!("{}_Vtbl", item.name);
        let base = interface
            .base
            .expect("implementable interfaces have a base");
        let (supertrait, base_vtbl, base_matches) =
            if self.is_extern(&Type::Named(base), "IUnknown") {
                (
                    TokenStream::new(),
                    quote!(comidl_runtime::unknown_vtbl::<C, SLOT>()),
                    TokenStream::new(),
                )
            } else {
                let base_trait = self.path_with_suffix(base, "_Impl");
                let base_vtbl = self.path_with_suffix(base, "_Vtbl");
                (
                    quote!(: #base_trait),
                    quote!(#base_vtbl::new::<C, SLOT>()),
                    quote!(|| #base_vtbl::matches(iid)),
                )
            };
        let own: Vec<&Method> = interface.methods.iter().filter(|m| !m.call_as).collect();
        // The thunks, nested in `new`, name the runtime's thunk module by a
        // `use` there, under a name no method of the interface has.
        let mut runtime = String::from("thunk");
        while own.iter().any(|m| m.name == runtime) {
            runtime.push('_');
        }
        let use_runtime = if own.is_empty() {
            TokenStream::new()
        } else if runtime == "thunk" {
            quote!(
                use comidl_runtime::thunk;
            )
        } else {
            let alias = format_ident!("{runtime}");
            quote!(use comidl_runtime::thunk as #alias;)
        };
        let runtime = format_ident!("{runtime}");
        let (methods, thunks): (Vec<_>, Vec<_>) = own
            .iter()
            .map(|method| self.implement_method(&item.name, &trait_name, method, &runtime))
            .unzip();
        let methods = methods.iter().map(|method| {
            let (doc, signature) = (docs(&method.docs), &method.signature);
            quote!(#doc #signature;)
        });
        let slots = own.iter().map(|method| {
            let method = ident(&method.name);
            quote!(#method: #method::<C, SLOT>)
        });
        let trait_doc = format!(
            " Implement this to serve [`{0}`] from a Rust object (list `{0}` in the object's \
             `#[com(implements(...))]`). Pointers arrive as references, slices and strings, \
             `[out]` parameters are returned in the `Ok` value; each method says what it maps.",
            item.name
        );
        let message = format!("`{{Self}}` does not implement `{trait_name}`");
        let label = format!("listed in `implements`, but has no `impl {trait_name} for {{Self}}`");
        let note = format!(
            "add `impl {trait_name} for {{Self}}` with every method of `{}` (and of its bases' `_Impl` traits)",
            item.name
        );
        let new_doc = format!(
            " `{}`'s vtable for slot `SLOT` of an object of `C`.",
            item.name
        );
        let matches_doc = format!(
            " Whether `{}`'s vtable answers a `QueryInterface` for `iid`: `{}` or one of its bases (`IUnknown` aside).",
            item.name, item.name
        );
        Ok(quote! {
            #[doc = #trait_doc]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait #trait_name #supertrait {
                #(#methods)*
            }
            impl #vtbl {
                #[doc = #new_doc]
                pub const fn new<C: #trait_name + comidl_runtime::Class, const SLOT: usize>() -> Self {
                    #use_runtime
                    #(#thunks)*
                    Self {
                        base__: #base_vtbl,
                        #(#slots),*
                    }
                }
                #[doc = #matches_doc]
                pub fn matches(iid: &windows_core::GUID) -> bool {
                    *iid == <#name as windows_core::Interface>::IID #base_matches
                }
            }
        })
    }

    /// The methods of `id`'s `_Impl` trait, each with the IDL method, as
    /// `implementation` declares them; or why it has none.
    pub(super) fn impl_methods(&self, id: ItemId) -> Result<Vec<(&Method, ImplMethod)>, String> {
        self.implementable(id)?;
        let item = &self.model.items[id];
        let interface = self
            .model
            .interface(id)
            .expect("implementable items are interfaces");
        let trait_name = format_ident!("{}_Impl", item.name);
        // Only the trait's side is kept: the thunks' name for the runtime
        // module does not matter.
        let runtime = format_ident!("thunk");
        Ok(interface
            .methods
            .iter()
            .filter(|m| !m.call_as)
            .map(|method| {
                let (implemented, _) =
                    self.implement_method(&item.name, &trait_name, method, &runtime);
                (method, implemented)
            })
            .collect())
    }

    /// `Ok` when a Rust object can implement `id`: a defined COM interface
    /// whose ancestors are generated here, down to windows-core's `IUnknown`,
    /// with no C varargs method.
    pub(super) fn implementable(&self, id: ItemId) -> Result<(), String> {
        let item = &self.model.items[id];
        let Some(interface) = self.model.interface(id) else {
            return Err(format!("`{}` is no interface", item.name));
        };
        if self.externs.contains_key(&item.name) {
            return Err(format!(
                "its base `{}` is mapped to an outside type",
                item.name
            ));
        }
        if !interface.defined {
            return Err(format!("its base `{}` is only declared", item.name));
        }
        if let Some(method) = interface.methods.iter().find(|m| m.signature.variadic) {
            return Err(format!("`{}::{}` takes C varargs", item.name, method.name));
        }
        // Its outputs may add an answer to its parameters.
        if let Some(method) = interface
            .methods
            .iter()
            .find(|m| m.signature.params.len() >= MAX_ARITY)
        {
            return Err(format!(
                "`{}::{}` has more than {} parameters",
                item.name,
                method.name,
                MAX_ARITY - 1
            ));
        }
        match interface.base {
            Some(base) if self.is_extern(&Type::Named(base), "IUnknown") => Ok(()),
            Some(base) => self.implementable(base),
            None => Err("it is not a COM interface".into()),
        }
    }

    /// The trait method and the thunk of one method.
    fn implement_method(
        &self,
        interface: &str,
        trait_name: &Ident,
        method: &Method,
        runtime: &Ident,
    ) -> (ImplMethod, TokenStream) {
        let name = ident(&method.name);
        let params = &method.signature.params;
        let hresult = self.is_extern(&method.signature.ret, "HRESULT");
        let answer = hresult && self.is_answer(interface, &method.name);
        let readings = self.readings(params, hresult, answer);
        let mut thunk = Thunk::default();
        for (index, (param, reading)) in params.iter().zip(&readings).enumerate() {
            self.read(&mut thunk, runtime, params, index, param, reading);
        }
        if answer {
            thunk.outputs.push((quote!(bool), quote!(#runtime::Answer)));
            thunk.notes.push(
                "The answer is the success code: `Ok(true)` gives `S_OK`, `Ok(false)` `S_FALSE`."
                    .into(),
            );
        }
        let returned: Vec<String> = params
            .iter()
            .zip(&readings)
            .filter(|(_, r)| {
                matches!(
                    r,
                    Reading::Out(_) | Reading::Object(_) | Reading::Fetched(_)
                )
            })
            .map(|(p, _)| format!("`{}`", p.name))
            .collect();
        match (returned.len(), answer) {
            (0, _) => {}
            (1, false) => thunk
                .notes
                .insert(0, format!("The `Ok` value is {}.", returned[0])),
            _ => {
                let answer = answer.then(|| "the answer".to_string());
                let all: Vec<String> = returned.into_iter().chain(answer).collect();
                thunk
                    .notes
                    .insert(0, format!("The `Ok` value is ({}).", all.join(", ")));
            }
        }
        let Thunk {
            params: trait_params,
            inputs,
            outputs,
            notes,
        } = thunk;
        let abi_params = params.iter().map(|p| {
            let (name, ty) = (self.param_ident(&p.name), self.param_abi(&p.ty));
            quote!(#name: #ty)
        });
        let label = format!("{interface}::{}", method.name);
        let object = quote!(#runtime::value_of::<C, SLOT>(this));
        let inputs = quote!((#(#inputs,)*));
        let function = quote!(<C as #trait_name>::#name);
        let (output, abi_output, body) = if hresult {
            let (ok, outputs) = match &outputs[..] {
                [(ty, output)] => (ty.clone(), output.clone()),
                _ => {
                    let (types, outputs): (Vec<_>, Vec<_>) = outputs.into_iter().unzip();
                    (quote!((#(#types),*)), quote!((#(#outputs),*)))
                }
            };
            (
                quote!(-> windows_core::Result<#ok>),
                quote!(-> windows_core::HRESULT),
                quote!(#runtime::call(#label, #object, #inputs, #outputs, #function)),
            )
        } else {
            let ret = &method.signature.ret;
            let abi_output = self.return_abi(ret);
            // What a caller gets from a method that panicked.
            let (output, fallback, convert) = match self.resolved(ret) {
                Type::Void => (TokenStream::new(), quote!(()), TokenStream::new()),
                _ if self.is_extern(ret, "BOOL") => {
                    (quote!(-> bool), quote!(false), quote!(.into()))
                }
                _ => (
                    abi_output.clone(),
                    quote!(core::mem::zeroed()),
                    TokenStream::new(),
                ),
            };
            (
                output,
                abi_output,
                quote!(#runtime::call_or(#label, #fallback, #object, #inputs, #function)#convert),
            )
        };
        let mut lines = method.docs.clone();
        for note in notes {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(note);
        }
        (
            ImplMethod {
                docs: lines,
                signature: quote!(fn #name(&self, #(#trait_params),*) #output),
            },
            quote! {
                unsafe extern "system" fn #name<C: #trait_name + comidl_runtime::Class, const SLOT: usize>(
                    this: *mut core::ffi::c_void, #(#abi_params),*
                ) #abi_output {
                    unsafe { #body }
                }
            },
        )
    }

    /// How each parameter of a method appears to its implementor. Methods
    /// that do not return an `HRESULT` cannot report a null pointer or a
    /// failed conversion: they read what needs no check, and pass the rest raw.
    fn readings(&self, params: &[Param], hresult: bool, answer: bool) -> Vec<Reading> {
        let mut readings: Vec<Reading> = params.iter().map(|p| self.reading(p)).collect();
        if !hresult {
            for reading in &mut readings {
                let checked = match reading {
                    Reading::Interface { optional, .. }
                    | Reading::Str { optional, .. }
                    | Reading::Ref { optional }
                    | Reading::InOut { optional } => !*optional,
                    Reading::Out(_) => true,
                    _ => false,
                };
                if checked {
                    *reading = Reading::Raw;
                }
            }
            return readings;
        }
        for (index, param) in params.iter().enumerate() {
            let Some(count) = self.slice_count(params, index) else {
                continue;
            };
            let optional = param.pointer != PointerKind::Ref;
            let writes = param.dir != Direction::In;
            readings[index] = if param.dir == Direction::In && self.has_wide_string_elements(param)
            {
                Reading::WideStrs { optional }
            } else if writes
                && (self.is_const_pointer(&param.ty) || optional && param.dir == Direction::Out)
            {
                // Nothing to write through, or an `[out]` buffer the caller
                // may leave out: no safe reading.
                continue;
            } else {
                Reading::Slice { optional }
            };
            readings[count] = Reading::Count(index);
        }
        for index in 0..params.len() {
            if let Some(fetched) = self.fetched_count(params, &readings, index, answer) {
                readings[fetched] = Reading::Fetched(index);
            }
        }
        // One object per call: a second would leak the first when it fails.
        let pair = (0..params.len()).find_map(|index| {
            let riid = self.iid_pair(params, index)?;
            let asked_once = params
                .iter()
                .enumerate()
                .all(|(other, p)| other == index || p.iid_is != Some(riid));
            let readable = matches!(readings[riid], Reading::Ref { optional: false });
            (asked_once && readable).then_some((index, riid))
        });
        if let Some((object, riid)) = pair {
            readings[riid] = Reading::Iid;
            readings[object] = Reading::Object(riid);
        }
        readings
    }

    /// A parameter read on its own (slices, counts and pairs come after).
    fn reading(&self, param: &Param) -> Reading {
        let optional = param.pointer != PointerKind::Ref;
        match self.argument_role(param) {
            Role::Interface(id) => Reading::Interface {
                id,
                optional: false,
            },
            Role::OptionalInterface(id) => Reading::Interface { id, optional: true },
            Role::Str { wide, raw } => Reading::Str {
                wide,
                raw,
                optional,
            },
            Role::Bool => Reading::Bool,
            Role::Bstr => Reading::Bstr,
            Role::Ref { optional } => Reading::Ref { optional },
            Role::Mut { optional } => Reading::InOut { optional },
            _ if param.dir == Direction::Out && !param.sized && !optional && !param.optional => {
                self.out_reading(param).map_or(Reading::Raw, Reading::Out)
            }
            _ => Reading::Raw,
        }
    }

    /// What an `[out]` pointer's result is returned as, if it has a safe
    /// reading.
    fn out_reading(&self, param: &Param) -> Option<Out> {
        let Type::Pointer { to, .. } = self.resolved(&param.ty) else {
            return None;
        };
        if let Some(interface) = self.interface_pointee(to) {
            return Some(Out::Interface(interface));
        }
        if self.is_extern(to, "BOOL") {
            return Some(Out::Bool);
        }
        if self.is_extern(to, "PWSTR") {
            return Some(Out::WideString);
        }
        if self.is_extern(to, "BSTR") {
            return Some(Out::Bstr);
        }
        if self.is_plain(to) && self.traits(to).copy {
            return Some(Out::Value);
        }
        // `T **` written so in the parameter: one `T` the callee allocates.
        // (A typedef of a pointer, such as a PIDL, may stand for more.)
        let boxed = matches!(&param.ty, Type::Pointer { to, .. }
            if matches!(&**to, Type::Pointer { to: inner, .. } if self.is_plain_struct(inner)));
        boxed.then_some(Out::Boxed)
    }

    /// What a pointer points to.
    pub(super) fn pointee<'t>(&'t self, ty: &'t Type) -> Option<&'t Type> {
        match self.resolved(ty) {
            Type::Pointer { to, .. } => Some(to),
            _ => None,
        }
    }

    /// Whether a reference can stand for a pointer to `ty`: a number, enum,
    /// complete struct, handle or mapped value type; not `void`, another
    /// pointer, an interface, a union (its arm depends on another
    /// parameter) or a function.
    fn is_plain(&self, ty: &Type) -> bool {
        match self.resolved(ty) {
            Type::Prim(_) => true,
            Type::Named(id) => {
                let item = &self.model.items[*id];
                match &item.kind {
                    ItemKind::Interface(_) => false,
                    _ if self.externs.contains_key(&item.name) => !self.is_string_pointer(ty),
                    ItemKind::Enum(_) => true,
                    ItemKind::Record(record) => record.complete && !record.union,
                    // Names kept: handles (values), function pointers (not).
                    ItemKind::Alias(alias) => alias.handle,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    pub(super) fn is_plain_pointee(&self, ty: &Type) -> bool {
        self.pointee(ty).is_some_and(|to| self.is_plain(to))
    }

    /// A complete, `Copy` struct.
    fn is_plain_struct(&self, ty: &Type) -> bool {
        let record = matches!(self.resolved(ty), Type::Named(id)
            if matches!(&self.model.items[*id].kind, ItemKind::Record(_)));
        record && self.is_plain(ty) && self.traits(ty).copy
    }

    /// One of the mapped string pointers (`LPCWSTR`, `LPSTR`, ...).
    pub(super) fn is_string_pointer(&self, ty: &Type) -> bool {
        ["PCWSTR", "PWSTR", "PCSTR", "PSTR"]
            .iter()
            .any(|name| self.is_extern(ty, name))
    }

    /// Whether the elements of a `size_is` array are wide strings:
    /// `LPCWSTR`s, `LPWSTR`s, or `[string]` UTF-16 pointers.
    pub(super) fn has_wide_string_elements(&self, param: &Param) -> bool {
        let Some(element) = self.array_element(&param.ty) else {
            return false;
        };
        self.is_extern(element, "PCWSTR")
            || self.is_extern(element, "PWSTR")
            || param.string
                && matches!(self.resolved(element), Type::Pointer { to, .. }
                    if matches!(self.resolved(to), Type::Prim(Prim::WChar | Prim::U16)))
    }

    /// For the out slice at `index` whose `length_is(*n)` names an `[out]`
    /// integer of its own (`IEnum*::Next`'s `pceltFetched`): `n`'s index.
    fn fetched_count(
        &self,
        params: &[Param],
        readings: &[Reading],
        index: usize,
        answer: bool,
    ) -> Option<usize> {
        let param = &params[index];
        let fetched = param
            .length_is
            .filter(|e| e.deref && e.param != index)?
            .param;
        let counts_only_this = counts_only(params, fetched, index);
        let integer = matches!(self.resolved(&params[fetched].ty), Type::Pointer { to, .. }
            if matches!(self.resolved(to), Type::Prim(p) if !p.is_float() && *p != Prim::Boolean));
        // An answer's success code is its answer, not the count's.
        (!answer
            && param.dir == Direction::Out
            && matches!(readings[index], Reading::Slice { .. })
            && matches!(readings[fetched], Reading::Out(Out::Value))
            && counts_only_this
            && integer)
            .then_some(fetched)
    }

    /// Adds one parameter to the thunk and trait method.
    fn read(
        &self,
        thunk: &mut Thunk,
        runtime: &Ident,
        params: &[Param],
        index: usize,
        param: &Param,
        reading: &Reading,
    ) {
        let arg = self.param_ident(&param.name);
        // The count of the slice at `index`, as passed.
        let count = |index: usize| {
            let count = params[index].size_is.expect("slices have a count").param;
            self.param_ident(&params[count].name)
        };
        // An input: the trait method's parameter type, and the wrapper
        // that reads it.
        let mut input = |ty: TokenStream, wrapper: TokenStream| {
            thunk.params.push(quote!(#arg: #ty));
            thunk.inputs.push(wrapper);
        };
        match reading {
            Reading::Raw => {
                input(self.param_abi(&param.ty), quote!(#runtime::Raw::new(#arg)));
                if param.dir != Direction::In || self.is_raw_pointer(&param.ty) {
                    thunk.notes.push(format!(
                        "`{}` is passed raw: the IDL gives no safe reading of it.",
                        param.name
                    ));
                }
            }
            Reading::Bool => input(quote!(bool), quote!(#runtime::Bool(#arg))),
            Reading::Interface { id, optional } => {
                let path = self.path(*id);
                if *optional {
                    input(
                        quote!(Option<&#path>),
                        quote!(#runtime::optional_interface::<#path>(&#arg)),
                    );
                } else {
                    input(quote!(&#path), quote!(#runtime::interface::<#path>(&#arg)));
                }
            }
            Reading::Str {
                wide,
                raw,
                optional,
            } => {
                let pointer = if *raw { quote!(#arg) } else { quote!(#arg.0) };
                let (ty, wrapper) = match (wide, optional) {
                    (true, false) => (
                        quote!(&comidl_runtime::WideStr),
                        quote!(#runtime::Wide(#pointer)),
                    ),
                    (true, true) => (
                        quote!(Option<&comidl_runtime::WideStr>),
                        quote!(#runtime::OptionalWide(#pointer)),
                    ),
                    (false, false) => (
                        quote!(&core::ffi::CStr),
                        quote!(#runtime::Ansi(#pointer.cast())),
                    ),
                    (false, true) => (
                        quote!(Option<&core::ffi::CStr>),
                        quote!(#runtime::OptionalAnsi(#pointer.cast())),
                    ),
                };
                input(ty, wrapper);
            }
            Reading::Bstr => {
                let path = self.extern_path("BSTR");
                input(quote!(&#path), quote!(#runtime::Bstr(&#arg)));
            }
            Reading::Ref { optional } => {
                let ty = self.pointee_rust(&param.ty);
                if *optional {
                    input(quote!(Option<&#ty>), quote!(#runtime::OptionalRef(#arg)));
                } else {
                    input(quote!(&#ty), quote!(#runtime::Ref(#arg)));
                }
            }
            Reading::InOut { optional } => {
                let ty = self.pointee_rust(&param.ty);
                if *optional {
                    input(
                        quote!(Option<&mut #ty>),
                        quote!(#runtime::OptionalMut(#arg)),
                    );
                } else {
                    input(quote!(&mut #ty), quote!(#runtime::Mut(#arg)));
                }
            }
            Reading::Slice { optional } => {
                let element = self.slice_element(&param.ty);
                let count = count(index);
                // `Option<I>` is one nullable interface pointer; other
                // elements are as in the vtable.
                let of_interfaces = self
                    .array_element(&param.ty)
                    .is_some_and(|e| self.interface_pointee(e).is_some());
                let pointer = if of_interfaces {
                    quote!(#arg.cast::<#element>())
                } else {
                    quote!(#arg)
                };
                let (ty, wrapper) = match (param.dir, optional) {
                    (Direction::In, false) => (quote!(&[#element]), quote!(Slice)),
                    (Direction::In, true) => (quote!(Option<&[#element]>), quote!(OptionalSlice)),
                    (Direction::InOut, false) => (quote!(&mut [#element]), quote!(SliceMut)),
                    (Direction::InOut, true) => {
                        (quote!(Option<&mut [#element]>), quote!(OptionalSliceMut))
                    }
                    // Zero-filled before the call, cleared again unless it succeeds.
                    (Direction::Out, _) => (quote!(&mut [#element]), quote!(out_slice)),
                };
                input(ty, quote!(#runtime::#wrapper(#pointer, #count)));
            }
            Reading::WideStrs { optional } => {
                let count = count(index);
                let strings = quote!(comidl_runtime::thunk::Vec<&comidl_runtime::WideStr>);
                let (ty, wrapper) = if *optional {
                    (quote!(Option<#strings>), quote!(OptionalWideStrs))
                } else {
                    (strings, quote!(WideStrs))
                };
                input(ty, quote!(#runtime::#wrapper(#arg.cast(), #count)));
            }
            Reading::Count(slice) => thunk.notes.push(format!(
                "`{}` is the length of `{}`.",
                param.name, params[*slice].name
            )),
            Reading::Out(out) => {
                let (ty, wrapper) = match out {
                    Out::Value => (self.pointee_rust(&param.ty), quote!(#runtime::Out(#arg))),
                    Out::Bool => (quote!(bool), quote!(#runtime::OutBool(#arg))),
                    Out::Interface(id) => {
                        let path = self.path(*id);
                        let wrapper = quote!(#runtime::Owned(#arg.cast::<#path>()));
                        (path, wrapper)
                    }
                    Out::WideString => (
                        quote!(comidl_runtime::thunk::String),
                        quote!(#runtime::TaskString(#arg)),
                    ),
                    Out::Bstr => (self.extern_path("BSTR"), quote!(#runtime::Owned(#arg))),
                    Out::Boxed => {
                        let to = self.pointee(&param.ty).and_then(|to| self.pointee(to));
                        let ty =
                            self.ty(to.expect("boxed results are double pointers"), Place::Abi);
                        (ty, quote!(#runtime::Boxed(#arg)))
                    }
                };
                thunk.outputs.push((ty, wrapper));
                match out {
                    Out::WideString => thunk.notes.push(format!(
                        "`{}` is returned as a `String`, handed to the caller in task memory.",
                        param.name
                    )),
                    Out::Boxed => thunk.notes.push(format!(
                        "`{}` is returned by value, handed to the caller in task memory.",
                        param.name
                    )),
                    _ => {}
                }
            }
            Reading::Iid => {}
            Reading::Object(riid) => {
                let riid_arg = self.param_ident(&params[*riid].name);
                thunk.outputs.push((
                    quote!(windows_core::IUnknown),
                    quote!(#runtime::Query(#riid_arg, #arg)),
                ));
                thunk.notes.push(format!(
                    "The object is returned as `IUnknown`; the caller gets the interface `{}` asks for (`E_NOINTERFACE` when it has none such).",
                    params[*riid].name
                ));
            }
            Reading::Fetched(slice) => {
                let count = count(*slice);
                thunk.outputs.push((
                    self.pointee_rust(&param.ty),
                    quote!(#runtime::Fetched(#arg, #count)),
                ));
                thunk.notes.push(format!(
                    "`{1}` is how many elements of `{0}` it filled (written only when the caller passes `{1}`); the caller gets `S_FALSE` when that is fewer than `{0}.len()`.",
                    params[*slice].name, param.name
                ));
            }
        }
    }

    /// Whether a raw parameter is a pointer (as opposed to a value such as
    /// a number, struct or handle), which the implementor must read itself.
    fn is_raw_pointer(&self, ty: &Type) -> bool {
        match self.resolved(ty) {
            Type::Pointer { .. } | Type::Array { .. } => true,
            Type::Named(id) => {
                let item = &self.model.items[*id];
                if self.externs.contains_key(&item.name) {
                    self.is_string_pointer(ty)
                } else {
                    // Names kept: handles (values), function pointers.
                    matches!(&item.kind, ItemKind::Alias(alias) if !alias.handle)
                }
            }
            _ => false,
        }
    }
}
