//! Snapshot tests of what users see for bad input.
//!
//! Each case is `diagnostics/<name>.idl` (or a folder `diagnostics/<name>/`
//! with a `main.idl`, for cases that need several files) and its expected
//! output `diagnostics/<name>.stderr`: everything `comidl check` prints, exit
//! code last. `BLESS=1 cargo test --test diagnostics` rewrites the snapshots.
//! No case may panic, and each must report at least one problem.

use std::path::{Path, PathBuf};

fn cases() -> Vec<(String, PathBuf)> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir("diagnostics").expect("tests/diagnostics") {
        let path = entry.expect("folder entry").path();
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .to_string();
        if path.is_dir() {
            cases.push((name, path.join("main.idl")));
        } else if path.extension().is_some_and(|e| e == "idl") {
            cases.push((name, path));
        }
    }
    cases.sort();
    cases
}

/// Runs `comidl check` on one file, in-process, as a user would.
fn check(file: &Path) -> String {
    let include = file.parent().expect("case folder").join("include");
    let mut args = vec![
        "comidl".to_string(),
        "check".into(),
        "--color".into(),
        "never".into(),
    ];
    if include.is_dir() {
        args.extend(["-I".into(), include.display().to_string()]);
    }
    args.push(file.display().to_string());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = comidl::cli::run(args, &mut out, &mut err);
    let mut text = String::from_utf8(out).expect("utf-8 stdout");
    text.push_str(&String::from_utf8(err).expect("utf-8 stderr"));
    text.push_str(&format!("exit code: {code}\n"));
    text
}

#[test]
fn bad_input_gets_the_expected_diagnostics() {
    let bless = std::env::var_os("BLESS").is_some();
    let cases = cases();
    let mut failures = Vec::new();
    for (name, file) in &cases {
        let actual = check(file);
        assert!(
            actual.contains("error") || actual.contains("warning"),
            "{name}: reports nothing:\n{actual}"
        );
        let snapshot = Path::new("diagnostics").join(format!("{name}.stderr"));
        if bless {
            std::fs::write(&snapshot, &actual).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "--- {name}: expected ({})\n{expected}--- actual\n{actual}",
                snapshot.display()
            ));
        }
    }
    println!("{} diagnostic cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases differ (BLESS=1 to accept):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 40, "at least 40 malformed-input cases");
}
