//! Shared helpers for the workspace tests.

pub mod widl_header;
pub mod winmd;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use comidl::emit::rust::GeneratedFile;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

/// The names of the files in `dir` ending `.extension`, without it, sorted:
/// the cases of a snapshot test.
pub fn case_names(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|e| e.expect("folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .map(|path| {
            path.file_stem()
                .expect("a file")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The arguments of `comidl generate` that make `generated/` (from
/// `generated/generate.args`), with its paths made absolute.
pub fn generate_args() -> Vec<String> {
    let root = repo_root();
    let args_file =
        std::fs::read_to_string(root.join("generated/generate.args")).expect("generate.args");
    args_file
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|arg| {
            if arg.ends_with(".idl") || arg == "idl" {
                root.join(arg).display().to_string()
            } else {
                arg.to_string()
            }
        })
        .collect()
}

/// The `.rs` files of a folder of generated code, sorted by name; none when
/// the folder does not exist.
pub fn rust_files(dir: &Path) -> Vec<GeneratedFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<GeneratedFile> = entries
        .map(|e| e.expect("folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| GeneratedFile {
            name: path
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned(),
            contents: std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// How the generated files `fresh` differ from those checked in to `dir`
/// (a path for the message): the first file only one side has, else the
/// first differing line. `None` when they are the same, byte for byte.
pub fn first_difference(
    dir: &str,
    checked_in: &[GeneratedFile],
    fresh: &[GeneratedFile],
) -> Option<String> {
    let names = |files: &[GeneratedFile]| -> BTreeSet<String> {
        files.iter().map(|f| f.name.clone()).collect()
    };
    let (old_names, new_names) = (names(checked_in), names(fresh));
    if let Some(name) = new_names.difference(&old_names).next() {
        return Some(format!("{dir}/{name} is generated but not checked in"));
    }
    if let Some(name) = old_names.difference(&new_names).next() {
        return Some(format!("{dir}/{name} is checked in but not generated"));
    }
    for name in &new_names {
        let text = |files: &[GeneratedFile]| {
            let file = files.iter().find(|f| &f.name == name).expect("listed");
            file.contents.clone()
        };
        let (old, new) = (text(checked_in), text(fresh));
        if old == new {
            continue;
        }
        // `split` rather than `lines`, so a missing final newline shows too.
        let (mut a, mut b) = (old.split('\n'), new.split('\n'));
        for line in 1.. {
            let (a, b) = (a.next(), b.next());
            if a != b {
                let show = |l: Option<&str>| l.unwrap_or("(end of file)").to_string();
                return Some(format!(
                    "{dir}/{name} differs at line {line}:\n  checked in: {}\n  generated:  {}",
                    show(a),
                    show(b)
                ));
            }
        }
    }
    None
}

/// Wine's IDL corpus with widl's headers, fetched on first use by
/// `tests/corpus/fetch-wine-idl.sh` (which may install Debian packages).
pub struct Corpus {
    pub root: PathBuf,
}

impl Corpus {
    pub fn get() -> Corpus {
        let root = repo_root().join("target/corpus/wine");
        if !root.join(".complete").exists() {
            let script = repo_root().join("tests/corpus/fetch-wine-idl.sh");
            let output = Command::new("bash")
                .arg(&script)
                .arg(&root)
                .output()
                .expect("bash runs");
            assert!(
                output.status.success(),
                "{} failed:\n{}{}",
                script.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Corpus { root }
    }

    /// The include folders widl was given, in order.
    pub fn include_dirs(&self) -> Vec<PathBuf> {
        vec![self.root.join("include/windows"), self.root.join("include")]
    }

    /// Every `.idl` file, as paths relative to `include/`, sorted.
    pub fn idl_files(&self) -> Vec<String> {
        let mut files = Vec::new();
        for folder in ["", "windows"] {
            let dir = self.root.join("include").join(folder);
            for entry in std::fs::read_dir(&dir).expect("corpus folder") {
                let name = entry.expect("folder entry").file_name();
                let name = name.to_string_lossy();
                if name.ends_with(".idl") {
                    files.push(if folder.is_empty() {
                        name.to_string()
                    } else {
                        format!("{folder}/{name}")
                    });
                }
            }
        }
        files.sort();
        files
    }

    /// The files widl accepted (it wrote a header for each).
    pub fn widl_accepted(&self) -> Vec<String> {
        let list = std::fs::read_to_string(self.root.join("widl-accepted.txt"))
            .expect("widl-accepted.txt");
        list.lines().map(str::to_string).collect()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join("include").join(relative)
    }

    /// widl's C header for a file it accepted.
    pub fn widl_header(&self, relative: &str) -> String {
        let header = self
            .root
            .join("widl")
            .join(relative.trim_end_matches(".idl").to_string() + ".h");
        std::fs::read_to_string(&header).unwrap_or_else(|e| panic!("{}: {e}", header.display()))
    }
}

/// A checked-in list of corpus files known to fail a test, and why:
/// `tests/corpus/<name>`, one `path<TAB>reason` per line, `#` starts a comment.
pub struct KnownFailures {
    pub name: &'static str,
    pub files: BTreeMap<String, String>,
}

impl KnownFailures {
    pub fn read(name: &'static str) -> KnownFailures {
        let path = repo_root().join("tests/corpus").join(name);
        let list =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let files = list
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (path, reason) = l.split_once('\t').unwrap_or((l, ""));
                (path.to_string(), reason.to_string())
            })
            .collect();
        KnownFailures { name, files }
    }

    /// How `failed` (file → reason) differs from the list: unlisted failures,
    /// as lines to add, and listed files that pass now. Empty when they agree.
    pub fn mismatches(&self, failed: &BTreeMap<String, String>) -> Vec<String> {
        let name = self.name;
        let unlisted = failed
            .iter()
            .filter(|(file, _)| !self.files.contains_key(*file))
            .map(|(file, reason)| {
                let reason = reason.lines().next().unwrap_or_default();
                format!("fails but is not in {name}: {file}\t{reason}")
            });
        let fixed = self
            .files
            .keys()
            .filter(|file| !failed.contains_key(*file))
            .map(|file| format!("passes now; remove it from {name}: {file}"));
        unlisted.chain(fixed).collect()
    }
}

/// What the fuzz target does with one input; the regression test replays
/// saved inputs through the same function.
pub mod fuzz_input {
    use std::io;
    use std::path::Path;

    use comidl::syntax::load::Loader;
    use comidl::syntax::preprocess::{FileProvider, Options};

    /// Serves the input as `/fuzz/main.idl`; `other.idl` holds its second
    /// half, so `#include` and `import` paths get exercised too.
    struct Input<'a>(&'a [u8]);

    impl Input<'_> {
        fn file(&self, path: &Path) -> Option<&[u8]> {
            match path.file_name()?.to_str()? {
                "main.idl" => Some(self.0),
                "other.idl" => Some(&self.0[self.0.len() / 2..]),
                _ => None,
            }
        }
    }

    impl FileProvider for Input<'_> {
        fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
            self.file(path)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| io::ErrorKind::NotFound.into())
        }

        fn exists(&self, path: &Path) -> bool {
            self.file(path).is_some()
        }
    }

    /// Decodes, preprocesses, parses and resolves imports of `data`, and
    /// renders every diagnostic. It must never panic or hang.
    pub fn run(data: &[u8]) {
        let files = Input(data);
        let loader = Loader::new(Options::default(), &files);
        for unit in loader.closure(Path::new("/fuzz/main.idl")) {
            for diagnostic in &unit.diagnostics {
                let _ = diagnostic.render(false);
            }
        }
    }
}
