//! Loading files and what they import.
//!
//! MIDL preprocesses and parses every imported file on its own, with only the
//! command-line macros: what one file defines does not leak into another. So a
//! file's parse depends on nothing but its own text, and each file is parsed at
//! most once per run, whoever imports it, on whichever thread asks first.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::{Diagnostic, display_path};
use crate::parallel;
use crate::syntax::ast::{self, Item};
use crate::syntax::parse::parse;
use crate::syntax::preprocess::{self, FileProvider, Preprocessed};
use crate::syntax::source::SourceFile;

/// Files larger than this are refused: spans are 32-bit and no real IDL file
/// comes near it.
const MAX_FILE_SIZE: usize = 256 << 20;

/// One preprocessed and parsed file.
pub struct Unit {
    pub path: PathBuf,
    pub preprocessed: Preprocessed,
    pub ast: ast::File,
    /// Every `import` of the file, in order, with the file it names.
    pub imports: Vec<ResolvedImport>,
    /// Problems found in this file (not in the files it imports).
    pub diagnostics: Vec<Diagnostic>,
}

impl Unit {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

pub struct ResolvedImport {
    pub literal: ast::Literal,
    /// `None` when no folder on the search path holds it.
    pub path: Option<PathBuf>,
}

/// Loads units on demand and keeps each one for the rest of the run.
/// Shared by reference between worker threads.
pub struct Loader<'f> {
    options: preprocess::Options,
    files: &'f dyn FileProvider,
    /// Threads for loading one level of imports.
    jobs: usize,
    units: Mutex<HashMap<PathBuf, Arc<OnceLock<Arc<Unit>>>>>,
}

impl<'f> Loader<'f> {
    pub fn new(options: preprocess::Options, files: &'f dyn FileProvider) -> Self {
        Loader {
            options,
            files,
            jobs: parallel::available_jobs(),
            units: Mutex::new(HashMap::new()),
        }
    }

    /// Loads imports on one thread: for callers that already run several
    /// closures at once.
    pub fn sequential(mut self) -> Self {
        self.jobs = 1;
        self
    }

    /// The unit for `path`, parsed now or earlier in this run.
    pub fn unit(&self, path: &Path) -> Arc<Unit> {
        let path = normalize(path);
        let slot = {
            let mut units = self.units.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(units.entry(path.clone()).or_default())
        };
        // Loading one unit never waits on another, so this cannot deadlock
        // however files import each other.
        Arc::clone(slot.get_or_init(|| Arc::new(self.load(path))))
    }

    /// `path` and every file it imports, directly or not, each once, in
    /// breadth-first order starting with `path` itself.
    pub fn closure(&self, path: &Path) -> Vec<Arc<Unit>> {
        self.closure_of_all(std::slice::from_ref(&path))
    }

    /// The closures of `paths` one after the other, each unit once, in
    /// breadth-first order: the first file and its imports, then what the
    /// second adds, and so on. Each level of imports loads in parallel.
    pub fn closure_of_all(&self, paths: &[impl AsRef<Path>]) -> Vec<Arc<Unit>> {
        let mut seen = HashSet::new();
        let mut units = Vec::new();
        for path in paths {
            let mut level = vec![normalize(path.as_ref())];
            level.retain(|p| seen.insert(p.clone()));
            while !level.is_empty() {
                let loaded = parallel::map(&level, self.jobs, |p| self.unit(p));
                level = loaded
                    .iter()
                    .flat_map(|unit| unit.imports.iter().filter_map(|i| i.path.clone()))
                    .filter(|p| seen.insert(p.clone()))
                    .collect();
                units.extend(loaded);
            }
        }
        units
    }

    fn load(&self, path: PathBuf) -> Unit {
        let mut diagnostics = Vec::new();
        let source = match self.files.read(&path) {
            Ok(bytes) if bytes.len() > MAX_FILE_SIZE => {
                diagnostics.push(Diagnostic::error(format!(
                    "{} is too large to be an IDL file ({} bytes)",
                    display_path(&path),
                    bytes.len()
                )));
                None
            }
            Ok(bytes) => {
                let (file, warning) = SourceFile::decode(&path, &bytes);
                diagnostics.extend(warning);
                Some(file)
            }
            Err(error) => {
                diagnostics.push(Diagnostic::error(format!(
                    "cannot read {}: {}",
                    display_path(&path),
                    describe_io(&error)
                )));
                None
            }
        };
        let source = source.unwrap_or_else(|| SourceFile::new(&path, ""));
        let (preprocessed, found) = preprocess::preprocess(source, &self.options, self.files);
        let preprocess_failed = found.iter().any(Diagnostic::is_error);
        diagnostics.extend(found);
        let mut ast = ast::File::default();
        if !preprocess_failed && diagnostics.iter().all(|d| !d.is_error()) {
            let (parsed, found) = parse(&preprocessed);
            ast = parsed;
            diagnostics.extend(found);
        }
        if ast.items.is_empty() && diagnostics.is_empty() {
            diagnostics.push(
                Diagnostic::warning("this file declares nothing")
                    .at(preprocessed.span(0, 0), "empty after preprocessing")
                    .help("an IDL file needs at least one declaration or import"),
            );
        }
        let imports = self.resolve_imports(&path, &ast, &preprocessed, &mut diagnostics);
        Unit {
            path,
            preprocessed,
            ast,
            imports,
            diagnostics,
        }
    }

    fn resolve_imports(
        &self,
        importer: &Path,
        ast: &ast::File,
        preprocessed: &Preprocessed,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<ResolvedImport> {
        let folders = self.search_path(importer);
        let mut imports = Vec::new();
        for item in &ast.items {
            let Item::Import(import) = item else { continue };
            for literal in &import.files {
                let path = folders
                    .iter()
                    .map(|folder| normalize(&folder.join(&literal.value)))
                    .find(|candidate| self.files.exists(candidate));
                if path.is_none() {
                    let searched: Vec<String> = folders
                        .iter()
                        .map(|f| format!("`{}`", display_path(f)))
                        .collect();
                    diagnostics.push(
                        Diagnostic::error(format!("cannot find imported file `{}`", literal.value))
                            .at(
                                preprocessed
                                    .span(literal.span.start as usize, literal.span.end as usize),
                                "not found",
                            )
                            .help(format!(
                                "searched {}; add its folder with -I",
                                searched.join(", ")
                            )),
                    );
                }
                imports.push(ResolvedImport {
                    literal: literal.clone(),
                    path,
                });
            }
        }
        imports
    }

    /// Where imports are looked for: the importing file's folder, then the
    /// include folders in order.
    fn search_path(&self, importer: &Path) -> Vec<PathBuf> {
        let own = importer.parent().map(Path::to_path_buf).unwrap_or_default();
        std::iter::once(own)
            .chain(self.options.include_dirs.iter().cloned())
            .collect()
    }
}

/// Why a file could not be read or written, in a few plain words.
pub(crate) fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "it is a folder".into(),
        io::ErrorKind::NotADirectory => "a part of the path is not a folder".into(),
        _ => error.to_string(),
    }
}

/// An absolute path with `.` and `..` folded away, so that one file reached
/// two ways is one unit.
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
