//! `comidl inspect --json` on a sample that uses every kind of declaration,
//! against the checked-in `inspect/sample.json` (`BLESS=1` rewrites it).

use std::path::Path;

/// Runs `comidl inspect --json FILE` in-process: exit code, stdout, stderr.
fn inspect_json(file: &str) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = ["comidl", "inspect", "--json", "--color", "never", file];
    let code = comidl::cli::run(args, &mut out, &mut err);
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8 output");
    (code, text(out), text(err))
}

#[test]
fn inspect_json_matches_the_snapshot() {
    let (code, actual, err) = inspect_json("inspect/sample.idl");
    assert_eq!(code, 0, "inspect failed:\n{err}");
    assert!(err.is_empty(), "unexpected diagnostics:\n{err}");
    // It is JSON, in the documented schema.
    let value: serde_json::Value = serde_json::from_str(&actual).expect("valid JSON");
    assert_eq!(value["schema"], "comidl-inspect/1");

    let snapshot = Path::new("inspect/sample.json");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(snapshot, &actual).expect("write snapshot");
    }
    let expected = std::fs::read_to_string(snapshot).unwrap_or_default();
    assert!(
        expected == actual,
        "inspect output differs from {} (BLESS=1 to accept):\n{actual}",
        snapshot.display()
    );
}

#[test]
fn inspect_reports_errors_and_prints_no_json() {
    let (code, out, err) = inspect_json("diagnostics/bad-uuid-short.idl");
    assert_eq!(code, 1);
    assert!(out.is_empty(), "no JSON for a file with errors");
    assert!(err.contains("malformed GUID"));
}
