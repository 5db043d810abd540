//! Golden fixtures: one small IDL file per construct, `golden/<name>.idl`,
//! and the Rust comidl generates from it, checked in as `golden/<name>/`
//! (its `mod.rs` and one module per IDL file it reaches). Each fixture is
//! generated in-process with `comidl::Builder` and must match byte for byte;
//! `BLESS=1 cargo test --test golden` rewrites the outputs (review the diff).
//!
//! A fixture passes options as lines of its own, in the command line's
//! spelling: `// option: --answer IDoor::IsOpen` or
//! `// option: --extern-type POINT=crate::external::Point`.
//!
//! The crate `tests/golden-build` compiles every output; the second test
//! checks that none is left out of it.

use std::path::{Path, PathBuf};

use comidl::Builder;
use comidl_tests::{first_difference, repo_root, rust_files};

fn golden_dir() -> PathBuf {
    repo_root().join("tests/golden")
}

/// The fixtures' names (`golden/<name>.idl`), sorted.
fn fixtures() -> Vec<String> {
    comidl_tests::case_names(&golden_dir(), "idl")
}

/// A builder for one fixture, with the options its `// option:` lines give.
fn builder(idl: &Path) -> Builder {
    let text = std::fs::read_to_string(idl).expect("fixture");
    let mut builder = Builder::new().idl(idl);
    for option in text.lines().filter_map(|l| l.strip_prefix("// option: ")) {
        builder = match option.split_once(' ') {
            Some(("--answer", method)) => builder.answer(method),
            Some(("--extern-type", mapping)) => {
                let (name, path) = mapping.split_once('=').expect("NAME=PATH");
                builder.extern_type(name, path)
            }
            _ => panic!("{}: unknown option `{option}`", idl.display()),
        };
    }
    builder
}

#[test]
fn fixtures_generate_the_checked_in_rust() {
    let bless = std::env::var_os("BLESS").is_some();
    let fixtures = fixtures();
    let mut failures = Vec::new();
    for name in &fixtures {
        let idl = golden_dir().join(format!("{name}.idl"));
        let output = builder(&idl).generate().unwrap_or_else(|errors| {
            let rendered: Vec<String> = errors.iter().map(|e| e.render(false)).collect();
            panic!("{name}: comidl fails:\n{}", rendered.join("\n"))
        });
        assert!(
            output.warnings.is_empty(),
            "{name}: a fixture should be clean, but comidl warns:\n{}",
            output
                .warnings
                .iter()
                .map(|w| w.render(false))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let dir = golden_dir().join(name);
        let checked_in = rust_files(&dir);
        if bless {
            for stale in checked_in
                .iter()
                .filter(|old| output.files.iter().all(|f| f.name != old.name))
            {
                std::fs::remove_file(dir.join(&stale.name)).expect("remove a stale file");
            }
            output.write_to(&dir).expect("write the outputs");
        } else if let Some(difference) =
            first_difference(&format!("tests/golden/{name}"), &checked_in, &output.files)
        {
            failures.push(format!("fixture `{name}`: {difference}"));
        }
    }
    println!("{} golden fixtures", fixtures.len());
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ; if the new output is right, \
         `BLESS=1 cargo test --test golden` accepts it:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_is_compiled() {
    let lib = repo_root().join("tests/golden-build/src/lib.rs");
    let lib = std::fs::read_to_string(&lib).expect("tests/golden-build/src/lib.rs");
    for name in fixtures() {
        let module = format!("#[path = \"../../golden/{name}/mod.rs\"]");
        let excluded = format!("// Not compiled: `{name}`");
        assert!(
            lib.contains(&module) || lib.contains(&excluded),
            "tests/golden-build/src/lib.rs does not compile fixture `{name}`: add `{module}` \
             and a `pub mod {name};` (or, while its output cannot compile, `{excluded}: <why>`)"
        );
    }
    // Every output folder belongs to a fixture.
    for entry in std::fs::read_dir(golden_dir()).expect("tests/golden") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            let name = path
                .file_name()
                .expect("a folder")
                .to_string_lossy()
                .into_owned();
            assert!(
                golden_dir().join(format!("{name}.idl")).exists(),
                "tests/golden/{name}/ has no fixture {name}.idl: remove it"
            );
        }
    }
}
