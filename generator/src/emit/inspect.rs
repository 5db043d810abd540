//! `comidl inspect --json`: a file's own declarations as JSON.
//!
//! The schema is documented in `docs/inspect-json.md` and versioned by the
//! `schema` field; fields are only ever added. Declarations appear in source
//! order within each list; `container` says where a nested one stands.
//! Each declaration is described as written, plus what the semantic model
//! makes of it (vtables, resolved types, values, layouts).

use std::collections::HashMap;

use serde::Serialize;

use crate::diagnostic::display_path;
use crate::model::{self, Arch, ConstValue, Direction, ItemId, ItemKind, Model, Prim, Type};
use crate::syntax::ast::*;
use crate::syntax::display::type_text;
use crate::syntax::load::Unit;

pub const SCHEMA: &str = "comidl-inspect/1";

#[derive(Serialize, Default)]
pub struct Inspection {
    pub schema: &'static str,
    pub file: String,
    pub imports: Vec<ImportJson>,
    pub importlibs: Vec<String>,
    pub interfaces: Vec<InterfaceJson>,
    pub dispinterfaces: Vec<DispinterfaceJson>,
    pub coclasses: Vec<ClassJson>,
    pub runtimeclasses: Vec<ClassJson>,
    pub libraries: Vec<ContainerJson>,
    pub modules: Vec<ContainerJson>,
    pub namespaces: Vec<ContainerJson>,
    pub enums: Vec<EnumJson>,
    pub structs: Vec<RecordJson>,
    pub unions: Vec<RecordJson>,
    pub typedefs: Vec<TypedefJson>,
    pub constants: Vec<ConstJson>,
    pub functions: Vec<MethodJson>,
    pub delegates: Vec<MethodJson>,
    pub cpp_quotes: Vec<String>,
}

#[derive(Serialize)]
pub struct ImportJson {
    pub name: String,
    /// The file it resolved to, `null` when not found.
    pub path: Option<String>,
}

#[derive(Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
pub struct AttributeJson {
    pub name: String,
    /// `null` for an attribute written without parentheses.
    pub args: Option<Vec<String>>,
}

#[derive(Serialize)]
pub struct InterfaceJson {
    pub name: String,
    pub container: Option<String>,
    pub position: Position,
    /// `false` for a forward declaration (`interface IFoo;`).
    pub defined: bool,
    pub iid: Option<String>,
    pub base: Option<String>,
    pub requires: Vec<String>,
    pub generic_params: Vec<String>,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    pub methods: Vec<MethodJson>,
    /// Every slot, bases first; `null` for a forward declaration or an RPC
    /// interface.
    pub vtable: Option<Vec<SlotJson>>,
}

#[derive(Serialize)]
pub struct SlotJson {
    pub slot: usize,
    /// The name C headers give it (`get_Name` for a `[propget]`).
    pub method: String,
    /// The interface declaring it.
    pub interface: String,
}

#[derive(Serialize)]
pub struct MethodJson {
    pub name: String,
    pub return_type: String,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    pub params: Vec<ParamJson>,
    pub resolved_return_type: Option<String>,
}

#[derive(Serialize)]
pub struct ParamJson {
    pub name: Option<String>,
    /// The type as C writes it, without the name.
    #[serde(rename = "type")]
    pub ty: String,
    pub attributes: Vec<AttributeJson>,
    /// The type with every typedef followed (see [`resolved_c`]).
    pub resolved_type: Option<String>,
    pub direction: Option<&'static str>,
}

#[derive(Serialize)]
pub struct DispinterfaceJson {
    pub name: String,
    pub container: Option<String>,
    pub position: Position,
    pub defined: bool,
    pub uuid: Option<String>,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    /// For `dispinterface D { interface I; }`.
    pub interface: Option<String>,
    pub properties: Vec<FieldJson>,
    pub methods: Vec<MethodJson>,
}

#[derive(Serialize)]
pub struct ClassJson {
    pub name: String,
    pub container: Option<String>,
    pub position: Position,
    pub defined: bool,
    pub uuid: Option<String>,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    pub members: Vec<ClassMemberJson>,
}

#[derive(Serialize)]
pub struct ClassMemberJson {
    pub name: String,
    pub dispinterface: bool,
    pub attributes: Vec<AttributeJson>,
}

#[derive(Serialize)]
pub struct ContainerJson {
    pub name: String,
    pub container: Option<String>,
    pub position: Position,
    pub uuid: Option<String>,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
}

#[derive(Serialize)]
pub struct EnumJson {
    /// The tag, or the first typedef name of an anonymous enum.
    pub name: Option<String>,
    pub container: Option<String>,
    pub position: Position,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    pub members: Vec<EnumeratorJson>,
}

#[derive(Serialize)]
pub struct EnumeratorJson {
    pub name: String,
    /// The value expression as written, `null` when implicit.
    pub value: Option<String>,
    pub attributes: Vec<AttributeJson>,
    pub evaluated: Option<i64>,
}

#[derive(Serialize)]
pub struct RecordJson {
    pub name: Option<String>,
    pub container: Option<String>,
    pub position: Position,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    /// For an encapsulated union: `switch (type name)`.
    pub switch: Option<ParamJson>,
    pub fields: Vec<FieldJson>,
    pub layout: Option<LayoutJson>,
}

/// Size and alignment in bytes on each target.
#[derive(Serialize)]
pub struct LayoutJson {
    pub x64: SizeJson,
    pub x86: SizeJson,
}

#[derive(Serialize)]
pub struct SizeJson {
    pub size: u64,
    pub align: u64,
}

#[derive(Serialize)]
pub struct FieldJson {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    /// `case` labels of a union arm as written; `"default"` for default.
    pub cases: Vec<String>,
    pub bit_width: Option<String>,
}

#[derive(Serialize)]
pub struct TypedefJson {
    pub name: String,
    pub container: Option<String>,
    pub position: Position,
    #[serde(rename = "type")]
    pub ty: String,
    pub attributes: Vec<AttributeJson>,
    pub docs: Vec<String>,
    pub resolved_type: Option<String>,
}

#[derive(Serialize)]
pub struct ConstJson {
    pub name: String,
    pub container: Option<String>,
    pub position: Position,
    #[serde(rename = "type")]
    pub ty: String,
    pub value: String,
    pub docs: Vec<String>,
    pub evaluated: Option<EvaluatedJson>,
}

/// A constant's value: a JSON number or string.
#[derive(Serialize)]
#[serde(untagged)]
pub enum EvaluatedJson {
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

/// Describes `unit`'s own declarations; `model` is built from `unit` and
/// its imports, `unit` first.
pub fn inspect(unit: &Unit, model: &Model) -> Inspection {
    let mut out = Inspection {
        schema: SCHEMA,
        file: display_path(&unit.path),
        imports: unit
            .imports
            .iter()
            .map(|i| ImportJson {
                name: i.literal.value.clone(),
                path: i.path.as_deref().map(display_path),
            })
            .collect(),
        ..Inspection::default()
    };
    // Enumerator names are global in MIDL (the model rejects a second
    // one), so a name finds its value even in an anonymous enum.
    let mut enumerators = HashMap::new();
    for item in &model.items {
        if let ItemKind::Enum(e) = &item.kind {
            for member in &e.members {
                enumerators
                    .entry(member.name.as_str())
                    .or_insert(member.value);
            }
        }
    }
    let mut walker = Walker {
        unit,
        model,
        enumerators,
        modelled: true,
        out: &mut out,
    };
    walker.items(&unit.ast.items, None);
    out
}

struct Walker<'a> {
    unit: &'a Unit,
    model: &'a Model,
    enumerators: HashMap<&'a str, i64>,
    /// `false` inside a WinRT namespace, which the model leaves out: a name
    /// there may mean something else at file scope.
    modelled: bool,
    out: &'a mut Inspection,
}

impl Walker<'_> {
    /// The model's item for a name declared where the walk stands.
    fn lookup(&self, name: &str) -> Option<ItemId> {
        self.model.lookup(name).filter(|_| self.modelled)
    }

    fn vtable_json(&self, id: ItemId) -> Vec<SlotJson> {
        self.model
            .vtable(id)
            .into_iter()
            .enumerate()
            .map(|(slot, (owner, method))| SlotJson {
                slot,
                method: method.name.clone(),
                interface: self.model.items[owner].name.clone(),
            })
            .collect()
    }

    /// The size and alignment of the struct or union `name` denotes (the
    /// tag, or a typedef of it, maybe of a pointer to it).
    fn layout_json(&self, name: Option<&str>) -> Option<LayoutJson> {
        let named = Type::Named(self.lookup(name?)?);
        let mut ty = self.model.resolve(&named, &|_| false);
        while let Type::Pointer { to: inner, .. } | Type::Array { of: inner, .. } = ty {
            ty = self.model.resolve(inner, &|_| false);
        }
        let Type::Named(id) = ty else { return None };
        let ItemKind::Record(record) = &self.model.items[*id].kind else {
            return None;
        };
        let size = |arch| {
            let layout = record.layout_on(arch);
            SizeJson {
                size: layout.size,
                align: layout.align,
            }
        };
        Some(LayoutJson {
            x64: size(Arch::X64),
            x86: size(Arch::X86),
        })
    }

    fn method_json(&self, method: Method<'_>, lowered: Option<&model::Method>) -> MethodJson {
        let params = method
            .params
            .iter()
            .enumerate()
            // The model leaves out only `...`, which is last: the others
            // keep their index.
            .map(|(i, p)| self.param_json(p, lowered.and_then(|m| m.signature.params.get(i))))
            .collect();
        MethodJson {
            name: method.name().map(|n| n.name.clone()).unwrap_or_default(),
            return_type: method.return_type().to_string(),
            attributes: attributes_json(&method.declaration.attributes),
            docs: method.declaration.docs.0.clone(),
            params,
            resolved_return_type: lowered.map(|m| resolved_c(self.model, &m.signature.ret)),
        }
    }

    fn param_json(&self, param: &Param, lowered: Option<&model::Param>) -> ParamJson {
        let (name, ty, attributes) = match param {
            Param::Ellipsis(_) => (None, "...".into(), Vec::new()),
            Param::Named {
                attributes,
                spec,
                declarator,
                ..
            } => (
                declarator.name.as_ref().map(|n| n.name.clone()),
                type_text(spec, &declarator.derived, None),
                attributes_json(attributes),
            ),
        };
        ParamJson {
            name,
            ty,
            attributes,
            resolved_type: lowered.map(|p| resolved_c(self.model, &p.ty)),
            direction: lowered.map(|p| match p.dir {
                Direction::In => "in",
                Direction::Out => "out",
                Direction::InOut => "in_out",
            }),
        }
    }

    fn position(&self, span: Span) -> Position {
        let place = self
            .unit
            .preprocessed
            .span(span.start as usize, span.end as usize);
        let (line, column) = place.file.line_col(place.start);
        Position { line, column }
    }

    fn items(&mut self, items: &[Item], container: Option<&str>) {
        for item in items {
            self.item(item, container);
        }
    }

    fn item(&mut self, item: &Item, container: Option<&str>) {
        let container_name = container.map(str::to_string);
        match item {
            Item::Import(_) | Item::Pragma(_) | Item::ApiContract(_) | Item::Declare(_) => {}
            Item::ImportLib(lib) => self.out.importlibs.push(lib.value.clone()),
            Item::CppQuote(text) => self.out.cpp_quotes.push(text.value.clone()),
            Item::Interface(interface) => {
                let body = interface.body.as_ref();
                // A forward declaration has no vtable of its own.
                let id = body.and_then(|_| self.lookup(&interface.name.name));
                let lowered = id.and_then(|id| self.model.interface(id));
                // Plain RPC interfaces are called as functions, not through
                // a vtable.
                let vtable = id
                    .filter(|_| lowered.is_some_and(|l| l.object))
                    .map(|id| self.vtable_json(id));
                // The model lowers every method written, in order.
                let methods = interface
                    .methods()
                    .enumerate()
                    .map(|(i, m)| self.method_json(m, lowered.and_then(|l| l.methods.get(i))))
                    .collect();
                self.out.interfaces.push(InterfaceJson {
                    name: interface.name.name.clone(),
                    container: container_name,
                    position: self.position(interface.span),
                    defined: body.is_some(),
                    iid: guid_of(&interface.attributes, "uuid"),
                    base: body.and_then(|b| b.base.as_ref()).map(ToString::to_string),
                    requires: body
                        .map(|b| b.requires.iter().map(ToString::to_string).collect())
                        .unwrap_or_default(),
                    generic_params: interface
                        .generic_params
                        .iter()
                        .map(|p| p.name.clone())
                        .collect(),
                    attributes: attributes_json(&interface.attributes),
                    docs: interface.docs.0.clone(),
                    methods,
                    vtable,
                });
                if let Some(body) = body {
                    let inner = format!("interface {}", interface.name);
                    for item in &body.items {
                        // Methods were listed above; everything else in the
                        // body is a declaration at file scope, as in C.
                        if !matches!(item, Item::Declaration(d) if Method::from_declaration(d).is_some())
                        {
                            self.item(item, Some(&inner));
                        }
                    }
                }
            }
            Item::Dispinterface(disp) => {
                let (interface, properties, methods) = match &disp.body {
                    Some(DispinterfaceBody::Of(name)) => (Some(name.to_string()), vec![], vec![]),
                    Some(DispinterfaceBody::Sections {
                        properties,
                        methods,
                    }) => (
                        None,
                        properties.iter().flat_map(fields_json).collect(),
                        methods
                            .iter()
                            .filter_map(Method::from_declaration)
                            .map(|m| self.method_json(m, None))
                            .collect(),
                    ),
                    None => (None, vec![], vec![]),
                };
                self.out.dispinterfaces.push(DispinterfaceJson {
                    name: disp.name.name.clone(),
                    container: container_name,
                    position: self.position(disp.span),
                    defined: disp.body.is_some(),
                    uuid: guid_of(&disp.attributes, "uuid"),
                    attributes: attributes_json(&disp.attributes),
                    docs: disp.docs.0.clone(),
                    interface,
                    properties,
                    methods,
                });
            }
            Item::Coclass(class) => {
                let json = self.class_json(class, container_name);
                self.out.coclasses.push(json);
            }
            Item::RuntimeClass(class) => {
                let json = self.class_json(class, container_name);
                self.out.runtimeclasses.push(json);
            }
            Item::Library(scope) => self.scope(scope, "library", container_name),
            Item::Module(scope) => self.scope(scope, "module", container_name),
            Item::Namespace(scope) => self.scope(scope, "namespace", container_name),
            Item::Delegate(delegate) => self.out.delegates.push(MethodJson {
                name: delegate.name.name.clone(),
                return_type: delegate.return_type.to_string(),
                attributes: attributes_json(&delegate.attributes),
                docs: delegate.docs.0.clone(),
                params: delegate
                    .params
                    .iter()
                    .map(|p| self.param_json(p, None))
                    .collect(),
                resolved_return_type: None,
            }),
            Item::Typedef(typedef) => {
                let first_name = typedef.declarators.first().and_then(|d| d.name.as_ref());
                self.type_definitions(
                    &typedef.spec,
                    &typedef.attributes,
                    &typedef.docs,
                    first_name,
                    typedef.span,
                    container,
                );
                for declarator in &typedef.declarators {
                    let Some(name) = &declarator.name else {
                        continue;
                    };
                    self.out.typedefs.push(TypedefJson {
                        name: name.name.clone(),
                        container: container_name.clone(),
                        position: self.position(name.span),
                        ty: type_text(&typedef.spec, &declarator.derived, None),
                        attributes: attributes_json(&typedef.attributes),
                        docs: typedef.docs.0.clone(),
                        resolved_type: self
                            .lookup(&name.name)
                            .map(|id| resolved_c(self.model, &Type::Named(id))),
                    });
                }
            }
            Item::Const(constant) => {
                let name = constant.declarator.name.as_ref().map(|n| n.name.clone());
                let evaluated = name.as_deref().and_then(|n| self.const_json(n));
                self.out.constants.push(ConstJson {
                    name: name.unwrap_or_default(),
                    container: container_name,
                    position: self.position(constant.span),
                    ty: type_text(&constant.spec, &constant.declarator.derived, None),
                    value: constant.value.to_string(),
                    docs: constant.docs.0.clone(),
                    evaluated,
                });
            }
            Item::Declaration(declaration) => {
                if let Some(method) = Method::from_declaration(declaration) {
                    // Functions outside interfaces are not modelled.
                    let json = self.method_json(method, None);
                    self.out.functions.push(json);
                } else {
                    self.type_definitions(
                        &declaration.spec,
                        &declaration.attributes,
                        &declaration.docs,
                        None,
                        declaration.span,
                        container,
                    );
                }
            }
        }
    }

    /// Records the struct, union or enum that `spec` defines, if it has a body.
    fn type_definitions(
        &mut self,
        spec: &TypeSpec,
        attributes: &Attributes,
        docs: &Docs,
        typedef_name: Option<&Ident>,
        span: Span,
        container: Option<&str>,
    ) {
        let name_of = |tag: &Option<Ident>| tag.as_ref().or(typedef_name).map(|n| n.name.clone());
        let position = self.position(span);
        let container = container.map(str::to_string);
        let attributes = attributes_json(attributes);
        let docs = docs.0.clone();
        match &spec.kind {
            TypeKind::Enum(EnumType {
                tag,
                members: Some(members),
            }) => self.out.enums.push(EnumJson {
                name: name_of(tag),
                container,
                position,
                attributes,
                docs,
                members: members
                    .iter()
                    .map(|m| EnumeratorJson {
                        name: m.name.name.clone(),
                        value: m.value.as_ref().map(ToString::to_string),
                        attributes: attributes_json(&m.attributes),
                        evaluated: self
                            .enumerators
                            .get(m.name.name.as_str())
                            .copied()
                            .filter(|_| self.modelled),
                    })
                    .collect(),
            }),
            TypeKind::Struct(StructType {
                tag,
                members: Some(members),
            }) => {
                let name = name_of(tag);
                let layout = self.layout_json(name.as_deref());
                self.out.structs.push(RecordJson {
                    name,
                    container,
                    position,
                    attributes,
                    docs,
                    switch: None,
                    fields: members.iter().flat_map(fields_json).collect(),
                    layout,
                });
            }
            TypeKind::Union(UnionType {
                tag,
                body: Some(body),
            }) => {
                let (switch, fields) = match body {
                    UnionBody::Plain(members) => {
                        (None, members.iter().flat_map(fields_json).collect())
                    }
                    UnionBody::Encapsulated {
                        discriminant_type,
                        discriminant,
                        arms,
                        ..
                    } => (
                        Some(ParamJson {
                            name: Some(discriminant.name.clone()),
                            ty: discriminant_type.to_string(),
                            attributes: Vec::new(),
                            resolved_type: None,
                            direction: None,
                        }),
                        arms.iter().flat_map(arm_fields).collect(),
                    ),
                };
                let name = name_of(tag);
                let layout = self.layout_json(name.as_deref());
                self.out.unions.push(RecordJson {
                    name,
                    container,
                    position,
                    attributes,
                    docs,
                    switch,
                    fields,
                    layout,
                });
            }
            _ => {}
        }
    }

    fn class_json(&self, class: &Class, container: Option<String>) -> ClassJson {
        ClassJson {
            name: class.name.name.clone(),
            container,
            position: self.position(class.span),
            defined: class.members.is_some(),
            uuid: guid_of(&class.attributes, "uuid"),
            attributes: attributes_json(&class.attributes),
            docs: class.docs.0.clone(),
            members: class
                .members
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|m| ClassMemberJson {
                    name: m.name.to_string(),
                    dispinterface: m.dispinterface,
                    attributes: attributes_json(&m.attributes),
                })
                .collect(),
        }
    }

    /// Lists a library, module or namespace, then what it holds.
    fn scope(&mut self, scope: &Scope, kind: &str, container: Option<String>) {
        let json = ContainerJson {
            name: scope.name.name.clone(),
            container,
            position: self.position(scope.span),
            uuid: guid_of(&scope.attributes, "uuid"),
            attributes: attributes_json(&scope.attributes),
            docs: scope.docs.0.clone(),
        };
        match kind {
            "library" => self.out.libraries.push(json),
            "module" => self.out.modules.push(json),
            _ => self.out.namespaces.push(json),
        }
        let modelled = self.modelled;
        self.modelled &= kind != "namespace";
        self.items(&scope.items, Some(&format!("{kind} {}", scope.name)));
        self.modelled = modelled;
    }

    fn const_json(&self, name: &str) -> Option<EvaluatedJson> {
        let ItemKind::Const(constant) = &self.model.items[self.lookup(name)?].kind else {
            return None;
        };
        Some(match &constant.value {
            // No IDL type holds a wider value (the evaluator's `i128` can):
            // `null` rather than a number JSON readers would round.
            ConstValue::Int(v) => match (i64::try_from(*v), u64::try_from(*v)) {
                (Ok(v), _) => EvaluatedJson::Int(v),
                (_, Ok(v)) => EvaluatedJson::UInt(v),
                _ => return None,
            },
            ConstValue::Float(v) => EvaluatedJson::Float(*v),
            ConstValue::Str(v) => EvaluatedJson::Str(v.clone()),
        })
    }
}

/// `ty` as C writes it (without a name) with every typedef followed, at
/// every level: `LPWSTR *` is `wchar_t **`.
fn resolved_c(model: &Model, ty: &Type) -> String {
    spell(model, ty, String::new(), false)
}

/// C declarators read inside out: `inner` is what stands between the base
/// type and the (absent) name so far; `is_const` qualifies `ty` itself.
fn spell(model: &Model, ty: &Type, inner: String, is_const: bool) -> String {
    let base = match model.resolve(ty, &|_| false) {
        Type::Pointer { to, to_const } => {
            let star = if is_const { "*const" } else { "*" };
            let inner = match (inner.is_empty(), is_const) {
                (true, _) => star.to_string(),
                (false, true) => format!("{star} {inner}"),
                (false, false) => format!("{star}{inner}"),
            };
            let to_be_wrapped = matches!(
                model.resolve(to, &|_| false),
                Type::Array { .. } | Type::Function(_)
            );
            let inner = if to_be_wrapped {
                format!("({inner})")
            } else {
                inner
            };
            return spell(model, to, inner, *to_const);
        }
        Type::Array { of, len } => {
            let len = len.map_or_else(String::new, |n| n.to_string());
            return spell(model, of, format!("{inner}[{len}]"), is_const);
        }
        Type::Function(signature) => {
            let mut params: Vec<String> = signature
                .params
                .iter()
                .map(|p| resolved_c(model, &p.ty))
                .collect();
            if signature.variadic {
                params.push("...".into());
            } else if params.is_empty() {
                params.push("void".into());
            }
            let inner = format!("{inner}({})", params.join(", "));
            return spell(model, &signature.ret, inner, false);
        }
        Type::Void => "void".to_string(),
        Type::Prim(prim) => prim_c(*prim).to_string(),
        Type::Named(id) => {
            let item = &model.items[*id];
            let keyword = match &item.kind {
                ItemKind::Record(record) if record.union => "union",
                ItemKind::Record(_) => "struct",
                ItemKind::Enum(_) => "enum",
                // An interface; or a typedef when a cycle stopped `resolve`.
                _ => "",
            };
            match (keyword, item.name.as_str()) {
                ("", name) => name.to_string(),
                // `typedef enum {...} *PE;` leaves the enum without a name.
                (keyword, "") => keyword.to_string(),
                (keyword, name) => format!("{keyword} {name}"),
            }
        }
        // Only after an error, and then nothing is printed.
        Type::Error => "?".to_string(),
    };
    let base = if is_const {
        format!("const {base}")
    } else {
        base
    };
    if inner.is_empty() {
        base
    } else {
        format!("{base} {inner}")
    }
}

/// One spelling per size: `int` is 32 bits on every C compiler, `long` not.
fn prim_c(prim: Prim) -> &'static str {
    match prim {
        Prim::I8 => "signed char",
        Prim::U8 => "unsigned char",
        Prim::I16 => "short",
        Prim::U16 => "unsigned short",
        Prim::I32 => "int",
        Prim::U32 => "unsigned int",
        Prim::I64 => "long long",
        Prim::U64 => "unsigned long long",
        Prim::ISize => "__int3264",
        Prim::USize => "unsigned __int3264",
        Prim::F32 => "float",
        Prim::F64 => "double",
        Prim::Boolean => "boolean",
        Prim::WChar => "wchar_t",
    }
}

fn guid_of(attributes: &Attributes, name: &str) -> Option<String> {
    match attributes.get(name)?.args.as_deref()? {
        [AttrArg::Uuid(guid, _)] => Some(guid.to_string()),
        [
            AttrArg::Expr(Expr {
                kind: ExprKind::String(literal),
                ..
            }),
        ] => Guid::parse(&literal.value).map(|g| g.to_string()),
        _ => None,
    }
}

fn attributes_json(attributes: &Attributes) -> Vec<AttributeJson> {
    attributes
        .iter()
        .map(|a| AttributeJson {
            name: a.name.name.clone(),
            args: a
                .args
                .as_ref()
                .map(|args| args.iter().map(ToString::to_string).collect()),
        })
        .collect()
}

fn fields_json(declaration: &Declaration) -> Vec<FieldJson> {
    let field = |declarator: Option<&Declarator>| FieldJson {
        name: declarator
            .and_then(|d| d.name.as_ref())
            .map(|n| n.name.clone()),
        ty: type_text(
            &declaration.spec,
            declarator.map_or(&[], |d| d.derived.as_slice()),
            None,
        ),
        attributes: attributes_json(&declaration.attributes),
        docs: declaration.docs.0.clone(),
        cases: Vec::new(),
        bit_width: declarator
            .and_then(|d| d.bit_width.as_ref())
            .map(ToString::to_string),
    };
    if declaration.declarators.is_empty() {
        // An anonymous struct or union member, or an empty union arm.
        vec![field(None)]
    } else {
        declaration
            .declarators
            .iter()
            .map(|d| field(Some(d)))
            .collect()
    }
}

fn arm_fields(arm: &UnionArm) -> Vec<FieldJson> {
    let cases: Vec<String> = arm
        .cases
        .iter()
        .map(|c| c.as_ref().map_or("default".into(), ToString::to_string))
        .collect();
    let mut fields = match &arm.member {
        Some(member) => fields_json(member),
        None => vec![FieldJson {
            name: None,
            ty: "void".into(),
            attributes: Vec::new(),
            docs: Vec::new(),
            cases: Vec::new(),
            bit_width: None,
        }],
    };
    for field in &mut fields {
        field.cases = cases.clone();
    }
    fields
}

/// A short human-readable outline: one line per declaration.
pub fn outline(inspection: &Inspection) -> String {
    let mut lines = vec![format!("{}:", inspection.file)];
    let mut push = |kind: &str, name: &str, extra: String| {
        lines.push(format!("  {kind} {name}{extra}"));
    };
    for i in &inspection.imports {
        push("import", &i.name, String::new());
    }
    for i in &inspection.interfaces {
        let base = i
            .base
            .as_ref()
            .map(|b| format!(" : {b}"))
            .unwrap_or_default();
        let methods = match (&i.vtable, i.defined) {
            (Some(vtable), _) => format!(
                " ({} methods, {} vtable slots)",
                i.methods.len(),
                vtable.len()
            ),
            (None, true) => format!(" ({} methods)", i.methods.len()),
            (None, false) => " (forward)".into(),
        };
        push("interface", &i.name, format!("{base}{methods}"));
    }
    for d in &inspection.dispinterfaces {
        push("dispinterface", &d.name, String::new());
    }
    for c in &inspection.coclasses {
        push("coclass", &c.name, String::new());
    }
    for c in &inspection.runtimeclasses {
        push("runtimeclass", &c.name, String::new());
    }
    for l in &inspection.libraries {
        push("library", &l.name, String::new());
    }
    for m in &inspection.modules {
        push("module", &m.name, String::new());
    }
    for e in &inspection.enums {
        let name = e.name.as_deref().unwrap_or("(anonymous)");
        push("enum", name, format!(" ({} values)", e.members.len()));
    }
    for s in &inspection.structs {
        push(
            "struct",
            s.name.as_deref().unwrap_or("(anonymous)"),
            String::new(),
        );
    }
    for u in &inspection.unions {
        push(
            "union",
            u.name.as_deref().unwrap_or("(anonymous)"),
            String::new(),
        );
    }
    for t in &inspection.typedefs {
        push("typedef", &t.name, format!(" = {}", t.ty));
    }
    for c in &inspection.constants {
        push("const", &c.name, format!(" = {}", c.value));
    }
    lines.push(String::new());
    lines.join("\n")
}
