//! Checks of the command line's arguments before any work, so that a
//! mistake is one line on stderr rather than a diagnostic per file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::display_path;
use crate::syntax::load::describe_io;

/// `--extern-type NAME=PATH`, as clap parses it: both sides present, the
/// name an identifier and the path a Rust path.
pub fn extern_type(text: &str) -> Result<(String, String), String> {
    let expected = "expected NAME=PATH, as IShellItem=windows::Win32::UI::Shell::IShellItem";
    let Some((name, path)) = text.split_once('=') else {
        return Err(expected.to_owned());
    };
    if !is_identifier(name) {
        return Err(format!("`{name}` is not an IDL type name; {expected}"));
    }
    if syn::parse_str::<syn::Path>(path).is_err() {
        return Err(format!("`{path}` is not a Rust path; {expected}"));
    }
    Ok((name.to_owned(), path.to_owned()))
}

/// `--answer Interface::Method`, as clap parses it: its shape only; whether
/// the IDL has that method is for the generator to say.
pub fn answer(text: &str) -> Result<String, String> {
    match text.split_once("::") {
        Some((interface, method)) if is_identifier(interface) && is_identifier(method) => {
            Ok(text.to_owned())
        }
        _ => Err("expected Interface::Method, as ISyncMgrSyncCallback::CanContinue".to_owned()),
    }
}

fn is_identifier(text: &str) -> bool {
    syn::parse_str::<syn::Ident>(text).is_ok()
}

/// Whether every named input is a file there is; says on `err` which are not.
pub fn inputs_exist(files: &[PathBuf], err: &mut dyn Write) -> bool {
    let mut all = true;
    for file in files {
        let problem = match std::fs::metadata(file) {
            Ok(metadata) if metadata.is_dir() => "it is a folder".to_owned(),
            Ok(_) => continue,
            Err(error) => describe_io(&error),
        };
        let _ = writeln!(err, "error: cannot read {}: {problem}", display_path(file));
        all = false;
    }
    all
}

/// Why nothing can be written into the folder `out`, if something already
/// says so (a file where the folder should be).
pub fn out_folder_problem(out: &Path) -> Option<String> {
    let blocked = out
        .ancestors()
        .find(|dir| dir.exists())
        .is_some_and(|dir| !dir.is_dir());
    blocked.then(|| {
        format!(
            "cannot write to {}: a file is in the way of the folder",
            display_path(out)
        )
    })
}
