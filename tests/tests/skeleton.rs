//! `comidl skeleton`: the files it writes for the cases of `tests/skeleton/`
//! (`<name>.args`, its arguments, and `<name>.rs`, what it writes, byte for
//! byte; `BLESS=1 cargo test --test skeleton` rewrites them), and how the
//! command refuses and fails. `tests/golden-build` compiles every
//! `<name>.rs` and calls its object.

use std::path::{Path, PathBuf};

use comidl_tests::repo_root;

/// Runs `comidl skeleton ARGS` in-process: the exit code and stderr.
fn skeleton(args: &[String]) -> (i32, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["comidl", "skeleton", "--color", "never"]
        .into_iter()
        .map(String::from)
        .chain(args.iter().cloned());
    let code = comidl::cli::run(argv, &mut out, &mut err);
    assert!(out.is_empty(), "skeleton writes only to stderr");
    (code, String::from_utf8(err).expect("utf-8 stderr"))
}

fn skeleton_dir() -> PathBuf {
    repo_root().join("tests/skeleton")
}

/// The cases' names (`tests/skeleton/<name>.args`), sorted.
fn cases() -> Vec<String> {
    comidl_tests::case_names(&skeleton_dir(), "args")
}

/// A case's arguments, paths made absolute (they are written from the
/// repository's root).
fn case_args(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(skeleton_dir().join(format!("{name}.args")))
        .expect("the case's arguments");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|arg| {
            let path = repo_root().join(arg);
            if !arg.starts_with('-') && path.exists() {
                path.display().to_string()
            } else {
                arg.to_string()
            }
        })
        .collect()
}

/// A fresh scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = repo_root().join("target/tmp/skeleton").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn cases_write_the_checked_in_skeletons() {
    let bless = std::env::var_os("BLESS").is_some();
    let dir = scratch("cases");
    let mut failures = Vec::new();
    for name in cases() {
        let out = dir.join(format!("{name}.rs"));
        let mut args = case_args(&name);
        args.extend(["-o".into(), path_arg(&out)]);
        let (code, err) = skeleton(&args);
        assert_eq!(code, 0, "{name}: comidl skeleton fails:\n{err}");
        let fresh = std::fs::read_to_string(&out).expect("the skeleton written");
        let golden = skeleton_dir().join(format!("{name}.rs"));
        if bless {
            std::fs::write(&golden, &fresh).expect("write the golden skeleton");
            continue;
        }
        let checked_in = std::fs::read_to_string(&golden).unwrap_or_default();
        if let Some(difference) = comidl_tests::first_difference(
            "tests/skeleton",
            &[file(&name, checked_in)],
            &[file(&name, fresh)],
        ) {
            failures.push(difference);
        }
    }
    assert!(
        failures.is_empty(),
        "skeletons differ; if the new output is right, `BLESS=1 cargo test --test skeleton` \
         accepts it:\n{}",
        failures.join("\n")
    );
}

fn file(name: &str, contents: String) -> comidl::emit::rust::GeneratedFile {
    comidl::emit::rust::GeneratedFile {
        name: format!("{name}.rs"),
        contents,
    }
}

#[test]
fn every_skeleton_is_compiled() {
    let lib = repo_root().join("tests/golden-build/src/skeletons.rs");
    let lib = std::fs::read_to_string(&lib).expect("tests/golden-build/src/skeletons.rs");
    for name in cases() {
        let module = format!("#[path = \"../../skeleton/{name}.rs\"]\npub mod {name};");
        assert!(
            lib.contains(&module),
            "tests/golden-build/src/skeletons.rs does not compile skeleton `{name}`: add\n{module}"
        );
    }
}

/// Skeletons are meant to look written by hand: `cargo fmt` leaves them as
/// they are. Checked when rustfmt is installed.
#[test]
fn skeletons_are_as_rustfmt_formats_them() {
    if std::process::Command::new("rustfmt")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("rustfmt is not installed: not checked");
        return;
    }
    for name in cases() {
        let golden = skeleton_dir().join(format!("{name}.rs"));
        let output = std::process::Command::new("rustfmt")
            .args(["--edition", "2024", "--check"])
            .arg(&golden)
            .output()
            .expect("run rustfmt");
        assert!(
            output.status.success(),
            "rustfmt would change tests/skeleton/{name}.rs:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn the_library_gives_what_the_command_writes() {
    let root = repo_root();
    let output = comidl::Builder::new()
        .idl(root.join("tests/golden/implement.idl"))
        .answer("IWidget::IsBusy")
        .skeleton(
            &comidl::Skeleton::new("Gadget")
                .interface("IGadget")
                .interface("IEnumWidgets")
                .bindings("crate::implement::implement"),
        )
        .unwrap_or_else(|errors| panic!("{}", errors[0].render(false)));
    assert!(output.warnings.is_empty());
    let [file] = output.files.as_slice() else {
        panic!("one file, not {}", output.files.len());
    };
    assert_eq!(file.name, "gadget.rs");
    let golden = std::fs::read_to_string(skeleton_dir().join("implement.rs")).expect("golden");
    assert!(
        file.contents == golden,
        "differs from tests/skeleton/implement.rs"
    );
}

/// The arguments of the `implement` case with `-o` at `out`, and more.
fn implement_args(out: &Path, more: &[&str]) -> Vec<String> {
    let mut args = case_args("implement");
    args.extend(["-o".into(), path_arg(out)]);
    args.extend(more.iter().map(|a| a.to_string()));
    args
}

#[test]
fn an_existing_file_is_overwritten_only_with_force() {
    let out = scratch("force").join("gadget.rs");
    std::fs::write(&out, "// mine\n").expect("an existing file");
    let (code, err) = skeleton(&implement_args(&out, &[]));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "error: {} already exists: pass --force to overwrite it\n",
            out.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), "// mine\n");

    let (code, err) = skeleton(&implement_args(&out, &["--force"]));
    assert_eq!(code, 0, "{err}");
    let golden = std::fs::read_to_string(skeleton_dir().join("implement.rs")).expect("golden");
    assert_eq!(std::fs::read_to_string(&out).expect("written"), golden);
}

#[test]
fn the_default_file_is_named_after_the_struct_in_the_folder_given() {
    let dir = scratch("default-name");
    let mut args = case_args("implement");
    args.extend(["-o".into(), path_arg(&dir)]);
    let (code, err) = skeleton(&args);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("gadget.rs").is_file(), "{err}");
    assert!(
        !dir.join(".gadget.rs.partial").exists(),
        "the temporary file is renamed"
    );
}

/// Runs the `implement` case with `--interface` and `--struct` replaced.
fn implement_with(interfaces: &[&str], struct_name: &str, test: &str) -> (i32, String) {
    let out = scratch(test).join("out.rs");
    let mut args = vec![path_arg(&repo_root().join("tests/golden/implement.idl"))];
    for interface in interfaces {
        args.extend(["--interface".to_string(), interface.to_string()]);
    }
    args.extend([
        "--struct".into(),
        struct_name.into(),
        "-o".into(),
        path_arg(&out),
    ]);
    let result = skeleton(&args);
    assert_eq!(
        out.exists(),
        result.0 == 0,
        "written exactly when it succeeds"
    );
    result
}

#[test]
fn unknown_interfaces_get_the_closest_name_or_the_list() {
    assert_eq!(
        implement_with(&["IGadgte"], "Gadget", "closest"),
        (
            1,
            "error: implement.idl has no interface `IGadgte`: did you mean `IGadget`?\n\n".into()
        )
    );
    assert_eq!(
        implement_with(&["IFrobnicator"], "Gadget", "list"),
        (
            1,
            "error: implement.idl has no interface `IFrobnicator`; its interfaces are \
             IEnumWidgets, IGadget, IWidget\n\n"
                .into()
        )
    );
    let (code, err) = implement_with(&["WIDGETINFO"], "Gadget", "not-interface");
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: `WIDGETINFO` is not an interface"),
        "{err}"
    );
}

#[test]
fn interfaces_without_an_impl_trait_are_refused_with_the_reason() {
    let idl = repo_root().join("tests/golden/extern_types.idl");
    let out = scratch("no-impl").join("out.rs");
    let args: Vec<String> = [
        &path_arg(&idl),
        "--extern-type",
        "IShape=crate::external::IShape",
        "--extern-type",
        "POINT=crate::external::Point",
        "--interface",
        "ICircle",
        "--interface",
        "IUnknown",
        "--struct",
        "Circle",
        "-o",
        &path_arg(&out),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let (code, err) = skeleton(&args);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: `ICircle` has no `ICircle_Impl` to implement: its base `IShape` is mapped to an \
         outside type\n\n\
         error: `IUnknown` is mapped to `windows_core::IUnknown`, which has no `IUnknown_Impl` \
         from comidl\n\n"
    );
    assert!(!out.exists());
}

#[test]
fn the_struct_name_must_be_a_rust_identifier() {
    for name in ["9lives", "fn", "My-Handler", ""] {
        let (code, err) = implement_with(&["IGadget"], name, "bad-struct");
        assert_eq!(code, 1, "{name}");
        assert_eq!(
            err,
            format!(
                "error: `{name}` is not a Rust identifier: the struct needs a name such as \
                 `MyHandler`\n\n"
            )
        );
    }
}

#[test]
fn idl_errors_are_reported_as_generate_reports_them() {
    let idl = path_arg(&repo_root().join("tests/diagnostics/bad-uuid-short.idl"));
    let dir = scratch("idl-error");
    let out = dir.join("out.rs");
    let (code, err) = skeleton(&[
        idl.clone(),
        "--interface".into(),
        "IFoo".into(),
        "--struct".into(),
        "Foo".into(),
        "-o".into(),
        path_arg(&out),
    ]);
    assert_eq!(code, 1);
    assert!(!out.exists());
    let (mut generate_out, mut generate_err) = (Vec::new(), Vec::new());
    let generate = [
        "comidl",
        "generate",
        "--color",
        "never",
        &idl,
        "-o",
        &path_arg(&dir.join("bindings")),
    ];
    assert_eq!(
        comidl::cli::run(generate, &mut generate_out, &mut generate_err),
        1
    );
    // The same diagnostics; `generate` adds a summary line.
    let generate_err = String::from_utf8(generate_err).expect("utf-8");
    let diagnostics = generate_err
        .strip_suffix("error: nothing written: 1 error\n")
        .expect("generate's summary");
    assert!(
        diagnostics.contains("bad-uuid-short.idl:1:15"),
        "{diagnostics}"
    );
    assert_eq!(err, diagnostics);
}

#[test]
fn help_explains_the_command_with_an_example() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = comidl::cli::run(["comidl", "skeleton", "--help"], &mut out, &mut err);
    assert_eq!(code, 0);
    let help = String::from_utf8(out).expect("utf-8");
    for expected in [
        "--interface",
        "--struct",
        "--force",
        "--bindings",
        "Example:",
        "E_NOTIMPL",
    ] {
        assert!(help.contains(expected), "`{expected}` is not in:\n{help}");
    }
}

#[test]
fn an_interface_without_methods_gets_an_empty_impl() {
    let dir = scratch("empty");
    let idl = dir.join("empty.idl");
    std::fs::write(
        &idl,
        "import \"unknwn.idl\";\n\
         [object, uuid(0d3c1a52-6f11-4c2e-9a43-1b2c3d4e5f60)]\n\
         interface IBase : IUnknown { HRESULT Ping(); }\n\
         [object, uuid(0d3c1a53-6f11-4c2e-9a43-1b2c3d4e5f60)]\n\
         interface IEmpty : IBase { }\n",
    )
    .expect("the IDL file");
    let out = dir.join("thing.rs");
    let (code, err) = skeleton(&[
        path_arg(&idl),
        "--interface".into(),
        "IEmpty".into(),
        "--struct".into(),
        "Thing".into(),
        "-o".into(),
        path_arg(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("#[com(implements(IEmpty))]\n"), "{text}");
    assert!(text.contains("\nimpl IEmpty_Impl for Thing {}\n"), "{text}");
    assert!(
        text.contains("\nimpl IBase_Impl for Thing {\n    fn Ping(&self) -> Result<()> {\n"),
        "{text}"
    );
    assert!(
        text.contains("use crate::bindings::empty::{IBase_Impl, IEmpty, IEmpty_Impl};\n"),
        "{text}"
    );
}
