//! The base IDL files built into comidl (`unknwn.idl`, `objidl.idl`, ...):
//! a faithful subset of the Windows SDK's, searched after every `-I` folder.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::syntax::load::{Loader, normalize};
use crate::syntax::preprocess::{DiskFiles, FileProvider, Options};

/// File name and text of every built-in file.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_idl.rs"));

/// The folder the built-in files appear to be in. `<` and `>` cannot occur
/// in Windows paths, and nobody names a Unix folder so.
pub fn folder() -> PathBuf {
    normalize(Path::new("<builtin>"))
}

/// `options` with the built-in folder searched last.
pub fn searched_last(mut options: Options) -> Options {
    options.include_dirs.push(folder());
    options
}

/// The disk, with the built-in folder served from memory.
static DISK_AND_BUILTINS: LazyLock<WithBuiltins<'static>> =
    LazyLock::new(|| WithBuiltins::new(&DiskFiles));

/// A loader reading files from disk with `options`, the built-in folder
/// searched after every `-I` folder: what `check`, `inspect` and
/// `generate` read with.
pub fn disk_loader(options: Options) -> Loader<'static> {
    Loader::new(searched_last(options), &*DISK_AND_BUILTINS)
}

/// Serves the built-in folder from memory and everything else from `files`.
pub struct WithBuiltins<'f> {
    files: &'f dyn FileProvider,
    folder: PathBuf,
}

impl<'f> WithBuiltins<'f> {
    pub fn new(files: &'f dyn FileProvider) -> Self {
        WithBuiltins {
            files,
            folder: folder(),
        }
    }

    fn builtin(&self, path: &Path) -> Option<&'static str> {
        let name = path.strip_prefix(&self.folder).ok()?.to_str()?;
        FILES
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| *text)
    }
}

impl FileProvider for WithBuiltins<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.builtin(path) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => self.files.read(path),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        self.builtin(path).is_some() || self.files.exists(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_base_files_and_falls_through_to_disk() {
        let files = WithBuiltins::new(&DiskFiles);
        let unknwn = folder().join("unknwn.idl");
        assert!(files.exists(&unknwn));
        assert!(
            String::from_utf8(files.read(&unknwn).unwrap())
                .unwrap()
                .contains("IUnknown")
        );
        assert!(!files.exists(&folder().join("nonexistent.idl")));
        assert!(
            files.exists(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("Cargo.toml")
                    .as_path()
            )
        );
    }
}
