//! What the declarations mean: names resolved across imports, types,
//! constant values, layouts, vtables, and the checks MIDL makes.

pub mod eval;
pub mod layout;
mod lower;
pub mod types;
pub mod vtable;

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::syntax::load::Unit;
pub use types::*;

/// Every declaration of a set of IDL files.
#[derive(Debug)]
pub struct Model {
    /// One per file, in the order the units were given.
    pub modules: Vec<Module>,
    pub items: Vec<Item>,
    names: HashMap<String, ItemId>,
}

impl Model {
    /// Lowers `units` (a file and its imports, as `Loader::closure` gives
    /// them) and reports what does not resolve or break MIDL's rules.
    pub fn build(units: &[Arc<Unit>]) -> (Model, Vec<Diagnostic>) {
        Self::build_from(units, None)
    }

    /// As [`Model::build`], but only for what the `roots` (indices into
    /// `units`) declare and use: names the roots never reach are not in the
    /// model, and their problems are not reported. Much cheaper for a file
    /// that imports large headers.
    pub fn build_used_by(units: &[Arc<Unit>], roots: &[usize]) -> (Model, Vec<Diagnostic>) {
        Self::build_from(units, Some(roots))
    }

    fn build_from(units: &[Arc<Unit>], roots: Option<&[usize]>) -> (Model, Vec<Diagnostic>) {
        let (mut model, mut diagnostics) = lower::Builder::new(units).build(roots);
        layout::compute(&mut model, &mut diagnostics);
        (model, diagnostics)
    }

    /// The type, interface or other item declared under `name`.
    pub fn lookup(&self, name: &str) -> Option<ItemId> {
        self.names.get(name).copied()
    }

    pub fn interface(&self, id: ItemId) -> Option<&Interface> {
        match &self.items[id].kind {
            ItemKind::Interface(interface) => Some(interface),
            _ => None,
        }
    }

    /// The interface and its bases, the interface first.
    pub fn ancestry(&self, id: ItemId) -> Vec<ItemId> {
        let mut chain = vec![id];
        while let Some(base) = self
            .interface(*chain.last().expect("not empty"))
            .and_then(|i| i.base)
        {
            if chain.contains(&base) {
                break;
            }
            chain.push(base);
        }
        chain
    }

    /// Every vtable slot of an interface: its bases' methods first, each with
    /// the interface declaring it. `[call_as]` methods take no slot.
    pub fn vtable(&self, id: ItemId) -> Vec<(ItemId, &Method)> {
        self.ancestry(id)
            .into_iter()
            .rev()
            .filter_map(|owner| Some((owner, self.interface(owner)?)))
            .flat_map(|(owner, interface)| {
                interface
                    .methods
                    .iter()
                    .filter(|m| !m.call_as)
                    .map(move |m| (owner, m))
            })
            .collect()
    }

    /// `ty` without typedefs, except those `keep` asks to stop at.
    pub fn resolve<'m>(&'m self, mut ty: &'m Type, keep: &dyn Fn(ItemId) -> bool) -> &'m Type {
        let mut steps = 0;
        while let Type::Named(id) = ty {
            let ItemKind::Alias(alias) = &self.items[*id].kind else {
                break;
            };
            // A typedef cycle is reported by lowering; stop rather than spin.
            if keep(*id) || steps > 64 {
                break;
            }
            ty = &alias.ty;
            steps += 1;
        }
        ty
    }
}
