//! Mirroring one pair: every file under the source is copied to the same
//! place under the target unless the target already has it.
//!
//! A target file counts as up to date when it has the source file's size and
//! modification time (copies get the source's time). Files only in the
//! target are left alone. A file is copied to a temporary name beside its
//! target and renamed over it, so an interrupted copy never leaves a
//! half-written file under the real name. Symbolic links to files are
//! followed; links to folders are reported as failures, not followed, so
//! a link loop cannot make the walk endless.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::Pair;

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Copied,
    UpToDate,
    /// Reported through [`Observer::failure`] too.
    Failed,
}

/// One file dealt with: the `done`th of `total`.
#[derive(Debug)]
pub struct Step<'a> {
    pub done: usize,
    pub total: usize,
    /// Relative to the pair's folders.
    pub path: &'a Path,
    pub outcome: Outcome,
}

/// `Copied sub/a.txt`, `Up to date: sub/a.txt`, `Failed: sub/a.txt`: a
/// progress line.
impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.outcome {
            Outcome::Copied => "Copied",
            Outcome::UpToDate => "Up to date:",
            Outcome::Failed => "Failed:",
        };
        write!(f, "{what} {}", self.path.display())
    }
}

/// What could not be done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ReadFolder,
    ReadFile,
    CreateFolder,
    Copy,
    Replace,
}

/// A failure of one file or folder; the mirror goes on with the others.
#[derive(Debug)]
pub struct Failure {
    pub action: Action,
    pub path: PathBuf,
    pub error: io::Error,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = match self.action {
            Action::ReadFolder => "cannot read folder",
            Action::ReadFile => "cannot read",
            Action::CreateFolder => "cannot create folder",
            Action::Copy => "cannot copy",
            Action::Replace => "cannot replace",
        };
        write!(f, "{action} {}: {}", self.path.display(), self.error)
    }
}

/// Receives the progress of a mirror and may stop it.
pub trait Observer {
    /// The source was scanned: `total` files will be looked at.
    fn start(&mut self, total: usize);
    /// One file was dealt with.
    fn step(&mut self, step: &Step<'_>);
    fn failure(&mut self, failure: &Failure);
    /// Asked before each file; `false` stops the mirror there, keeping
    /// the files already copied.
    fn may_continue(&mut self) -> bool;
}

/// The counts of a finished (or stopped) mirror.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    pub copied: usize,
    pub up_to_date: usize,
    /// Failures reported, of files and of folders.
    pub failed: usize,
    pub canceled: bool,
}

/// `3 copied, 2 up to date, 1 failed`.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} copied, {} up to date, {} failed",
            self.copied, self.up_to_date, self.failed
        )
    }
}

/// Mirrors `pair`, reporting to `observer`.
pub fn mirror(pair: &Pair, observer: &mut dyn Observer) -> Summary {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    scan(&pair.source, Path::new(""), &mut files, &mut failures);
    for failure in &failures {
        observer.failure(failure);
    }
    files.sort();
    let mut summary = Summary {
        total: files.len(),
        failed: failures.len(),
        ..Summary::default()
    };
    observer.start(summary.total);
    for (index, relative) in files.iter().enumerate() {
        if !observer.may_continue() {
            summary.canceled = true;
            break;
        }
        let outcome = copy_if_changed(&pair.source.join(relative), &pair.target.join(relative))
            .unwrap_or_else(|failure| {
                observer.failure(&failure);
                Outcome::Failed
            });
        match outcome {
            Outcome::Copied => summary.copied += 1,
            Outcome::UpToDate => summary.up_to_date += 1,
            Outcome::Failed => summary.failed += 1,
        }
        observer.step(&Step {
            done: index + 1,
            total: summary.total,
            path: relative,
            outcome,
        });
    }
    summary
}

/// Adds the files under `root/relative` to `files` (relative to `root`).
fn scan(root: &Path, relative: &Path, files: &mut Vec<PathBuf>, failures: &mut Vec<Failure>) {
    let folder = root.join(relative);
    let entries = match fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(error) => {
            failures.push(Failure {
                action: Action::ReadFolder,
                path: folder,
                error,
            });
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                failures.push(Failure {
                    action: Action::ReadFolder,
                    path: folder.clone(),
                    error,
                });
                continue;
            }
        };
        let path = relative.join(entry.file_name());
        // `file_type` does not follow links: a linked folder is copied as a
        // file, which fails and is reported.
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => scan(root, &path, files, failures),
            _ => files.push(path),
        }
    }
}

fn copy_if_changed(source: &Path, target: &Path) -> Result<Outcome, Failure> {
    let failure = |action, path: &Path| {
        let path = path.to_owned();
        move |error| Failure {
            action,
            path,
            error,
        }
    };
    let metadata = fs::metadata(source).map_err(failure(Action::ReadFile, source))?;
    if !metadata.is_file() {
        let error = io::Error::new(io::ErrorKind::InvalidInput, "not a file");
        return Err(failure(Action::ReadFile, source)(error));
    }
    let modified = metadata
        .modified()
        .map_err(failure(Action::ReadFile, source))?;
    if let Ok(existing) = fs::metadata(target)
        && existing.is_file()
        && existing.len() == metadata.len()
        && existing.modified().ok() == Some(modified)
    {
        return Ok(Outcome::UpToDate);
    }
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(failure(Action::CreateFolder, parent))?;
    }
    let mut partial = target.as_os_str().to_owned();
    partial.push(".mirror-partial");
    let partial = PathBuf::from(partial);
    let written = fs::copy(source, &partial)
        .and_then(|_| {
            fs::OpenOptions::new()
                .write(true)
                .open(&partial)?
                .set_modified(modified)
        })
        .map_err(failure(Action::Copy, source))
        .and_then(|()| fs::rename(&partial, target).map_err(failure(Action::Replace, target)));
    if written.is_err() {
        // Best effort: the partial file is useless, and the failure is
        // already what gets reported.
        let _ = fs::remove_file(&partial);
    }
    written.map(|()| Outcome::Copied)
}
