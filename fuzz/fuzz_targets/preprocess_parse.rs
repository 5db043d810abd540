//! Any bytes through decode, preprocess, parse and import resolution must
//! give diagnostics or a tree, never a panic or a hang.
//!
//! The input is served as `/fuzz/main.idl`; it can `#include` or `import`
//! itself (`main.idl`) and one more file, `other.idl`, which holds the second
//! half of the input, so include and import paths get exercised too.

#![no_main]

use std::io;
use std::path::Path;

use comidl::syntax::load::Loader;
use comidl::syntax::preprocess::{FileProvider, Options};
use libfuzzer_sys::fuzz_target;

struct Input<'a>(&'a [u8]);

impl FileProvider for Input<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let half = self.0.len() / 2;
        match path.file_name().and_then(|n| n.to_str()) {
            Some("main.idl") => Ok(self.0.to_vec()),
            Some("other.idl") => Ok(self.0[half..].to_vec()),
            _ => Err(io::ErrorKind::NotFound.into()),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        matches!(path.file_name().and_then(|n| n.to_str()), Some("main.idl" | "other.idl"))
    }
}

fuzz_target!(|data: &[u8]| {
    let files = Input(data);
    let loader = Loader::new(Options::default(), &files);
    for unit in loader.closure(Path::new("/fuzz/main.idl")) {
        for diagnostic in &unit.diagnostics {
            let _ = diagnostic.render(false);
        }
    }
});
