//! The implementor side seen from outside the bindings, for skeletons: the
//! `_Impl` methods of chosen interfaces and of their bases, as their traits
//! declare them (`implement.rs` gives both), with every item named by a path
//! from the code that uses the bindings.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;
use super::{Emitter, Options, Plan};
use crate::diagnostic::Diagnostic;
use crate::model::{ItemId, ItemKind, Model, ModuleId, Type};

/// An interface a skeleton implements.
pub(crate) struct Implementor {
    /// The IDL name.
    pub name: String,
    /// The path of the interface.
    pub interface: TokenStream,
    /// The path of its `_Impl` trait.
    pub trait_path: TokenStream,
    /// Whether it was asked for, rather than only a base of one that was.
    pub asked: bool,
    pub methods: Vec<Method>,
}

/// One method of an `_Impl` trait.
pub(crate) struct Method {
    /// The IDL name.
    pub name: String,
    pub docs: Vec<String>,
    /// `fn Name(&self, ...) -> ...`, as the trait declares it.
    pub signature: TokenStream,
    /// What the method returns until it is written: `E_NOTIMPL` when it
    /// returns an `HRESULT`, else a value of its return type (nothing for
    /// `void`).
    pub placeholder: TokenStream,
}

/// Where the generated modules are, seen from the skeleton.
pub(super) struct Outside {
    root: ModuleId,
    /// The module generated from the root file.
    root_path: TokenStream,
    /// What precedes the name of each other module (its siblings).
    siblings: TokenStream,
}

impl Outside {
    pub(super) fn module_path(&self, module: &str, id: ModuleId) -> TokenStream {
        if id == self.root {
            self.root_path.clone()
        } else {
            let (siblings, module) = (&self.siblings, ident(module));
            quote!(#siblings #module)
        }
    }
}

/// The interfaces `names` of the file `root` and each of their bases (but
/// `IUnknown`), once each: asked ones in order, each followed by the bases
/// not listed yet. `bindings` is the path of the module generated from
/// `root` (with no generic arguments); the modules of its imports are its
/// siblings. Errors name each interface that is not there or gets no `_Impl`.
pub(crate) fn implementors(
    model: &Model,
    root: ModuleId,
    options: &Options,
    bindings: &syn::Path,
    names: &[String],
) -> Result<Vec<Implementor>, Vec<Diagnostic>> {
    let plan = Plan::new(model, &[root], options)?;
    let mut emitter = Emitter::new(&plan);
    let (reachable, _) = emitter.reachable();
    let leading = bindings.leading_colon;
    let parents = bindings.segments.iter().take(bindings.segments.len() - 1);
    emitter.outside = Some(Outside {
        root,
        root_path: quote!(#bindings),
        siblings: quote!(#leading #(#parents::)*),
    });
    let mut errors = Vec::new();
    let mut ids: Vec<(ItemId, bool)> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if names[..index].contains(name) {
            errors.push(Diagnostic::error(format!(
                "`{name}` is named twice: give each interface once"
            )));
            continue;
        }
        let id = match emitter.asked_interface(name, &reachable) {
            Ok(id) => id,
            Err(error) => {
                errors.push(Diagnostic::error(error));
                continue;
            }
        };
        let bases = model.ancestry(id).into_iter().skip(1);
        let bases = bases.filter(|&base| !emitter.externs.contains_key(&model.items[base].name));
        for (id, asked) in std::iter::once((id, true)).chain(bases.map(|base| (base, false))) {
            match ids.iter_mut().find(|(listed, _)| *listed == id) {
                Some(listed) => listed.1 |= asked,
                None => ids.push((id, asked)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ids
        .into_iter()
        .map(|(id, asked)| emitter.implementor(id, asked))
        .collect())
}

impl Emitter<'_> {
    /// The interface asked for as `name`, if a skeleton can implement it;
    /// else what is wrong.
    fn asked_interface(&self, name: &str, reachable: &[ItemId]) -> Result<ItemId, String> {
        let model = self.model;
        if let Some(path) = self.externs.get(name) {
            return Err(format!(
                "`{name}` is mapped to `{}`, which has no `{name}_Impl` from comidl",
                quote!(#path).to_string().replace(' ', "")
            ));
        }
        let found = model.lookup(name).filter(|id| reachable.contains(id));
        let Some(id) = found else {
            return Err(self.unknown_interface(name, reachable));
        };
        let reason = match model.interface(id) {
            None => {
                return Err(format!(
                    "`{name}` is not an interface: name interfaces to implement"
                ));
            }
            Some(interface) if !interface.object => {
                Err("it is not a COM interface (it has no `[object]`)".to_string())
            }
            Some(_) => self.implementable(id),
        };
        reason
            .map(|()| id)
            .map_err(|reason| format!("`{name}` has no `{name}_Impl` to implement: {reason}"))
    }

    /// What to say of a name that is no interface the root file reaches:
    /// the closest one, or those the file itself declares.
    fn unknown_interface(&self, name: &str, reachable: &[ItemId]) -> String {
        let model = self.model;
        let file = self.model.modules[self.roots[0]]
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let interfaces = || {
            reachable.iter().filter(|&&id| {
                model
                    .interface(id)
                    .is_some_and(|i| i.object && self.implementable(id).is_ok())
            })
        };
        let closest = interfaces()
            .map(|&id| &model.items[id].name)
            .map(|candidate| (edit_distance(name, candidate), candidate))
            .min();
        match closest {
            Some((distance, candidate)) if distance <= (name.len() / 3).max(2) => {
                format!("{file} has no interface `{name}`: did you mean `{candidate}`?")
            }
            _ => {
                let mut own: Vec<&str> = interfaces()
                    .filter(|&&id| self.roots.contains(&model.items[id].module))
                    .map(|&id| model.items[id].name.as_str())
                    .collect();
                own.sort_unstable();
                if own.is_empty() {
                    format!("{file} has no interface `{name}`, nor any other to implement")
                } else {
                    format!(
                        "{file} has no interface `{name}`; its interfaces are {}",
                        own.join(", ")
                    )
                }
            }
        }
    }

    /// One interface and its methods, for implementable `id`.
    fn implementor(&mut self, id: ItemId, asked: bool) -> Implementor {
        let item = &self.model.items[id];
        // Parameters are named as in the trait, which is written in the
        // interface's own module.
        self.module = item.module;
        // Asked interfaces were checked, and with them their bases.
        let methods = self.impl_methods(id).expect("implementable");
        let methods = methods
            .into_iter()
            .map(|(method, implemented)| Method {
                name: method.name.clone(),
                docs: implemented.docs,
                signature: implemented.signature,
                placeholder: self.placeholder(&method.signature.ret),
            })
            .collect();
        Implementor {
            name: item.name.clone(),
            interface: self.path(id),
            trait_path: self.path_with_suffix(id, "_Impl"),
            asked,
            methods,
        }
    }

    /// A body for a method returning `ret` that is not written yet.
    fn placeholder(&self, ret: &Type) -> TokenStream {
        if self.is_extern(ret, "HRESULT") {
            return quote!(Err(comidl_runtime::hresult::E_NOTIMPL.into()));
        }
        if self.is_extern(ret, "BOOL") {
            return quote!(false);
        }
        if self.is_string_pointer(ret) {
            let path = self.ty(ret, super::types::Place::Abi);
            return quote!(#path::null());
        }
        match self.resolved(ret) {
            Type::Void => TokenStream::new(),
            Type::Prim(p) if p.is_float() => quote!(0.0),
            Type::Prim(_) => quote!(0),
            Type::Pointer { to, .. } if matches!(**to, Type::Function(_)) => quote!(None),
            Type::Pointer { to_const: true, .. } => quote!(core::ptr::null()),
            Type::Pointer { .. } => quote!(core::ptr::null_mut()),
            // Generated enums and handles are `Default`, and so is `GUID`;
            // what a user mapped may not be.
            Type::Named(id)
                if self.is_extern(ret, "GUID")
                    || !self.externs.contains_key(&self.model.items[*id].name)
                        && matches!(
                            self.model.items[*id].kind,
                            ItemKind::Enum(_) | ItemKind::Alias(_)
                        ) =>
            {
                quote!(Default::default())
            }
            _ => quote!(todo!()),
        }
    }
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("ISyncMgrHandler", "ISyncMgrHandler"), 0);
        assert_eq!(edit_distance("ISyncMgrHandlr", "ISyncMgrHandler"), 1);
        assert_eq!(edit_distance("IDog", "IFog"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
