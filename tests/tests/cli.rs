//! The `comidl check` command line as a user meets it: summary line, exit
//! codes, and output that does not depend on the number of threads.

fn check(args: &[&str]) -> (i32, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["comidl", "check", "--color", "never"].iter().chain(args);
    let code = comidl::cli::run(argv.copied(), &mut out, &mut err);
    assert!(out.is_empty(), "check writes only to stderr");
    (code, String::from_utf8(err).expect("utf-8 stderr"))
}

#[test]
fn summary_counts_good_and_bad_files_and_sets_the_exit_code() {
    let (code, err) = check(&["inspect/sample.idl", "diagnostics/bad-uuid-short.idl"]);
    assert_eq!(code, 1);
    assert_eq!(err.lines().last(), Some("checked 2 files: 1 ok, 1 failed"));

    let (code, err) = check(&["inspect/sample.idl"]);
    assert_eq!(
        (code, err.as_str()),
        (0, "checked 1 files: 1 ok, 0 failed\n")
    );
}

#[test]
fn output_is_the_same_on_one_thread_and_on_four() {
    let mut files: Vec<String> = std::fs::read_dir("diagnostics")
        .expect("tests/diagnostics")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "idl"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    let args = |jobs: &'static str| {
        let mut args = vec!["--jobs", jobs];
        args.extend(files.iter().map(String::as_str));
        args
    };
    let (one_code, one) = check(&args("1"));
    let (four_code, four) = check(&args("4"));
    assert_eq!(one_code, 1);
    assert_eq!(one_code, four_code);
    assert_eq!(one, four);
}

#[test]
fn usage_errors_exit_with_2_and_help_with_0() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(
        comidl::cli::run(["comidl", "frobnicate"], &mut out, &mut err),
        2
    );
    assert!(String::from_utf8_lossy(&err).contains("unrecognized subcommand"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(
        comidl::cli::run(["comidl", "check", "--help"], &mut out, &mut err),
        0
    );
    assert!(String::from_utf8_lossy(&out).contains("--jobs"));
}
