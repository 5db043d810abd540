//! `comidl reg`: the `.reg` file of a built DLL is the plan its own `SERVER`
//! makes (read from the file, never run), a description file written by hand
//! renders the runtime's golden `.reg` files, and every mistake is one line
//! on stderr with a non-zero exit.
//!
//! The DLL is the crate `tests/handler` (crate types cdylib and rlib): as a
//! dependency of these tests, cargo builds its cdylib beside this test
//! binary, from the same compilation as the rlib linked in here.

use std::path::{Path, PathBuf};

use comidl_handler_fixture::SERVER;
use comidl_runtime::registration::reg_file_bytes;

/// Runs `comidl reg ARGS`; the exit code, stdout and stderr.
fn reg(args: &[&str]) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["comidl", "reg"].iter().chain(args);
    let code = comidl::cli::run(argv.copied(), &mut out, &mut err);
    let text = |bytes| String::from_utf8(bytes).expect("UTF-8 output");
    (code, text(out), text(err))
}

/// Runs `comidl reg ARGS`, which must succeed; its stdout.
fn reg_ok(args: &[&str]) -> String {
    let (code, out, err) = reg(args);
    assert_eq!((code, err.as_str()), (0, ""), "comidl reg {args:?}");
    out
}

/// Runs `comidl reg ARGS`, which must fail with one line on stderr holding
/// `message`.
fn reg_fails(args: &[&str], message: &str) {
    let (code, out, err) = reg(args);
    assert_ne!(code, 0, "comidl reg {args:?} succeeded:\n{out}");
    assert_eq!(out, "", "comidl reg {args:?}");
    assert!(
        err.starts_with("error: ") && err.ends_with('\n') && err.lines().count() == 1,
        "comidl reg {args:?}: not one error line:\n{err}"
    );
    assert!(
        err.contains(message),
        "comidl reg {args:?}: {err} does not say {message:?}"
    );
}

/// The handler fixture as built next to this test binary.
fn built(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let path = exe.with_file_name(name);
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

fn cdylib() -> PathBuf {
    use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
    built(&format!("{DLL_PREFIX}comidl_handler_fixture{DLL_SUFFIX}"))
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("reg")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

const INSTALLED: &str = "C:\\Program Files\\Contoso\\handler.dll";

#[test]
fn a_built_dll_gives_the_plan_of_its_server() {
    let dll = cdylib();
    let own_path = std::path::absolute(&dll).expect("an absolute path");
    let plan = SERVER.plan(text(&own_path)).expect("the fixture's plan");
    assert_eq!(reg_ok(&[text(&dll)]), plan.to_reg_file());

    let installed = SERVER.plan(INSTALLED).expect("the fixture's plan");
    assert_eq!(
        reg_ok(&[text(&dll), "--path", INSTALLED]),
        installed.to_reg_file()
    );
    assert_eq!(
        reg_ok(&[text(&dll), "--path", INSTALLED, "--unregister"]),
        installed.to_unregister_reg_file()
    );
    // The fixture registers per user; --scope moves every key.
    let machine = reg_ok(&[text(&dll), "--path", INSTALLED, "--scope", "machine"]);
    assert_eq!(
        machine,
        installed
            .to_reg_file()
            .replace("[HKEY_CURRENT_USER\\", "[HKEY_LOCAL_MACHINE\\")
    );
    assert!(!machine.contains("HKEY_CURRENT_USER"));
}

#[test]
fn the_rlib_carries_the_same_registration() {
    let rlib = built("libcomidl_handler_fixture.rlib");
    let plan = SERVER.plan(INSTALLED).expect("the fixture's plan");
    assert_eq!(
        reg_ok(&[text(&rlib), "--path", INSTALLED]),
        plan.to_reg_file()
    );
}

#[test]
fn out_writes_what_regedit_reads_whole() {
    let dir = scratch("out");
    let file = dir.join("handler.reg");
    let printed = reg_ok(&[text(&cdylib()), "--path", INSTALLED]);
    assert_eq!(
        reg_ok(&[text(&cdylib()), "--path", INSTALLED, "-o", text(&file)]),
        ""
    );
    assert_eq!(
        std::fs::read(&file).expect("the .reg file"),
        reg_file_bytes(&printed)
    );
    let mut left: Vec<_> = std::fs::read_dir(&dir)
        .expect("the scratch folder")
        .map(|entry| entry.expect("an entry").file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["handler.reg"], "no temporary file is left");
}

#[test]
fn hand_written_descriptions_render_the_runtime_goldens() {
    let golden = |name: &str| {
        let path = root().join("generator/runtime/tests/golden").join(name);
        std::fs::read_to_string(&path).expect("a golden .reg file")
    };
    let module = "C:\\Program Files\\Contoso Sync\\contoso sync.dll";
    let sync_center = root().join("tests/reg/sync-center.reg.txt");
    let mobsync = root().join("tests/reg/mobsync.reg.txt");
    let description = |file: &Path, more: &[&str]| {
        let mut args = vec!["--description", text(file), "--path", module];
        args.extend(more);
        reg_ok(&args)
    };
    assert_eq!(description(&sync_center, &[]), golden("sync-center.reg"));
    assert_eq!(
        description(&sync_center, &["--unregister"]),
        golden("sync-center-unregister.reg")
    );
    assert_eq!(
        description(&mobsync, &["--scope", "user"]),
        golden("mobsync-user.reg")
    );
    assert_eq!(
        description(&mobsync, &["--scope", "user", "--unregister"]),
        golden("mobsync-user-unregister.reg")
    );
}

const CLASS: &str =
    "comidl-registration/1\nclsid={0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}\ndescription=x\nend\n";

#[test]
fn every_mistake_is_one_line_and_a_failure() {
    let dir = scratch("errors");
    let file = |name: &str, contents: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("a scratch file");
        path
    };
    let dll = cdylib();
    let dll = text(&dll);

    // Files that are not there, or carry no registration.
    reg_fails(&["no-such.dll"], "cannot read no-such.dll: no such file");
    reg_fails(
        &[text(&root().join("Cargo.toml"))],
        "has no registration records: it was not built with comidl's dll_exports!",
    );
    let classes_only = file("classes-only.bin", format!("\0\0{CLASS}\0").as_bytes());
    reg_fails(
        &[text(&classes_only)],
        "has no registration records: it was not built with comidl's dll_exports!",
    );

    // Malformed records, in a binary (where) and in a description (line).
    let bad_guid = CLASS.replace("4E5F-4A6B", "4E5F-4A6");
    let code = b"MZ\0\x90 some code ";
    let binary = file("bad-guid.dll", &[&code[..], bad_guid.as_bytes()].concat());
    reg_fails(
        &[text(&binary)],
        &format!(
            "line 2 of the record at byte {}: `{{0A1B2C3D-4E5F-4A6-8C9D-0E1F2A3B4C5D}}` is not a GUID",
            code.len()
        ),
    );
    let two_servers = format!(
        "{}\0{}",
        "comidl-registration/1\nscope=user\nend\n", "comidl-registration/1\nscope=machine\nend\n"
    );
    reg_fails(
        &[text(&file("two.dll", two_servers.as_bytes()))],
        "a second server record (the first is at line 1 of the record at byte 0)",
    );
    let cases: &[(&str, &[u8], &str)] = &[
        ("key.reg.txt", b"# a class\ncomidl-registration/1\nicon=3\nend\n", "key.reg.txt:3: unknown key `icon`"),
        ("guid.reg.txt", bad_guid.as_bytes(), "guid.reg.txt:2: `{0A1B2C3D-4E5F-4A6-8C9D-0E1F2A3B4C5D}` is not a GUID"),
        ("unended.reg.txt", b"comidl-registration/1\nscope=user\n", "unended.reg.txt:1: the record has no `end` line"),
        ("latin1.reg.txt", b"description=\xe9\n", "latin1.reg.txt: not UTF-8 text"),
        ("no-class.reg.txt", b"comidl-registration/1\nscope=user\nend\n", "no-class.reg.txt: no class record: there is nothing to register"),
        ("no-scope.reg.txt", CLASS.as_bytes(), "no-scope.reg.txt: no server record gives the scope"),
        (
            "progid.reg.txt",
            b"comidl-registration/1\nscope=user\nend\ncomidl-registration/1\nclsid={0A1B2C3D-4E5F-4A6B-8C9D-0E1F2A3B4C5D}\ndescription=x\nprogid=1st\nend\n",
            "progid.reg.txt: invalid registration: ProgID \"1st\": at most 39 letters, digits or periods, not starting with a digit",
        ),
    ];
    for (name, contents, message) in cases {
        let description = file(name, contents);
        reg_fails(
            &["--description", text(&description), "--path", INSTALLED],
            message,
        );
    }

    // Output that cannot be written.
    reg_fails(
        &[dll, "-o", text(&dir)],
        "it is a folder; -o takes a file name",
    );
    reg_fails(
        &[dll, "-o", text(&dir.join("missing/handler.reg"))],
        "handler.reg: no such file",
    );
}

#[test]
fn usage_mistakes_are_refused_by_the_parser() {
    for (args, message) in [
        (&[][..], "required arguments were not provided"),
        (&["--description", "x.reg.txt"][..], "--path <PATH>"),
        (
            &["a.dll", "--description", "x.reg.txt"][..],
            "cannot be used with",
        ),
        (
            &["a.dll", "--scope", "everyone"][..],
            "invalid value 'everyone'",
        ),
    ] {
        let (code, out, err) = reg(args);
        assert_eq!((code, out.as_str()), (2, ""), "comidl reg {args:?}");
        assert!(
            err.starts_with("error: ") && err.contains(message),
            "comidl reg {args:?}: {err}"
        );
    }
}
