//! `Builder::compile`, the build-script entry point: it writes the modules
//! into its output folder, and on IDL errors fails with their count and
//! writes nothing.

use std::path::{Path, PathBuf};

use comidl::{Builder, CompileError};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn compile_writes_the_modules_into_its_out_dir() {
    let out = scratch("builder-ok");
    Builder::new()
        .idl(root().join("idl/mobsync.idl"))
        .out_dir(&out)
        .compile()
        .unwrap();
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert!(written.contains(&"mobsync.rs".to_string()), "{written:?}");
    assert!(written.contains(&"mod.rs".to_string()), "{written:?}");
    let include = std::fs::read_to_string(out.join(comidl::INCLUDE_FILE)).unwrap();
    assert!(include.contains("pub mod bindings;"), "{include}");
    assert!(
        include.contains(&format!("{:?}", out.join("mod.rs").display().to_string())),
        "{include}"
    );
    let module = std::fs::read_to_string(out.join("mobsync.rs")).unwrap();
    assert!(module.contains("pub struct ISyncMgrSynchronize("));
}

#[test]
fn compile_fails_on_idl_errors_and_writes_nothing() {
    let out = scratch("builder-bad");
    let error = Builder::new()
        .idl(root().join("tests/diagnostics/bad-uuid-short.idl"))
        .out_dir(&out)
        .compile()
        .unwrap_err();
    assert!(matches!(error, CompileError::Idl(1)), "{error:?}");
    assert_eq!(error.to_string(), "the IDL has an error (shown above)");
    assert!(!out.exists());
}
