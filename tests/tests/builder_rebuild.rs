//! `Builder::compile` in a real build script: cargo runs the script again
//! only when an IDL file it read changed (an imported one too), unchanged
//! output files are not rewritten, and the crate builds on the bindings.
//! And the Builder writes the same modules as `comidl generate`.
//!
//! The scratch crate lives under `CARGO_TARGET_TMPDIR` and builds into the
//! workspace's own target folder, offline, so it reuses what the workspace
//! build compiled (cargo releases that folder's lock before running tests).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use comidl::Builder;
use comidl_tests::{first_difference, generate_args, repo_root, rust_files};

const BASE_IID: &str = "1B2C3D4E-5F60-4A7B-8C9D-0E1F2A3B4C5D";
const NEW_BASE_IID: &str = "2B2C3D4E-5F60-4A7B-8C9D-0E1F2A3B4C5D";
const API_IID: &str = "3B2C3D4E-5F60-4A7B-8C9D-0E1F2A3B4C5D";

fn base_idl(iid: &str) -> String {
    format!(
        "import \"unknwn.idl\";\n\n\
         [object, uuid({iid})]\n\
         interface IBase : IUnknown\n{{\n    HRESULT Ping(void);\n}}\n"
    )
}

/// A crate whose build script compiles `idl/api.idl` (which imports
/// `idl/base.idl`) with the Builder and notes each of its runs in a file
/// outside the crate.
struct Probe {
    dir: PathBuf,
    runs: PathBuf,
}

impl Probe {
    fn create() -> Probe {
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("builder-rebuild");
        let _ = std::fs::remove_dir_all(&scratch);
        let dir = scratch.join("probe");
        let runs = scratch.join("build-script-runs.log");
        let root = repo_root();
        let manifest = format!(
            r#"[package]
name = "comidl-rebuild-probe"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
comidl-runtime = {{ path = {runtime:?} }}
windows-core = "{windows_core}"

[build-dependencies]
comidl = {{ path = {comidl:?} }}
"#,
            runtime = root.join("generator/runtime").display().to_string(),
            comidl = root.join("generator").display().to_string(),
            windows_core = workspace_requirement("windows-core"),
        );
        let build_script = format!(
            r#"use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let mut runs = std::fs::OpenOptions::new().create(true).append(true).open({runs:?})?;
    writeln!(runs, "ran")?;
    comidl::Builder::new().idl("idl/api.idl").compile()?;
    Ok(())
}}
"#,
            runs = runs.display().to_string(),
        );
        let api = format!(
            "import \"base.idl\";\n\n\
             [object, uuid({API_IID})]\n\
             interface IApi : IBase\n{{\n    HRESULT Count([out, retval] ULONG *count);\n}}\n"
        );
        let files = [
            ("Cargo.toml", manifest),
            ("build.rs", build_script),
            ("idl/api.idl", api),
            ("idl/base.idl", base_idl(BASE_IID)),
            (
                "src/lib.rs",
                "include!(concat!(env!(\"OUT_DIR\"), \"/comidl-bindings.rs\"));\n".into(),
            ),
            (
                "src/main.rs",
                "use comidl_rebuild_probe::bindings::{api::IApi, base::IBase};\n\
                 use windows_core::Interface;\n\n\
                 fn main() {\n    println!(\"{:?} {:?}\", IApi::IID, IBase::IID);\n}\n"
                    .into(),
            ),
        ];
        for (name, contents) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("a scratch folder");
            std::fs::write(&path, contents).expect("a scratch file");
        }
        // The workspace's versions, so that the offline build finds them.
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
        Probe { dir, runs }
    }

    /// Builds the crate; the build script's OUT_DIR and the program.
    fn build(&self) -> (PathBuf, PathBuf) {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("the target folder");
        let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
        cargo
            .args([
                "build",
                "--offline",
                "--message-format=json-render-diagnostics",
            ])
            .arg("--target-dir")
            .arg(target)
            .current_dir(&self.dir);
        // The profile these tests were built in, whose dependencies are built.
        if !cfg!(debug_assertions) {
            cargo.arg("--release");
        }
        let output = cargo.output().expect("cargo runs");
        assert!(
            output.status.success(),
            "cargo build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let (mut out_dir, mut program) = (None, None);
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if message["package_id"]
                .as_str()
                .is_none_or(|id| !id.contains("comidl-rebuild-probe"))
            {
                continue;
            }
            match message["reason"].as_str() {
                Some("build-script-executed") => {
                    out_dir = message["out_dir"].as_str().map(PathBuf::from);
                }
                Some("compiler-artifact") => {
                    if let Some(exe) = message["executable"].as_str() {
                        program = Some(PathBuf::from(exe));
                    }
                }
                _ => {}
            }
        }
        (
            out_dir.expect("cargo reports the build script's OUT_DIR"),
            program.expect("cargo reports the program"),
        )
    }

    fn runs(&self) -> usize {
        std::fs::read_to_string(&self.runs).map_or(0, |log| log.lines().count())
    }

    fn idl(&self, name: &str) -> PathBuf {
        self.dir.join("idl").join(name)
    }
}

/// The version requirement the workspace pins for `dependency`.
fn workspace_requirement(dependency: &str) -> String {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).expect("Cargo.toml");
    let prefix = format!("{dependency} = \"");
    manifest
        .lines()
        .find_map(|line| line.strip_prefix(&prefix)?.strip_suffix('"'))
        .unwrap_or_else(|| panic!("the workspace pins {dependency}"))
        .to_owned()
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the program prints: the IIDs of its two interfaces.
fn program_says(program: &Path) -> String {
    let output = Command::new(program).output().expect("the program runs");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .to_uppercase()
}

#[test]
fn the_build_script_runs_again_only_when_an_idl_file_changes() {
    let probe = Probe::create();
    let (out_dir, program) = probe.build();
    assert_eq!(probe.runs(), 1);
    assert_eq!(program_says(&program), format!("{API_IID} {BASE_IID}"));
    let generated = out_dir.join("base.rs");
    let written = modified(&generated);

    probe.build();
    assert_eq!(
        probe.runs(),
        1,
        "nothing changed: the build script did not run"
    );

    // Newer than the script's last run however coarse the file system's clock.
    std::thread::sleep(Duration::from_millis(1100));
    let base = std::fs::File::options()
        .write(true)
        .open(probe.idl("base.idl"))
        .expect("base.idl");
    base.set_modified(SystemTime::now()).expect("a new mtime");
    drop(base);
    let (_, program) = probe.build();
    assert_eq!(
        probe.runs(),
        2,
        "the imported file changed: the build script ran"
    );
    assert_eq!(
        modified(&generated),
        written,
        "the same output is not rewritten"
    );
    assert_eq!(program_says(&program), format!("{API_IID} {BASE_IID}"));

    std::fs::write(probe.idl("base.idl"), base_idl(NEW_BASE_IID)).expect("base.idl");
    let (_, program) = probe.build();
    assert_eq!(probe.runs(), 3);
    assert_eq!(program_says(&program), format!("{API_IID} {NEW_BASE_IID}"));
}

#[test]
fn the_builder_writes_what_comidl_generate_writes() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("builder-vs-cli");
    let _ = std::fs::remove_dir_all(&scratch);
    let (by_cli, by_builder) = (scratch.join("cli"), scratch.join("builder"));
    let args = generate_args();

    let mut argv = vec!["comidl".to_owned(), "generate".to_owned()];
    argv.extend(args.iter().cloned());
    argv.extend(["-o".to_owned(), by_cli.display().to_string()]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = comidl::cli::run(argv, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));

    let mut builder = Builder::new().out_dir(&by_builder);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the option").clone();
        builder = match arg.as_str() {
            "-I" => builder.include(value()),
            "--answer" => builder.answer(value()),
            option if option.starts_with('-') => panic!("generate.args has {option}"),
            file => builder.idl(file),
        };
    }
    builder.compile().expect("the Builder compiles");

    let cli = rust_files(&by_cli);
    let mut built = rust_files(&by_builder);
    // The Builder also writes the file a crate `include!`s.
    built.retain(|file| file.name != comidl::INCLUDE_FILE);
    assert!(cli.len() > 2, "{} files", cli.len());
    if let Some(difference) = first_difference("comidl generate", &cli, &built) {
        panic!("{difference}");
    }
}
