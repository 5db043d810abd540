//! Writes the peer crate of the code-generation benchmark: what windows-bindgen
//! 0.66.0 generates, from the Win32 metadata it ships, for the public API of
//! `syncmgr.h` and `mobsync.h` (the names in `bench/syncmgr-api.txt`).
//!
//! windows-bindgen skips any method that uses a type the filter leaves out
//! ("skipping `X.M` due to missing dependencies"). So that the peer binds every
//! method, as comidl does, the filter is grown at run time: each round adds
//! the types the warnings name, until a round gives no warning. The result is
//! deterministic (windows-bindgen and its metadata are pinned); it is written
//! to `<out>/filter.txt` so it can be read.
//!
//! Usage: peer-bindgen --names bench/syncmgr-api.txt --out target/bench/peer
//!        [--consumer-out target/bench/peer-consumer]
//!        [--windows-core =0.62.2] [--crate-name peer-bindings]
//!
//! `--consumer-out` also writes the same bindings without the implementor side
//! (see `consumer_side`), a crate comparable to caller-only stubs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Namespace of names written without one in the names file.
const NAMESPACE: &str = "Windows.Win32.UI.Shell";
/// Options passed to windows-bindgen besides --in, --out and --filter: one
/// flat module; no `--implement` (it only concerns WinRT: Win32 interfaces get
/// their `_Impl` traits anyway, hence `--consumer-out`).
const OPTIONS: &[&str] = &["--flat"];
const MAX_ROUNDS: usize = 64;

struct Args {
    names: PathBuf,
    out: PathBuf,
    windows_core: String,
    crate_name: String,
    consumer_out: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut names = None;
    let mut out = None;
    let mut windows_core = "=0.62.2".to_string();
    let mut crate_name = "peer-bindings".to_string();
    let mut consumer_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--names" => names = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--windows-core" => windows_core = value()?,
            "--crate-name" => crate_name = value()?,
            "--consumer-out" => consumer_out = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                return Err("usage: peer-bindgen --names FILE --out DIR \
                            [--consumer-out DIR] [--windows-core VERSION] [--crate-name NAME]"
                    .to_string());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        names: names.ok_or("--names FILE is required")?,
        out: out.ok_or("--out DIR is required")?,
        windows_core,
        crate_name,
        consumer_out,
    })
}

/// The names of the file, fully qualified, in file order.
fn read_names(path: &Path) -> Result<Vec<String>, String> {
    Ok(read(path)?
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(|name| {
            if name.contains('.') {
                name.to_string()
            } else {
                format!("{NAMESPACE}.{name}")
            }
        })
        .collect())
}

/// Runs windows-bindgen once; returns its warnings, one message each.
fn bindgen(filter: &[String], lib_rs: &str) -> Vec<String> {
    let mut args: Vec<&str> = vec!["--in", "default", "--out", lib_rs];
    args.extend_from_slice(OPTIONS);
    args.push("--filter");
    args.extend(filter.iter().map(String::as_str));
    windows_bindgen::bindgen(args).to_vec()
}

/// The type names that "skipping ... due to missing dependencies" warnings
/// list (indented lines under the message). Names without a namespace
/// (`.BSTR`, `.PWSTR`) are windows-core's own types: listed, but never the
/// reason a method is skipped.
fn missing_types(warnings: &[String]) -> BTreeSet<String> {
    warnings
        .iter()
        .filter(|w| w.starts_with("skipping "))
        .flat_map(|w| w.lines().skip(1))
        .map(|line| line.trim().to_string())
        .filter(|name| !name.is_empty() && !name.starts_with('.'))
        .collect()
}

fn run(args: Args) -> Result<(), String> {
    let seed = read_names(&args.names)?;
    let src = args.out.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;
    let lib_rs = src.join("lib.rs");
    let lib_rs_str = lib_rs.to_str().ok_or("output path is not UTF-8")?;

    let mut filter = seed.clone();
    let mut known: BTreeSet<String> = filter.iter().cloned().collect();
    let mut rounds = 0;
    let other_warnings = loop {
        rounds += 1;
        let warnings = bindgen(&filter, lib_rs_str);
        let missing = missing_types(&warnings);
        let added: Vec<String> = missing
            .into_iter()
            .filter(|t| known.insert(t.clone()))
            .collect();
        if added.is_empty() {
            let skips = warnings
                .iter()
                .filter(|w| w.starts_with("skipping "))
                .count();
            if skips > 0 {
                return Err(format!(
                    "{skips} methods still skipped after adding every named dependency:\n{}",
                    warnings.concat()
                ));
            }
            break warnings;
        }
        if rounds == MAX_ROUNDS {
            return Err(format!("filter still growing after {MAX_ROUNDS} rounds"));
        }
        filter.extend(added);
    };
    for warning in &other_warnings {
        eprintln!("windows-bindgen warning: {}", warning.trim_end());
    }

    let mut listing = String::from(
        "# The --filter windows-bindgen 0.66.0 was given: the names of bench/syncmgr-api.txt,\n\
         # then the dependencies its warnings named, round after round, until none was missing.\n",
    );
    for name in &filter {
        listing.push_str(name);
        listing.push('\n');
    }
    write(&args.out.join("filter.txt"), &listing)?;
    write(
        &args.out.join("Cargo.toml"),
        &cargo_toml(&args.crate_name, &args.windows_core),
    )?;

    println!(
        "windows-bindgen 0.66.0 options: --in default {} --filter <{} names>",
        OPTIONS.join(" "),
        filter.len()
    );
    println!(
        "filter: {} names from {}, {} dependencies added in {} rounds (list: {})",
        seed.len(),
        args.names.display(),
        filter.len() - seed.len(),
        rounds,
        args.out.join("filter.txt").display()
    );
    let full = read(&lib_rs)?;
    println!("generated, {}: {}", args.out.display(), census(&full));

    if let Some(dir) = &args.consumer_out {
        let consumer = consumer_side(&full)?;
        let src = dir.join("src");
        std::fs::create_dir_all(&src)
            .map_err(|e| format!("cannot create {}: {e}", src.display()))?;
        write(&src.join("lib.rs"), &consumer)?;
        let name = format!("{}-consumer", args.crate_name);
        write(
            &dir.join("Cargo.toml"),
            &cargo_toml(&name, &args.windows_core),
        )?;
        println!(
            "consumer side only, {}: {}",
            dir.display(),
            census(&consumer)
        );
    }
    Ok(())
}

fn cargo_toml(name: &str, windows_core: &str) -> String {
    format!(
        "[package]\n\
         name = \"{name}\"\n\
         version = \"0.0.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [lib]\n\
         path = \"src/lib.rs\"\n\
         \n\
         [dependencies]\n\
         windows-core = \"{windows_core}\"\n\
         \n\
         # Not part of any enclosing workspace.\n\
         [workspace]\n"
    )
}

/// Counts of what a generated file defines (rustfmt's layout: items at column 0).
fn census(text: &str) -> String {
    let starts = |prefix: &str| text.lines().filter(|l| l.starts_with(prefix)).count();
    let interfaces = starts("windows_core::imp::define_interface!(");
    let vtables = text
        .lines()
        .filter(|l| l.starts_with("pub struct ") && l.contains("_Vtbl"))
        .count();
    let types = starts("pub struct ") + starts("pub union ") + starts("pub type ") - vtables;
    let consts = starts("pub const ");
    let traits = starts("pub trait ");
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    format!(
        "{interfaces} interfaces, {types} other types (structs, unions, enums, aliases), \
         {consts} constants, {traits} implementor traits; {lines} non-blank lines"
    )
}

/// The file without the implementor side that windows-bindgen writes for every
/// Win32 interface whatever its options (`--implement` only concerns WinRT):
/// the `X_Impl` traits, the `impl X_Vtbl` blocks (`new::<Identity, OFFSET>`,
/// `matches`) and `impl RuntimeName for X`. What stays is what a caller uses:
/// interfaces and their methods, vtable layouts, enums, structs, constants.
fn consumer_side(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    for line in text.lines() {
        if skipping {
            skipping = line != "}";
            continue;
        }
        let implementor = (line.starts_with("pub trait ") && line.contains("_Impl"))
            || (line.starts_with("impl ") && line.ends_with("_Vtbl {"))
            || line.starts_with("impl windows_core::RuntimeName for ");
        if implementor {
            skipping = line.ends_with('{');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if out.contains("_Impl") {
        return Err("implementor items left after stripping (unexpected layout)".to_string());
    }
    Ok(out)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("peer-bindgen: {message}");
            ExitCode::FAILURE
        }
    }
}
