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
    let mut names: Vec<String> = std::fs::read_dir(skeleton_dir())
        .expect("tests/skeleton")
        .map(|e| e.expect("folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "args"))
        .map(|path| {
            path.file_stem()
                .expect("a file")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
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
