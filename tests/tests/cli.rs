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

/// Runs the command line `args` (after `comidl`): exit code, stdout, stderr.
fn comidl(args: &[&str]) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["comidl"].iter().chain(args);
    let code = comidl::cli::run(argv.copied(), &mut out, &mut err);
    let text = |bytes| String::from_utf8(bytes).expect("UTF-8 output");
    (code, text(out), text(err))
}

/// The commands `comidl --help` lists (but `help`).
fn commands() -> Vec<String> {
    let (code, help, _) = comidl(&["--help"]);
    assert_eq!(code, 0);
    let listed = help
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a Commands section");
    listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|&name| name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_command_says_what_it_does_and_shows_an_example() {
    let purposes = [
        ("check", "Parse IDL files and the files they import"),
        ("generate", "Generate Rust bindings"),
        ("inspect", "Describe the declarations of one IDL file"),
        ("reg", "registry registration of a COM server DLL"),
    ];
    let commands = commands();
    for (name, _) in purposes {
        assert!(commands.iter().any(|c| c == name), "{name} in {commands:?}");
    }
    let (_, top, _) = comidl(&["--help"]);
    for name in &commands {
        for flag in ["--help", "-h"] {
            let (code, help, err) = comidl(&[name, flag]);
            assert_eq!((code, err.as_str()), (0, ""), "comidl {name} {flag}");
            assert!(
                help.contains(&format!("Usage: comidl {name} ")),
                "comidl {name} {flag}:\n{help}"
            );
            let example = format!(":\n  comidl {name} ");
            assert!(
                ["Example", "Examples"]
                    .iter()
                    .any(|title| help.contains(&format!("{title}{example}"))),
                "comidl {name} {flag} shows an example:\n{help}"
            );
            if let Some((_, purpose)) = purposes.iter().find(|(n, _)| n == name) {
                assert!(help.contains(purpose), "comidl {name} {flag}:\n{help}");
            }
        }
        assert!(
            top.contains(&format!("\n  comidl {name} ")),
            "comidl --help shows an example of {name}:\n{top}"
        );
    }
}

/// `comidl ARGS` fails with exit code `code`, nothing on stdout, and on
/// stderr one line saying `message` (to which clap adds the usage, a tip
/// and a pointer to --help).
fn fails(args: &[&str], code: i32, message: &str) {
    let (actual, out, err) = comidl(args);
    assert_eq!((actual, out.as_str()), (code, ""), "comidl {args:?}: {err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: ") && first.contains(message),
        "comidl {args:?}: the first line does not say {message:?}:\n{err}"
    );
    let extra: Vec<&str> = err
        .lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .filter(|line| !line.starts_with("Usage: ") && !line.starts_with("For more information"))
        .filter(|line| !line.trim_start().starts_with("tip: "))
        // clap lists missing arguments under its one line.
        .filter(|line| !line.starts_with("  --") && !line.starts_with("  <"))
        .collect();
    assert!(
        extra.is_empty(),
        "comidl {args:?}: more than one error line:\n{err}"
    );
    for debug in ["panicked", "RUST_BACKTRACE", "Os {", "kind:", "(os error"] {
        assert!(
            !err.contains(debug),
            "comidl {args:?}: Rust's words:\n{err}"
        );
    }
}

#[test]
fn every_command_line_mistake_is_one_line_and_a_failure() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-errors");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let a_file = dir.join("a-file");
    std::fs::write(&a_file, "").expect("a scratch file");
    let a_file = a_file.to_str().expect("a UTF-8 path");
    let out = dir.join("out");
    let out = out.to_str().expect("a UTF-8 path");
    let idl = "inspect/sample.idl";

    // Files that are not there, or are folders.
    fails(
        &["check", idl, "no-such.idl"],
        1,
        "cannot read no-such.idl: no such file",
    );
    fails(
        &["generate", "no-such.idl", "-o", out],
        1,
        "cannot read no-such.idl: no such file",
    );
    fails(
        &["inspect", "no-such.idl"],
        1,
        "cannot read no-such.idl: no such file",
    );
    fails(
        &["check", "inspect"],
        1,
        "cannot read inspect: it is a folder",
    );
    // An output folder that cannot be made.
    fails(
        &["generate", idl, "-o", a_file],
        1,
        "a file is in the way of the folder",
    );
    let under = format!("{a_file}/bindings");
    fails(
        &["generate", idl, "-o", &under],
        1,
        "a file is in the way of the folder",
    );
    assert!(!std::path::Path::new(out).exists(), "nothing written");
    // Options of the wrong shape.
    for (value, message) in [
        ("IShellItem", "expected NAME=PATH"),
        ("=windows::IShellItem", "`` is not an IDL type name"),
        ("IShellItem=", "`` is not a Rust path"),
        ("IShellItem=not a path", "`not a path` is not a Rust path"),
    ] {
        fails(
            &["generate", idl, "-o", out, "--extern-type", value],
            2,
            message,
        );
    }
    fails(
        &["generate", idl, "-o", out, "--answer", "CanContinue"],
        2,
        "expected Interface::Method",
    );
    fails(
        &["check", "-j", "many", idl],
        2,
        "invalid value 'many' for '--jobs <N>'",
    );
    // Unknown words.
    fails(&["frobnicate"], 2, "unrecognized subcommand 'frobnicate'");
    fails(
        &["check", "--frobnicate", idl],
        2,
        "unexpected argument '--frobnicate'",
    );
    fails(
        &["generate", idl],
        2,
        "the following required arguments were not provided",
    );
}
