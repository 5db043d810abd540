//! Rust bindings on `windows-core`, one module per IDL file.
//!
//! The files named on the command line are generated whole; from the files
//! they import, only what they reach. Types mapped to existing Rust paths
//! (built in: `GUID`, `HRESULT`, `BOOL`, `IUnknown`, the string pointers; or
//! given by the user) are referred to, not generated.

mod implement;
mod implementors;
mod interface;
mod items;
mod types;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::diagnostic::Diagnostic;
use crate::model::{ItemId, ItemKind, Model, ModuleId};
use crate::parallel;
use crate::syntax::ast::Guid;
pub(crate) use implementors::{Implementor, implementors};
use types::{Traits, ident};

/// Types every generated module maps rather than generates: IDL name, the
/// type's canonical name (which signatures special-case), Rust path.
const BUILT_IN_TYPES: [(&str, &str, &str); 14] = [
    ("GUID", "GUID", "windows_core::GUID"),
    ("HRESULT", "HRESULT", "windows_core::HRESULT"),
    ("BOOL", "BOOL", "windows_core::BOOL"),
    ("IUnknown", "IUnknown", "windows_core::IUnknown"),
    ("IInspectable", "IInspectable", "windows_core::IInspectable"),
    ("BSTR", "BSTR", "comidl_runtime::BSTR"),
    ("LPWSTR", "PWSTR", "comidl_runtime::PWSTR"),
    ("LPOLESTR", "PWSTR", "comidl_runtime::PWSTR"),
    ("LPCWSTR", "PCWSTR", "comidl_runtime::PCWSTR"),
    ("LPCOLESTR", "PCWSTR", "comidl_runtime::PCWSTR"),
    ("LPSTR", "PSTR", "comidl_runtime::PSTR"),
    ("LPCSTR", "PCSTR", "comidl_runtime::PCSTR"),
    ("PWSTR", "PWSTR", "comidl_runtime::PWSTR"),
    ("PCWSTR", "PCWSTR", "comidl_runtime::PCWSTR"),
];

/// Choices that change what is generated.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// IDL type name → Rust path of an existing definition to use instead.
    pub extern_types: Vec<(String, String)>,
    /// `Interface::Method`s whose success code is the answer (`S_OK` yes,
    /// `S_FALSE` no): they return `Result<bool>`.
    pub answers: Vec<String>,
}

/// One generated Rust file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The file name: `<module>.rs`, or `mod.rs` declaring the modules.
    pub name: String,
    pub contents: String,
}

pub(super) struct Emitter<'m> {
    model: &'m Model,
    /// Names of mapped types → their Rust paths (later ones win, so a
    /// user's mapping replaces a built-in one).
    externs: HashMap<String, syn::Path>,
    /// Built-in mapped names → canonical names (`LPCOLESTR` → `PCWSTR`).
    canonical: HashMap<&'static str, &'static str>,
    answers: &'m HashSet<(String, String)>,
    /// The module being written.
    module: ModuleId,
    /// For code outside the bindings (skeletons): where the modules are,
    /// for paths to their items instead of `super::`.
    outside: Option<implementors::Outside>,
    roots: &'m [ModuleId],
    traits_cache: RefCell<HashMap<ItemId, Traits>>,
}

/// What `generate` settles before emitting, shared by the threads that
/// write the modules (each builds its own `Emitter` from it).
struct Plan<'m> {
    model: &'m Model,
    /// Names of mapped types → their Rust paths, checked to parse.
    externs: Vec<(String, String)>,
    answers: HashSet<(String, String)>,
    roots: Vec<ModuleId>,
}

/// What `generate` wrote, and what it warns about.
#[derive(Debug)]
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    pub warnings: Vec<Diagnostic>,
}

/// Generates the modules for `roots` (the files asked for) and what they
/// reach in their imports. Errors name what cannot be generated.
pub fn generate(
    model: &Model,
    roots: &[ModuleId],
    options: &Options,
) -> Result<Generated, Vec<Diagnostic>> {
    let plan = Plan::new(model, roots, options)?;
    let (reachable, warnings) = Emitter::new(&plan).reachable();
    // Modules in file order; each module's items in source order.
    let mut by_module: BTreeMap<ModuleId, Vec<ItemId>> = BTreeMap::new();
    for id in reachable {
        by_module
            .entry(model.items[id].module)
            .or_default()
            .push(id);
    }
    let modules: Vec<(ModuleId, Vec<ItemId>)> = by_module
        .into_iter()
        .map(|(module, mut ids)| {
            ids.sort_unstable();
            (module, ids)
        })
        .collect();
    let mut files = parallel::map(&modules, parallel::available_jobs(), |(module, ids)| {
        let mut emitter = Emitter::new(&plan);
        emitter.module = *module;
        let body: TokenStream = ids.iter().map(|&id| emitter.item(id)).collect();
        // What a module reached may all be spelt out where it is used
        // (plain typedefs): then there is no module to write.
        if body.is_empty() {
            return Ok(None);
        }
        let tokens = quote! {
            #![allow(non_snake_case, non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
            #body
        };
        let name = &model.modules[*module].name;
        Ok(Some(GeneratedFile {
            name: format!("{name}.rs"),
            contents: format_file(tokens, &source_name(model, *module))?,
        }))
    })
    .into_iter()
    .filter_map(Result::transpose)
    .collect::<Result<Vec<_>, Vec<Diagnostic>>>()?;
    let names = files
        .iter()
        .map(|file| ident(file.name.strip_suffix(".rs").expect("named <module>.rs")));
    let index = quote! { #(pub mod #names;)* };
    let sources: Vec<String> = roots.iter().map(|&r| source_name(model, r)).collect();
    files.push(GeneratedFile {
        name: "mod.rs".into(),
        contents: format_file(index, &sources.join(", "))?,
    });
    Ok(Generated { files, warnings })
}

/// The IDL file name a module comes from, for the `@generated` line.
fn source_name(model: &Model, module: ModuleId) -> String {
    model.modules[module]
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

impl<'m> Plan<'m> {
    fn new(
        model: &'m Model,
        roots: &[ModuleId],
        options: &Options,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let built_in = BUILT_IN_TYPES
            .iter()
            .map(|&(n, _, p)| (n.to_string(), p.to_string()));
        let mut externs = Vec::new();
        for (name, path) in built_in.chain(options.extern_types.iter().cloned()) {
            if syn::parse_str::<syn::Path>(&path).is_ok() {
                externs.push((name, path));
            } else {
                errors.push(
                    Diagnostic::error(format!("`{path}` (for `{name}`) is not a Rust path"))
                        .help("write a path such as `windows::Win32::UI::Shell::IShellItem`"),
                );
            }
        }
        let mut answers = HashSet::new();
        for answer in &options.answers {
            let found = answer.split_once("::").filter(|(interface, method)| {
                model
                    .lookup(interface)
                    .and_then(|id| model.interface(id))
                    .is_some_and(|i| i.methods.iter().any(|m| m.name == *method))
            });
            match found {
                Some((interface, method)) => {
                    answers.insert((interface.to_string(), method.to_string()));
                }
                None => errors.push(
                    Diagnostic::error(format!("`{answer}` names no method of an interface"))
                        .help("write `Interface::Method`, as declared in the IDL"),
                ),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Plan {
            model,
            externs,
            answers,
            roots: roots.to_vec(),
        })
    }
}

fn format_file(tokens: TokenStream, source: &str) -> Result<String, Vec<Diagnostic>> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        vec![Diagnostic::error(format!(
            "internal error: generated Rust does not parse: {e}"
        ))]
    })?;
    Ok(format!(
        "// @generated by comidl {} from {source}. Do not edit.\n\n{}",
        env!("CARGO_PKG_VERSION"),
        prettyplease::unparse(&file)
    ))
}

impl<'m> Emitter<'m> {
    fn new(plan: &'m Plan<'m>) -> Self {
        Emitter {
            model: plan.model,
            externs: plan
                .externs
                .iter()
                .map(|(name, path)| {
                    let path = syn::parse_str(path).expect("checked by Plan::new");
                    (name.clone(), path)
                })
                .collect(),
            canonical: BUILT_IN_TYPES.iter().map(|&(n, c, _)| (n, c)).collect(),
            answers: &plan.answers,
            module: 0,
            outside: None,
            roots: &plan.roots,
            traits_cache: RefCell::new(HashMap::new()),
        }
    }

    /// Everything in the root modules, and every item they use, through
    /// bases, signatures, fields and typedefs; mapped types stop the walk.
    /// Warnings name interfaces used but never defined.
    fn reachable(&self) -> (Vec<ItemId>, Vec<Diagnostic>) {
        let model = self.model;
        let mut warnings = Vec::new();
        let mut seen = vec![false; model.items.len()];
        let mut queue: Vec<ItemId> = self
            .roots
            .iter()
            .flat_map(|&m| model.modules[m].items.iter().copied())
            .collect();
        let mut found = Vec::new();
        while let Some(id) = queue.pop() {
            if seen[id] || self.externs.contains_key(&model.items[id].name) {
                continue;
            }
            seen[id] = true;
            found.push(id);
            let item = &model.items[id];
            if let ItemKind::Interface(interface) = &item.kind
                && !interface.defined
            {
                let mut d = Diagnostic::warning(format!(
                    "interface `{}` is used but never defined: it is generated opaque (no IID, no methods)",
                    item.name
                ));
                if let Some(span) = item.span.clone() {
                    d = d.at(span, "only declared here");
                }
                warnings.push(d.help(format!(
                    "import the IDL file that defines it, or map it to a Rust type with `--extern-type {}=PATH`",
                    item.name
                )));
            }
            item.kind.visit_items(&mut |used| queue.push(used));
        }
        (found, warnings)
    }

    fn item(&self, id: ItemId) -> TokenStream {
        let item = &self.model.items[id];
        match &item.kind {
            ItemKind::Interface(interface) if interface.object => {
                self.interface(id, item, interface)
            }
            ItemKind::Interface(_) => TokenStream::new(),
            ItemKind::Enum(e) => self.enumeration(item, e),
            ItemKind::Record(record) => self.record(id, item, record),
            // Typedefs of plain types are spelt out where used; a file's
            // own typedefs are also kept as names users may write.
            ItemKind::Alias(alias) if self.keeps_name(id) || self.is_root_alias(id) => {
                self.alias(item, &alias.ty, alias.handle)
            }
            ItemKind::Alias(_) => TokenStream::new(),
            ItemKind::Const(constant) => self.constant(item, &constant.ty, &constant.value),
            ItemKind::Coclass(class) => self.guid_constant(item, "CLSID", class.clsid),
            ItemKind::Library(library) => self.guid_constant(item, "LIBID", library.libid),
        }
    }

    fn is_root_alias(&self, id: ItemId) -> bool {
        self.roots.contains(&self.model.items[id].module)
    }

    /// The Rust path of an item from the module being written.
    fn path(&self, id: ItemId) -> TokenStream {
        self.path_with_suffix(id, "")
    }

    /// The path of an item's companion named `<item><suffix>`, such as
    /// an interface's `_Vtbl`, wherever the item itself lives.
    fn path_with_suffix(&self, id: ItemId, suffix: &str) -> TokenStream {
        let item = &self.model.items[id];
        if let Some(path) = self.externs.get(&item.name) {
            let mut path = path.clone();
            if let Some(last) = path.segments.last_mut() {
                last.ident = format_ident!("{}{suffix}", last.ident);
            }
            return quote!(#path);
        }
        let name = format_ident!("{}{suffix}", ident(&item.name));
        let module = &self.model.modules[item.module].name;
        match &self.outside {
            Some(outside) => {
                let module = outside.module_path(module, item.module);
                quote!(#module::#name)
            }
            None if item.module == self.module => quote!(#name),
            None => {
                let module = ident(module);
                quote!(super::#module::#name)
            }
        }
    }

    /// The path of a built-in mapped type, by canonical name.
    fn extern_path(&self, canonical: &str) -> TokenStream {
        let (_, _, path) = BUILT_IN_TYPES
            .iter()
            .find(|(_, c, _)| *c == canonical)
            .expect("a built-in type");
        path.parse().expect("a Rust path")
    }

    fn is_answer(&self, interface: &str, method: &str) -> bool {
        self.answers
            .contains(&(interface.to_string(), method.to_string()))
    }
}

/// `#[doc]` attributes for doc lines.
fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| {
        let line = format!(" {line}");
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

fn guid_u128(id: Guid) -> Literal {
    let value = (u128::from(id.data1) << 96)
        | (u128::from(id.data2) << 80)
        | (u128::from(id.data3) << 64)
        | u128::from(u64::from_be_bytes(id.data4));
    let hex = format!("{value:032x}");
    let text = format!(
        "0x{}_{}_{}_{}_{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    text.parse().expect("a hexadecimal literal")
}

fn guid(id: Guid) -> TokenStream {
    let value = guid_u128(id);
    quote!(windows_core::GUID::from_u128(#value))
}
