//! Codegen on the real-world corpus: Rust for every Wine IDL file that widl
//! accepts and `comidl check` passes, each file its own root, all compiled as
//! one crate with warnings denied. Files failing the check are listed in
//! `tests/corpus/expected-check-failures.txt`, files whose Rust does not
//! generate or compile in `expected-codegen-failures.txt`; the test fails
//! when the failures differ from the lists. It takes minutes and ~2.5 GB, so
//! `scripts/test.sh` runs it as a stage of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use comidl_tests::{Corpus, KnownFailures, repo_root};
use serde_json::Value;

#[test]
fn corpus_codegen_compiles_every_file_that_passes_check() {
    let corpus = Corpus::get();
    let crate_dir = repo_root().join("target/corpus-codegen");
    let src = crate_dir.join("src");
    // Roots that no longer generate must not linger from an earlier run.
    let _ = std::fs::remove_dir_all(&src);

    let started = Instant::now();
    let accepted = corpus.widl_accepted();
    let names: BTreeSet<String> = accepted.iter().map(|f| module_name(f)).collect();
    assert_eq!(
        names.len(),
        accepted.len(),
        "two files get the same module name"
    );
    // Files are independent: split them among the cores, keeping their order.
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let workers: Vec<_> = accepted
            .chunks(accepted.len().div_ceil(jobs))
            .map(|files| {
                let (corpus, src) = (&corpus, &src);
                scope.spawn(move || {
                    let outcomes = files.iter().map(|f| check_and_generate(corpus, f, src));
                    outcomes.collect::<Vec<_>>()
                })
            })
            .collect();
        let joined = workers.into_iter().map(|w| w.join().expect("no panic"));
        joined.flatten().collect()
    });
    let mut check_failed = BTreeMap::new();
    let mut codegen_failed = BTreeMap::new();
    // Module name → root file, for every root that generated.
    let mut modules = BTreeMap::new();
    let mut lines = 0;
    for (file, outcome) in accepted.iter().cloned().zip(outcomes) {
        match outcome {
            Outcome::CheckFailed(reason) => {
                check_failed.insert(file, reason);
            }
            Outcome::GenerateFailed(reason) => {
                codegen_failed.insert(file, reason);
            }
            Outcome::Generated { module, lines: n } => {
                modules.insert(module, file);
                lines += n;
            }
        }
    }
    let generating = started.elapsed();

    write_manifest(&crate_dir);
    let started = Instant::now();
    let mut compiled = modules.clone();
    let mut rounds = 0;
    // rustc stops at the first phase that has errors (macro expansion comes
    // before type checking), hiding the later errors of other roots: compile
    // again without the failing roots until the rest compiles.
    loop {
        rounds += 1;
        write_lib(&src, compiled.keys());
        let errors = cargo_check(&crate_dir);
        if errors.is_empty() {
            break;
        }
        for (module, reason) in errors {
            let file = compiled
                .remove(&module)
                .expect("errors are in root modules");
            codegen_failed.insert(file, reason);
        }
    }
    let compiling = started.elapsed();

    println!(
        "checked {} widl-accepted files: {} pass, {} fail",
        accepted.len(),
        accepted.len() - check_failed.len(),
        check_failed.len()
    );
    println!(
        "generated {} files ({lines} lines), compiled {}, failed {} ({} generating, {} compiling)",
        modules.len(),
        compiled.len(),
        codegen_failed.len(),
        accepted.len() - check_failed.len() - modules.len(),
        modules.len() - compiled.len()
    );
    println!(
        "check and generate: {:.1} s; cargo check: {:.1} s in {rounds} rounds (crate: target/corpus-codegen)",
        generating.as_secs_f64(),
        compiling.as_secs_f64()
    );
    let mut mismatches = Vec::new();
    for (list, failed) in [
        ("expected-check-failures.txt", &check_failed),
        ("expected-codegen-failures.txt", &codegen_failed),
    ] {
        let expected = KnownFailures::read(list);
        for (file, reason) in failed {
            if expected
                .files
                .get(file)
                .is_some_and(|listed| listed != reason)
            {
                println!("{list}: {file} fails for another reason now: {reason}");
            }
        }
        mismatches.extend(expected.mismatches(failed));
    }
    assert!(
        mismatches.is_empty(),
        "the failures differ from the lists in tests/corpus/:\n{}",
        mismatches.join("\n")
    );
}

enum Outcome {
    CheckFailed(String),
    GenerateFailed(String),
    Generated { module: String, lines: usize },
}

/// Checks one corpus file and, when it passes, generates its Rust into
/// `src/<module>/`.
fn check_and_generate(corpus: &Corpus, file: &str, src: &Path) -> Outcome {
    if let Err(reason) = check(corpus, file) {
        return Outcome::CheckFailed(reason);
    }
    let mut builder = comidl::Builder::new().idl(corpus.path(file));
    for dir in corpus.include_dirs() {
        builder = builder.include(dir);
    }
    match builder.generate() {
        Ok(output) => {
            let module = module_name(file);
            output
                .write_to(&src.join(&module))
                .expect("write the generated files");
            let lines = output.files.iter().map(|f| f.contents.lines().count());
            Outcome::Generated {
                module,
                lines: lines.sum(),
            }
        }
        Err(errors) => {
            let first = errors[0].render(false);
            Outcome::GenerateFailed(one_line(first.lines().next().unwrap_or("")))
        }
    }
}

/// `comidl check` of one corpus file, as a user runs it; the first error
/// line when it fails.
fn check(corpus: &Corpus, file: &str) -> Result<(), String> {
    let mut args: Vec<OsString> = ["comidl", "check", "--color", "never"]
        .map(OsString::from)
        .into();
    for dir in corpus.include_dirs() {
        args.extend(["-I".into(), dir.into_os_string()]);
    }
    args.push(corpus.path(file).into_os_string());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    if comidl::cli::run(args, &mut out, &mut err) == 0 {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&err);
    let first = err.lines().find(|l| l.starts_with("error"));
    Err(one_line(first.unwrap_or("failed without an error line")))
}

/// `windows/d3d12shader.idl` → `corpus_windows_d3d12shader`.
fn module_name(file: &str) -> String {
    let stem = file.trim_end_matches(".idl").to_ascii_lowercase();
    let stem: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("corpus_{stem}")
}

/// Text on one line with single spaces, as a list entry needs.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The scratch crate's manifest, with the workspace's edition and pinned
/// windows-core, and its lock file, which pins every transitive version so
/// the check runs offline on what the workspace already fetched.
fn write_manifest(crate_dir: &Path) {
    let root = repo_root();
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let line = |key: &str| {
        workspace
            .lines()
            .find(|l| l.split('=').next().is_some_and(|k| k.trim() == key))
            .unwrap_or_else(|| panic!("no `{key}` in Cargo.toml"))
    };
    let manifest = format!(
        "# Written by tests/tests/corpus_codegen.rs.\n\
         [package]\n\
         name = \"comidl-corpus-codegen\"\n\
         version = \"0.0.0\"\n\
         {}\n\
         publish = false\n\
         \n\
         # Not a member of comidl's workspace.\n\
         [workspace]\n\
         \n\
         [dependencies]\n\
         comidl-runtime = {{ path = {:?} }}\n\
         {}\n",
        line("edition"),
        root.join("generator/runtime").display().to_string(),
        line("windows-core"),
    );
    std::fs::create_dir_all(crate_dir).expect("create target/corpus-codegen");
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).expect("copy Cargo.lock");
}

/// `lib.rs` declaring the root modules; `no_std`, as `generated/` is.
fn write_lib<'a>(src: &Path, modules: impl Iterator<Item = &'a String>) {
    let mut lib = String::from(
        "// Written by tests/tests/corpus_codegen.rs: one module per Wine IDL file.\n\
         #![no_std]\n\
         #![deny(warnings)]\n",
    );
    for module in modules {
        lib += &format!("pub mod {module};\n");
    }
    std::fs::create_dir_all(src).expect("create src/");
    std::fs::write(src.join("lib.rs"), lib).expect("write lib.rs");
}

/// `cargo check` of the scratch crate: the first error of each root module
/// that has errors; empty when the crate compiles.
fn cargo_check(crate_dir: &Path) -> BTreeMap<String, String> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "check",
            "--offline",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", crate_dir.join("target"))
        .output()
        .expect("cargo runs");
    let mut errors = BTreeMap::new();
    let mut unexplained = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let diagnostic = &message["message"];
        if message["reason"] != "compiler-message" || diagnostic["level"] != "error" {
            continue;
        }
        match root_span(diagnostic) {
            Some((module, file, span)) => {
                errors
                    .entry(module)
                    .or_insert_with(|| reason(diagnostic, &file, span));
            }
            None if diagnostic["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("aborting due to")) => {}
            None => unexplained.push(diagnostic["rendered"].as_str().unwrap_or("").to_string()),
        }
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        unexplained.is_empty(),
        "errors outside the generated modules:\n{}\n{stderr}",
        unexplained.join("\n")
    );
    assert_eq!(
        output.status.success(),
        errors.is_empty(),
        "cargo check's exit status disagrees with its errors:\n{stderr}"
    );
    errors
}

/// The root module and file a diagnostic points into, and the span there;
/// for code a macro expanded, where the macro was called.
fn root_span(diagnostic: &Value) -> Option<(String, String, &Value)> {
    let mut spans: Vec<&Value> = diagnostic["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    spans.sort_by_key(|span| span["is_primary"] != true);
    for mut span in spans {
        while span.is_object() {
            let path = span["file_name"].as_str().unwrap_or("");
            if let Some((module, file)) = path.strip_prefix("src/").and_then(|p| p.split_once('/'))
            {
                return Some((module.to_string(), file.to_string(), span));
            }
            span = &span["expansion"]["span"];
        }
    }
    (diagnostic["children"].as_array().into_iter().flatten()).find_map(root_span)
}

/// One line: the generated file, the error with its code and label, the
/// generated line it comes from (`span`), and its first note.
fn reason(diagnostic: &Value, file: &str, span: &Value) -> String {
    let code = diagnostic["code"]["code"]
        .as_str()
        .map(|c| format!("[{c}]"))
        .unwrap_or_default();
    let mut text = format!(
        "{file}: error{code}: {}",
        diagnostic["message"].as_str().unwrap_or("")
    );
    let primary =
        (diagnostic["spans"].as_array().into_iter().flatten()).find(|s| s["is_primary"] == true);
    if let Some(label) = primary.and_then(|s| s["label"].as_str()) {
        text += &format!(": {label}");
    }
    // A span over several lines starts with a line that tells little.
    let source = span["text"][0]["text"].as_str();
    if let Some(source) = source.filter(|_| span["line_start"] == span["line_end"]) {
        text += &format!(" at `{}`", source.trim());
    }
    let notes = diagnostic["children"].as_array().into_iter().flatten();
    let note = notes
        .filter(|c| c["level"] == "note" && c["spans"].as_array().is_some_and(Vec::is_empty))
        .find_map(|c| c["message"].as_str());
    if let Some(note) = note {
        text += &format!(" ({note})");
    }
    one_line(&text)
}
