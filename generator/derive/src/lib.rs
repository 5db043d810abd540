//! `#[derive(ComObject)]`: makes a Rust type a COM object.
//!
//! ```ignore
//! #[derive(Default, ComObject)]
//! #[com(implements(ISyncMgrHandler, ISyncMgrHandlerInfo))]
//! #[com(clsid = "9a2b1c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", threading = "Both",
//!       description = "Folder sync handler", progid = "Contoso.FolderSync.1")]
//! struct FolderSync { /* ... */ }
//! ```
//!
//! For each interface in `implements` (a comidl-generated interface whose
//! `_Impl` trait the type implements) the object gets one vtable pointer;
//! `QueryInterface` answers those interfaces, their bases and `IUnknown`.
//! The derive writes:
//! - `unsafe impl comidl_runtime::Class` (the vtables, as statics, and which
//!   slot answers which IID) and `Implements<I>` for each listed interface;
//! - `From<Type> for I` for each listed interface, so `let i: I = value.into()`;
//! - with `clsid`, `comidl_runtime::CoClass` (the CLSID and the class's
//!   registration record: `description`, `threading`, `progid`,
//!   `version_independent_progid`, and the roles `sync_center_collection(description
//!   = "...", icon = -101)` and `mobsync_handler(description = "...")`), for
//!   `comidl_runtime::dll_exports!`. Such a class is created with `Default`.
//!
//! `threading` (`Both` by default) also says how COM may call the object:
//! from any thread unless it is `Apartment`, and then the type must be
//! `Send + Sync`.
//!
//! Use it through `comidl_runtime`, which re-exports it.

mod attrs;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, LitStr, parse_macro_input};

use attrs::{ClassAttrs, Icon, RoleAttr, Threading};

#[proc_macro_derive(ComObject, attributes(com))]
pub fn derive_com_object(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "a COM object cannot be generic: its vtables are statics made for one type (wrap the generic type in a concrete one)",
        ));
    }
    let attrs = attrs::parse(&input.attrs, input.ident.span())?;
    let name = &input.ident;
    let runtime = quote!(::comidl_runtime);
    let interface_trait = quote!(#runtime::windows_core::Interface);

    let mut statics = Vec::new();
    let mut vtables = Vec::new();
    let mut matches = Vec::new();
    let mut conversions = Vec::new();
    for (slot, interface) in attrs.implements.iter().enumerate() {
        let vtable = format_ident!("VTABLE_{slot}");
        let slot = Literal::usize_unsuffixed(slot);
        // Spanned at the interface so that a missing `_Impl` or a path that
        // is not an interface is reported where the user named it.
        let span = interface.span();
        let vtable_type = quote_spanned!(span=> <#interface as #interface_trait>::Vtable);
        let name_here = syn::Ident::new(&name.to_string(), span);
        statics.push(quote_spanned! {span=>
            static #vtable: #vtable_type = <#vtable_type>::new::<#name_here, #slot>();
        });
        vtables.push(quote!(#runtime::VtablePtr::new(&#vtable)));
        matches.push(quote! {
            if <#vtable_type>::matches(iid) {
                return ::core::option::Option::Some(#slot);
            }
        });
        conversions.push(quote! {
            // SAFETY: slot #slot holds `#interface`'s vtable.
            unsafe impl #runtime::Implements<#interface> for #name {
                const SLOT: usize = #slot;
            }
            impl ::core::convert::From<#name> for #interface {
                fn from(value: #name) -> Self {
                    #runtime::ComObject::new(value).into_interface()
                }
            }
        });
    }
    let count = Literal::usize_unsuffixed(attrs.implements.len());
    let co_class = attrs
        .class
        .as_ref()
        .map(|class| co_class(name, class, attrs.threading.0));
    // Objects COM may call from any thread must be safe to share; the
    // check points at `threading`, or at the type when it is the default.
    let thread_safe = (attrs.threading.0 != Threading::Apartment).then(|| {
        let span = attrs.threading.1.unwrap_or(name.span());
        quote_spanned!(span=> #runtime::assert_free_threaded::<#name>();)
    });
    Ok(quote! {
        const _: () = {
            #thread_safe
            #(#statics)*

            // SAFETY: each vtable is built by its interface's `_Vtbl::new`
            // for this type and its own slot, and `slot_of` names a slot
            // only for an IID its vtable matches.
            unsafe impl #runtime::Class for #name {
                type Vtables = [#runtime::VtablePtr; #count];
                const VTABLES: Self::Vtables = [#(#vtables),*];

                fn slot_of(iid: &#runtime::windows_core::GUID) -> ::core::option::Option<usize> {
                    #(#matches)*
                    ::core::option::Option::None
                }
            }

            #(#conversions)*
            #co_class
        };
    })
}

fn co_class(name: &syn::Ident, class: &ClassAttrs, threading: Threading) -> TokenStream {
    let runtime = quote!(::comidl_runtime);
    let clsid = hex_u128(class.clsid.0);
    let record = Literal::string(&record(name, class, threading));
    // Spanned at the CLSID: a class created by CLSID needs `Default`, and
    // that is where a missing one is reported.
    let co_class = quote_spanned!(class.clsid.1.span()=> impl #runtime::CoClass for #name);
    quote! {
        #co_class {
            const CLSID: #runtime::windows_core::GUID = #runtime::windows_core::GUID::from_u128(#clsid);
            const REGISTRATION: &'static str = #record;
        }
    }
}

/// The class's registration record (the format is in
/// `comidl_runtime::registration::record`): a literal, so that a DLL serving
/// the class carries it as text. The attributes were checked to hold no
/// line breaks, which would end a value early.
fn record(name: &syn::Ident, class: &ClassAttrs, threading: Threading) -> String {
    let clsid = class.clsid.0;
    let mut record = format!(
        "comidl-registration/1\nclsid={{{:08X}-{:04X}-{:04X}-{:04X}-{:012X}}}\n",
        clsid >> 96,
        (clsid >> 80) & 0xffff,
        (clsid >> 64) & 0xffff,
        (clsid >> 48) & 0xffff,
        clsid & 0xffff_ffff_ffff
    );
    let mut line = |key: &str, value: &str| record.push_str(&format!("{key}={value}\n"));
    let description = class
        .description
        .as_ref()
        .map_or_else(|| name.to_string(), LitStr::value);
    line("description", &description);
    line("threading", threading.variant());
    if let Some(progid) = &class.progid {
        line("progid", &progid.value());
    }
    if let Some(independent) = &class.version_independent_progid {
        line("version_independent_progid", &independent.value());
    }
    for role in &class.roles {
        match role {
            RoleAttr::SyncCenterCollection { description, icon } => {
                line("sync_center_collection", &description.value());
                match icon {
                    Some(Icon::InModule(index)) => {
                        line("sync_center_collection_icon", &index.to_string());
                    }
                    Some(Icon::Location(location)) => {
                        line("sync_center_collection_icon", &location.value());
                    }
                    None => {}
                }
            }
            RoleAttr::MobsyncHandler { description } => {
                line("mobsync_handler", &description.value());
            }
        }
    }
    record.push_str("end\n");
    record
}

fn hex_u128(value: u128) -> TokenStream {
    format!("0x{value:032x}")
        .parse::<Literal>()
        .expect("a hexadecimal literal")
        .into_token_stream()
}
