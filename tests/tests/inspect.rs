//! `comidl inspect --json` on a sample that uses every kind of declaration,
//! against the checked-in `inspect/sample.json` (`BLESS=1` rewrites it), and
//! the resolved facts in it checked one by one.

use std::path::Path;

use serde_json::Value;

/// Runs `comidl ARGS... FILE` in-process: exit code, stdout, stderr.
fn run(args: &[&str], file: &str) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["comidl"];
    argv.extend(args);
    argv.extend(["--color", "never", file]);
    let code = comidl::cli::run(argv, &mut out, &mut err);
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8 output");
    (code, text(out), text(err))
}

fn inspect_json(file: &str) -> (i32, String, String) {
    run(&["inspect", "--json"], file)
}

/// The sample's JSON, parsed.
fn sample() -> Value {
    let (code, out, err) = inspect_json("inspect/sample.idl");
    assert_eq!(code, 0, "inspect failed:\n{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

/// The entry of `list` called `name`.
fn named<'v>(list: &'v Value, name: &str) -> &'v Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no `{name}` in {list}"))
}

#[test]
fn inspect_json_matches_the_snapshot() {
    let (code, actual, err) = inspect_json("inspect/sample.idl");
    assert_eq!(code, 0, "inspect failed:\n{err}");
    assert!(err.is_empty(), "unexpected diagnostics:\n{err}");
    // It is JSON, in the documented schema.
    let value: Value = serde_json::from_str(&actual).expect("valid JSON");
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

#[test]
fn the_vtable_starts_with_the_bases_slots_and_skips_call_as() {
    let json = sample();
    let handler = named(&json["interfaces"], "ISampleHandler");
    let vtable = handler["vtable"].as_array().expect("a vtable");
    let slots: Vec<(u64, &str, &str)> = vtable
        .iter()
        .map(|s| {
            let text = |f: &str| s[f].as_str().expect("a string");
            (
                s["slot"].as_u64().expect("a number"),
                text("method"),
                text("interface"),
            )
        })
        .collect();
    assert_eq!(
        slots,
        [
            (0, "QueryInterface", "IUnknown"),
            (1, "AddRef", "IUnknown"),
            (2, "Release", "IUnknown"),
            // The first own method, with the C name of a `[propget]`.
            (3, "get_Name", "ISampleHandler"),
            (4, "GetItems", "ISampleHandler"),
            (5, "Bind", "ISampleHandler"),
            (6, "Start", "ISampleHandler"),
            (7, "Next", "ISampleHandler"),
        ]
    );
    // `[call_as(Next)] RemoteNext` is a method but takes no slot.
    assert_eq!(handler["methods"].as_array().map(Vec::len), Some(6));
    // A forward declaration has no vtable of its own.
    assert!(named(&json["interfaces"], "ISampleCallback")["vtable"].is_null());
}

#[test]
fn params_resolve_through_typedefs() {
    let json = sample();
    let methods = &named(&json["interfaces"], "ISampleHandler")["methods"];
    let param = |method: &str, name: &str| named(&named(methods, method)["params"], name).clone();

    let name = param("Name", "ppszName");
    assert_eq!(name["type"], "LPWSTR *");
    // LPWSTR is WCHAR *, WCHAR is wchar_t.
    assert_eq!(name["resolved_type"], "wchar_t **");
    assert_eq!(name["direction"], "out");

    let riid = param("Bind", "riid");
    // REFIID is const IID *, IID is GUID, the struct's name.
    assert_eq!(riid["resolved_type"], "const struct GUID *");
    assert_eq!(riid["direction"], "in");

    // DWORD is unsigned long: 32 bits, spelt `unsigned int`.
    assert_eq!(param("Start", "dwFlags")["resolved_type"], "unsigned int");
    assert_eq!(named(methods, "Bind")["resolved_return_type"], "int");
}

#[test]
fn values_and_layouts_are_evaluated() {
    let json = sample();
    let flags = &named(&json["enums"], "SAMPLE_FLAGS")["members"];
    let value = |member: &str| named(flags, member)["evaluated"].as_i64();
    // FLAG(1) is `(1 << (1))`; SF_ALL is SF_HIDDEN | SF_PINNED; SF_NEXT
    // follows it.
    assert_eq!(value("SF_PINNED"), Some(2));
    assert_eq!(value("SF_ALL"), Some(3));
    assert_eq!(value("SF_NEXT"), Some(4));

    let constants = &json["constants"];
    assert_eq!(named(constants, "SAMPLE_TIMEOUT")["evaluated"], 30000);
    assert_eq!(
        named(constants, "SAMPLE_NAME")["evaluated"],
        "Sample handler"
    );

    // DWORD, WCHAR[17] (to 38 bytes), a pointer aligned to 8 on x64 and 4
    // on x86, then an 8-bit field in a ULONG unit.
    let layout = &named(&json["structs"], "tagSAMPLE_INFO")["layout"];
    assert_eq!(layout["x64"]["size"], 56);
    assert_eq!(layout["x64"]["align"], 8);
    assert_eq!(layout["x86"]["size"], 48);
    assert_eq!(layout["x86"]["align"], 4);
}

#[test]
fn the_outline_counts_vtable_slots() {
    let (code, out, _) = run(&["inspect"], "inspect/sample.idl");
    assert_eq!(code, 0);
    assert!(
        out.contains("interface ISampleHandler : IUnknown (6 methods, 8 vtable slots)"),
        "{out}"
    );
}

#[test]
fn model_errors_are_reported_as_check_reports_them() {
    // It parses, but its typedefs are defined in terms of each other.
    let file = "diagnostics/typedef-cycle.idl";
    let (code, out, err) = inspect_json(file);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "no JSON for a file with errors");
    let (_, _, checked) = run(&["check"], file);
    let summary = checked.find("checked 1 files").expect("check's summary");
    assert_eq!(err, checked[..summary]);
}
