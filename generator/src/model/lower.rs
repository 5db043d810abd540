//! From syntax trees to the model: names are declared first (so order of
//! declaration does not matter, as in MIDL across imports), then every item
//! is lowered with its types resolved.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use super::Model;
use super::eval::{self, EvalError, Names, Reported};
use super::types::*;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{self, AttrArg, Attributes, Declaration, Derived, ExprKind, TypeKind};
use crate::syntax::display::type_text;
use crate::syntax::load::Unit;
use crate::syntax::parse::edit_distance;
use crate::syntax::source::SourceSpan;

/// What an item was declared from, kept until it is lowered.
#[derive(Clone, Copy)]
enum Source<'a> {
    Interface(&'a ast::Interface),
    Dispinterface(&'a ast::Dispinterface),
    Struct(&'a [Declaration]),
    Union(&'a ast::UnionBody),
    Enum(&'a [ast::Enumerator]),
    Alias {
        spec: &'a ast::TypeSpec,
        declarator: &'a ast::Declarator,
        attributes: &'a Attributes,
    },
    Const(&'a ast::Const),
    Coclass(&'a ast::Class),
    Library(&'a ast::Scope),
}

pub(super) struct Builder<'a> {
    units: &'a [Arc<Unit>],
    items: Vec<Item>,
    /// Per item: the unit it is in and its not yet lowered source.
    pending: Vec<(usize, Option<Source<'a>>)>,
    names: HashMap<String, ItemId>,
    /// Constants and enumerators, with the `const` or enum defining them.
    values: HashMap<String, ItemId>,
    /// Inline type definitions, by unit and the span start of their body.
    inline: HashMap<(usize, u32), ItemId>,
    /// Interfaces declared `interface IFoo;`, maybe never defined.
    forwards: HashMap<String, SourceSpan>,
    lowering: HashSet<ItemId>,
    /// Values of enumerators and constants computed so far.
    known: HashMap<String, i128>,
    /// "Did you mean" answers already computed, by unknown name.
    suggestions: HashMap<String, Option<String>>,
    /// `typedef struct X X;`: `X` is the struct, defined elsewhere or not.
    self_typedefs: Vec<(usize, &'a ast::Ident, &'a ast::TypeSpec)>,
    /// Records and enums declared under their tag (`struct tagX { ... };`).
    tag_named: HashSet<ItemId>,
    /// `#pragma pack` of the unit being declared: a stack, top last.
    pack: Vec<Option<u64>>,
    /// The packing in force where each record was defined, when one was.
    packing: HashMap<ItemId, u64>,
    /// How many inline definitions each item has named after itself.
    nested: HashMap<ItemId, u32>,
    modules: Vec<Module>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(units: &'a [Arc<Unit>]) -> Self {
        Builder {
            units,
            items: Vec::new(),
            pending: Vec::new(),
            names: HashMap::new(),
            values: HashMap::new(),
            inline: HashMap::new(),
            forwards: HashMap::new(),
            lowering: HashSet::new(),
            known: HashMap::new(),
            nested: HashMap::new(),
            tag_named: HashSet::new(),
            pack: Vec::new(),
            packing: HashMap::new(),
            self_typedefs: Vec::new(),
            suggestions: HashMap::new(),
            modules: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Lowers every item, or with `roots` (unit indices) only the roots'
    /// items and what they use.
    pub(super) fn build(mut self, roots: Option<&[usize]>) -> (Model, Vec<Diagnostic>) {
        let mut taken = HashSet::new();
        for (index, unit) in self.units.iter().enumerate() {
            let name = module_name(&unit.path, &mut taken);
            self.modules.push(Module {
                path: unit.path.clone(),
                name,
                items: Vec::new(),
            });
            self.pack = vec![None];
            self.declare_items(index, &unit.ast.items);
        }
        self.adopt_typedef_names();
        for (unit, name, spec) in std::mem::take(&mut self.self_typedefs) {
            if !self.names.contains_key(&name.name)
                && !matches!(spec.kind, TypeKind::Named(_) | TypeKind::Interface(_))
            {
                self.incomplete(unit, name, spec);
            }
        }
        // Interfaces only ever declared `interface IFoo;`: usable through
        // pointers, as in C, but with nothing known about them.
        let mut forwards: Vec<(String, SourceSpan)> = self
            .forwards
            .drain()
            .filter(|(name, _)| !self.names.contains_key(name))
            .collect();
        forwards.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, span) in forwards {
            let id = self.items.len();
            self.items.push(Item {
                name: name.clone(),
                module: self.modules.len() - 1,
                span: Some(span),
                docs: Vec::new(),
                kind: ItemKind::Interface(Interface {
                    iid: None,
                    base: None,
                    methods: Vec::new(),
                    object: true,
                    local: false,
                    dispatch: false,
                    defined: false,
                }),
            });
            self.pending.push((0, None));
            self.names.insert(name, id);
        }
        match roots {
            None => (0..self.items.len()).for_each(|id| self.lower(id)),
            Some(roots) => self.lower_used_by(roots),
        }
        let model = Model {
            modules: self.modules,
            items: self.items,
            names: self.names,
        };
        (model, self.diagnostics)
    }

    /// Lowers the roots' items and, transitively, the items they use, in
    /// declaration order (so reports come in a stable order). What is not
    /// reached stays declared but is dropped from the names and modules.
    fn lower_used_by(&mut self, roots: &[usize]) {
        let mut reached = vec![false; self.items.len()];
        let mut queue: BinaryHeap<Reverse<ItemId>> = roots
            .iter()
            .flat_map(|&unit| self.modules[unit].items.iter().map(|&id| Reverse(id)))
            .collect();
        while let Some(Reverse(id)) = queue.pop() {
            if std::mem::replace(&mut reached[id], true) {
                continue;
            }
            self.lower(id);
            // Lowering may add items (incomplete structs named in passing).
            reached.resize(self.items.len(), false);
            self.items[id]
                .kind
                .visit_items(&mut |used| queue.push(Reverse(used)));
        }
        for module in &mut self.modules {
            module.items.retain(|&id| reached[id]);
        }
        self.names.retain(|_, id| reached[*id]);
    }

    fn span(&self, unit: usize, span: ast::Span) -> SourceSpan {
        self.units[unit]
            .preprocessed
            .span(span.start as usize, span.end as usize)
    }

    // ------------------------------------------------------------ declare

    fn declare_items(&mut self, unit: usize, items: &'a [ast::Item]) {
        for item in items {
            match item {
                ast::Item::Interface(interface) => match &interface.body {
                    Some(body) => {
                        self.declare(
                            unit,
                            &interface.name,
                            docs(&interface.docs, &interface.attributes),
                            Source::Interface(interface),
                        );
                        self.declare_items(unit, &body.items);
                    }
                    None => {
                        let span = self.span(unit, interface.name.span);
                        self.forwards
                            .entry(interface.name.name.clone())
                            .or_insert(span);
                    }
                },
                ast::Item::Dispinterface(dispinterface) if dispinterface.body.is_some() => {
                    self.declare(
                        unit,
                        &dispinterface.name,
                        docs(&dispinterface.docs, &dispinterface.attributes),
                        Source::Dispinterface(dispinterface),
                    );
                }
                ast::Item::Coclass(class) if class.members.is_some() => {
                    self.declare(
                        unit,
                        &class.name,
                        docs(&class.docs, &class.attributes),
                        Source::Coclass(class),
                    );
                }
                ast::Item::Library(scope) => {
                    // Library names are no type names: a library and its
                    // coclass often share one.
                    self.push_item(
                        unit,
                        scope.name.name.clone(),
                        Some(scope.name.span),
                        docs(&scope.docs, &scope.attributes),
                        Source::Library(scope),
                    );
                    self.declare_items(unit, &scope.items);
                }
                ast::Item::Module(scope) => self.declare_items(unit, &scope.items),
                // WinRT namespaces are parsed but not modelled: comidl
                // generates classic COM, whose names are global.
                ast::Item::Typedef(typedef) => self.declare_typedef(unit, typedef),
                ast::Item::Const(constant) => {
                    if let Some(name) = &constant.declarator.name {
                        let id = self.declare(
                            unit,
                            name,
                            docs(&constant.docs, &constant.attributes),
                            Source::Const(constant),
                        );
                        self.declare_value(unit, name, id);
                    }
                }
                ast::Item::Declaration(declaration) => {
                    // `struct tagX { ... };` and `enum E { ... };`
                    self.declare_inline(unit, &declaration.spec, None, &declaration.docs);
                }
                ast::Item::Pragma(text) => self.pragma(&text.value),
                _ => {}
            }
        }
    }

    /// Follows `#pragma pack(push, n)`, `pack(pop)`, `pack(n)`, `pack()`.
    fn pragma(&mut self, text: &str) {
        let Some(args) = text
            .split_once("pack")
            .and_then(|(_, rest)| rest.trim().strip_prefix('('))
            .and_then(|rest| rest.split_once(')'))
            .map(|(args, _)| args)
        else {
            return;
        };
        let args: Vec<&str> = args
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let number = args.iter().find_map(|a| a.parse::<u64>().ok());
        let current = *self.pack.last().unwrap_or(&None);
        match args.first().copied() {
            Some("push") => self.pack.push(number.or(current)),
            Some("pop") => {
                if self.pack.len() > 1 {
                    self.pack.pop();
                }
            }
            _ => {
                if let Some(top) = self.pack.last_mut() {
                    *top = number;
                }
            }
        }
    }

    /// Registers `name` for a new item; reports a second definition.
    fn declare(
        &mut self,
        unit: usize,
        name: &ast::Ident,
        docs: Vec<String>,
        source: Source<'a>,
    ) -> ItemId {
        let id = self.push_item(unit, name.name.clone(), Some(name.span), docs, source);
        if let Some(&first) = self.names.get(&name.name) {
            self.report_duplicate(first, id);
        } else {
            self.names.insert(name.name.clone(), id);
        }
        id
    }

    fn push_item(
        &mut self,
        unit: usize,
        name: String,
        span: Option<ast::Span>,
        docs: Vec<String>,
        source: Source<'a>,
    ) -> ItemId {
        let id = self.items.len();
        if let (Source::Struct(_) | Source::Union(_), Some(Some(pack))) = (source, self.pack.last())
        {
            self.packing.insert(id, *pack);
        }
        self.items.push(Item {
            name,
            module: unit,
            span: span.map(|s| self.span(unit, s)),
            docs,
            kind: ItemKind::Alias(Alias {
                ty: Type::Error,
                handle: false,
            }),
        });
        self.pending.push((unit, Some(source)));
        self.modules[unit].items.push(id);
        id
    }

    fn report_duplicate(&mut self, first: ItemId, second: ItemId) {
        // C allows the same typedef twice, and header guards let a type be
        // repeated in two files: a copy word for word is no conflict.
        let first_text = self.definition_text(first);
        if first_text.is_some() && first_text == self.definition_text(second) {
            self.pending[second].1 = None;
            return;
        }
        let name = &self.items[second].name;
        let mut diagnostic = Diagnostic::error(format!("`{name}` is defined more than once"));
        if let Some(span) = self.items[second].span.clone() {
            diagnostic = diagnostic.at(span, "defined again here");
        }
        if let Some(span) = self.items[first].span.clone() {
            diagnostic = diagnostic.related(span, "first defined here");
        }
        self.diagnostics
            .push(diagnostic.help("rename one of them or remove the copy"));
        self.pending[second].1 = None;
    }

    /// `struct tagX { ... };` then `typedef struct tagX X;`: the struct is
    /// called `X`, as C code and windows-rs call it, and the typedef goes.
    fn adopt_typedef_names(&mut self) {
        for alias in 0..self.items.len() {
            let Some(Source::Alias {
                spec, declarator, ..
            }) = self.pending[alias].1
            else {
                continue;
            };
            let Some(tag) = tag_reference(spec) else {
                continue;
            };
            let Some(&record) = self.names.get(&tag.name) else {
                continue;
            };
            if !declarator.derived.is_empty() || !self.tag_named.remove(&record) {
                continue;
            }
            let name = self.items[alias].name.clone();
            self.items[record].name = name.clone();
            if self.items[record].docs.is_empty() {
                self.items[record].docs = self.items[alias].docs.clone();
            }
            self.names.insert(name, record);
            self.pending[alias].1 = None;
            let module = self.items[alias].module;
            self.modules[module].items.retain(|&i| i != alias);
        }
    }

    /// An item's definition as written, white space folded, for comparing.
    fn definition_text(&self, id: ItemId) -> Option<String> {
        let (unit, source) = self.pending[id];
        let text = &self.units[unit].preprocessed.text;
        let slice = |span: ast::Span| text.get(span.range()).unwrap_or_default();
        let written: Vec<&str> = match source? {
            Source::Interface(i) => vec![slice(i.span)],
            Source::Dispinterface(d) => vec![slice(d.span)],
            Source::Coclass(c) => vec![slice(c.span)],
            Source::Library(l) => vec![slice(l.span)],
            Source::Const(c) => vec![slice(c.span)],
            Source::Struct(members) => members.iter().map(|m| slice(m.span)).collect(),
            Source::Union(ast::UnionBody::Plain(members)) => {
                members.iter().map(|m| slice(m.span)).collect()
            }
            Source::Union(ast::UnionBody::Encapsulated { arms, .. }) => {
                arms.iter().map(|a| slice(a.span)).collect()
            }
            Source::Enum(members) => members.iter().map(|m| slice(m.name.span)).collect(),
            Source::Alias {
                spec, declarator, ..
            } => return Some(type_text(spec, &declarator.derived, None)),
        };
        Some(
            written
                .iter()
                .flat_map(|w| w.split_whitespace())
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    fn declare_value(&mut self, unit: usize, name: &ast::Ident, value: ItemId) {
        if self.values.contains_key(&name.name) {
            let span = self.span(unit, name.span);
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "the constant `{}` is defined more than once",
                    name.name
                ))
                .at(span, "defined again here"),
            );
        } else {
            self.values.insert(name.name.clone(), value);
        }
    }

    fn declare_typedef(&mut self, unit: usize, typedef: &'a ast::Typedef) {
        let plain_name = typedef
            .declarators
            .iter()
            .find(|d| d.derived.is_empty())
            .and_then(|d| d.name.as_ref());
        let docs = docs(&typedef.docs, &typedef.attributes);
        let inline = self.declare_inline(unit, &typedef.spec, plain_name, &typedef.docs);
        for declarator in &typedef.declarators {
            let Some(name) = &declarator.name else {
                continue;
            };
            let is_the_record = inline.is_some_and(|id| self.items[id].name == name.name)
                && declarator.derived.is_empty();
            // `typedef interface IFoo IFoo;` names nothing new.
            let names_itself = declarator.derived.is_empty()
                && match &typedef.spec.kind {
                    TypeKind::Named(n) | TypeKind::Interface(n) => n.name.name == name.name,
                    _ => tag_reference(&typedef.spec).is_some_and(|tag| tag.name == name.name),
                };
            if is_the_record || names_itself {
                if names_itself && inline.is_none() {
                    self.self_typedefs.push((unit, name, &typedef.spec));
                }
                continue;
            }
            self.declare(
                unit,
                name,
                docs.clone(),
                Source::Alias {
                    spec: &typedef.spec,
                    declarator,
                    attributes: &typedef.attributes,
                },
            );
        }
    }

    /// Declares the struct, union or enum defined by `spec`, if it defines
    /// one: named `name`, else by its tag. Returns the item.
    fn declare_inline(
        &mut self,
        unit: usize,
        spec: &'a ast::TypeSpec,
        name: Option<&ast::Ident>,
        doc_lines: &ast::Docs,
    ) -> Option<ItemId> {
        let (tag, source) = inline_definition(spec)?;
        let id = match name.or(tag) {
            Some(declared) => {
                let id = self.declare(unit, declared, doc_lines.0.clone(), source);
                if name.is_none() {
                    self.tag_named.insert(id);
                }
                id
            }
            // `enum { A = 1, B };` only defines constants.
            None if matches!(source, Source::Enum(_)) => self.push_item(
                unit,
                String::new(),
                Some(spec.span),
                doc_lines.0.clone(),
                source,
            ),
            None => return None,
        };
        let name = self.items[id].name.clone();
        self.inline.insert((unit, spec.span.start), id);
        if let Some(tag) = tag
            && tag.name != name
        {
            self.names.entry(tag.name.clone()).or_insert(id);
        }
        if let Source::Enum(members) = source {
            for member in members {
                self.declare_value(unit, &member.name, id);
            }
        }
        Some(id)
    }

    // ------------------------------------------------------------ lower

    fn lower(&mut self, id: ItemId) {
        let (unit, source) = self.pending[id];
        let Some(source) = source else { return };
        if !self.lowering.insert(id) {
            return;
        }
        let kind = match source {
            Source::Interface(interface) => {
                ItemKind::Interface(self.lower_interface(unit, interface))
            }
            Source::Dispinterface(dispinterface) => ItemKind::Interface(Interface {
                iid: uuid(&dispinterface.attributes),
                base: self.names.get("IDispatch").copied(),
                methods: Vec::new(),
                object: true,
                local: false,
                dispatch: true,
                defined: true,
            }),
            Source::Struct(members) => {
                let fields = self.lower_fields(unit, id, members);
                ItemKind::Record(Record {
                    union: false,
                    complete: true,
                    pack: self.packing.get(&id).copied(),
                    fields,
                    layout: Default::default(),
                })
            }
            Source::Union(body) => ItemKind::Record(self.lower_union(unit, id, body)),
            Source::Enum(members) => ItemKind::Enum(self.lower_enum(unit, members)),
            Source::Alias {
                spec,
                declarator,
                attributes,
            } => {
                let ty = self.lower_type(unit, spec, &declarator.derived, Some(id));
                // `[wire_marshal]` over `void *` is how the SDK declares
                // window and GDI handles; over other pointers (BSTR, PIDLs)
                // it only changes marshalling.
                let handle = ["wire_marshal", "context_handle", "handle"]
                    .iter()
                    .any(|a| attributes.has(a))
                    && matches!(&ty, Type::Pointer { to, .. } if matches!(**to, Type::Void));
                ItemKind::Alias(Alias { ty, handle })
            }
            Source::Const(constant) => {
                let ty = self.lower_type(unit, &constant.spec, &constant.declarator.derived, None);
                let value = match &constant.value.kind {
                    ExprKind::String(literal) => ConstValue::Str(literal.value.clone()),
                    _ if matches!(self.resolve_now(&ty), Type::Prim(p) if p.is_float()) => {
                        ConstValue::Float(self.evaluate_float(unit, &constant.value).unwrap_or(0.0))
                    }
                    _ => {
                        let value = self.evaluate(unit, &constant.value).unwrap_or(0);
                        if let Some(name) = &constant.declarator.name {
                            self.known.insert(name.name.clone(), value);
                        }
                        ConstValue::Int(value)
                    }
                };
                ItemKind::Const(Const { ty, value })
            }
            Source::Coclass(class) => ItemKind::Coclass(Coclass {
                clsid: uuid(&class.attributes),
                interfaces: class
                    .members
                    .iter()
                    .flatten()
                    .map(|m| (m.name.name.name.clone(), m.attributes.has("default")))
                    .collect(),
            }),
            Source::Library(scope) => ItemKind::Library(Library {
                libid: uuid(&scope.attributes),
            }),
        };
        self.items[id].kind = kind;
        self.pending[id].1 = None;
    }

    fn lower_interface(&mut self, unit: usize, interface: &'a ast::Interface) -> Interface {
        let attributes = &interface.attributes;
        let body = interface.body.as_ref().expect("declared with a body");
        let base = body.base.as_ref().and_then(|base| {
            let span = self.span(unit, base.name.span);
            let found = self.names.get(&base.name.name).copied();
            match found {
                Some(b) if self.describe(b) == "interface" => Some(b),
                Some(b) => {
                    let what = self.describe(b);
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "`{}` is a {what}, not an interface",
                            base.name.name
                        ))
                        .at(span, "a base must be an interface"),
                    );
                    None
                }
                None => {
                    self.lookup_type(unit, &base.name);
                    None
                }
            }
        });
        let object = ["object", "odl", "dual", "oleautomation"]
            .iter()
            .any(|a| attributes.has(a))
            || base.is_some();
        let iid = uuid(attributes);
        if iid.is_none() && object && !attributes.has("local") {
            let span = self.span(unit, interface.name.span);
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "COM interface `{}` has no `uuid`",
                    interface.name.name
                ))
                .at(span, "needs an interface ID")
                .help("add `uuid(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)` to its attributes"),
            );
        }
        let local = attributes.has("local");
        let mut methods: Vec<Method> = interface
            .methods()
            .map(|method| self.lower_method(unit, method, object && !local))
            .collect();
        // A `[local]` method's parameters often leave out the array bounds
        // its `[call_as]` wire form states (`IEnumUnknown::Next`'s `rgelt`
        // has `size_is(celt)` only on `RemoteNext`): an array on the wire is
        // the same array locally.
        for (wire, declared) in interface.methods().enumerate() {
            let Some(target) = call_as_target(&declared.declaration.attributes) else {
                continue;
            };
            let Some(local) = methods.iter().position(|m| !m.call_as && m.name == target) else {
                continue;
            };
            let bounds: Vec<_> = methods[wire]
                .signature
                .params
                .iter()
                .map(|p| (p.name.clone(), p.size_is, p.length_is, p.sized))
                .collect();
            let params = &mut methods[local].signature.params;
            // Extents name parameters by index: only the same list may share them.
            let same_names = params.len() == bounds.len()
                && params.iter().zip(&bounds).all(|(p, b)| p.name == b.0);
            for (param, (_, size_is, length_is, sized)) in params.iter_mut().zip(bounds) {
                if same_names && !param.sized && sized {
                    param.size_is = size_is;
                    param.length_is = length_is;
                    param.sized = true;
                }
            }
        }
        Interface {
            iid,
            base,
            methods,
            object,
            local,
            dispatch: false,
            defined: true,
        }
    }

    fn lower_method(&mut self, unit: usize, method: ast::Method<'a>, remotable: bool) -> Method {
        let attributes = &method.declaration.attributes;
        let name = method.name().map_or_else(String::new, |n| n.name.clone());
        let prefix = if attributes.has("propget") {
            "get_"
        } else if attributes.has("propputref") {
            "putref_"
        } else if attributes.has("propput") {
            "put_"
        } else {
            ""
        };
        let ret = self.lower_type(
            unit,
            &method.declaration.spec,
            &method.declarator.derived[1..],
            None,
        );
        let (params, variadic) = self.lower_params(unit, method.params);
        let span = method.name().map(|n| self.span(unit, n.span));
        let local = attributes.has("local");
        let call_as = attributes.has("call_as");
        if remotable && !local && !call_as && !self.is_named(&ret, "HRESULT") {
            let mut diagnostic = Diagnostic::warning(format!(
                "method `{name}` of a remotable interface does not return HRESULT"
            ));
            if let Some(span) = span.clone() {
                diagnostic = diagnostic.at(span, "returns no HRESULT");
            }
            self.diagnostics.push(
                diagnostic.help("COM reports transport errors through the HRESULT; return HRESULT or mark the method `[local]`"),
            );
        }
        Method {
            name: format!("{prefix}{name}"),
            span,
            docs: docs(&method.declaration.docs, attributes),
            signature: Signature {
                ret,
                params,
                variadic,
            },
            call_as,
            local,
            c_text: type_text(
                &method.declaration.spec,
                &method.declarator.derived,
                method.name().map(|n| n.name.as_str()),
            ),
        }
    }

    fn lower_params(&mut self, unit: usize, params: &'a [ast::Param]) -> (Vec<Param>, bool) {
        let mut lowered = Vec::new();
        let mut variadic = false;
        let mut written = Vec::new();
        for (index, param) in params.iter().enumerate() {
            let ast::Param::Named {
                attributes,
                spec,
                declarator,
                span,
            } = param
            else {
                variadic = true;
                continue;
            };
            // `f(void)` has no parameters.
            if params.len() == 1
                && declarator.name.is_none()
                && declarator.derived.is_empty()
                && matches!(&spec.kind, TypeKind::Base(b) if b == "void")
            {
                break;
            }
            let ty = self.lower_type(unit, spec, &declarator.derived, None);
            let (is_in, is_out) = (attributes.has("in"), attributes.has("out"));
            let dir = match (is_in, is_out) {
                (_, false) => Direction::In,
                (false, true) => Direction::Out,
                (true, true) => Direction::InOut,
            };
            let pointer = if attributes.has("unique") {
                PointerKind::Unique
            } else if attributes.has("ptr") {
                PointerKind::Ptr
            } else {
                PointerKind::Ref
            };
            lowered.push(Param {
                name: declarator
                    .name
                    .as_ref()
                    .map_or_else(|| format!("param{index}"), |n| n.name.clone()),
                span: Some(self.span(unit, *span)),
                ty,
                dir,
                retval: attributes.has("retval"),
                string: attributes.has("string"),
                pointer,
                optional: attributes.has("optional"),
                iid_is: None,
                size_is: None,
                length_is: None,
                sized: ["size_is", "max_is", "length_is", "first_is", "last_is"]
                    .iter()
                    .any(|a| attributes.has(a)),
            });
            written.push(attributes);
        }
        for (index, attributes) in written.into_iter().enumerate() {
            self.check_param(unit, &mut lowered, index, attributes);
        }
        (lowered, variadic)
    }

    /// Resolves the attributes that name other parameters and checks the
    /// rules MIDL enforces on directions.
    fn check_param(
        &mut self,
        unit: usize,
        params: &mut [Param],
        index: usize,
        attributes: &Attributes,
    ) {
        let span = params[index].span.clone();
        let error = |message: String, label: &str, help: &str| {
            let mut d = Diagnostic::error(message);
            if let Some(span) = span.clone() {
                d = d.at(span, label.to_string());
            }
            d.help(help.to_string())
        };
        let param = &params[index];
        if param.dir != Direction::In && !self.is_pointer_like(&param.ty) {
            self.diagnostics.push(error(
                format!("`[out]` parameter `{}` is not a pointer", param.name),
                "passed by value",
                "an `[out]` parameter must point to where the result is written",
            ));
        }
        if param.retval && (param.dir == Direction::In || index + 1 != params.len()) {
            self.diagnostics.push(error(
                format!(
                    "`[retval]` parameter `{}` must be the last parameter and `[out]`",
                    param.name
                ),
                "misplaced `[retval]`",
                "make it the last parameter, marked `[out, retval]`",
            ));
        }
        for attribute in attributes.iter() {
            let name = attribute.name.name.as_str();
            if !matches!(
                name,
                "iid_is"
                    | "size_is"
                    | "max_is"
                    | "length_is"
                    | "first_is"
                    | "last_is"
                    | "switch_is"
            ) {
                continue;
            }
            let args = attribute.args.as_deref().unwrap_or_default();
            for arg in args {
                let AttrArg::Expr(expr) = arg else { continue };
                let mut missing = Vec::new();
                idents(expr, &mut |ident, span| {
                    if !params.iter().any(|p| p.name == ident) && !self.values.contains_key(ident) {
                        missing.push((ident.to_string(), span));
                    }
                });
                for (ident, ident_span) in missing {
                    let at = self.span(unit, ident_span);
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "`{name}` names `{ident}`, which is no parameter"
                        ))
                        .at(at, "not a parameter of this method")
                        .help(format!("`{name}` must name a parameter of the same method")),
                    );
                }
            }
            // The outermost dimension only: `size_is(, n)` sizes what the
            // pointer points to, not the pointer.
            let extent = match args.first() {
                Some(AttrArg::Expr(expr)) => extent(expr, params),
                _ => None,
            };
            match name {
                "iid_is" => params[index].iid_is = extent.filter(|e| !e.deref).map(|e| e.param),
                "size_is" | "max_is" => params[index].size_is = extent,
                "length_is" => params[index].length_is = extent,
                _ => {}
            }
        }
    }

    fn lower_fields(
        &mut self,
        unit: usize,
        owner: ItemId,
        members: &'a [Declaration],
    ) -> Vec<Field> {
        let mut fields = Vec::new();
        let mut anonymous = 0;
        for member in members {
            if member.declarators.is_empty() {
                // An anonymous struct or union member; an empty union arm
                // (`[default] ;`) declares nothing.
                if inline_definition(&member.spec).is_none() {
                    continue;
                }
                let ty = self.lower_type(unit, &member.spec, &[], Some(owner));
                anonymous += 1;
                fields.push(Field {
                    name: String::new(),
                    span: Some(self.span(unit, member.span)),
                    docs: docs(&member.docs, &member.attributes),
                    ty,
                    bits: None,
                });
                continue;
            }
            for declarator in &member.declarators {
                let ty = self.lower_type(unit, &member.spec, &declarator.derived, Some(owner));
                let bits = declarator
                    .bit_width
                    .as_ref()
                    .and_then(|w| self.evaluate(unit, w))
                    .map(|w| w as u32);
                fields.push(Field {
                    name: declarator
                        .name
                        .as_ref()
                        .map_or_else(String::new, |n| n.name.clone()),
                    span: Some(self.span(unit, declarator.span)),
                    docs: docs(&member.docs, &member.attributes),
                    ty,
                    bits,
                });
            }
        }
        // Unnamed members get windows-rs's names: `Anonymous`, or numbered.
        let mut counter = 0;
        for field in fields.iter_mut().filter(|f| f.name.is_empty()) {
            counter += 1;
            field.name = if anonymous == 1 {
                "Anonymous".into()
            } else {
                format!("Anonymous{counter}")
            };
        }
        fields
    }

    fn lower_union(&mut self, unit: usize, id: ItemId, body: &'a ast::UnionBody) -> Record {
        match body {
            ast::UnionBody::Plain(members) => Record {
                union: true,
                complete: true,
                pack: self.packing.get(&id).copied(),
                fields: self.lower_fields(unit, id, members),
                layout: Default::default(),
            },
            ast::UnionBody::Encapsulated {
                discriminant_type,
                discriminant,
                union_name,
                arms,
            } => {
                // In memory: the discriminant, then a plain union.
                let members: Vec<&'a Declaration> =
                    arms.iter().filter_map(|arm| arm.member.as_ref()).collect();
                let mut fields = Vec::new();
                for member in members {
                    fields.extend(self.lower_fields(unit, id, std::slice::from_ref(member)));
                }
                let count = self.nested.entry(id).or_default();
                *count += 1;
                let name = format!("{}_{}", self.items[id].name, *count - 1);
                let union =
                    self.push_item(unit, name.clone(), None, Vec::new(), Source::Struct(&[]));
                self.pending[union].1 = None;
                self.items[union].kind = ItemKind::Record(Record {
                    union: true,
                    complete: true,
                    pack: self.packing.get(&id).copied(),
                    fields,
                    layout: Default::default(),
                });
                let discriminant_ty = self.lower_type(unit, discriminant_type, &[], None);
                Record {
                    union: false,
                    complete: true,
                    pack: self.packing.get(&id).copied(),
                    fields: vec![
                        Field {
                            name: discriminant.name.clone(),
                            span: Some(self.span(unit, discriminant.span)),
                            docs: Vec::new(),
                            ty: discriminant_ty,
                            bits: None,
                        },
                        Field {
                            name: union_name
                                .as_ref()
                                .map_or_else(|| "tagged_union".into(), |n| n.name.clone()),
                            span: None,
                            docs: Vec::new(),
                            ty: Type::Named(union),
                            bits: None,
                        },
                    ],
                    layout: Default::default(),
                }
            }
        }
    }

    fn lower_enum(&mut self, unit: usize, members: &'a [ast::Enumerator]) -> Enum {
        let mut next = 0i128;
        let mut lowered = Vec::new();
        for member in members {
            let value = match &member.value {
                Some(expr) => self.evaluate(unit, expr).unwrap_or(next),
                None => next,
            };
            next = value + 1;
            self.known.insert(member.name.name.clone(), value);
            lowered.push(Enumerator {
                name: member.name.name.clone(),
                value: value as i64,
                span: Some(self.span(unit, member.name.span)),
                docs: docs(&member.docs, &member.attributes),
            });
        }
        let flags = looks_like_flags(&lowered);
        Enum {
            members: lowered,
            flags,
        }
    }

    // ------------------------------------------------------------ types

    /// The type `spec` with `derived` applied (listed from the name outward).
    /// `owner` names inline definitions found in it (`Owner_0`, `Owner_1`).
    fn lower_type(
        &mut self,
        unit: usize,
        spec: &'a ast::TypeSpec,
        derived: &'a [Derived],
        owner: Option<ItemId>,
    ) -> Type {
        let mut ty = self.lower_spec(unit, spec, owner);
        let mut pointee_const = spec.qualifiers.is_const();
        for step in derived.iter().rev() {
            ty = match step {
                Derived::Pointer(qualifiers) => {
                    let t = Type::pointer(ty, pointee_const);
                    pointee_const = qualifiers.is_const();
                    t
                }
                Derived::Array(size) => {
                    // `[]` and `[*]` (no size) are conformant.
                    let len = size
                        .as_ref()
                        .and_then(|s| self.evaluate(unit, s))
                        .map(|v| v.max(0) as u64);
                    Type::Array {
                        of: Box::new(ty),
                        len,
                    }
                }
                Derived::Function(params) => {
                    let (params, variadic) = self.lower_params(unit, params);
                    Type::Function(Box::new(Signature {
                        ret: ty,
                        params,
                        variadic,
                    }))
                }
            };
        }
        ty
    }

    fn lower_spec(&mut self, unit: usize, spec: &'a ast::TypeSpec, owner: Option<ItemId>) -> Type {
        match &spec.kind {
            TypeKind::Base(words) => prim(words).unwrap_or_else(|| {
                let span = self.span(unit, spec.span);
                self.diagnostics.push(
                    Diagnostic::error(format!("the type `{words}` has no Rust equivalent"))
                        .at(span, "unsupported type"),
                );
                Type::Error
            }),
            TypeKind::Named(name) | TypeKind::Interface(name) => self.lookup_type(unit, &name.name),
            TypeKind::SafeArray(_) => {
                let name = ast::Ident {
                    name: "SAFEARRAY".into(),
                    span: ast::Span::new(spec.span.start as usize, spec.span.start as usize + 9),
                };
                Type::pointer(self.lookup_type(unit, &name), false)
            }
            TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Enum(_) => {
                if let Some(&id) = self.inline.get(&(unit, spec.span.start)) {
                    return Type::Named(id);
                }
                match inline_definition(spec) {
                    Some((tag, source)) => {
                        // A definition nested in another: named after its owner.
                        let name = match owner {
                            Some(owner) => {
                                let count = self.nested.entry(owner).or_default();
                                *count += 1;
                                format!("{}_{}", self.items[owner].name, *count - 1)
                            }
                            None => tag.map_or_else(|| "Anonymous".into(), |t| t.name.clone()),
                        };
                        let id = self.push_item(
                            unit,
                            name,
                            tag.map(|t| t.span).or(Some(spec.span)),
                            Vec::new(),
                            source,
                        );
                        if let Some(pack) = owner.and_then(|o| self.packing.get(&o).copied()) {
                            self.packing.insert(id, pack);
                        }
                        self.inline.insert((unit, spec.span.start), id);
                        if let Some(tag) = tag {
                            self.names.entry(tag.name.clone()).or_insert(id);
                        }
                        if let Source::Enum(members) = source {
                            for member in members {
                                self.declare_value(unit, &member.name, id);
                            }
                        }
                        Type::Named(id)
                    }
                    None => {
                        let tag = match &spec.kind {
                            TypeKind::Struct(s) => s.tag.as_ref(),
                            TypeKind::Union(u) => u.tag.as_ref(),
                            TypeKind::Enum(e) => e.tag.as_ref(),
                            _ => None,
                        };
                        match tag {
                            Some(tag) if self.names.contains_key(&tag.name) => {
                                self.lookup_type(unit, tag)
                            }
                            // `struct X *` with no definition in sight: an
                            // incomplete type, usable through pointers (C).
                            Some(tag) => Type::Named(self.incomplete(unit, tag, spec)),
                            None => Type::Error,
                        }
                    }
                }
            }
        }
    }

    fn incomplete(&mut self, unit: usize, tag: &ast::Ident, spec: &ast::TypeSpec) -> ItemId {
        let union = matches!(spec.kind, TypeKind::Union(_));
        let id = self.push_item(
            unit,
            tag.name.clone(),
            Some(tag.span),
            Vec::new(),
            Source::Struct(&[]),
        );
        self.pending[id].1 = None;
        self.items[id].kind = ItemKind::Record(Record {
            union,
            complete: false,
            pack: None,
            fields: Vec::new(),
            layout: Default::default(),
        });
        self.names.insert(tag.name.clone(), id);
        id
    }

    fn lookup_type(&mut self, unit: usize, name: &ast::Ident) -> Type {
        if let Some(&id) = self.names.get(&name.name) {
            return match self.describe(id) {
                "constant" | "coclass" | "library" => self.not_a_type(unit, name, id),
                _ => Type::Named(id),
            };
        }
        let span = self.span(unit, name.span);
        let diagnostic = Diagnostic::error(format!("unknown type `{}`", name.name))
            .at(span, "not defined in this file or its imports");
        let diagnostic = self.suggest(diagnostic, &name.name);
        self.diagnostics.push(diagnostic);
        Type::Error
    }

    fn not_a_type(&mut self, unit: usize, name: &ast::Ident, id: ItemId) -> Type {
        let span = self.span(unit, name.span);
        let what = self.describe(id);
        self.diagnostics.push(
            Diagnostic::error(format!("`{}` is a {what}, not a type", name.name))
                .at(span, "expected a type"),
        );
        Type::Error
    }

    fn describe(&self, id: ItemId) -> &'static str {
        match self.pending[id].1 {
            Some(Source::Interface(_) | Source::Dispinterface(_)) => "interface",
            Some(Source::Struct(_)) => "struct",
            Some(Source::Union(_)) => "union",
            Some(Source::Enum(_)) => "enum",
            Some(Source::Alias { .. }) => "typedef",
            Some(Source::Const(_)) => "constant",
            Some(Source::Coclass(_)) => "coclass",
            Some(Source::Library(_)) => "library",
            None => self.items[id].kind.describe(),
        }
    }

    /// Adds "did you mean" for a misspelt type name.
    fn suggest(&mut self, diagnostic: Diagnostic, name: &str) -> Diagnostic {
        // Files that import nothing they use name the same unknown type
        // hundreds of times: look each name up once.
        if !self.suggestions.contains_key(name) {
            let limit = if name.len() < 5 { 1 } else { 2 };
            let wanted = name.to_lowercase();
            let best = self
                .names
                .keys()
                .filter(|k| k.len().abs_diff(name.len()) <= limit)
                .map(|k| (edit_distance(&k.to_lowercase(), &wanted), k))
                .filter(|&(d, _)| d <= limit)
                .min()
                .map(|(_, k)| k.clone());
            self.suggestions.insert(name.to_string(), best);
        }
        match &self.suggestions[name] {
            Some(k) => diagnostic.help(format!("a type with a similar name exists: `{k}`")),
            None => diagnostic.help("import the file that declares it, or check the spelling"),
        }
    }

    /// Whether `ty` is, through typedefs, a pointer or an array.
    fn is_pointer_like(&mut self, ty: &Type) -> bool {
        matches!(
            self.resolve_now(ty),
            Type::Pointer { .. } | Type::Array { .. } | Type::Error
        )
    }

    /// `ty` without typedefs, lowering them as needed.
    fn resolve_now(&mut self, ty: &Type) -> Type {
        let mut ty = ty.clone();
        for _ in 0..64 {
            let Type::Named(id) = ty else { break };
            self.lower(id);
            match &self.items[id].kind {
                ItemKind::Alias(alias) => ty = alias.ty.clone(),
                _ => break,
            }
        }
        ty
    }

    /// Whether `ty` is the typedef `name` or a typedef of it.
    fn is_named(&mut self, ty: &Type, name: &str) -> bool {
        let mut ty = ty.clone();
        // Bounded: a typedef cycle is reported by layout, not followed.
        for _ in 0..64 {
            let Type::Named(id) = ty else { return false };
            if self.items[id].name == name {
                return true;
            }
            self.lower(id);
            match &self.items[id].kind {
                ItemKind::Alias(alias) => ty = alias.ty.clone(),
                _ => return false,
            }
        }
        false
    }

    fn evaluate(&mut self, unit: usize, expr: &ast::Expr) -> Option<i128> {
        let result = eval::evaluate(expr, &mut Lookup { builder: self });
        self.reported(unit, result)
    }

    fn evaluate_float(&mut self, unit: usize, expr: &ast::Expr) -> Option<f64> {
        let result = eval::evaluate_float(expr, &mut Lookup { builder: self });
        self.reported(unit, result)
    }

    fn reported<T>(&mut self, unit: usize, result: Result<T, EvalError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(EvalError::At(span, message)) => {
                let at = self.span(unit, span);
                self.diagnostics
                    .push(Diagnostic::error(message).at(at, "in this constant expression"));
                None
            }
            Err(EvalError::Reported) => None,
        }
    }
}

/// Gives the evaluator the values of constants, lowering them on demand.
struct Lookup<'b, 'a> {
    builder: &'b mut Builder<'a>,
}

impl Names for Lookup<'_, '_> {
    fn constant(&mut self, name: &str) -> Result<Option<i128>, Reported> {
        if let Some(&value) = self.builder.known.get(name) {
            return Ok(Some(value));
        }
        let Some(&id) = self.builder.values.get(name) else {
            return Ok(None);
        };
        if self.builder.pending[id].1.is_some() && self.builder.lowering.contains(&id) {
            // Being lowered further up: it depends on itself (or, for an
            // enumerator, on a later one of the same enum).
            let span = self.builder.items[id].span.clone();
            let mut d = Diagnostic::error(format!("the value of `{name}` depends on itself"));
            if let Some(span) = span {
                d = d.at(span, "in this definition");
            }
            self.builder.diagnostics.push(d);
            return Err(Reported);
        }
        self.builder.lower(id);
        match &self.builder.items[id].kind {
            ItemKind::Const(Const {
                value: ConstValue::Str(_) | ConstValue::Float(_),
                ..
            }) => Ok(None),
            // Computed now, or failed and reported.
            _ => self
                .builder
                .known
                .get(name)
                .copied()
                .map(Some)
                .ok_or(Reported),
        }
    }
}

/// The tag of `struct X`, `union X` or `enum X` written without a body: a
/// reference to a type defined (or not) elsewhere.
fn tag_reference(spec: &ast::TypeSpec) -> Option<&ast::Ident> {
    match &spec.kind {
        TypeKind::Struct(ast::StructType {
            tag: Some(tag),
            members: None,
        })
        | TypeKind::Union(ast::UnionType {
            tag: Some(tag),
            body: None,
        })
        | TypeKind::Enum(ast::EnumType {
            tag: Some(tag),
            members: None,
        }) => Some(tag),
        _ => None,
    }
}

fn inline_definition(spec: &ast::TypeSpec) -> Option<(Option<&ast::Ident>, Source<'_>)> {
    match &spec.kind {
        TypeKind::Struct(s) => Some((s.tag.as_ref(), Source::Struct(s.members.as_deref()?))),
        TypeKind::Union(u) => Some((u.tag.as_ref(), Source::Union(u.body.as_ref()?))),
        TypeKind::Enum(e) => Some((e.tag.as_ref(), Source::Enum(e.members.as_deref()?))),
        _ => None,
    }
}

/// Doc comment lines, then the `helpstring`.
fn docs(docs: &ast::Docs, attributes: &Attributes) -> Vec<String> {
    let mut lines = docs.0.clone();
    if let Some(AttrArg::Expr(expr)) = attributes
        .get("helpstring")
        .and_then(|a| a.args.as_ref()?.first())
        && let ExprKind::String(text) = &expr.kind
        && !lines.iter().any(|l| l.contains(&text.value))
    {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(text.value.clone());
    }
    lines
}

/// `X` of `[call_as(X)]`.
fn call_as_target(attributes: &Attributes) -> Option<String> {
    match attributes.get("call_as")?.args.as_ref()?.first()? {
        AttrArg::Expr(ast::Expr {
            kind: ExprKind::Ident(name),
            ..
        }) => Some(name.clone()),
        AttrArg::Type(ty) => match &ty.spec.kind {
            ast::TypeKind::Named(name) if ty.derived.is_empty() => Some(name.name.name.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn uuid(attributes: &Attributes) -> Option<ast::Guid> {
    match attributes.get("uuid")?.args.as_ref()?.first()? {
        AttrArg::Uuid(guid, _) => Some(*guid),
        AttrArg::Expr(ast::Expr {
            kind: ExprKind::String(text),
            ..
        }) => ast::Guid::parse(&text.value),
        _ => None,
    }
}

/// The IDL base type spelt `words`.
fn prim(words: &str) -> Option<Type> {
    let unsigned = words.starts_with("unsigned");
    let core = words
        .trim_start_matches("unsigned")
        .trim_start_matches("signed")
        .trim();
    let core = core.strip_suffix(" int").unwrap_or(core);
    let pick = |s: Prim, u: Prim| Some(Type::Prim(if unsigned { u } else { s }));
    match core {
        "" | "int" | "long" | "__int32" => pick(Prim::I32, Prim::U32),
        "char" | "small" | "__int8" => pick(Prim::I8, Prim::U8),
        "short" | "__int16" => pick(Prim::I16, Prim::U16),
        "long long" | "hyper" | "__int64" => pick(Prim::I64, Prim::U64),
        "__int3264" => pick(Prim::ISize, Prim::USize),
        "void" => Some(Type::Void),
        "boolean" => Some(Type::Prim(Prim::Boolean)),
        "byte" => Some(Type::Prim(Prim::U8)),
        "float" => Some(Type::Prim(Prim::F32)),
        "double" | "long double" => Some(Type::Prim(Prim::F64)),
        "wchar_t" => Some(Type::Prim(Prim::WChar)),
        "error_status_t" => Some(Type::Prim(Prim::U32)),
        "handle_t" => Some(Type::pointer(Type::Void, false)),
        _ => None,
    }
}

/// Every identifier an attribute expression reads.
fn idents(expr: &ast::Expr, f: &mut dyn FnMut(&str, ast::Span)) {
    match &expr.kind {
        ExprKind::Ident(name) if name != "*" => f(name, expr.span),
        ExprKind::Unary(_, e) | ExprKind::SizeofExpr(e) | ExprKind::Cast(_, e) => idents(e, f),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            idents(a, f);
            idents(b, f);
        }
        ExprKind::Conditional(a, b, c) => {
            idents(a, f);
            idents(b, f);
            idents(c, f);
        }
        ExprKind::Member(e, _, _) => idents(e, f),
        _ => {}
    }
}

/// `n` or `*n` where `n` is a parameter.
fn extent(expr: &ast::Expr, params: &[Param]) -> Option<Extent> {
    let (name, deref) = match &expr.kind {
        ExprKind::Ident(name) => (name, false),
        ExprKind::Unary(ast::UnaryOp::Deref, inner) => match &inner.kind {
            ExprKind::Ident(name) => (name, true),
            _ => return None,
        },
        _ => return None,
    };
    let param = params.iter().position(|p| &p.name == name)?;
    Some(Extent { param, deref })
}

/// Bits to be combined: every value is zero, a power of two, or a union of
/// the powers of two listed; and they are not simply 0, 1, 2, ...
fn looks_like_flags(members: &[Enumerator]) -> bool {
    let values: Vec<u64> = members.iter().map(|m| m.value as u32 as u64).collect();
    let singles = values
        .iter()
        .filter(|v| v.is_power_of_two())
        .fold(0u64, |acc, v| acc | v);
    let mut distinct: Vec<u64> = values.iter().copied().filter(|&v| v != 0).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let contiguous =
        distinct.windows(2).all(|w| w[1] == w[0] + 1) && distinct.first().is_some_and(|&f| f <= 1);
    distinct.iter().filter(|v| v.is_power_of_two()).count() >= 3
        && !contiguous
        && distinct.iter().all(|v| v & !singles == 0)
}

/// A Rust module name for an IDL file: its stem in lower case, made an
/// identifier and unique in the run.
fn module_name(path: &std::path::Path, taken: &mut HashSet<String>) -> String {
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().to_lowercase());
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    let mut unique = name.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{name}_{n}");
        n += 1;
    }
    unique
}
