//! From preprocessed text to [`ast::File`], through the pest grammar in
//! `idl.pest`.
//!
//! pest checks the shape; this module builds the tree and reports what the
//! grammar cannot say well: malformed GUIDs, nesting too deep to be real.

use pest::Parser as _;
use pest::iterators::Pair;

use crate::diagnostic::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::preprocess::Preprocessed;
use crate::syntax::preprocess::expr::escape_value;

mod errors;

#[derive(pest_derive::Parser)]
#[grammar = "syntax/idl.pest"]
struct IdlParser;

/// Nesting deeper than this (parentheses, declarators, bodies) is refused
/// before it can exhaust the stack; real files stay far below it.
const MAX_DEPTH: usize = 200;

/// Parses one preprocessed file. On a syntax error the tree is empty and the
/// diagnostics say where and why.
pub fn parse(pre: &Preprocessed) -> (File, Vec<Diagnostic>) {
    let code = blank_comments(&pre.text);
    if let Some(depth_error) = check_nesting(pre, &code) {
        return (File::default(), vec![depth_error]);
    }
    match IdlParser::parse(Rule::file, &code) {
        Ok(mut pairs) => {
            let mut builder = Builder {
                text: &pre.text,
                pre,
                diagnostics: Vec::new(),
            };
            let items = pairs
                .next()
                .map(|file| builder.items(file))
                .unwrap_or_default();
            (File { items }, builder.diagnostics)
        }
        Err(error) => {
            let error = with_error_detail(&code).unwrap_or(error);
            (
                File::default(),
                vec![errors::syntax_error(pre, &code, &error)],
            )
        }
    }
}

/// Parses `code` again with pest's record of what it expected at the failure
/// (costly, so only after a failure). The switch is process-wide: the lock
/// keeps two failing threads from turning it off under each other; a
/// successful parse running meanwhile is only slower.
fn with_error_detail(code: &str) -> Option<pest::error::Error<Rule>> {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = DETAIL.lock().unwrap_or_else(|e| e.into_inner());
    pest::set_error_detail(true);
    let result = IdlParser::parse(Rule::file, code).err();
    pest::set_error_detail(false);
    result
}

/// `text` with every comment turned into spaces, line breaks kept, so byte
/// offsets stay those of `text`. The grammar then never sees a comment.
fn blank_comments(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = find(&bytes, i + 2, b"*/").map_or(bytes.len(), |e| e + 2);
                blank(&mut bytes[i..end]);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = find(&bytes, i, b"\n").unwrap_or(bytes.len());
                blank(&mut bytes[i..end]);
                i = end;
            }
            b'"' | b'\'' => i = literal_end(&bytes, i),
            _ => i += 1,
        }
    }
    // Only whole comments, including any multi-byte characters in them,
    // became ASCII spaces, so the bytes are still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn blank(bytes: &mut [u8]) {
    for byte in bytes.iter_mut().filter(|b| **b != b'\n') {
        *byte = b' ';
    }
}

/// Refuses brackets nested deeper than [`MAX_DEPTH`] (outside literals; `code`
/// has no comments), with an error at the first bracket too deep.
fn check_nesting(pre: &Preprocessed, code: &str) -> Option<Diagnostic> {
    let bytes = code.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                i = literal_end(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(
                        Diagnostic::error(format!("brackets nested more than {MAX_DEPTH} deep"))
                            .at(pre.span(i, i + 1), "too deep here")
                            .help("simplify the expression or declaration"),
                    );
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset just past the string or character literal that starts at
/// `start` (a literal left open ends at the line's end).
fn literal_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

struct Builder<'a> {
    text: &'a str,
    pre: &'a Preprocessed,
    diagnostics: Vec<Diagnostic>,
}

fn span_of(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident {
        span: span_of(&pair),
        name: pair.as_str().to_string(),
    }
}

/// Children that carry meaning: keywords are only markers.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_apicontract
            | Rule::kw_case
            | Rule::kw_coclass
            | Rule::kw_const
            | Rule::kw_cpp_quote
            | Rule::kw_declare
            | Rule::kw_delegate
            | Rule::kw_dispinterface
            | Rule::kw_enum
            | Rule::kw_import
            | Rule::kw_importlib
            | Rule::kw_interface
            | Rule::kw_library
            | Rule::kw_methods
            | Rule::kw_midl_pragma
            | Rule::kw_module
            | Rule::kw_namespace
            | Rule::kw_properties
            | Rule::kw_requires
            | Rule::kw_runtimeclass
            | Rule::kw_safearray
            | Rule::kw_sizeof
            | Rule::kw_struct
            | Rule::kw_switch
            | Rule::kw_typedef
            | Rule::kw_union
    )
}

impl Builder<'_> {
    // ------------------------------------------------------------ items

    fn items(&mut self, pair: Pair<Rule>) -> Vec<Item> {
        pair.into_inner().filter_map(|p| self.item(p)).collect()
    }

    fn item(&mut self, pair: Pair<Rule>) -> Option<Item> {
        let span = span_of(&pair);
        Some(match pair.as_rule() {
            Rule::import => Item::Import(Import {
                files: children(pair).map(|s| self.string(s)).collect(),
                span,
            }),
            Rule::importlib => Item::ImportLib(self.string(children(pair).next()?)),
            Rule::cpp_quote => Item::CppQuote(self.strings(children(pair).next()?)),
            Rule::pragma | Rule::midl_pragma => Item::Pragma(Literal {
                value: pair.as_str().trim_end().to_string(),
                span,
            }),
            Rule::typedef => Item::Typedef(self.typedef(pair)),
            Rule::namespace => {
                let docs = self.docs_before(span);
                let mut inner = children(pair);
                let name = ident(inner.next()?);
                Item::Namespace(Scope {
                    docs,
                    attributes: Attributes::default(),
                    name,
                    items: inner.filter_map(|p| self.item(p)).collect(),
                    span,
                })
            }
            Rule::declare => Item::Declare(
                children(pair)
                    .filter(|p| p.as_rule() == Rule::type_name)
                    .map(|p| self.type_name(p))
                    .collect(),
            ),
            Rule::attributed_item => self.attributed_item(pair)?,
            // `;` alone, and EOI.
            _ => return None,
        })
    }

    fn attributed_item(&mut self, pair: Pair<Rule>) -> Option<Item> {
        let span = span_of(&pair);
        let docs = self.docs_before(span);
        let mut attributes = Attributes::default();
        let mut body = None;
        for child in children(pair) {
            if child.as_rule() == Rule::attributes {
                attributes = self.attributes(child);
            } else {
                body = Some(child);
            }
        }
        let body = body?;
        Some(match body.as_rule() {
            Rule::interface => Item::Interface(self.interface(body, docs, attributes, span)),
            Rule::dispinterface => {
                Item::Dispinterface(self.dispinterface(body, docs, attributes, span))
            }
            Rule::coclass | Rule::runtimeclass => {
                let rule = body.as_rule();
                let mut inner = children(body);
                let class = Class {
                    docs,
                    attributes,
                    name: ident(inner.next()?),
                    members: self.class_members(inner),
                    span,
                };
                if rule == Rule::coclass {
                    Item::Coclass(class)
                } else {
                    Item::RuntimeClass(class)
                }
            }
            Rule::library | Rule::module => {
                let rule = body.as_rule();
                let mut inner = children(body);
                let scope = Scope {
                    docs,
                    attributes,
                    name: ident(inner.next()?),
                    items: inner.filter_map(|p| self.item(p)).collect(),
                    span,
                };
                if rule == Rule::library {
                    Item::Library(scope)
                } else {
                    Item::Module(scope)
                }
            }
            Rule::apicontract => Item::ApiContract(ApiContract {
                docs,
                attributes,
                name: ident(children(body).next()?),
                span,
            }),
            Rule::delegate => {
                let mut inner = children(body);
                let return_type = self.type_spec(inner.next()?);
                let name = ident(inner.next()?);
                let mut generic_params = Vec::new();
                let mut params = Vec::new();
                for p in inner {
                    match p.as_rule() {
                        Rule::generic_params => generic_params = children(p).map(ident).collect(),
                        _ => params = self.params(p),
                    }
                }
                Item::Delegate(Delegate {
                    docs,
                    attributes,
                    return_type,
                    name,
                    generic_params,
                    params,
                    span,
                })
            }
            Rule::const_decl => {
                let mut inner = children(body);
                let spec = self.type_spec(inner.next()?);
                let declarator = self.declarator(inner.next()?);
                let value = self.expr(inner.next()?);
                Item::Const(Const {
                    docs,
                    attributes,
                    spec,
                    declarator,
                    value,
                    span,
                })
            }
            Rule::declaration => {
                let declaration = self.declaration(body, docs, attributes, span);
                self.check_item_declaration(&declaration);
                Item::Declaration(declaration)
            }
            // `[hidden] typedef ...`: the leading list joins the typedef's own.
            Rule::typedef => {
                let mut typedef = self.typedef(body);
                typedef.docs = docs;
                typedef.span = span;
                let mut all = attributes.0;
                all.append(&mut typedef.attributes.0);
                typedef.attributes = Attributes(all);
                Item::Typedef(typedef)
            }
            _ => return None,
        })
    }

    fn interface(
        &mut self,
        pair: Pair<Rule>,
        docs: Docs,
        attributes: Attributes,
        span: Span,
    ) -> Interface {
        let mut inner = children(pair);
        let name = ident(inner.next().expect("grammar: interface name"));
        let mut generic_params = Vec::new();
        let mut body = None;
        for child in inner {
            match child.as_rule() {
                Rule::generic_params => generic_params = children(child).map(ident).collect(),
                _ => body = Some(self.interface_body(child)),
            }
        }
        Interface {
            docs,
            attributes,
            name,
            generic_params,
            body,
            span,
        }
    }

    fn interface_body(&mut self, pair: Pair<Rule>) -> InterfaceBody {
        let mut body = InterfaceBody {
            base: None,
            requires: Vec::new(),
            items: Vec::new(),
        };
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::type_name => body.base = Some(self.type_name(child)),
                Rule::requires => {
                    body.requires = children(child).map(|p| self.type_name(p)).collect()
                }
                _ => body.items.extend(self.item(child)),
            }
        }
        body
    }

    fn dispinterface(
        &mut self,
        pair: Pair<Rule>,
        docs: Docs,
        attributes: Attributes,
        span: Span,
    ) -> Dispinterface {
        let mut inner = children(pair);
        let name = inner.next().map(ident).unwrap_or_else(|| Ident {
            name: String::new(),
            span,
        });
        let body = inner.next().map(|body| match body.as_rule() {
            Rule::dispinterface_of => {
                DispinterfaceBody::Of(self.type_name(children(body).next().expect("grammar")))
            }
            _ => {
                let mut properties = Vec::new();
                let mut methods = Vec::new();
                for section in children(body) {
                    let target = if section.as_rule() == Rule::properties {
                        &mut properties
                    } else {
                        &mut methods
                    };
                    target.extend(
                        children(section)
                            .filter(|p| p.as_rule() == Rule::attributed_declaration)
                            .map(|p| self.attributed_declaration(p)),
                    );
                }
                DispinterfaceBody::Sections {
                    properties,
                    methods,
                }
            }
        });
        Dispinterface {
            docs,
            attributes,
            name,
            body,
            span,
        }
    }

    /// The members of a `coclass` or `runtimeclass`; `None` for a forward
    /// declaration.
    fn class_members<'i>(
        &mut self,
        mut rest: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Option<Vec<ClassMember>> {
        let body = rest.next()?;
        let members = body
            .into_inner()
            .filter(|p| p.as_rule() == Rule::class_member)
            .map(|member| {
                let span = span_of(&member);
                let mut attributes = Attributes::default();
                let mut dispinterface = false;
                let mut name = None;
                for child in member.into_inner() {
                    match child.as_rule() {
                        Rule::attributes => attributes = self.attributes(child),
                        Rule::kw_dispinterface => dispinterface = true,
                        Rule::type_name => name = Some(self.type_name(child)),
                        _ => {}
                    }
                }
                ClassMember {
                    attributes,
                    dispinterface,
                    name: name.expect("grammar: class member has a name"),
                    span,
                }
            })
            .collect();
        Some(members)
    }

    // ------------------------------------------------------------ declarations

    fn typedef(&mut self, pair: Pair<Rule>) -> Typedef {
        let span = span_of(&pair);
        let docs = self.docs_before(span);
        let mut attributes = Attributes::default();
        let mut spec = None;
        let mut declarators = Vec::new();
        for child in children(pair) {
            match child.as_rule() {
                Rule::attributes => attributes = self.attributes(child),
                Rule::type_spec => spec = Some(self.type_spec(child)),
                _ => declarators.push(self.declarator(child)),
            }
        }
        Typedef {
            docs,
            attributes,
            spec: spec.expect("grammar: typedef has a type"),
            declarators,
            span,
        }
    }

    fn attributed_declaration(&mut self, pair: Pair<Rule>) -> Declaration {
        let span = span_of(&pair);
        let docs = self.docs_before(span);
        let mut attributes = Attributes::default();
        let mut declaration = None;
        for child in children(pair) {
            match child.as_rule() {
                Rule::attributes => attributes = self.attributes(child),
                _ => declaration = Some(child),
            }
        }
        let declaration = declaration.expect("grammar: declaration follows attributes");
        self.declaration(declaration, docs, attributes, span)
    }

    fn declaration(
        &mut self,
        pair: Pair<Rule>,
        docs: Docs,
        attributes: Attributes,
        span: Span,
    ) -> Declaration {
        let mut inner = children(pair);
        let spec = self.type_spec(inner.next().expect("grammar: declaration has a type"));
        Declaration {
            docs,
            attributes,
            spec,
            declarators: inner.map(|d| self.declarator(d)).collect(),
            span,
        }
    }

    /// Reads `pointers call_conv (inner | name) suffixes : width`, producing
    /// derivations from the name outward.
    fn declarator(&mut self, pair: Pair<Rule>) -> Declarator {
        let span = span_of(&pair);
        let mut pointers = Vec::new();
        let mut name = None;
        let mut inner_derived = Vec::new();
        let mut suffixes = Vec::new();
        let mut bit_width = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::pointer => pointers.push(Derived::Pointer(self.qualifiers(child))),
                Rule::direct_declarator => {
                    for part in child.into_inner() {
                        match part.as_rule() {
                            Rule::ident => name = Some(ident(part)),
                            Rule::declarator => {
                                let inner = self.declarator(part);
                                name = inner.name;
                                inner_derived = inner.derived;
                            }
                            _ => {}
                        }
                    }
                }
                Rule::array_suffix => suffixes.push(Derived::Array(
                    child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::expr)
                        .map(|e| self.expr(e)),
                )),
                Rule::params => suffixes.push(Derived::Function(self.params(child))),
                Rule::bit_width => {
                    bit_width = child.into_inner().next().map(|e| self.expr(e));
                }
                _ => {}
            }
        }
        pointers.reverse();
        let mut derived = inner_derived;
        derived.extend(suffixes);
        derived.extend(pointers);
        Declarator {
            name,
            derived,
            bit_width,
            span,
        }
    }

    fn qualifiers(&mut self, pair: Pair<Rule>) -> Qualifiers {
        Qualifiers(
            pair.into_inner()
                .filter(|p| p.as_rule() == Rule::type_qualifier)
                .map(|p| p.as_str().to_string())
                .collect(),
        )
    }

    fn params(&mut self, pair: Pair<Rule>) -> Vec<Param> {
        let params: Vec<Param> = pair.into_inner().map(|p| self.param(p)).collect();
        // `(void)` declares no parameters.
        match params.as_slice() {
            [
                Param::Named {
                    attributes,
                    spec:
                        TypeSpec {
                            kind: TypeKind::Base(base),
                            ..
                        },
                    declarator,
                    ..
                },
            ] if base == "void"
                && attributes.is_empty()
                && declarator.name.is_none()
                && declarator.derived.is_empty() =>
            {
                Vec::new()
            }
            _ => params,
        }
    }

    fn param(&mut self, pair: Pair<Rule>) -> Param {
        let span = span_of(&pair);
        let mut attributes = Attributes::default();
        let mut spec = None;
        let mut declarator = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::ellipsis => return Param::Ellipsis(span),
                Rule::attributes => attributes = self.attributes(child),
                Rule::type_spec => spec = Some(self.type_spec(child)),
                _ => declarator = Some(self.declarator(child)),
            }
        }
        let spec = spec.expect("grammar: parameter has a type");
        let end = span.end as usize;
        Param::Named {
            attributes,
            spec,
            declarator: declarator.unwrap_or(Declarator {
                name: None,
                derived: Vec::new(),
                bit_width: None,
                span: Span::new(end, end),
            }),
            span,
        }
    }

    // ------------------------------------------------------------ types

    fn type_spec(&mut self, pair: Pair<Rule>) -> TypeSpec {
        let span = span_of(&pair);
        let mut qualifiers = Vec::new();
        let mut kind = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::type_qualifier => qualifiers.push(child.as_str().to_string()),
                _ => kind = Some(self.type_kind(child)),
            }
        }
        TypeSpec {
            qualifiers: Qualifiers(qualifiers),
            kind: kind.expect("grammar: type has a core"),
            span,
        }
    }

    fn type_kind(&mut self, pair: Pair<Rule>) -> TypeKind {
        match pair.as_rule() {
            Rule::base_type => TypeKind::Base(
                pair.as_str()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Rule::type_name => TypeKind::Named(self.type_name(pair)),
            Rule::tagged_interface => TypeKind::Interface(
                self.type_name(children(pair).next().expect("grammar: interface name")),
            ),
            Rule::safearray => TypeKind::SafeArray(Box::new(
                self.type_ref(children(pair).next().expect("grammar: SAFEARRAY element")),
            )),
            Rule::struct_type => {
                let mut tag = None;
                let mut members = None;
                for child in children(pair) {
                    match child.as_rule() {
                        Rule::ident => tag = Some(ident(child)),
                        _ => members = Some(self.members(child)),
                    }
                }
                TypeKind::Struct(StructType { tag, members })
            }
            Rule::union_type => {
                let mut tag = None;
                let mut body = None;
                for child in children(pair) {
                    match child.as_rule() {
                        Rule::ident => tag = Some(ident(child)),
                        Rule::struct_body => body = Some(UnionBody::Plain(self.members(child))),
                        _ => body = Some(self.union_switch(child)),
                    }
                }
                TypeKind::Union(UnionType { tag, body })
            }
            Rule::enum_type => {
                let mut tag = None;
                let mut members = None;
                for child in children(pair) {
                    match child.as_rule() {
                        Rule::ident => tag = Some(ident(child)),
                        _ => {
                            members = Some(child.into_inner().map(|e| self.enumerator(e)).collect())
                        }
                    }
                }
                TypeKind::Enum(EnumType { tag, members })
            }
            other => unreachable!("grammar: unexpected type rule {other:?}"),
        }
    }

    fn members(&mut self, body: Pair<Rule>) -> Vec<Declaration> {
        body.into_inner()
            .filter_map(|member| match member.as_rule() {
                Rule::attributed_declaration => Some(self.attributed_declaration(member)),
                Rule::empty_arm => {
                    let span = span_of(&member);
                    let attributes = self.attributes(member.into_inner().next()?);
                    Some(Declaration {
                        docs: Docs::default(),
                        attributes,
                        spec: TypeSpec {
                            qualifiers: Qualifiers::default(),
                            kind: TypeKind::Base("void".into()),
                            span,
                        },
                        declarators: Vec::new(),
                        span,
                    })
                }
                _ => None,
            })
            .collect()
    }

    fn union_switch(&mut self, pair: Pair<Rule>) -> UnionBody {
        let mut inner = children(pair);
        let discriminant_type = Box::new(self.type_spec(inner.next().expect("grammar")));
        let discriminant = ident(inner.next().expect("grammar"));
        let mut union_name = None;
        let mut arms = Vec::new();
        for child in inner {
            match child.as_rule() {
                Rule::ident => union_name = Some(ident(child)),
                _ => arms.push(self.union_arm(child)),
            }
        }
        UnionBody::Encapsulated {
            discriminant_type,
            discriminant,
            union_name,
            arms,
        }
    }

    fn union_arm(&mut self, pair: Pair<Rule>) -> UnionArm {
        let span = span_of(&pair);
        let mut cases = Vec::new();
        let mut member = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::case_label => cases.push(
                    child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::expr)
                        .map(|e| self.expr(e)),
                ),
                _ => member = Some(self.attributed_declaration(child)),
            }
        }
        UnionArm {
            cases,
            member,
            span,
        }
    }

    fn enumerator(&mut self, pair: Pair<Rule>) -> Enumerator {
        let docs = self.docs_before(span_of(&pair));
        let mut attributes = Attributes::default();
        let mut name = None;
        let mut value = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::attributes => attributes = self.attributes(child),
                Rule::ident => name = Some(ident(child)),
                _ => value = Some(self.expr(child)),
            }
        }
        Enumerator {
            docs,
            attributes,
            name: name.expect("grammar: enumerator has a name"),
            value,
        }
    }

    fn type_name(&mut self, pair: Pair<Rule>) -> TypeName {
        let mut inner = pair.into_inner();
        let name = ident(inner.next().expect("grammar: type name"));
        let args = inner
            .next()
            .map(|args| args.into_inner().map(|t| self.type_ref(t)).collect())
            .unwrap_or_default();
        TypeName { name, args }
    }

    fn type_ref(&mut self, pair: Pair<Rule>) -> TypeRef {
        let mut spec = None;
        let mut pointers = Vec::new();
        let mut arrays = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::type_spec => spec = Some(self.type_spec(child)),
                Rule::pointer => pointers.push(Derived::Pointer(self.qualifiers(child))),
                _ => arrays.push(Derived::Array(
                    child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::expr)
                        .map(|e| self.expr(e)),
                )),
            }
        }
        pointers.reverse();
        arrays.extend(pointers);
        TypeRef {
            spec: spec.expect("grammar: type reference has a type"),
            derived: arrays,
        }
    }

    // ------------------------------------------------------------ attributes

    fn attributes(&mut self, pair: Pair<Rule>) -> Attributes {
        Attributes(pair.into_inner().map(|a| self.attribute(a)).collect())
    }

    fn attribute(&mut self, pair: Pair<Rule>) -> Attribute {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let name = ident(inner.next().expect("grammar: attribute name"));
        let args = inner.next().map(|args| {
            args.into_inner()
                .map(|arg| self.attr_arg(arg))
                .collect::<Vec<_>>()
        });
        let attribute = Attribute { name, args, span };
        self.check_attribute(&attribute);
        attribute
    }

    fn attr_arg(&mut self, pair: Pair<Rule>) -> AttrArg {
        let inner = pair
            .into_inner()
            .next()
            .expect("grammar: attribute argument");
        let span = span_of(&inner);
        match inner.as_rule() {
            Rule::uuid_lit => match Guid::parse(inner.as_str()) {
                Some(guid) => AttrArg::Uuid(guid, span),
                None => AttrArg::Version(inner.as_str().to_string(), span),
            },
            Rule::version_lit => AttrArg::Version(inner.as_str().to_string(), span),
            Rule::expr => AttrArg::Expr(self.expr(inner)),
            Rule::type_ref => AttrArg::Type(self.type_ref(inner)),
            _ => AttrArg::Empty(span),
        }
    }

    /// `uuid` and `async_uuid` must hold exactly one GUID, bare or quoted.
    fn check_attribute(&mut self, attribute: &Attribute) {
        if !matches!(attribute.name.name.as_str(), "uuid" | "async_uuid") {
            return;
        }
        let problem = match attribute.args.as_deref() {
            None | Some([]) => Some(attribute.span),
            Some([AttrArg::Uuid(..)]) => None,
            Some(
                [
                    AttrArg::Expr(Expr {
                        kind: ExprKind::String(literal),
                        span,
                    }),
                ],
            ) => Guid::parse(&literal.value).is_none().then_some(*span),
            Some([only]) => Some(attr_arg_span(only)),
            Some([_, second, ..]) => Some(attr_arg_span(second)),
        };
        if let Some(span) = problem {
            self.diagnostics.push(
                Diagnostic::error(format!("malformed GUID in `{}`", attribute.name))
                    .at(self.pre.span(span.start as usize, span.end as usize), "not a GUID")
                    .help("write it as 8-4-4-4-12 hex digits: uuid(00000000-0000-0000-C000-000000000046)"),
            );
        }
    }

    /// A declaration at item level must declare a type, a function or
    /// `extern` data: IDL has no variables of its own. `const long X;` is a constant missing its value;
    /// `interfase IFoo;` is a misspelt keyword.
    fn check_item_declaration(&mut self, declaration: &Declaration) {
        // `extern const GUID X;` names data defined elsewhere: allowed.
        if declaration.spec.qualifiers.0.iter().any(|q| q == "extern") {
            return;
        }
        for declarator in &declaration.declarators {
            let Some(name) = &declarator.name else {
                continue;
            };
            if matches!(declarator.derived.first(), Some(Derived::Function(_))) {
                continue;
            }
            let place = self
                .pre
                .span(name.span.start as usize, name.span.end as usize);
            let diagnostic = if declaration.spec.qualifiers.is_const() {
                Diagnostic::error(format!("constant `{name}` has no value"))
                    .at(place, "declared without `= value`")
                    .help(format!("give it a value: `const ... {name} = value;`"))
            } else {
                let written = declaration.spec.to_string();
                let diagnostic = Diagnostic::error(format!(
                    "`{name}` is declared as a variable of type `{written}`, which IDL does not allow"
                ))
                .at(place, "not a type, constant or method");
                match closest_keyword(&written) {
                    Some(keyword) => diagnostic.help(format!("did you mean `{keyword} {name}`?")),
                    None => {
                        diagnostic.help("declare a `typedef`, a `const` with a value, or a method")
                    }
                }
            };
            self.diagnostics.push(diagnostic);
        }
    }

    // ------------------------------------------------------------ expressions

    /// Folds the flat sequence the grammar gives (see `expr` in idl.pest)
    /// into a tree: suffixes bind first, then prefixes, then binary
    /// operators by precedence, then `?:`.
    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = span_of(&pair);
        let mut operands = Vec::new();
        let mut operators: Vec<BinaryOp> = Vec::new();
        let mut operand = Operand::default();
        let mut conditional = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::op_neg
                | Rule::op_plus
                | Rule::op_not
                | Rule::op_bitnot
                | Rule::op_deref
                | Rule::op_addr
                | Rule::cast => operand.prefixes.push(child),
                Rule::index | Rule::member_access | Rule::call => {
                    if let Some(base) = operand.primary.take() {
                        operand.primary = Some(self.suffix(base, child));
                    }
                }
                Rule::conditional => {
                    let mut branches = child.into_inner().map(|e| self.expr(e));
                    conditional = branches.next().zip(branches.next());
                }
                rule => match binary_op(rule) {
                    Some(op) => {
                        operands.push(self.finish(std::mem::take(&mut operand)));
                        while let Some(&top) = operators.last() {
                            if top.precedence() < op.precedence() {
                                break;
                            }
                            reduce(&mut operands, &mut operators);
                        }
                        operators.push(op);
                    }
                    None => operand.primary = Some(self.primary(child)),
                },
            }
        }
        operands.push(self.finish(operand));
        while !operators.is_empty() {
            reduce(&mut operands, &mut operators);
        }
        let condition = operands.pop().expect("grammar: expression has an operand");
        match conditional {
            Some((then, otherwise)) => Expr {
                kind: ExprKind::Conditional(
                    Box::new(condition),
                    Box::new(then),
                    Box::new(otherwise),
                ),
                span,
            },
            None => condition,
        }
    }

    /// Applies an operand's prefix operators and casts, innermost first.
    fn finish(&mut self, operand: Operand) -> Expr {
        let mut expr = operand.primary.expect("grammar: operand has a primary");
        for prefix in operand.prefixes.into_iter().rev() {
            let span = Span {
                start: prefix.as_span().start() as u32,
                end: expr.span.end,
            };
            let kind = match prefix.as_rule() {
                Rule::cast => {
                    let ty = self.type_ref(prefix.into_inner().next().expect("grammar: cast"));
                    ExprKind::Cast(Box::new(ty), Box::new(expr))
                }
                rule => ExprKind::Unary(unary_op(rule), Box::new(expr)),
            };
            expr = Expr { kind, span };
        }
        expr
    }

    fn suffix(&mut self, base: Expr, suffix: Pair<Rule>) -> Expr {
        let span = Span {
            start: base.span.start,
            end: suffix.as_span().end() as u32,
        };
        let arrow = suffix.as_str().starts_with("->");
        let kind = match suffix.as_rule() {
            Rule::index => {
                let index = self.expr(suffix.into_inner().next().expect("grammar: index"));
                ExprKind::Index(Box::new(base), Box::new(index))
            }
            Rule::member_access => ExprKind::Member(
                Box::new(base),
                ident(suffix.into_inner().next().expect("grammar: member")),
                arrow,
            ),
            _ => ExprKind::Call(
                Box::new(base),
                suffix.into_inner().map(|e| self.expr(e)).collect(),
            ),
        };
        Expr { kind, span }
    }

    fn primary(&mut self, pair: Pair<Rule>) -> Expr {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::number => ExprKind::Number(pair.as_str().to_string()),
            Rule::char_lit => ExprKind::Char(pair.as_str().to_string()),
            Rule::strings => ExprKind::String(self.strings(pair)),
            Rule::ident => ExprKind::Ident(pair.as_str().to_string()),
            // A parenthesised expression.
            Rule::expr => return self.expr(pair),
            Rule::sizeof => {
                let operand = children(pair).next().expect("grammar: sizeof operand");
                match operand.as_rule() {
                    Rule::type_ref => ExprKind::SizeofType(Box::new(self.type_ref(operand))),
                    _ => ExprKind::SizeofExpr(Box::new(self.expr(operand))),
                }
            }
            other => unreachable!("grammar: unexpected primary {other:?}"),
        };
        Expr { kind, span }
    }

    // ------------------------------------------------------------ literals

    fn strings(&mut self, pair: Pair<Rule>) -> Literal {
        let span = span_of(&pair);
        let value = pair.into_inner().map(|s| self.string(s).value).collect();
        Literal { value, span }
    }

    fn string(&mut self, pair: Pair<Rule>) -> Literal {
        let span = span_of(&pair);
        let body = pair.into_inner().next().map_or("", |b| b.as_str());
        Literal {
            value: unescape(body),
            span,
        }
    }

    /// The comment block that ends right before `span` (blank lines break
    /// it), markers stripped.
    fn docs_before(&self, span: Span) -> Docs {
        let mut before = &self.text[..span.start as usize];
        let mut blocks: Vec<Vec<String>> = Vec::new();
        loop {
            let trimmed = before.trim_end_matches([' ', '\t', '\r']);
            // Only one line break may separate a comment from what follows;
            // the first may also stand on the declaration's own line.
            let Some(rest) = trimmed
                .strip_suffix('\n')
                .or(blocks.is_empty().then_some(trimmed))
            else {
                break;
            };
            let rest = rest.trim_end_matches([' ', '\t', '\r']);
            if let Some(body_end) = rest.strip_suffix("*/") {
                let Some(open) = body_end.rfind("/*") else {
                    break;
                };
                let line_start = rest[..open].rfind('\n').map_or(0, |i| i + 1);
                if !rest[line_start..open].trim().is_empty() {
                    break;
                }
                blocks.push(block_comment_lines(&body_end[open + 2..]));
                before = &rest[..line_start];
            } else {
                let line_start = rest.rfind('\n').map_or(0, |i| i + 1);
                let line = rest[line_start..].trim_start();
                let Some(comment) = line.strip_prefix("//") else {
                    break;
                };
                blocks.push(vec![line_comment_text(comment)]);
                before = &rest[..line_start];
            }
        }
        Docs(blocks.into_iter().rev().flatten().collect())
    }
}

/// The declaration keyword one or two typos away from `word`, if any.
fn closest_keyword(word: &str) -> Option<&'static str> {
    const KEYWORDS: [&str; 10] = [
        "interface",
        "dispinterface",
        "coclass",
        "library",
        "module",
        "typedef",
        "import",
        "importlib",
        "cpp_quote",
        "runtimeclass",
    ];
    KEYWORDS
        .into_iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|&(d, _)| d > 0 && d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance, for suggestions on short words.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

fn block_comment_lines(body: &str) -> Vec<String> {
    let body = body.strip_prefix(['*', '!']).unwrap_or(body);
    let lines: Vec<String> = body
        .lines()
        .map(|line| {
            let line = line.trim();
            let line = line.strip_prefix('*').unwrap_or(line);
            line.strip_prefix(' ')
                .unwrap_or(line)
                .trim_end()
                .to_string()
        })
        .collect();
    let first = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let last = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(first, |i| i + 1);
    lines[first..last].to_vec()
}

fn line_comment_text(comment: &str) -> String {
    let comment = comment.strip_prefix(['/', '!']).unwrap_or(comment);
    comment
        .strip_prefix(' ')
        .unwrap_or(comment)
        .trim_end()
        .to_string()
}

fn attr_arg_span(arg: &AttrArg) -> Span {
    match arg {
        AttrArg::Uuid(_, span) | AttrArg::Version(_, span) | AttrArg::Empty(span) => *span,
        AttrArg::Expr(e) => e.span,
        AttrArg::Type(t) => t.spec.span,
    }
}

/// An operand being assembled from the flat expression sequence.
#[derive(Default)]
struct Operand<'i> {
    prefixes: Vec<Pair<'i, Rule>>,
    primary: Option<Expr>,
}

fn reduce(operands: &mut Vec<Expr>, operators: &mut Vec<BinaryOp>) {
    let (Some(op), Some(right), Some(left)) = (operators.pop(), operands.pop(), operands.pop())
    else {
        unreachable!("grammar: operators sit between operands");
    };
    let span = Span {
        start: left.span.start,
        end: right.span.end,
    };
    operands.push(Expr {
        kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
        span,
    });
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_bitor => BinaryOp::BitOr,
        Rule::op_bitxor => BinaryOp::BitXor,
        Rule::op_bitand => BinaryOp::BitAnd,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_shl => BinaryOp::Shl,
        Rule::op_shr => BinaryOp::Shr,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        Rule::op_rem => BinaryOp::Rem,
        _ => return None,
    })
}

fn unary_op(rule: Rule) -> UnaryOp {
    match rule {
        Rule::op_neg => UnaryOp::Neg,
        Rule::op_plus => UnaryOp::Plus,
        Rule::op_not => UnaryOp::Not,
        Rule::op_bitnot => UnaryOp::BitNot,
        Rule::op_deref => UnaryOp::Deref,
        Rule::op_addr => UnaryOp::AddrOf,
        other => unreachable!("grammar: {other:?} is no unary operator"),
    }
}

/// Decodes C escapes in a string literal's body; a malformed escape is kept
/// as written.
fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match escape_value(e, &mut chars) {
            Ok(value) => out.push(char::from_u32(value).unwrap_or('\u{fffd}')),
            Err(_) => {
                out.push('\\');
                out.push(e);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
