//! comidl's model of `idl/Syncmgr.idl` and `idl/mobsync.idl` against
//! Microsoft's metadata (`Windows.Win32.winmd`): every interface's IID,
//! base, vtable order, method names, parameters (name, type, direction,
//! const); every enum value; every struct's fields and x64 layout; every
//! constant's value.

use comidl::model::{Arch, ConstValue, Direction, ItemId, ItemKind, Model, Prim, Type};
use comidl::syntax::builtin;
use comidl::syntax::preprocess::Options;
use comidl_tests::repo_root;
use comidl_tests::winmd::{self, Winmd};

const SHELL: &str = "Windows.Win32.UI.Shell";

/// Where the SDK's IDL (which `idl/` follows) and the metadata disagree.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "ISyncMgrConflictResolveInfo::SetItemChoices(prgiConflictItemIndexes) direction",
    "the SDK's IDL says [in]; the metadata follows the header's SAL annotation, _Inout_",
)];

fn model() -> Model {
    let idl = repo_root().join("idl");
    let loader = builtin::disk_loader(Options {
        include_dirs: vec![idl.clone()],
        ..Options::default()
    });
    let units = loader.closure_of_all(&[idl.join("Syncmgr.idl"), idl.join("mobsync.idl")]);
    let (model, diagnostics) = Model::build(&units);
    assert!(
        diagnostics.is_empty(),
        "{:?}",
        diagnostics
            .iter()
            .map(|d| d.render(false))
            .collect::<Vec<_>>()
    );
    model
}

/// A model type in the metadata's notation (see `comidl_tests::winmd`):
/// with whether what it points to is `const`.
fn notation(model: &Model, ty: &Type) -> (String, bool) {
    // Typedefs the metadata keeps as names of their own.
    if let Type::Named(id) = ty {
        let name = model.items[*id].name.as_str();
        match name {
            "LPWSTR" | "LPOLESTR" => return ("PWSTR".into(), false),
            "LPCWSTR" | "LPCOLESTR" => return ("PWSTR".into(), true),
            "BOOL" | "HRESULT" => return (name.into(), false),
            _ => {}
        }
        if let ItemKind::Alias(alias) = &model.items[*id].kind {
            return if alias.handle {
                (name.into(), false)
            } else {
                notation(model, &alias.ty)
            };
        }
    }
    match ty {
        Type::Void => ("void".into(), false),
        Type::Prim(p) => (prim(*p).into(), false),
        Type::Named(id) => match model.items[*id].name.as_str() {
            "GUID" => ("Guid".into(), false),
            name => (name.into(), false),
        },
        Type::Pointer { to, to_const } => {
            // The metadata has one const flag for the whole parameter.
            let (inner, inner_const) = notation(model, to);
            let to_const = *to_const || inner_const;
            // Interfaces are references already: `IFoo *` is `IFoo`.
            if let Type::Named(id) = model.resolve(to, &|_| false)
                && model.interface(*id).is_some()
            {
                return (inner, to_const);
            }
            (format!("{inner}*"), to_const)
        }
        Type::Array { of, len } => (
            format!("{}[{}]", notation(model, of).0, len.unwrap_or(1)),
            false,
        ),
        Type::Function(_) | Type::Error => ("?".into(), false),
    }
}

fn prim(p: Prim) -> &'static str {
    match p {
        Prim::I8 => "i8",
        Prim::U8 | Prim::Boolean => "u8",
        Prim::I16 => "i16",
        Prim::U16 => "u16",
        Prim::WChar => "char16",
        Prim::I32 => "i32",
        Prim::U32 => "u32",
        Prim::I64 => "i64",
        Prim::U64 => "u64",
        Prim::ISize => "isize",
        Prim::USize => "usize",
        Prim::F32 => "f32",
        Prim::F64 => "f64",
    }
}

#[test]
fn model_matches_microsofts_metadata() {
    let model = model();
    let winmd = Winmd::load().expect("Windows.Win32.winmd");
    // Everything syncmgr.h and mobsync.h declare that the metadata has:
    // interfaces, enums, structs, constants (not typedefs or coclasses).
    let ours: Vec<ItemId> = model
        .modules
        .iter()
        .filter(|m| m.name == "syncmgr" || m.name == "mobsync")
        .flat_map(|m| m.items.iter().copied())
        .filter(|&id| {
            matches!(
                model.items[id].kind,
                ItemKind::Interface(_)
                    | ItemKind::Enum(_)
                    | ItemKind::Record(_)
                    | ItemKind::Const(_)
            )
        })
        .collect();
    let names: Vec<&str> = ours
        .iter()
        .map(|&id| model.items[id].name.as_str())
        .collect();
    let facts = winmd
        .facts(SHELL, &names)
        .expect("every name is in the metadata");
    assert_eq!(
        (
            facts.interfaces.len(),
            facts.enums.len(),
            facts.structs.len(),
            facts.constants.len()
        ),
        (31, 26, 7, 21),
        "syncmgr.h + mobsync.h declare 31 interfaces, 26 enums, 7 structs, 21 constants"
    );
    let mut problems = Vec::new();
    let mut compared = 0;
    let mut check = |what: String, ours: String, theirs: String| {
        compared += 1;
        if ours != theirs && !KNOWN_DIFFERENCES.iter().any(|(known, _)| *known == what) {
            problems.push(format!("{what}: ours `{ours}`, metadata `{theirs}`"));
        }
    };

    for expected in &facts.interfaces {
        let id = model.lookup(&expected.name).expect("listed from the model");
        let interface = model.interface(id).expect("an interface");
        let name = &expected.name;
        check(
            format!("{name} IID"),
            interface.iid.map(|g| g.to_string()).unwrap_or_default(),
            expected.iid.clone(),
        );
        check(
            format!("{name} base"),
            interface
                .base
                .map(|b| model.items[b].name.clone())
                .unwrap_or_default(),
            expected.base.clone().unwrap_or_default(),
        );
        let vtable = model.vtable(id);
        let full = winmd.vtable(SHELL, name).expect("vtable");
        check(
            format!("{name} vtable"),
            vtable
                .iter()
                .map(|(_, m)| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            full.iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        let own: Vec<_> = interface.methods.iter().filter(|m| !m.call_as).collect();
        for (method, theirs) in own.iter().zip(&expected.methods) {
            let at = format!("{name}::{}", method.name);
            check(
                format!("{at} name"),
                method.name.clone(),
                theirs.name.clone(),
            );
            check(
                format!("{at} return"),
                notation(&model, &method.signature.ret).0,
                theirs.return_type.clone(),
            );
            check(
                format!("{at} parameter count"),
                method.signature.params.len().to_string(),
                theirs.params.len().to_string(),
            );
            for (param, their) in method.signature.params.iter().zip(&theirs.params) {
                let at = format!("{at}({})", param.name);
                let (ty, is_const) = notation(&model, &param.ty);
                check(format!("{at} name"), param.name.clone(), their.name.clone());
                check(format!("{at} type"), ty, their.ty.clone());
                check(
                    format!("{at} const"),
                    is_const.to_string(),
                    their.is_const.to_string(),
                );
                let direction = match param.dir {
                    Direction::In => winmd::Direction::In,
                    Direction::Out => winmd::Direction::Out,
                    Direction::InOut => winmd::Direction::InOut,
                };
                check(
                    format!("{at} direction"),
                    direction.as_str().into(),
                    their.direction.as_str().into(),
                );
            }
        }
    }

    for expected in &facts.enums {
        let id = model.lookup(&expected.name).expect("listed");
        let ItemKind::Enum(e) = &model.items[id].kind else {
            panic!("{} is an enum", expected.name)
        };
        let ours: Vec<String> = e
            .members
            .iter()
            .map(|m| format!("{}={}", m.name, m.value as i32))
            .collect();
        let theirs: Vec<String> = expected
            .members
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        check(
            format!("enum {}", expected.name),
            ours.join(" "),
            theirs.join(" "),
        );
    }

    for expected in &facts.structs {
        let id = model.lookup(&expected.name).expect("listed");
        let ItemKind::Record(record) = &model.items[id].kind else {
            panic!("{} is a struct", expected.name)
        };
        let ours: Vec<String> = record
            .fields
            .iter()
            .map(|f| {
                let (ty, is_const) = notation(&model, &f.ty);
                format!("{}: {ty}{}", f.name, if is_const { " (const)" } else { "" })
            })
            .collect();
        let theirs: Vec<String> = expected
            .fields
            .iter()
            .map(|f| {
                format!(
                    "{}: {}{}",
                    f.name,
                    f.ty,
                    if f.is_const { " (const)" } else { "" }
                )
            })
            .collect();
        check(
            format!("struct {} fields", expected.name),
            ours.join(", "),
            theirs.join(", "),
        );
        let layout = model.layout_of(&Type::Named(id), Arch::X64).expect("sized");
        check(
            format!("struct {} x64 size/align", expected.name),
            format!("{}/{}", layout.size, layout.align),
            format!("{}/{}", expected.layout.size, expected.layout.align),
        );
    }

    for expected in &facts.constants {
        let id = model.lookup(&expected.name).expect("listed");
        let ItemKind::Const(constant) = &model.items[id].kind else {
            panic!("{} is a constant", expected.name)
        };
        let value = match constant.value {
            ConstValue::Int(v) => v as i64,
            _ => i64::MIN,
        };
        check(
            format!("const {}", expected.name),
            value.to_string(),
            expected.value.to_string(),
        );
    }

    println!(
        "compared {compared} facts of {} interfaces, {} enums, {} structs, {} constants with Windows.Win32.winmd",
        facts.interfaces.len(),
        facts.enums.len(),
        facts.structs.len(),
        facts.constants.len()
    );
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
