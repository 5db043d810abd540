//! The C preprocessor that MIDL runs before parsing.
//!
//! CONTRACT (to be implemented):
//!
//! pub struct Options { pub include_dirs: Vec<PathBuf>, pub defines: Vec<(String, String)>, pub undefines: Vec<String> }
//! pub trait FileProvider: Sync { fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>; }
//! pub struct Preprocessed { pub text: String, ... }
//! impl Preprocessed { pub fn span(&self, start: usize, end: usize) -> SourceSpan }
//! pub fn preprocess(main: Arc<SourceFile>, options: &Options, files: &dyn FileProvider) -> (Preprocessed, Vec<Diagnostic>)
