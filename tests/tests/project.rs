//! The project template (`templates/project/`) and `comidl new`, in
//! process: the template stays renderable alike by cargo-generate and
//! minijinja, and `comidl new` renders it, or refuses with one clear line.
//! Building the rendered projects is `scripts/test-template.sh`'s job.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use comidl::project::{CARGO_GENERATE_FILES, DEFAULT_HANDLER_NAME, TEMPLATE_FILES, Values};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
}

fn template() -> PathBuf {
    repository().join("templates/project")
}

/// A fresh, empty scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("comidl-new")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch folder");
    dir
}

/// Runs `comidl new ARGS...`; returns the exit code, stdout and stderr.
fn new(args: &[&str]) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["comidl", "new"].iter().chain(args);
    let code = comidl::cli::run(argv.copied(), &mut out, &mut err);
    let text = |bytes| String::from_utf8(bytes).expect("utf-8 output");
    (code, text(out), text(err))
}

fn new_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let root = repository().to_str().expect("utf-8 path").to_string();
    let dir = dir.to_str().expect("utf-8 path").to_string();
    let mut all = vec!["--path", &dir, "--comidl-path", &root];
    all.extend(args);
    new(&all)
}

fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under dir");
                files.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files
}

fn is_v4_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && text
            .chars()
            .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'))
        && parts[2].starts_with('4')
        && parts[3].starts_with(['8', '9', 'a', 'b'])
}

#[test]
fn the_template_idl_is_a_copy_of_idl_syncmgr() {
    let ours = std::fs::read_to_string(repository().join("idl/Syncmgr.idl")).unwrap();
    let template = std::fs::read_to_string(template().join("idl/Syncmgr.idl")).unwrap();
    assert!(
        ours == template,
        "templates/project/idl/Syncmgr.idl differs from idl/Syncmgr.idl: copy it over"
    );
}

#[test]
fn the_template_pins_windows_core_as_the_workspace_does() {
    let pin = |path: &Path| {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .find(|line| line.starts_with("windows-core = "))
            .unwrap_or_else(|| panic!("no windows-core line in {}", path.display()))
            .to_string()
    };
    let workspace = pin(&repository().join("Cargo.toml"));
    assert!(workspace.contains("\"="), "pinned: {workspace}");
    assert_eq!(pin(&template().join("Cargo.toml")), workspace);
}

#[test]
fn comidl_new_embeds_every_file_of_the_template_but_cargo_generates_own() {
    let on_disk = files_under(&template());
    let embedded: BTreeSet<String> = TEMPLATE_FILES
        .iter()
        .map(|(path, _)| path.to_string())
        .chain(CARGO_GENERATE_FILES.iter().map(|path| path.to_string()))
        .collect();
    assert_eq!(embedded, on_disk);
}

#[test]
fn the_template_substitutes_plain_names_only() {
    // Liquid and minijinja agree on `{{ name }}` and on nothing much else:
    // no filters, tags, comments or expressions.
    let values = Values {
        crate_name: String::new(),
        handler_name: String::new(),
        collection_clsid: String::new(),
        handler_clsid: String::new(),
        comidl_path: String::new(),
    };
    let names = values.variables().map(|(name, _)| name);
    for (path, text) in TEMPLATE_FILES {
        for marker in ["{%", "%}", "{#", "#}"] {
            assert!(
                !text.contains(marker),
                "{path}: `{marker}` is template syntax"
            );
        }
        let mut rest = *text;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .unwrap_or_else(|| panic!("{path}: unclosed `{{{{`"));
            let inside = &after[..end];
            let name = inside.strip_prefix(' ').and_then(|s| s.strip_suffix(' '));
            assert!(
                name.is_some_and(|name| names.contains(&name)),
                "{path}: `{{{{{inside}}}}}` is not `{{{{ name }}}}` with a known name"
            );
            rest = &after[end + 2..];
        }
        assert!(!rest.contains("}}"), "{path}: `}}}}` without `{{{{`");
    }
}

#[test]
fn cargo_generate_defaults_the_handler_name_as_comidl_new_does() {
    let config = std::fs::read_to_string(template().join("cargo-generate.toml")).unwrap();
    let handler = config
        .lines()
        .find(|line| line.starts_with("handler_name = "))
        .expect("a handler_name placeholder");
    assert!(
        handler.contains(&format!("default = \"{DEFAULT_HANDLER_NAME}\"")),
        "{handler}"
    );
}

#[test]
fn fresh_guids_are_version_4_and_distinct() {
    let guids: BTreeSet<String> = (0..1000).map(|_| comidl::project::fresh_guid()).collect();
    assert_eq!(guids.len(), 1000);
    for guid in &guids {
        assert!(is_v4_guid(guid), "{guid}");
    }
}

#[test]
fn new_renders_the_project_with_fresh_clsids() {
    let dir = scratch("renders");
    let (code, out, err) = new_in(&dir, &["demo-sync", "--handler", "Demo sync"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("cd "), "prints the next steps:\n{out}");
    let project = dir.join("demo-sync");
    let expected: BTreeSet<String> = TEMPLATE_FILES.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(files_under(&project), expected);
    assert_eq!(
        files_under(&dir).len(),
        expected.len(),
        "no temporary left beside it"
    );

    let read = |path: &str| std::fs::read_to_string(project.join(path)).unwrap();
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("name = \"demo_sync\""), "{manifest}");
    let root = std::path::absolute(repository()).unwrap();
    let runtime = format!("path = '{}/generator/runtime'", root.display());
    assert!(manifest.contains(&runtime), "{manifest}");
    let handler = read("src/handler.rs");
    assert!(handler.contains("\"Demo sync\""), "{handler}");
    for (path, _) in TEMPLATE_FILES {
        assert!(!read(path).contains("{{"), "{path} is fully rendered");
    }

    // Two projects, four different CLSIDs.
    let clsid = |project: &Path, file: &str| {
        let text = std::fs::read_to_string(project.join(file)).unwrap();
        let start = text.find("clsid = \"").expect("a clsid") + "clsid = \"".len();
        text[start..start + 36].to_string()
    };
    let (code, _, _) = new_in(&dir, &["other-sync"]);
    assert_eq!(code, 0);
    let other = dir.join("other-sync");
    let clsids: BTreeSet<String> = [&project, &other]
        .iter()
        .flat_map(|p| [clsid(p, "src/collection.rs"), clsid(p, "src/handler.rs")])
        .collect();
    assert_eq!(clsids.len(), 4, "{clsids:?}");
    assert!(clsids.iter().all(|c| is_v4_guid(c)), "{clsids:?}");
    assert!(read("README.md").contains(&clsid(&project, "src/collection.rs")));
}

#[test]
fn new_refuses_a_folder_that_is_not_empty_unless_forced() {
    let dir = scratch("not-empty");
    let project = dir.join("demo");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("notes.txt"), "mine").unwrap();
    let (code, out, err) = new_in(&dir, &["demo"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.ends_with("exists and is not empty (--force writes into it)\n"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(files_under(&project).len(), 1, "nothing written");

    let (code, _, err) = new_in(&dir, &["demo", "--force"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(files_under(&project).len(), TEMPLATE_FILES.len() + 1);
    assert_eq!(
        std::fs::read_to_string(project.join("notes.txt")).unwrap(),
        "mine"
    );

    // An empty folder needs no --force; a file in the way is refused.
    std::fs::create_dir(dir.join("empty")).unwrap();
    assert_eq!(new_in(&dir, &["empty"]).0, 0);
    assert!(dir.join("empty/Cargo.toml").is_file());
    std::fs::write(dir.join("file"), "").unwrap();
    let (code, _, err) = new_in(&dir, &["file", "--force"]);
    assert_eq!(code, 1);
    assert!(err.ends_with("exists and is not a folder\n"), "{err}");
}

#[test]
fn new_refuses_names_that_are_no_crate_names() {
    let dir = scratch("bad-names");
    for (name, why) in [
        ("", "it must start with a lowercase ASCII letter"),
        ("Demo", "it must start with a lowercase ASCII letter"),
        ("1demo", "it must start with a lowercase ASCII letter"),
        (
            "demo sync",
            "it may hold only lowercase ASCII letters, digits, `-` and `_`",
        ),
        (
            "démo",
            "it may hold only lowercase ASCII letters, digits, `-` and `_`",
        ),
        ("demo--sync", "`-` and `_` go between words, one at a time"),
        ("demo-", "`-` and `_` go between words, one at a time"),
        ("fn", "it is a Rust keyword"),
        ("std", "it is the name of one of Rust's own libraries"),
        (
            "proc-macro",
            "it is the name of one of Rust's own libraries",
        ),
        ("com1", "it is a reserved file name on Windows"),
        ("nul", "it is a reserved file name on Windows"),
    ] {
        let (code, _, err) = new_in(&dir, &[name]);
        assert_eq!(code, 1, "{name}");
        assert_eq!(
            err,
            format!("error: `{name}` is not a valid project name: {why}\n")
        );
    }
    assert!(files_under(&dir).is_empty(), "nothing written");
    // Digits and separators between words are fine.
    assert_eq!(new_in(&dir, &["com10-sync_2"]).0, 0);
}

#[test]
fn new_refuses_handler_names_that_do_not_fit() {
    let dir = scratch("bad-handler");
    let long = "x".repeat(129);
    for (name, why) in [
        ("", "the handler needs a name"),
        (
            "say \"hi\"",
            "it may not hold `\"`, `\\` or control characters",
        ),
        ("a\\b", "it may not hold `\"`, `\\` or control characters"),
        (
            long.as_str(),
            "Sync Center takes names of at most 128 characters",
        ),
    ] {
        let (code, _, err) = new_in(&dir, &["demo", "--handler", name]);
        assert_eq!(code, 1);
        assert_eq!(err, format!("error: --handler `{name}`: {why}\n"));
    }
    assert!(files_under(&dir).is_empty(), "nothing written");
}

#[test]
fn new_refuses_a_comidl_path_without_comidl() {
    let dir = scratch("bad-comidl-path");
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let path = dir.to_str().unwrap();
    let (code, _, err) = new(&[
        "demo",
        "--path",
        path,
        "--comidl-path",
        elsewhere.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.ends_with(" is not a comidl checkout (no generator/Cargo.toml of package `comidl` with generator/runtime/ beside it); give one with --comidl-path\n"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert_eq!(files_under(&dir), BTreeSet::new(), "nothing written");
    assert!(!dir.join("demo").exists());
}
