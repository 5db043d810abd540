//! Unit tests of the IDL parser: one construct per test, the AST shape
//! checked through its C spellings (`Display`, `type_text`).

use std::io;
use std::path::Path;

use super::parse;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::display::type_text;
use crate::syntax::preprocess::{FileProvider, Options, preprocess};
use crate::syntax::source::SourceFile;

// ---------------------------------------------------------------- helpers

/// No file exists: the tests never `#include`.
struct NoFiles;

impl FileProvider for NoFiles {
    fn read(&self, _path: &Path) -> io::Result<Vec<u8>> {
        Err(io::Error::from(io::ErrorKind::NotFound))
    }
}

fn run(src: &str) -> (File, Vec<Diagnostic>) {
    let (pre, diagnostics) =
        preprocess(SourceFile::new("t.idl", src), &Options::default(), &NoFiles);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "preprocessing failed:\n{}",
        render(&diagnostics)
    );
    parse(&pre)
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| d.render(false)).collect()
}

/// A file that must parse without errors.
fn parse_ok(src: &str) -> File {
    let (file, diagnostics) = run(src);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "unexpected errors:\n{}", render(&errors));
    file
}

/// A file that must fail: its error diagnostics.
fn parse_err(src: &str) -> Vec<Diagnostic> {
    let (_, diagnostics) = run(src);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    assert!(!errors.is_empty(), "expected an error for {src:?}");
    errors
}

/// `file:line:col` of a diagnostic.
fn position(d: &Diagnostic) -> String {
    d.span.as_ref().unwrap().position()
}

/// The inner value of an enum variant, or a panic naming what was found.
macro_rules! variant {
    ($value:expr, $pattern:path) => {
        match $value {
            $pattern(inner) => inner,
            other => panic!("expected {}, found {other:?}", stringify!($pattern)),
        }
    };
}

fn only(items: &[Item]) -> &Item {
    assert_eq!(items.len(), 1, "expected one item: {items:#?}");
    &items[0]
}

fn attrs(attributes: &Attributes) -> Vec<String> {
    attributes.iter().map(ToString::to_string).collect()
}

fn declarator_text(spec: &TypeSpec, declarator: &Declarator) -> String {
    type_text(
        spec,
        &declarator.derived,
        declarator.name.as_ref().map(|n| n.name.as_str()),
    )
}

/// A parameter as `[attrs] type name`.
fn param_text(param: &Param) -> String {
    match param {
        Param::Ellipsis(_) => "...".into(),
        Param::Named {
            attributes,
            spec,
            declarator,
            ..
        } => {
            let ty = declarator_text(spec, declarator);
            if attributes.is_empty() {
                ty
            } else {
                format!("[{}] {ty}", attrs(attributes).join(", "))
            }
        }
    }
}

fn params_text(params: &[Param]) -> Vec<String> {
    params.iter().map(param_text).collect()
}

/// `[Pointer, Array, Function]` as short words.
fn shape(derived: &[Derived]) -> Vec<&'static str> {
    derived
        .iter()
        .map(|d| match d {
            Derived::Pointer(_) => "pointer",
            Derived::Array(_) => "array",
            Derived::Function(_) => "function",
        })
        .collect()
}

fn names(items: &[Item]) -> Vec<String> {
    items.iter().map(item_name).collect()
}

/// A short label for an item: its kind and name.
fn item_name(item: &Item) -> String {
    match item {
        Item::Import(i) => format!("import {}", i.files.len()),
        Item::ImportLib(l) => format!("importlib {}", l.value),
        Item::CppQuote(l) => format!("cpp_quote {}", l.value),
        Item::Pragma(l) => format!("pragma {}", l.value),
        Item::Interface(i) => format!("interface {}", i.name),
        Item::Dispinterface(d) => format!("dispinterface {}", d.name),
        Item::Coclass(c) => format!("coclass {}", c.name),
        Item::Library(l) => format!("library {}", l.name),
        Item::Module(m) => format!("module {}", m.name),
        Item::Namespace(n) => format!("namespace {}", n.name),
        Item::RuntimeClass(r) => format!("runtimeclass {}", r.name),
        Item::ApiContract(a) => format!("apicontract {}", a.name),
        Item::Delegate(d) => format!("delegate {}", d.name),
        Item::Declare(names) => format!("declare {}", names.len()),
        Item::Typedef(t) => format!(
            "typedef {}",
            t.declarators
                .iter()
                .map(|d| declarator_text(&t.spec, d))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Item::Const(c) => format!("const {}", declarator_text(&c.spec, &c.declarator)),
        Item::Declaration(d) => format!(
            "declaration {}",
            d.declarators
                .iter()
                .map(|x| declarator_text(&d.spec, x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The single interface of `src`.
fn interface(src: &str) -> Interface {
    let file = parse_ok(src);
    variant!(only(&file.items), Item::Interface).clone()
}

/// The methods of an interface as `return name(params)` with attributes.
fn methods(interface: &Interface) -> Vec<String> {
    interface
        .methods()
        .map(|m| {
            let attributes = attrs(&m.declaration.attributes);
            let head = format!(
                "{} {}({})",
                m.return_type(),
                m.name().map_or("?", |n| n.name.as_str()),
                params_text(m.params).join(", ")
            );
            if attributes.is_empty() {
                head
            } else {
                format!("[{}] {head}", attributes.join(", "))
            }
        })
        .collect()
}

/// The parameters of the single method of an interface written around
/// `method`.
fn method_params(method: &str) -> Vec<String> {
    let i = interface(&format!("interface I : IUnknown {{ {method} }}"));
    let m = i.methods().next().expect("a method");
    params_text(m.params)
}

/// The attribute of a parameter `[attribute] long *p`, as displayed.
fn param_attr(attribute: &str) -> Attribute {
    let i = interface(&format!(
        "interface I : IUnknown {{ HRESULT F([{attribute}] long *p); }}"
    ));
    let m = i.methods().next().expect("a method");
    let Param::Named { attributes, .. } = &m.params[0] else {
        panic!("named parameter expected");
    };
    attributes.0[0].clone()
}

/// The value of `const long X = <expr>;`.
fn const_expr(expr: &str) -> Expr {
    let file = parse_ok(&format!("const long X = {expr};"));
    variant!(only(&file.items), Item::Const).value.clone()
}

fn typedef(src: &str) -> Typedef {
    let file = parse_ok(src);
    variant!(only(&file.items), Item::Typedef).clone()
}

fn members(spec: &TypeSpec) -> Vec<String> {
    let declarations = match &spec.kind {
        TypeKind::Struct(StructType {
            members: Some(m), ..
        }) => m,
        TypeKind::Union(UnionType {
            body: Some(UnionBody::Plain(m)),
            ..
        }) => m,
        other => panic!("no members in {other:?}"),
    };
    declarations.iter().map(declaration_text).collect()
}

fn declaration_text(d: &Declaration) -> String {
    let declarators: Vec<String> = if d.declarators.is_empty() {
        vec![d.spec.to_string()]
    } else {
        d.declarators
            .iter()
            .map(|x| {
                let text = declarator_text(&d.spec, x);
                match &x.bit_width {
                    Some(width) => format!("{text} : {width}"),
                    None => text,
                }
            })
            .collect()
    };
    let text = declarators.join(", ");
    if d.attributes.is_empty() {
        text
    } else {
        format!("[{}] {text}", attrs(&d.attributes).join(", "))
    }
}

/// A declaration that declares no name: `struct S {...};`, an anonymous
/// member.
fn unnamed(declaration: &Declaration) -> bool {
    declaration
        .declarators
        .iter()
        .all(|d| d.name.is_none() && d.derived.is_empty() && d.bit_width.is_none())
}

const IUNKNOWN: &str = "00000000-0000-0000-c000-000000000046";

// ---------------------------------------------------------------- files

#[test]
fn import_lists_several_files() {
    let file = parse_ok("import \"oaidl.idl\", \"ocidl.idl\";\nimport \"unknwn.idl\";\n");
    let imports: Vec<Vec<String>> = file
        .items
        .iter()
        .map(|item| {
            variant!(item, Item::Import)
                .files
                .iter()
                .map(|l| l.value.clone())
                .collect()
        })
        .collect();
    assert_eq!(
        imports,
        [vec!["oaidl.idl", "ocidl.idl"], vec!["unknwn.idl"]]
    );
}

#[test]
fn importlib_with_and_without_semicolon() {
    let file = parse_ok("library L {\n importlib(\"stdole2.tlb\");\n importlib(\"x.tlb\")\n}\n");
    let library = variant!(only(&file.items), Item::Library);
    assert_eq!(
        names(&library.items),
        ["importlib stdole2.tlb", "importlib x.tlb"]
    );
}

#[test]
fn cpp_quote_joins_adjacent_literals_and_decodes_escapes() {
    let file = parse_ok(
        "cpp_quote(\"#define A \" \"1\")\ncpp_quote(\"tab\\there \\\"q\\\" \\x41\\101 \\\\ end\");\n",
    );
    let values: Vec<&str> = file
        .items
        .iter()
        .map(|item| variant!(item, Item::CppQuote).value.as_str())
        .collect();
    assert_eq!(values, ["#define A 1", "tab\there \"q\" AA \\ end"]);
}

#[test]
fn midl_pragma_and_hash_pragma_are_kept_as_written() {
    let file = parse_ok(
        "#pragma pack(push, 8)\nmidl_pragma warning(disable: 2111);\ntypedef long T;\n#pragma pack(pop)\n",
    );
    assert_eq!(
        names(&file.items),
        [
            "pragma #pragma pack(push, 8)",
            "pragma midl_pragma warning(disable: 2111);",
            "typedef long T",
            "pragma #pragma pack(pop)",
        ]
    );
}

#[test]
fn stray_semicolons_are_skipped_everywhere() {
    let file = parse_ok(
        ";;\ninterface I : IUnknown { ; HRESULT F(); ;; };\n;\ntypedef struct S { ; long a; } S;;\n",
    );
    assert_eq!(names(&file.items), ["interface I", "typedef struct S S"]);
    let i = variant!(&file.items[0], Item::Interface);
    assert_eq!(methods(i), ["HRESULT F()"]);
    let t = variant!(&file.items[1], Item::Typedef);
    assert_eq!(members(&t.spec), ["long a"]);
}

#[test]
fn empty_file_and_comments_only() {
    assert!(parse_ok("").items.is_empty());
    assert!(parse_ok("// nothing\n/* at all */\n").items.is_empty());
}

// ---------------------------------------------------------------- interfaces

#[test]
fn interface_forward_declaration_and_definition() {
    let file = parse_ok("interface IFoo;\ninterface IFoo : IUnknown { }\ninterface IBar { };\n");
    let [first, second, third] = file.items.as_slice() else {
        panic!("three items: {:#?}", file.items);
    };
    let first = variant!(first, Item::Interface);
    assert_eq!(first.name.name, "IFoo");
    assert!(first.body.is_none());
    let second = variant!(second, Item::Interface);
    let body = second.body.as_ref().expect("a body");
    assert_eq!(body.base.as_ref().unwrap().to_string(), "IUnknown");
    assert!(body.items.is_empty());
    let third = variant!(third, Item::Interface);
    assert!(third.body.as_ref().unwrap().base.is_none());
}

#[test]
fn interface_attributes() {
    let i = interface(
        "[\n  object,\n  uuid(00000000-0000-0000-C000-000000000046),\n  pointer_default(unique),\n  helpstring(\"The foo\"),\n  version(1.0),\n  async_uuid(\"12345678-9abc-def0-1234-56789ABCDEF0\"),\n  my_attribute(x, 2)\n]\ninterface IFoo : IUnknown {}\n",
    );
    assert_eq!(
        attrs(&i.attributes),
        [
            "object",
            &format!("uuid({IUNKNOWN})"),
            "pointer_default(unique)",
            "helpstring(\"The foo\")",
            "version(1.0)",
            "async_uuid(\"12345678-9abc-def0-1234-56789ABCDEF0\")",
            "my_attribute(x, 2)",
        ]
    );
    assert!(i.attributes.get("object").unwrap().args.is_none());
    let uuid = i.attributes.get("uuid").unwrap().args.as_ref().unwrap();
    let [AttrArg::Uuid(guid, _)] = uuid.as_slice() else {
        panic!("a GUID: {uuid:?}");
    };
    assert_eq!(*guid, Guid::parse(IUNKNOWN).unwrap());
    assert_eq!(guid.data4[0], 0xc0);
    let version = i.attributes.get("version").unwrap().args.as_ref().unwrap();
    assert!(matches!(
        &version[..],
        [AttrArg::Expr(Expr { kind: ExprKind::Number(n), .. })] if n == "1.0"
    ));
}

#[test]
fn dotted_versions_are_version_arguments() {
    let file = parse_ok("[version(1.2.3)] library L {}\n");
    let library = variant!(only(&file.items), Item::Library);
    let args = library
        .attributes
        .get("version")
        .unwrap()
        .args
        .as_ref()
        .unwrap();
    assert!(matches!(&args[..], [AttrArg::Version(v, _)] if v == "1.2.3"));
}

#[test]
fn stray_commas_and_several_attribute_lists() {
    let i = interface("[ , object, , ][local][]\ninterface I : IUnknown {}\n");
    assert_eq!(attrs(&i.attributes), ["object", "local"]);
}

#[test]
fn methods_in_order_with_return_types() {
    let i = interface(
        "interface I : IUnknown {\n\
         HRESULT First([in] long a, [out] long *b);\n\
         [call_as(Next)] HRESULT RemoteNext(void);\n\
         void *Alloc(SIZE_T cb);\n\
         const char **Names();\n\
         [propget, id(0)] HRESULT Count([out, retval] long *value);\n\
         }\n",
    );
    assert_eq!(
        methods(&i),
        [
            "HRESULT First([in] long a, [out] long *b)",
            "[call_as(Next)] HRESULT RemoteNext()",
            "void * Alloc(SIZE_T cb)",
            "const char ** Names()",
            "[propget, id(0)] HRESULT Count([out, retval] long *value)",
        ]
    );
    let alloc = i.methods().nth(2).unwrap();
    assert_eq!(shape(&alloc.declarator.derived), ["function", "pointer"]);
    assert_eq!(alloc.return_type().to_string(), "void *");
}

#[test]
fn void_parameter_list_is_empty_but_void_pointer_is_not() {
    assert!(method_params("HRESULT F(void);").is_empty());
    assert!(method_params("HRESULT F();").is_empty());
    assert_eq!(method_params("HRESULT F(void *p);"), ["void *p"]);
    assert_eq!(method_params("HRESULT F(void *);"), ["void *"]);
}

#[test]
fn varargs_and_unnamed_parameters() {
    assert_eq!(
        method_params("HRESULT F([in] REFIID, [out] void **, const char *fmt, ...);"),
        ["[in] REFIID", "[out] void **", "const char *fmt", "..."]
    );
    let i = interface("interface I { int F(int n, ...); }");
    let m = i.methods().next().unwrap();
    assert!(matches!(m.params[1], Param::Ellipsis(_)));
    let Param::Named { declarator, .. } = &interface("interface I { void F([in] REFIID); }")
        .methods()
        .next()
        .unwrap()
        .params[0]
        .clone()
    else {
        panic!("named parameter");
    };
    assert!(declarator.name.is_none());
}

#[test]
fn typedefs_enums_and_cpp_quotes_inside_an_interface() {
    let i = interface(
        "interface I : IUnknown {\n\
         typedef enum { A, B } E;\n\
         cpp_quote(\"// hi\")\n\
         typedef [unique] I *LPI;\n\
         HRESULT F([in] E e);\n\
         }\n",
    );
    let body = i.body.as_ref().unwrap();
    assert_eq!(
        names(&body.items),
        [
            "typedef enum {...} E",
            "cpp_quote // hi",
            "typedef I *LPI",
            "declaration HRESULT F(E e)",
        ]
    );
    let lpi = variant!(&body.items[2], Item::Typedef);
    assert_eq!(attrs(&lpi.attributes), ["unique"]);
    assert_eq!(methods(&i), ["HRESULT F([in] E e)"]);
}

// ---------------------------------------------------------------- attribute arguments

#[test]
fn size_is_forms() {
    assert_eq!(param_attr("size_is(*pcb)").to_string(), "size_is(*pcb)");
    let empty = param_attr("size_is(, n)");
    assert_eq!(empty.to_string(), "size_is(, n)");
    let args = empty.args.unwrap();
    assert!(matches!(args[0], AttrArg::Empty(_)));
    assert!(matches!(&args[1], AttrArg::Expr(Expr { kind: ExprKind::Ident(n), .. }) if n == "n"));
    assert_eq!(param_attr("size_is(n,)").to_string(), "size_is(n, )");
    assert_eq!(
        param_attr("length_is(n - 1)").to_string(),
        "length_is(n - 1)"
    );
    assert_eq!(
        param_attr("size_is(s->cb / sizeof(WCHAR))").to_string(),
        "size_is(s->cb / sizeof(WCHAR))"
    );
}

#[test]
fn casts_and_sizeof_in_attributes() {
    let cast = param_attr("range(0, (ULONG)-1)");
    assert_eq!(cast.to_string(), "range(0, (ULONG)-1)");
    let args = cast.args.unwrap();
    let AttrArg::Expr(Expr {
        kind: ExprKind::Cast(ty, operand),
        ..
    }) = &args[1]
    else {
        panic!("a cast: {args:?}");
    };
    assert_eq!(ty.to_string(), "ULONG");
    assert!(matches!(operand.kind, ExprKind::Unary(UnaryOp::Neg, _)));
    assert_eq!(
        param_attr("size_is((unsigned long)cb * 2)").to_string(),
        "size_is((unsigned long)cb * 2)"
    );
    assert_eq!(
        param_attr("size_is(sizeof(GUID))").to_string(),
        "size_is(sizeof(GUID))"
    );
    assert_eq!(
        param_attr("size_is(sizeof(void *) * n)").to_string(),
        "size_is(sizeof(void *) * n)"
    );
}

#[test]
fn other_expression_attributes() {
    for attribute in [
        "iid_is(riid)",
        "range(0, 10)",
        "defaultvalue(\"x\")",
        "defaultvalue(-1)",
        "annotation(\"_In_\")",
        "id(1 << 4 | 2)",
        "size_is(a ? b : c)",
        "max_is(n[0])",
        "first_is(p.first)",
        "id(0x60020000)",
        "defaultvalue('a')",
    ] {
        assert_eq!(param_attr(attribute).to_string(), attribute);
    }
}

#[test]
fn switch_type_takes_a_type() {
    let attribute = param_attr("switch_type(unsigned long)");
    assert_eq!(attribute.to_string(), "switch_type(unsigned long)");
    let args = attribute.args.unwrap();
    let [AttrArg::Type(ty)] = args.as_slice() else {
        panic!("a type: {args:?}");
    };
    assert!(matches!(&ty.spec.kind, TypeKind::Base(b) if b == "unsigned long"));
    let pointer = param_attr("switch_type(struct S *)");
    assert!(
        matches!(&pointer.args.as_ref().unwrap()[..], [AttrArg::Type(t)] if t.to_string() == "struct S *")
    );
}

#[test]
fn custom_takes_a_guid_and_a_value() {
    let file = parse_ok(
        "[custom(0F21F359-AB84-41E8-9A78-36D110E6D2F9, \"v\"), custom(\"0F21F359-AB84-41E8-9A78-36D110E6D2F9\", 1)]\nlibrary L {}\n",
    );
    let library = variant!(only(&file.items), Item::Library);
    assert_eq!(
        attrs(&library.attributes),
        [
            "custom(0f21f359-ab84-41e8-9a78-36d110e6d2f9, \"v\")",
            "custom(\"0F21F359-AB84-41E8-9A78-36D110E6D2F9\", 1)",
        ]
    );
    let args = library.attributes.0[0].args.as_ref().unwrap();
    assert!(matches!(&args[0], AttrArg::Uuid(g, _) if g.data1 == 0x0F21_F359));
    assert!(
        matches!(&args[1], AttrArg::Expr(Expr { kind: ExprKind::String(l), .. }) if l.value == "v")
    );
}

// ---------------------------------------------------------------- expressions

#[test]
fn binary_precedence_follows_c() {
    let e = const_expr("1 + 2 * 3");
    assert_eq!(e.to_string(), "1 + 2 * 3");
    let ExprKind::Binary(BinaryOp::Add, left, right) = &e.kind else {
        panic!("an addition: {e:?}");
    };
    assert!(matches!(left.kind, ExprKind::Number(ref n) if n == "1"));
    assert!(matches!(right.kind, ExprKind::Binary(BinaryOp::Mul, ..)));

    let e = const_expr("(1 + 2) * 3");
    assert_eq!(e.to_string(), "(1 + 2) * 3");
    assert!(matches!(e.kind, ExprKind::Binary(BinaryOp::Mul, ..)));

    for (written, shown) in [
        ("1 << 4 | 2", "1 << 4 | 2"),
        ("1 | 2 & 3 ^ 4", "1 | 2 & 3 ^ 4"),
        ("10 - 2 - 3", "10 - 2 - 3"),
        ("10 - (2 - 3)", "10 - (2 - 3)"),
        ("((((1))))", "1"),
        ("a || b && c", "a || b && c"),
        ("(a || b) && c", "(a || b) && c"),
        ("a == b != c < d", "a == b != c < d"),
        ("1 + 2 < 3 << 1", "1 + 2 < 3 << 1"),
        ("8 / 2 % 3 * 4", "8 / 2 % 3 * 4"),
        ("8 / (2 * 4)", "8 / (2 * 4)"),
        ("-~!x", "-~!x"),
        ("-(1 + 2)", "-(1 + 2)"),
        ("a >= b", "a >= b"),
        ("a <= b >> 2", "a <= b >> 2"),
        ("&x[1]", "&x[1]"),
        ("f(1, 2) + g()", "f(1, 2) + g()"),
        ("sizeof x + 1", "sizeof x + 1"),
        ("a->b.c[2]", "a->b.c[2]"),
        ("-2147483647 - 1", "-2147483647 - 1"),
        ("(ULONG)(-1)", "(ULONG)-1"),
        ("sizeof(struct S) * 2", "sizeof(struct S) * 2"),
    ] {
        assert_eq!(const_expr(written).to_string(), shown, "{written}");
    }
}

#[test]
fn conditional_expressions() {
    let e = const_expr("a ? b : c");
    assert!(matches!(e.kind, ExprKind::Conditional(..)));
    assert_eq!(e.to_string(), "a ? b : c");
    assert_eq!(
        const_expr("a ? b : c ? d : e").to_string(),
        "a ? b : c ? d : e"
    );
    assert_eq!(
        const_expr("a > 1 ? b + 1 : 0").to_string(),
        "a > 1 ? b + 1 : 0"
    );
    assert_eq!(const_expr("(a ? b : c) + 1").to_string(), "(a ? b : c) + 1");
}

#[test]
fn number_and_character_literals_are_kept_as_written() {
    for text in [
        "0x7FFFFFFFL",
        "10UL",
        "1.5e3",
        "0",
        "'x'",
        "L'\\0'",
        "0b101",
    ] {
        assert_eq!(const_expr(text).to_string(), text);
    }
    assert!(matches!(const_expr("'x'").kind, ExprKind::Char(_)));
    assert!(matches!(const_expr("0x10").kind, ExprKind::Number(_)));
}

// ---------------------------------------------------------------- dispinterfaces, classes, libraries

#[test]
fn dispinterface_with_sections() {
    let file = parse_ok(
        "[uuid(12345678-1234-1234-1234-123456789abc)]\n\
         dispinterface DEvents {\n\
         properties:\n\
             [id(1)] long Count;\n\
             [id(2), readonly] BSTR Name;\n\
         methods:\n\
             [id(3)] void Fire([in] long code);\n\
             [id(4)] HRESULT Stop();\n\
         };\n\
         dispinterface DEmpty { properties: methods: }\n\
         dispinterface DForward;\n",
    );
    let [events, empty, forward] = file.items.as_slice() else {
        panic!("three items: {:#?}", file.items);
    };
    let events = variant!(events, Item::Dispinterface);
    assert_eq!(events.name.name, "DEvents");
    let Some(DispinterfaceBody::Sections {
        properties,
        methods,
    }) = &events.body
    else {
        panic!("sections: {:?}", events.body);
    };
    let properties: Vec<String> = properties.iter().map(declaration_text).collect();
    assert_eq!(
        properties,
        ["[id(1)] long Count", "[id(2), readonly] BSTR Name"]
    );
    let methods: Vec<String> = methods.iter().map(declaration_text).collect();
    assert_eq!(
        methods,
        ["[id(3)] void Fire(long code)", "[id(4)] HRESULT Stop()"]
    );
    let empty = variant!(empty, Item::Dispinterface);
    assert!(matches!(
        &empty.body,
        Some(DispinterfaceBody::Sections { properties, methods }) if properties.is_empty() && methods.is_empty()
    ));
    assert!(variant!(forward, Item::Dispinterface).body.is_none());
}

#[test]
fn dispinterface_of_an_interface() {
    let file = parse_ok("dispinterface DFoo { interface IFoo; };\n");
    let d = variant!(only(&file.items), Item::Dispinterface);
    let Some(DispinterfaceBody::Of(name)) = &d.body else {
        panic!("`interface IFoo;` body: {:?}", d.body);
    };
    assert_eq!(name.to_string(), "IFoo");
}

#[test]
fn coclass_members_and_forward_coclass() {
    let file = parse_ok(
        "coclass Early;\n\
         [uuid(12345678-1234-1234-1234-123456789abc)]\n\
         coclass Foo {\n\
             [default] interface IFoo;\n\
             interface IBar;\n\
             [default, source] dispinterface DEvents;\n\
         };\n",
    );
    let [early, foo] = file.items.as_slice() else {
        panic!("two items: {:#?}", file.items);
    };
    assert!(variant!(early, Item::Coclass).members.is_none());
    let foo = variant!(foo, Item::Coclass);
    let members: Vec<String> = foo
        .members
        .as_ref()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "[{}] {} {}",
                attrs(&m.attributes).join(", "),
                if m.dispinterface {
                    "dispinterface"
                } else {
                    "interface"
                },
                m.name
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            "[default] interface IFoo",
            "[] interface IBar",
            "[default, source] dispinterface DEvents",
        ]
    );
}

#[test]
fn library_holds_nested_items() {
    let file = parse_ok(
        "[uuid(12345678-1234-1234-1234-123456789abc), version(1.0), helpstring(\"Lib\")]\n\
         library FooLib {\n\
             importlib(\"stdole2.tlb\");\n\
             interface IFoo;\n\
             typedef enum { One = 1 } Numbers;\n\
             [odl, uuid(12345678-1234-1234-1234-123456789abd)]\n\
             interface IBar : IDispatch { HRESULT F(); };\n\
             dispinterface DFoo { interface IBar; };\n\
             coclass Foo { [default] interface IBar; };\n\
             module M { const long K = 1; };\n\
         };\n",
    );
    let library = variant!(only(&file.items), Item::Library);
    assert_eq!(library.name.name, "FooLib");
    assert_eq!(
        attrs(&library.attributes),
        [
            "uuid(12345678-1234-1234-1234-123456789abc)",
            "version(1.0)",
            "helpstring(\"Lib\")",
        ]
    );
    assert_eq!(
        names(&library.items),
        [
            "importlib stdole2.tlb",
            "interface IFoo",
            "typedef enum {...} Numbers",
            "interface IBar",
            "dispinterface DFoo",
            "coclass Foo",
            "module M",
        ]
    );
}

#[test]
fn module_with_functions_and_constants() {
    let file = parse_ok(
        "[dllname(\"foo.dll\")]\n\
         module FooApi {\n\
             const long Answer = 42;\n\
             const LPCSTR Name = \"foo\";\n\
             [entry(\"FooInit\")] HRESULT __stdcall Init([in] long flags);\n\
             [entry(2)] int Printf(const char *fmt, ...);\n\
         };\n",
    );
    let module = variant!(only(&file.items), Item::Module);
    assert_eq!(attrs(&module.attributes), ["dllname(\"foo.dll\")"]);
    assert_eq!(
        names(&module.items),
        [
            "const long Answer",
            "const LPCSTR Name",
            "declaration HRESULT Init(long flags)",
            "declaration int Printf(const char *fmt, ...)",
        ]
    );
    let answer = variant!(&module.items[0], Item::Const);
    assert_eq!(answer.value.to_string(), "42");
    let name = variant!(&module.items[1], Item::Const);
    assert_eq!(name.value.to_string(), "\"foo\"");
    let init = variant!(&module.items[2], Item::Declaration);
    assert_eq!(attrs(&init.attributes), ["entry(\"FooInit\")"]);
}

// ---------------------------------------------------------------- typedefs and declarators

#[test]
fn typedef_with_several_declarators() {
    let t = typedef("typedef struct tagX { long a; } X, *PX, **PPX, XA[4];\n");
    let declarators: Vec<String> = t
        .declarators
        .iter()
        .map(|d| declarator_text(&t.spec, d))
        .collect();
    assert_eq!(
        declarators,
        [
            "struct tagX X",
            "struct tagX *PX",
            "struct tagX **PPX",
            "struct tagX XA[4]",
        ]
    );
    let TypeKind::Struct(s) = &t.spec.kind else {
        panic!("a struct: {:?}", t.spec.kind);
    };
    assert_eq!(s.tag.as_ref().unwrap().name, "tagX");
    assert_eq!(members(&t.spec), ["long a"]);
}

#[test]
fn pointer_and_array_declarators_read_inside_out() {
    let t = typedef("typedef long *A[3], (*B)[3], * const C, *D[2][5];\n");
    let shapes: Vec<Vec<&str>> = t.declarators.iter().map(|d| shape(&d.derived)).collect();
    assert_eq!(
        shapes,
        [
            vec!["array", "pointer"],
            vec!["pointer", "array"],
            vec!["pointer"],
            vec!["array", "array", "pointer"],
        ]
    );
    let texts: Vec<String> = t
        .declarators
        .iter()
        .map(|d| declarator_text(&t.spec, d))
        .collect();
    assert_eq!(
        texts,
        [
            "long *A[3]",
            "long (*B)[3]",
            "long *const C",
            "long *D[2][5]"
        ]
    );
    let Derived::Pointer(q) = &t.declarators[2].derived[0] else {
        panic!("a pointer");
    };
    assert!(q.is_const());
}

#[test]
fn function_pointer_typedef() {
    let t = typedef("typedef HRESULT (__stdcall *PFN)(int a, [in] void *p);\n");
    let d = &t.declarators[0];
    assert_eq!(d.name.as_ref().unwrap().name, "PFN");
    assert_eq!(shape(&d.derived), ["pointer", "function"]);
    let Derived::Function(params) = &d.derived[1] else {
        panic!("a function");
    };
    assert_eq!(params_text(params), ["int a", "[in] void *p"]);
    assert_eq!(
        declarator_text(&t.spec, d),
        "HRESULT (*PFN)(int a, void *p)"
    );
    let plain = typedef("typedef void (CALLBACK *CB)(void);\n");
    assert_eq!(
        shape(&plain.declarators[0].derived),
        ["pointer", "function"]
    );
    let Derived::Function(params) = &plain.declarators[0].derived[1] else {
        panic!("a function");
    };
    assert!(params.is_empty());
    // A function type, not a pointer to one.
    let function = typedef("typedef HRESULT STDMETHODCALLTYPE FN(int);\n");
    assert_eq!(shape(&function.declarators[0].derived), ["function"]);
    assert_eq!(
        declarator_text(&function.spec, &function.declarators[0]),
        "HRESULT FN(int)"
    );
}

#[test]
fn typedef_attributes_inside_and_before() {
    let t = typedef("typedef [public, v1_enum] enum { A } E;\n");
    assert_eq!(attrs(&t.attributes), ["public", "v1_enum"]);
    let t = typedef("[hidden] typedef [public] long HIDDEN_LONG;\n");
    assert_eq!(attrs(&t.attributes), ["hidden", "public"]);
    assert_eq!(
        declarator_text(&t.spec, &t.declarators[0]),
        "long HIDDEN_LONG"
    );
}

#[test]
fn arrays_fixed_conformant_and_star() {
    let t = typedef(
        "typedef struct S { long fixed[10]; long open[]; long star[*]; long sized[N + 1]; } S;\n",
    );
    assert_eq!(
        members(&t.spec),
        [
            "long fixed[10]",
            "long open[]",
            "long star[]",
            "long sized[N + 1]"
        ]
    );
    let TypeKind::Struct(StructType {
        members: Some(fields),
        ..
    }) = &t.spec.kind
    else {
        panic!("a struct");
    };
    let sizes: Vec<Option<String>> = fields
        .iter()
        .map(|f| match &f.declarators[0].derived[..] {
            [Derived::Array(size)] => size.as_ref().map(ToString::to_string),
            other => panic!("an array: {other:?}"),
        })
        .collect();
    assert_eq!(sizes, [Some("10".into()), None, None, Some("N + 1".into())]);
}

#[test]
fn bit_fields() {
    let t = typedef(
        "typedef struct B { long a : 4; unsigned long b : 28, c : 1 << 2; long : 0; } B;\n",
    );
    assert_eq!(
        members(&t.spec),
        [
            "long a : 4",
            "unsigned long b : 28, unsigned long c : 1 << 2",
            "long : 0"
        ]
    );
}

// ---------------------------------------------------------------- constants and enums

#[test]
fn constants() {
    let file = parse_ok(
        "const long A = 1 << 3;\n\
         const WCHAR X[] = L\"abc\";\n\
         const char *S = \"a\" \"b\";\n\
         const unsigned long M = (ULONG)-1;\n\
         [hidden] const int H = sizeof(GUID);\n",
    );
    let consts: Vec<String> = file
        .items
        .iter()
        .map(|item| {
            let c = variant!(item, Item::Const);
            format!("{} = {}", declarator_text(&c.spec, &c.declarator), c.value)
        })
        .collect();
    assert_eq!(
        consts,
        [
            "long A = 1 << 3",
            "WCHAR X[] = \"abc\"",
            "char *S = \"ab\"",
            "unsigned long M = (ULONG)-1",
            "int H = sizeof(GUID)",
        ]
    );
    let h = variant!(&file.items[4], Item::Const);
    assert_eq!(attrs(&h.attributes), ["hidden"]);
}

#[test]
fn enums_with_values_and_attributes() {
    let t = typedef(
        "typedef [v1_enum] enum Color {\n\
             Red,\n\
             Green = 5,\n\
             Blue = Green << 1 | 1,\n\
             [helpstring(\"dark\")] Dark,\n\
             Neg = -1,\n\
         } Color;\n",
    );
    let TypeKind::Enum(EnumType {
        tag,
        members: Some(enumerators),
    }) = &t.spec.kind
    else {
        panic!("an enum: {:?}", t.spec.kind);
    };
    assert_eq!(tag.as_ref().unwrap().name, "Color");
    let listed: Vec<(String, Option<String>, Vec<String>)> = enumerators
        .iter()
        .map(|e| {
            (
                e.name.name.clone(),
                e.value.as_ref().map(ToString::to_string),
                attrs(&e.attributes),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("Red".into(), None, vec![]),
            ("Green".into(), Some("5".into()), vec![]),
            ("Blue".into(), Some("Green << 1 | 1".into()), vec![]),
            ("Dark".into(), None, vec!["helpstring(\"dark\")".into()]),
            ("Neg".into(), Some("-1".into()), vec![]),
        ]
    );
    let empty = typedef("typedef enum { } EMPTY;\n");
    assert!(
        matches!(&empty.spec.kind, TypeKind::Enum(EnumType { members: Some(m), .. }) if m.is_empty())
    );
}

// ---------------------------------------------------------------- structs and unions

#[test]
fn struct_with_anonymous_union_and_nested_struct() {
    let t = typedef(
        "typedef struct Outer {\n\
             long kind;\n\
             union { long a; short b; };\n\
             struct Inner { char c; } inner, *pinner;\n\
             struct Outer *next;\n\
         } Outer;\n",
    );
    assert_eq!(
        members(&t.spec),
        [
            "long kind",
            "union {...}",
            "struct Inner inner, struct Inner *pinner",
            "struct Outer *next",
        ]
    );
    let TypeKind::Struct(StructType {
        members: Some(fields),
        ..
    }) = &t.spec.kind
    else {
        panic!("a struct");
    };
    assert!(unnamed(&fields[1]));
    assert_eq!(members(&fields[1].spec), ["long a", "short b"]);
    let TypeKind::Struct(next) = &fields[3].spec.kind else {
        panic!("a struct reference");
    };
    assert!(next.members.is_none());
}

#[test]
fn encapsulated_union() {
    let file = parse_ok(
        "union U switch (long k) u { case 1: long a; case 2: case 3: short b; default: ; };\n",
    );
    let declaration = variant!(only(&file.items), Item::Declaration);
    assert!(unnamed(declaration));
    let TypeKind::Union(UnionType {
        tag,
        body:
            Some(UnionBody::Encapsulated {
                discriminant_type,
                discriminant,
                union_name,
                arms,
            }),
    }) = &declaration.spec.kind
    else {
        panic!("an encapsulated union: {:?}", declaration.spec.kind);
    };
    assert_eq!(tag.as_ref().unwrap().name, "U");
    assert_eq!(discriminant_type.to_string(), "long");
    assert_eq!(discriminant.name, "k");
    assert_eq!(union_name.as_ref().unwrap().name, "u");
    let listed: Vec<(Vec<Option<String>>, Option<String>)> = arms
        .iter()
        .map(|arm| {
            (
                arm.cases
                    .iter()
                    .map(|c| c.as_ref().map(ToString::to_string))
                    .collect(),
                arm.member.as_ref().map(declaration_text),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (vec![Some("1".into())], Some("long a".into())),
            (
                vec![Some("2".into()), Some("3".into())],
                Some("short b".into())
            ),
            (vec![None], None),
        ]
    );
}

#[test]
fn encapsulated_union_without_union_name() {
    let t = typedef("typedef union switch (short t) { case 0: long l; } V;\n");
    let TypeKind::Union(UnionType {
        tag: None,
        body: Some(UnionBody::Encapsulated { union_name, .. }),
    }) = &t.spec.kind
    else {
        panic!("an encapsulated union: {:?}", t.spec.kind);
    };
    assert!(union_name.is_none());
}

#[test]
fn non_encapsulated_union_with_case_attributes() {
    let t = typedef(
        "typedef [switch_type(long)] union NU {\n\
             [case(1)] long a;\n\
             [case(2, 3)] BSTR b;\n\
             [default] ;\n\
         } NU;\n",
    );
    assert_eq!(attrs(&t.attributes), ["switch_type(long)"]);
    assert_eq!(
        members(&t.spec),
        ["[case(1)] long a", "[case(2, 3)] BSTR b", "[default] void"]
    );
    let TypeKind::Union(UnionType {
        body: Some(UnionBody::Plain(arms)),
        ..
    }) = &t.spec.kind
    else {
        panic!("a plain union");
    };
    assert!(arms[2].declarators.is_empty());
}

// ---------------------------------------------------------------- types

#[test]
fn base_type_words_are_normalised() {
    let t = typedef(
        "typedef struct T {\n\
             unsigned long int a;\n\
             long long b;\n\
             signed char c;\n\
             __int64 d;\n\
             hyper e;\n\
             unsigned f;\n\
             short int g;\n\
             unsigned   hyper h;\n\
             long double i;\n\
             __int3264 j;\n\
             unsigned long long k;\n\
             boolean l;\n\
             wchar_t m;\n\
         } T;\n",
    );
    let bases: Vec<String> = match &t.spec.kind {
        TypeKind::Struct(StructType {
            members: Some(fields),
            ..
        }) => fields
            .iter()
            .map(|f| match &f.spec.kind {
                TypeKind::Base(b) => b.clone(),
                other => panic!("a base type: {other:?}"),
            })
            .collect(),
        other => panic!("a struct: {other:?}"),
    };
    assert_eq!(
        bases,
        [
            "unsigned long int",
            "long long",
            "signed char",
            "__int64",
            "hyper",
            "unsigned",
            "short int",
            "unsigned hyper",
            "long double",
            "__int3264",
            "unsigned long long",
            "boolean",
            "wchar_t",
        ]
    );
}

#[test]
fn qualifiers_safearray_and_interface_types() {
    assert_eq!(
        method_params(
            "HRESULT F([in] const WCHAR *a, [in] WCHAR __unaligned *b, [in] SAFEARRAY(BSTR) c, [in] SAFEARRAY(VARIANT) *d, [in] interface IFoo *e, [in] struct S *f, [in] enum E g, [in] const char * const h);"
        ),
        [
            "[in] const WCHAR *a",
            "[in] __unaligned WCHAR *b",
            "[in] SAFEARRAY(BSTR) c",
            "[in] SAFEARRAY(VARIANT) *d",
            "[in] interface IFoo *e",
            "[in] struct S *f",
            "[in] enum E g",
            "[in] const char *const h",
        ]
    );
    let i = interface("interface I { HRESULT F(SAFEARRAY(BSTR) *p, interface IFoo *q); }");
    let m = i.methods().next().unwrap();
    let Param::Named { spec, .. } = &m.params[0] else {
        panic!("named");
    };
    let TypeKind::SafeArray(element) = &spec.kind else {
        panic!("a SAFEARRAY: {:?}", spec.kind);
    };
    assert_eq!(element.to_string(), "BSTR");
    let Param::Named { spec, .. } = &m.params[1] else {
        panic!("named");
    };
    assert!(matches!(&spec.kind, TypeKind::Interface(n) if n.to_string() == "IFoo"));
}

// ---------------------------------------------------------------- WinRT

#[test]
fn namespace_runtimeclass_apicontract() {
    let file = parse_ok(
        "namespace Windows.Foundation {\n\
             [contractversion(1)] apicontract FoundationContract {};\n\
             apicontract Bare;\n\
             [version(1.0), activatable(FoundationContract, 1)]\n\
             runtimeclass Uri {\n\
                 [default] interface Windows.Foundation.IUriRuntimeClass;\n\
                 interface IStringable;\n\
             }\n\
             runtimeclass Forward;\n\
         }\n",
    );
    let ns = variant!(only(&file.items), Item::Namespace);
    assert_eq!(ns.name.name, "Windows.Foundation");
    assert_eq!(
        names(&ns.items),
        [
            "apicontract FoundationContract",
            "apicontract Bare",
            "runtimeclass Uri",
            "runtimeclass Forward",
        ]
    );
    let contract = variant!(&ns.items[0], Item::ApiContract);
    assert_eq!(attrs(&contract.attributes), ["contractversion(1)"]);
    let uri = variant!(&ns.items[2], Item::RuntimeClass);
    assert_eq!(
        attrs(&uri.attributes),
        ["version(1.0)", "activatable(FoundationContract, 1)"]
    );
    let members: Vec<String> = uri
        .members
        .as_ref()
        .unwrap()
        .iter()
        .map(|m| format!("{:?} {}", attrs(&m.attributes), m.name))
        .collect();
    assert_eq!(
        members,
        [
            "[\"default\"] Windows.Foundation.IUriRuntimeClass",
            "[] IStringable",
        ]
    );
    assert!(variant!(&ns.items[3], Item::RuntimeClass).members.is_none());
}

#[test]
fn nested_namespaces_and_dotted_names() {
    let file = parse_ok(
        "namespace A { namespace B.C { interface I : A.Base { HRESULT F([in] A.B.T t); } } }\n",
    );
    let a = variant!(only(&file.items), Item::Namespace);
    let bc = variant!(only(&a.items), Item::Namespace);
    assert_eq!(bc.name.name, "B.C");
    let i = variant!(only(&bc.items), Item::Interface);
    assert_eq!(
        i.body.as_ref().unwrap().base.as_ref().unwrap().to_string(),
        "A.Base"
    );
    assert_eq!(methods(i), ["HRESULT F([in] A.B.T t)"]);
}

#[test]
fn delegates() {
    let file = parse_ok(
        "namespace N {\n\
             delegate HRESULT Handler<T>([in] T sender, [in] int args);\n\
             [uuid(12345678-1234-1234-1234-123456789abc)] delegate void Plain();\n\
         }\n",
    );
    let ns = variant!(only(&file.items), Item::Namespace);
    let generic = variant!(&ns.items[0], Item::Delegate);
    assert_eq!(generic.return_type.to_string(), "HRESULT");
    assert_eq!(generic.name.name, "Handler");
    let params: Vec<&str> = generic
        .generic_params
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(params, ["T"]);
    assert_eq!(
        params_text(&generic.params),
        ["[in] T sender", "[in] int args"]
    );
    let plain = variant!(&ns.items[1], Item::Delegate);
    assert!(plain.generic_params.is_empty() && plain.params.is_empty());
    assert_eq!(
        attrs(&plain.attributes),
        ["uuid(12345678-1234-1234-1234-123456789abc)"]
    );
}

#[test]
fn declare_block_and_generic_interfaces() {
    let file = parse_ok(
        "declare {\n\
             interface Windows.Foundation.Collections.IVector<HSTRING>;\n\
             interface IMap<HSTRING, IVectorView<HSTRING> *>;\n\
             interface IVector<IVector<int>>;\n\
             interface IMapView<HSTRING, IVectorView<HSTRING>*>;\n\
         }\n\
         [uuid(12345678-1234-1234-1234-123456789abc)]\n\
         interface IVector<T> requires IIterable<T>, IClosable {\n\
             HRESULT GetAt([in] unsigned int index, [out, retval] T *value);\n\
             HRESULT GetView([out, retval] IVectorView<T> **view);\n\
         }\n\
         interface IPair<K, V>;\n",
    );
    let [declare, vector, pair] = file.items.as_slice() else {
        panic!("three items: {:#?}", file.items);
    };
    let declared: Vec<String> = variant!(declare, Item::Declare)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        declared,
        [
            "Windows.Foundation.Collections.IVector<HSTRING>",
            "IMap<HSTRING, IVectorView<HSTRING> *>",
            "IVector<IVector<int>>",
            "IMapView<HSTRING, IVectorView<HSTRING> *>",
        ]
    );
    let vector = variant!(vector, Item::Interface);
    assert_eq!(vector.name.name, "IVector");
    let params: Vec<&str> = vector
        .generic_params
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(params, ["T"]);
    let body = vector.body.as_ref().unwrap();
    assert!(body.base.is_none());
    let requires: Vec<String> = body.requires.iter().map(ToString::to_string).collect();
    assert_eq!(requires, ["IIterable<T>", "IClosable"]);
    assert_eq!(
        methods(vector),
        [
            "HRESULT GetAt([in] unsigned int index, [out, retval] T *value)",
            "HRESULT GetView([out, retval] IVectorView<T> **view)",
        ]
    );
    let pair = variant!(pair, Item::Interface);
    let params: Vec<&str> = pair
        .generic_params
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(params, ["K", "V"]);
    assert!(pair.body.is_none());
}

// ---------------------------------------------------------------- doc comments

#[test]
fn line_and_block_comments_become_docs() {
    let file = parse_ok(
        "// Not attached: a blank line follows.\n\
         \n\
         /// The first line.\n\
         /// Second line.\n\
         [object, uuid(12345678-1234-1234-1234-123456789abc)]\n\
         interface IDoc : IUnknown\n\
         {\n\
             /* Block\n\
              * comment */\n\
             HRESULT F();\n\
         \n\
             // Cut off by the blank line.\n\
         \n\
             HRESULT G();\n\
             //! Inner marker.\n\
             [propget] HRESULT H([out, retval] long *p);\n\
         }\n",
    );
    let i = variant!(only(&file.items), Item::Interface);
    assert_eq!(i.docs.0, ["The first line.", "Second line."]);
    let docs: Vec<Vec<String>> = i.methods().map(|m| m.declaration.docs.0.clone()).collect();
    assert_eq!(
        docs,
        [
            vec!["Block".to_string(), "comment".to_string()],
            vec![],
            vec!["Inner marker.".to_string()],
        ]
    );
}

#[test]
fn docs_of_typedefs_consts_and_mixed_blocks() {
    let file = parse_ok(
        "/**\n\
          * A typedef.\n\
          */\n\
         typedef long T;\n\
         long F(void); // trailing, not a doc of the next line\n\
         const long K = 1;\n\
         /* one */\n\
         // two\n\
         const long L = 2;\n",
    );
    let t = variant!(&file.items[0], Item::Typedef);
    assert_eq!(t.docs.0, ["A typedef."]);
    let k = variant!(&file.items[2], Item::Const);
    assert!(k.docs.is_empty(), "{:?}", k.docs);
    let l = variant!(&file.items[3], Item::Const);
    assert_eq!(l.docs.0, ["one", "two"]);
}

#[test]
fn docs_of_enum_members_and_struct_fields() {
    let t = typedef(
        "typedef enum E {\n\
             // The first.\n\
             A,\n\
             /** The second. */\n\
             B = 2,\n\
             C\n\
         } E;\n\
         ",
    );
    let TypeKind::Enum(EnumType {
        members: Some(enumerators),
        ..
    }) = &t.spec.kind
    else {
        panic!("an enum");
    };
    let docs: Vec<Vec<String>> = enumerators.iter().map(|e| e.docs.0.clone()).collect();
    assert_eq!(
        docs,
        [
            vec!["The first.".to_string()],
            vec!["The second.".to_string()],
            vec![],
        ]
    );
    let s = typedef("typedef struct S {\n    // Count of items.\n    long count;\n} S;\n");
    let TypeKind::Struct(StructType {
        members: Some(fields),
        ..
    }) = &s.spec.kind
    else {
        panic!("a struct");
    };
    assert_eq!(fields[0].docs.0, ["Count of items."]);
}

// ---------------------------------------------------------------- errors

#[test]
fn missing_semicolon_is_reported_after_the_previous_token() {
    let errors = parse_err("interface I : IUnknown\n{\n    HRESULT F()\n    HRESULT G();\n}\n");
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert!(
        errors[0].message.starts_with("expected `;`"),
        "{}",
        render(&errors)
    );
    assert_eq!(position(&errors[0]), "t.idl:3:16");
}

#[test]
fn missing_semicolon_before_closing_brace() {
    let errors = parse_err("typedef struct S {\n    long a\n} S;\n");
    assert!(
        errors[0].message.starts_with("expected `;`"),
        "{}",
        render(&errors)
    );
    assert_eq!(position(&errors[0]), "t.idl:2:11");
}

#[test]
fn syntax_error_leaves_an_empty_tree() {
    let (file, diagnostics) = run("interface I : IUnknown { HRESULT F(long a b); }\n");
    assert!(file.items.is_empty());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(position(&diagnostics[0]), "t.idl:1:43");
}

#[test]
fn unclosed_brace_is_reported_at_end_of_file() {
    let errors = parse_err("interface I : IUnknown {\n    HRESULT F();\n");
    let rendered = render(&errors);
    assert!(errors[0].message.contains("end of file"), "{rendered}");
    assert!(rendered.contains("never closed"), "{rendered}");
}

#[test]
fn malformed_guid() {
    for attribute in [
        "uuid(1234-5678)",
        "uuid(\"not a guid\")",
        "uuid()",
        "uuid",
        "async_uuid(0000000g-0000-0000-c000-000000000046)",
    ] {
        let errors = parse_err(&format!(
            "[object, {attribute}]\ninterface I : IUnknown {{}}\n"
        ));
        assert_eq!(errors.len(), 1, "{attribute}: {}", render(&errors));
        assert!(
            errors[0].message.starts_with("malformed GUID"),
            "{attribute}: {}",
            render(&errors)
        );
        assert!(position(&errors[0]).starts_with("t.idl:1:"), "{attribute}");
    }
    let errors = parse_err("\n[uuid(12-34)] interface I {}\n");
    assert_eq!(position(&errors[0]), "t.idl:2:7");
    let errors = parse_err("[uuid(12345678-1234-1234-1234-123456789abc, 1)] interface I {}\n");
    assert_eq!(position(&errors[0]), "t.idl:1:45");
}

#[test]
fn const_without_value() {
    let errors = parse_err("\nconst long X;\n");
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert!(
        errors[0].message.contains("`X` has no value"),
        "{}",
        render(&errors)
    );
    assert_eq!(position(&errors[0]), "t.idl:2:12");
}

#[test]
fn variable_declaration_suggests_a_keyword() {
    let errors = parse_err("interfase IFoo;\n");
    assert!(
        errors[0]
            .message
            .contains("`IFoo` is declared as a variable"),
        "{}",
        render(&errors)
    );
    assert_eq!(
        errors[0].help.as_deref(),
        Some("did you mean `interface IFoo`?")
    );
    assert_eq!(position(&errors[0]), "t.idl:1:11");
    // `extern` data is declared elsewhere: allowed.
    parse_ok("extern const GUID IID_IFoo;\n");
}

#[test]
fn deep_nesting_is_refused_without_panic() {
    let deep = format!("const long X = {}1{};\n", "(".repeat(300), ")".repeat(300));
    let errors = parse_err(&deep);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("nested more than"),
        "{}",
        render(&errors)
    );
    assert_eq!(position(&errors[0]), "t.idl:1:216");
    // Well below the limit parses.
    let fine = format!("const long X = {}1{};\n", "(".repeat(150), ")".repeat(150));
    assert_eq!(const_expr_of(&fine), "1");
}

fn const_expr_of(src: &str) -> String {
    let file = parse_ok(src);
    variant!(only(&file.items), Item::Const).value.to_string()
}

#[test]
fn unexpected_character_is_named() {
    let errors = parse_err("typedef long @T;\n");
    assert_eq!(position(&errors[0]), "t.idl:1:14");
    let rendered = render(&errors);
    assert!(
        rendered.contains("'@'") || rendered.contains("`@`"),
        "{rendered}"
    );
}

#[test]
fn attribute_argument_error_names_the_attribute() {
    let errors = parse_err("interface I { HRESULT F([size_is(n +)] long *p); }\n");
    assert!(
        errors[0].message.contains("size_is") || render(&errors).contains("size_is"),
        "{}",
        render(&errors)
    );
    assert!(position(&errors[0]).starts_with("t.idl:1:"));
}

// ---------------------------------------------------------------- lexical corners

#[test]
fn comments_and_brackets_inside_strings_are_text() {
    let file = parse_ok(
        "cpp_quote(\"// not /* a comment */ ((((\")\nconst char *S = \"{[(\"; // real comment ) ]\n",
    );
    assert_eq!(
        names(&file.items),
        ["cpp_quote // not /* a comment */ ((((", "const char *S"]
    );
    let s = variant!(&file.items[1], Item::Const);
    assert_eq!(s.value.to_string(), "\"{[(\"");
}

#[test]
fn keywords_are_whole_words() {
    let t = typedef(
        "typedef struct structure {\n\
             long small_;\n\
             long hyper_t;\n\
             long intValue;\n\
             long constant;\n\
             long interfaces;\n\
             long defaultValue;\n\
             long caseCount;\n\
             long inlined;\n\
             long unsignedCount;\n\
         } structure;\n",
    );
    assert_eq!(
        members(&t.spec),
        [
            "long small_",
            "long hyper_t",
            "long intValue",
            "long constant",
            "long interfaces",
            "long defaultValue",
            "long caseCount",
            "long inlined",
            "long unsignedCount",
        ]
    );
    assert_eq!(
        method_params("HRESULT F([in] long methods, [in] long properties, [in] long requires);"),
        [
            "[in] long methods",
            "[in] long properties",
            "[in] long requires"
        ]
    );
}

#[test]
fn pragmas_and_cpp_quotes_inside_bodies() {
    let i = interface(
        "interface I : IUnknown {\n#pragma warning(disable: 4000)\n    HRESULT F();\n}\n",
    );
    assert_eq!(
        names(&i.body.as_ref().unwrap().items),
        [
            "pragma #pragma warning(disable: 4000)",
            "declaration HRESULT F()"
        ]
    );
    let t =
        typedef("typedef struct S {\n    cpp_quote(\"x\")\n#pragma pack(1)\n    long a;\n} S;\n");
    assert_eq!(members(&t.spec), ["long a"]);
    let file = parse_ok("coclass C { cpp_quote(\"x\") [default] interface I; };\n");
    let c = variant!(only(&file.items), Item::Coclass);
    assert_eq!(c.members.as_ref().unwrap().len(), 1);
}

#[test]
fn parenthesised_name_before_sign_reads_as_cast() {
    // Documented in idl.pest: `(x) - 1` is a cast of `-1`; the model decides
    // by what `x` names.
    let e = const_expr("(n) - 1");
    assert!(matches!(e.kind, ExprKind::Cast(..)), "{e:?}");
    assert_eq!(e.to_string(), "(n)-1");
    // A number in parentheses is never a type.
    let e = const_expr("(1) - 1");
    assert!(matches!(e.kind, ExprKind::Binary(BinaryOp::Sub, ..)));
    // Nor is a name followed by an operator that starts no operand.
    let e = const_expr("(n) / 2");
    assert!(matches!(e.kind, ExprKind::Binary(BinaryOp::Div, ..)));
    assert_eq!(e.to_string(), "n / 2");
}

#[test]
fn a_bare_type_definition_has_no_declarators() {
    let file = parse_ok("struct S { long a; };");
    let Item::Declaration(declaration) = only(&file.items) else {
        panic!("a declaration");
    };
    assert!(declaration.declarators.is_empty());
}

#[test]
fn an_empty_declarator_after_a_comma_is_an_error() {
    let errors = parse_err("typedef LONG T, ;");
    assert_eq!(position(&errors[0]), "t.idl:1:17");
}

#[test]
fn a_doc_comment_on_the_declarations_own_line_attaches_to_it() {
    let i = interface("interface I {\n  /** doc */ HRESULT F();\n  /** doc2 */HRESULT G();\n}");
    let docs: Vec<Vec<String>> = i.methods().map(|m| m.declaration.docs.0.clone()).collect();
    assert_eq!(docs, [vec!["doc".to_string()], vec!["doc2".to_string()]]);
}

#[test]
fn a_midl_pragma_without_semicolon_keeps_only_its_text() {
    let file = parse_ok("midl_pragma warning(disable: 1)  \n\n  cpp_quote(\"x\")");
    let Item::Pragma(pragma) = &file.items[0] else {
        panic!("a pragma");
    };
    assert_eq!(pragma.value, "midl_pragma warning(disable: 1)");
}
