//! The pairs file: its format, and errors naming the file and line.

use std::path::{Path, PathBuf};
use std::process::Command;

use folder_mirror::config::MAX_NAME_UNITS;
use folder_mirror::{CONFIG_ENV, Config, ConfigError, Pair, PairsFile, default_config_path};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/cfg/pairs.txt"))
}

fn error_of(text: &str) -> String {
    parse(text).expect_err("should not parse").to_string()
}

#[test]
fn reads_pairs_comments_and_relative_paths() {
    let config = parse(
        "\u{feff}# pairs\n\n[Docs]\nsource = /home/me/docs\n  target=  backup/docs  \n; more\n[ Photos ]\ntarget = /mnt/p\nsource = pics\n",
    )
    .unwrap();
    assert_eq!(
        config.pairs,
        [
            Pair {
                name: "Docs".into(),
                source: "/home/me/docs".into(),
                target: "/cfg/backup/docs".into(),
            },
            Pair {
                name: "Photos".into(),
                source: "/cfg/pics".into(),
                target: "/mnt/p".into(),
            },
        ]
    );
    assert_eq!(config.pair("Photos").unwrap().target, Path::new("/mnt/p"));
    assert!(config.pair("photos").is_none());
}

#[test]
fn errors_name_the_file_and_line() {
    assert_eq!(
        error_of("[A]\nsource = a\nsorce = b\n"),
        "/cfg/pairs.txt:3: unknown key `sorce` (expected `source` or `target`)"
    );
    assert_eq!(
        error_of("source = a\n"),
        "/cfg/pairs.txt:1: `source` before any `[name]` line"
    );
    assert_eq!(
        error_of("[A\n"),
        "/cfg/pairs.txt:1: a section line must end with `]`"
    );
    assert_eq!(
        error_of("[A]\nsource a\n"),
        "/cfg/pairs.txt:2: expected `[name]`, `source = path` or `target = path`"
    );
    assert_eq!(
        error_of("[A]\nsource =  \n"),
        "/cfg/pairs.txt:2: `source` needs a path"
    );
    assert_eq!(
        error_of("[A]\nsource = a\nsource = b\n"),
        "/cfg/pairs.txt:3: `source` given twice for `A`"
    );
}

#[test]
fn incomplete_pairs_point_at_their_section() {
    assert_eq!(
        error_of("\n[A]\nsource = a\n[B]\nsource = b\ntarget = c\n"),
        "/cfg/pairs.txt:2: `A` has no `target`"
    );
    assert_eq!(
        error_of("[A]\ntarget = a\n"),
        "/cfg/pairs.txt:1: `A` has no `source`"
    );
}

#[test]
fn names_are_checked() {
    assert_eq!(error_of("[ ]\n"), "/cfg/pairs.txt:1: empty pair name");
    let long = "n".repeat(MAX_NAME_UNITS + 1);
    assert_eq!(
        error_of(&format!("[{long}]\n")),
        "/cfg/pairs.txt:1: pair name longer than 63 characters"
    );
    let longest = "n".repeat(MAX_NAME_UNITS);
    assert!(parse(&format!("[{longest}]\nsource = a\ntarget = b\n")).is_ok());
    assert_eq!(
        error_of("[a\tb]\n"),
        "/cfg/pairs.txt:1: pair name with a control character"
    );
    assert_eq!(
        error_of("[A]\nsource = a\ntarget = b\n[A]\nsource = c\ntarget = d\n"),
        "/cfg/pairs.txt:4: a second pair named `A`"
    );
}

#[test]
fn nested_folders_are_refused() {
    assert_eq!(
        error_of("[A]\nsource = /d\ntarget = /d/mirror\n"),
        "/cfg/pairs.txt:1: `A`: one folder lies inside the other"
    );
    assert!(error_of("[A]\nsource = /d/sub\ntarget = /d\n").contains("inside"));
    assert!(parse("[A]\nsource = /d/a\ntarget = /d/ab\n").is_ok());
}

#[test]
fn a_missing_file_holds_no_pairs_and_others_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.txt");
    assert_eq!(Config::load(&file).unwrap(), Config::default());
    std::fs::write(&file, "[A]\nsource = s\ntarget = t\n").unwrap();
    assert_eq!(
        Config::load(&file).unwrap().pairs[0].source,
        dir.path().join("s")
    );
    let error = Config::load(dir.path()).expect_err("a folder is no pairs file");
    assert!(matches!(error, ConfigError::Io { .. }), "{error}");
    assert_eq!(
        PairsFile::At(file).load().unwrap().pairs[0].target,
        dir.path().join("t")
    );
}

/// What the child test expects `default_config_path` to be ("" for none).
const EXPECTED: &str = "FOLDER_MIRROR_TEST_EXPECTED";

#[test]
fn the_environment_names_the_pairs_file() {
    // Each case runs in a child process: the environment is the process's.
    let named = PathBuf::from("named").join("pairs.txt");
    let local = PathBuf::from("local");
    let under_local = local.join("FolderMirror").join("pairs.txt");
    let cases = [
        (Some(&named), Some(&local), Some(&named)),
        (None, Some(&local), Some(&under_local)),
        (None, None, None),
    ];
    for (config, local_app_data, expected) in cases {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child.args(["--ignored", "--exact", "child_checks_the_default_path"]);
        for (name, value) in [(CONFIG_ENV, config), ("LOCALAPPDATA", local_app_data)] {
            match value {
                Some(value) => child.env(name, value),
                None => child.env_remove(name),
            };
        }
        child.env(EXPECTED, expected.map_or(PathBuf::new(), Clone::clone));
        let output = child.output().unwrap();
        assert!(
            output.status.success(),
            "{config:?}, {local_app_data:?}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

#[test]
#[ignore = "run in a child process by the_environment_names_the_pairs_file"]
fn child_checks_the_default_path() {
    let expected = std::env::var_os(EXPECTED).expect("set by the parent test");
    let expected = (!expected.is_empty()).then(|| PathBuf::from(expected));
    assert_eq!(default_config_path(), expected);
    if expected.is_none() {
        let error = PairsFile::FromEnvironment.load().unwrap_err();
        assert!(matches!(error, ConfigError::NoLocation), "{error}");
    }
}
