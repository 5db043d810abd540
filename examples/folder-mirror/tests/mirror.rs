//! Mirroring real temporary folders: copies, up-to-date checks, cancel,
//! failures.

#[path = "../../test-support/folders.rs"]
mod folders;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use folder_mirror::{Action, Failure, Observer, Outcome, Pair, Step, Summary, mirror};
use folders::{files_under, names, write_tree};
use tempfile::TempDir;

/// Records everything; answers `may_continue` `false` from the
/// `stop_at`th question on.
#[derive(Default)]
struct Recorder {
    started: Vec<usize>,
    steps: Vec<(usize, usize, PathBuf, Outcome)>,
    lines: Vec<String>,
    failures: Vec<(Action, PathBuf, ErrorKind)>,
    questions: usize,
    stop_at: Option<usize>,
}

impl Observer for Recorder {
    fn start(&mut self, total: usize) {
        self.started.push(total);
    }
    fn step(&mut self, step: &Step<'_>) {
        self.steps
            .push((step.done, step.total, step.path.to_owned(), step.outcome));
        self.lines.push(step.to_string());
    }
    fn failure(&mut self, failure: &Failure) {
        self.failures
            .push((failure.action, failure.path.clone(), failure.error.kind()));
    }
    fn may_continue(&mut self) -> bool {
        self.questions += 1;
        self.stop_at.is_none_or(|stop| self.questions < stop)
    }
}

struct Folders {
    _dir: TempDir,
    pair: Pair,
}

fn folders(files: &[(&str, &str)]) -> Folders {
    let dir = tempfile::tempdir().unwrap();
    let pair = Pair {
        name: "test".into(),
        source: dir.path().join("source"),
        target: dir.path().join("target"),
    };
    fs::create_dir(&pair.source).unwrap();
    write_tree(&pair.source, files);
    Folders { _dir: dir, pair }
}

const TREE: &[(&str, &str)] = &[
    ("a.txt", "alpha"),
    ("b.txt", "bravo"),
    ("sub/c.txt", "charlie"),
    ("sub/deeper/d.bin", "delta\0delta"),
    ("z.txt", ""),
];

#[test]
fn copies_everything_then_only_what_changed() {
    let f = folders(TREE);
    let mut first = Recorder::default();
    let summary = mirror(&f.pair, &mut first);
    assert_eq!(
        summary,
        Summary {
            total: 5,
            copied: 5,
            up_to_date: 0,
            failed: 0,
            canceled: false
        }
    );
    assert_eq!(files_under(&f.pair.target), files_under(&f.pair.source));
    assert_eq!(first.started, [5]);
    let steps: Vec<_> = first.steps.iter().map(|s| (s.0, s.1, s.3)).collect();
    assert_eq!(
        steps,
        (1..=5).map(|n| (n, 5, Outcome::Copied)).collect::<Vec<_>>()
    );
    assert_eq!(
        first.steps[2].2,
        Path::new("sub").join("c.txt"),
        "files go in sorted order"
    );
    assert!(first.failures.is_empty());

    let mut second = Recorder::default();
    assert_eq!(mirror(&f.pair, &mut second).up_to_date, 5);
    assert!(second.steps.iter().all(|s| s.3 == Outcome::UpToDate));

    // A changed file is copied again; a file only in the target stays.
    fs::write(f.pair.source.join("b.txt"), "bravo, changed").unwrap();
    fs::write(f.pair.target.join("extra.txt"), "mine").unwrap();
    let mut third = Recorder::default();
    let summary = mirror(&f.pair, &mut third);
    assert_eq!((summary.copied, summary.up_to_date), (1, 4));
    assert_eq!(third.lines[..2], ["Up to date: a.txt", "Copied b.txt"]);
    let target = files_under(&f.pair.target);
    assert_eq!(target[Path::new("b.txt")], b"bravo, changed");
    assert_eq!(target[Path::new("extra.txt")], b"mine");
}

#[test]
fn same_size_but_another_time_is_copied_again() {
    let f = folders(&[("a.txt", "one")]);
    mirror(&f.pair, &mut Recorder::default());
    let source = f.pair.source.join("a.txt");
    fs::write(&source, "two").unwrap();
    let later = SystemTime::now() + Duration::from_secs(10);
    fs::File::options()
        .write(true)
        .open(&source)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert_eq!(mirror(&f.pair, &mut Recorder::default()).copied, 1);
    let target = f.pair.target.join("a.txt");
    assert_eq!(fs::read(&target).unwrap(), b"two");
    assert_eq!(fs::metadata(target).unwrap().modified().unwrap(), later);
}

#[test]
fn cancel_stops_between_files_keeping_what_was_copied() {
    let f = folders(TREE);
    let mut recorder = Recorder {
        stop_at: Some(3),
        ..Recorder::default()
    };
    let summary = mirror(&f.pair, &mut recorder);
    assert!(summary.canceled);
    assert_eq!((summary.total, summary.copied), (5, 2));
    assert_eq!(recorder.questions, 3);
    assert_eq!(recorder.steps.len(), 2);
    assert_eq!(names(&files_under(&f.pair.target)), ["a.txt", "b.txt"]);
}

#[test]
fn a_missing_source_is_one_failure() {
    let f = folders(&[]);
    fs::remove_dir(&f.pair.source).unwrap();
    let mut recorder = Recorder::default();
    let summary = mirror(&f.pair, &mut recorder);
    assert_eq!((summary.total, summary.failed), (0, 1));
    assert_eq!(
        recorder.failures,
        [(
            Action::ReadFolder,
            f.pair.source.clone(),
            ErrorKind::NotFound
        )]
    );
    assert_eq!(recorder.started, [0]);
    assert!(!f.pair.target.exists());
}

#[test]
fn a_folder_in_the_way_fails_that_file_only() {
    let f = folders(TREE);
    fs::create_dir_all(f.pair.target.join("b.txt").join("inside")).unwrap();
    let mut recorder = Recorder::default();
    let summary = mirror(&f.pair, &mut recorder);
    assert_eq!(summary.to_string(), "4 copied, 0 up to date, 1 failed");
    assert_eq!(recorder.failures.len(), 1);
    let (action, path, _) = &recorder.failures[0];
    assert_eq!(
        (*action, path.as_path()),
        (Action::Replace, f.pair.target.join("b.txt").as_path())
    );
    assert_eq!(recorder.lines[1], "Failed: b.txt");
    let target = files_under(&f.pair.target);
    assert_eq!(
        names(&target),
        ["a.txt", "sub/c.txt", "sub/deeper/d.bin", "z.txt"],
        "the others are copied and no partial file is left"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_rest_copied() {
    let f = folders(TREE);
    // A dangling link fails to read even for root, whom permissions don't stop.
    let broken = f.pair.source.join("sub").join("broken.txt");
    std::os::unix::fs::symlink(f.pair.source.join("nowhere"), &broken).unwrap();
    let mut recorder = Recorder::default();
    let summary = mirror(&f.pair, &mut recorder);
    assert_eq!((summary.total, summary.copied, summary.failed), (6, 5, 1));
    assert_eq!(
        recorder.failures,
        [(Action::ReadFile, broken, ErrorKind::NotFound)]
    );
    assert_eq!(files_under(&f.pair.target), files_under(&f.pair.source));
}

#[cfg(unix)]
#[test]
fn a_linked_folder_is_reported_not_followed() {
    let f = folders(&[("a.txt", "alpha")]);
    let link = f.pair.source.join("loop");
    std::os::unix::fs::symlink(&f.pair.source, &link).unwrap();
    let mut recorder = Recorder::default();
    let summary = mirror(&f.pair, &mut recorder);
    assert_eq!((summary.copied, summary.failed), (1, 1));
    assert_eq!(
        recorder.failures,
        [(Action::ReadFile, link, ErrorKind::InvalidInput)]
    );
}
