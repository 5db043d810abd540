//! Folder helpers for the tests of folder-mirror and of both handlers
//! (included by path: `#[path = ...] mod support;`).

#![allow(dead_code)] // each test crate uses its own part

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

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
