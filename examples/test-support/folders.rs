//! Folder helpers for the tests of folder-mirror and of both handlers,
//! included by path (`#[path = "../../test-support/folders.rs"] mod folders;`).

#![allow(dead_code)] // each test crate uses its own part

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// Writes `files` (relative path, contents) under `root`, creating folders.
pub fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (relative, contents) in files {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
}

/// Every file under `root`, by relative path, with its contents.
pub fn files_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    if root.exists() {
        collect(root, Path::new(""), &mut files);
    }
    files
}

fn collect(root: &Path, relative: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in fs::read_dir(root.join(relative)).unwrap() {
        let entry = entry.unwrap();
        let path = relative.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            collect(root, &path, files);
        } else if kind.is_file() {
            files.insert(path.clone(), fs::read(root.join(&path)).unwrap());
        }
    }
}

/// The relative paths of `files`, as `/`-separated strings.
pub fn names(files: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<String> {
    files
        .keys()
        .map(|path| {
            path.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

/// Writes a pairs file in `dir` for `pairs` (name, source, target).
pub fn write_config(dir: &Path, pairs: &[(&str, &Path, &Path)]) -> PathBuf {
    let text: String = pairs
        .iter()
        .map(|(name, source, target)| {
            format!(
                "[{name}]\nsource = {}\ntarget = {}\n\n",
                source.display(),
                target.display()
            )
        })
        .collect();
    let file = dir.join("pairs.txt");
    fs::write(&file, text).unwrap();
    file
}

/// Temporary pairs: `<dir>/<name>/source` holding the given files, mirrored
/// to `<dir>/<name>/target`, listed in `<dir>/pairs.txt`.
pub struct Fixture {
    pub dir: TempDir,
    pub config: PathBuf,
}

impl Fixture {
    pub fn new(pairs: &[(&str, &[(&str, &str)])]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let folders: Vec<(PathBuf, PathBuf)> = pairs
            .iter()
            .map(|(name, _)| {
                (
                    dir.path().join(name).join("source"),
                    dir.path().join(name).join("target"),
                )
            })
            .collect();
        for ((_, files), (source, _)) in pairs.iter().zip(&folders) {
            fs::create_dir_all(source).unwrap();
            write_tree(source, files);
        }
        let listed: Vec<_> = pairs
            .iter()
            .zip(&folders)
            .map(|((name, _), (source, target))| (*name, source.as_path(), target.as_path()))
            .collect();
        let config = write_config(dir.path(), &listed);
        Self { dir, config }
    }

    /// A fixture whose pairs file holds `text`.
    pub fn with_config_text(text: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("pairs.txt");
        fs::write(&config, text).unwrap();
        Self { dir, config }
    }

    pub fn source(&self, name: &str) -> PathBuf {
        self.dir.path().join(name).join("source")
    }

    pub fn target(&self, name: &str) -> PathBuf {
        self.dir.path().join(name).join("target")
    }
}

/// Four files in two levels of folders.
pub const TREE: &[(&str, &str)] = &[
    ("a.txt", "alpha"),
    ("b.txt", "bravo"),
    ("sub/c.txt", "charlie"),
    ("sub/deeper/d.txt", "delta"),
];
