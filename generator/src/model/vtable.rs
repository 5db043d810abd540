//! Vtable layout: the base interface's slots, then the interface's own
//! methods in declaration order.
//!
//! A `[call_as(X)]` method is the remotable wire form of the `[local]` method
//! `X`: it exists for the proxy and takes no slot.

use std::collections::HashMap;
use std::sync::Arc;

use crate::syntax::ast::{Interface, Item, Method};
use crate::syntax::load::Unit;

/// One vtable entry.
#[derive(Clone, Copy, Debug)]
pub struct Slot<'a> {
    /// The interface that declares the method (the interface itself or a base).
    pub owner: &'a Interface,
    pub method: Method<'a>,
}

impl Slot<'_> {
    pub fn name(&self) -> &str {
        self.method.name().map_or("", |n| n.name.as_str())
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum VtableError {
    /// No definition of this interface (or a base) is visible.
    Unknown(String),
    /// The interface inherits from itself, directly or not.
    Cycle(String),
}

/// The interfaces defined (with a body) in a set of units, by name. When two
/// units define one name, the first unit wins, so pass the importing file
/// first.
pub struct InterfaceIndex<'a> {
    by_name: HashMap<&'a str, &'a Interface>,
}

impl<'a> InterfaceIndex<'a> {
    pub fn new(units: &'a [Arc<Unit>]) -> Self {
        let mut by_name = HashMap::new();
        for unit in units {
            collect(&unit.ast.items, &mut by_name);
        }
        InterfaceIndex { by_name }
    }

    pub fn get(&self, name: &str) -> Option<&'a Interface> {
        self.by_name.get(name).copied()
    }

    /// Every slot of `name`'s vtable, bases first.
    pub fn vtable(&self, name: &str) -> Result<Vec<Slot<'a>>, VtableError> {
        let mut chain = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(current) = next {
            let interface = self
                .get(&current)
                .ok_or_else(|| VtableError::Unknown(current.clone()))?;
            if chain
                .iter()
                .any(|i: &&Interface| std::ptr::eq(*i, interface))
            {
                return Err(VtableError::Cycle(current));
            }
            chain.push(interface);
            next = interface
                .body
                .as_ref()
                .and_then(|b| b.base.as_ref())
                .map(|base| base.name.name.clone());
        }
        Ok(chain
            .into_iter()
            .rev()
            .flat_map(|owner| {
                owner
                    .methods()
                    .filter(|m| !m.declaration.attributes.has("call_as"))
                    .map(move |method| Slot { owner, method })
            })
            .collect())
    }
}

fn collect<'a>(items: &'a [Item], by_name: &mut HashMap<&'a str, &'a Interface>) {
    for item in items {
        match item {
            Item::Interface(interface) if interface.body.is_some() => {
                by_name
                    .entry(interface.name.name.as_str())
                    .or_insert(interface);
            }
            Item::Library(library) => collect(&library.items, by_name),
            Item::Namespace(namespace) => collect(&namespace.items, by_name),
            _ => {}
        }
    }
}
