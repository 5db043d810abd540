//! The library entry point: what `comidl generate` does, as a value a
//! `build.rs` can configure (prost-build's `Config` is the model).

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::emit::rust::{self, GeneratedFile};
use crate::emit::skeleton::{self, Skeleton};
use crate::model::Model;
use crate::syntax::builtin;
use crate::syntax::load::normalize;
use crate::syntax::preprocess;

/// Generates Rust bindings from IDL files.
///
/// In a `build.rs`, [`Builder::compile`] does everything:
///
/// ```no_run
/// comidl::Builder::new()
///     .idl("idl/Syncmgr.idl")
///     .include("idl")
///     .compile()?;
/// # Ok::<(), comidl::CompileError>(())
/// ```
///
/// and the crate declares the generated modules with
/// `include!(concat!(env!("OUT_DIR"), "/comidl-bindings.rs"));`, which is
/// `pub mod bindings` (modules `bindings::syncmgr`, ...).
/// [`Builder::generate`] gives the files as values instead:
///
/// ```no_run
/// let output = match comidl::Builder::new()
///     .idl("idl/Syncmgr.idl")
///     .include("idl")
///     .answer("ISyncMgrSyncCallback::CanContinue")
///     .generate()
/// {
///     Ok(output) => output,
///     Err(errors) => {
///         for error in &errors {
///             eprintln!("{}", error.render(false));
///         }
///         std::process::exit(1);
///     }
/// };
/// output.write_to("src/bindings".as_ref())?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    files: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    preprocess: preprocess::Options,
    rust: rust::Options,
}

/// What a successful run produced.
#[derive(Debug)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    /// Warnings found on the way; errors make the run fail instead.
    pub warnings: Vec<Diagnostic>,
    /// Every file read, imports and includes too (for `rerun-if-changed`).
    pub inputs: Vec<PathBuf>,
}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    /// An IDL file to generate a module for (its imports are read too).
    pub fn idl(mut self, path: impl Into<PathBuf>) -> Self {
        self.files.push(path.into());
        self
    }

    /// Where [`Builder::compile`] writes: `OUT_DIR` unless given.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// A folder to search for imports and includes, after the importing
    /// file's own folder and before comidl's built-in base files.
    pub fn include(mut self, dir: impl Into<PathBuf>) -> Self {
        self.preprocess.include_dirs.push(dir.into());
        self
    }

    /// Defines a preprocessor macro, as `-D NAME=VALUE`.
    pub fn define(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.preprocess.defines.push((name.into(), value.into()));
        self
    }

    /// Undefines a preprocessor macro, as `-U NAME`.
    pub fn undefine(mut self, name: impl Into<String>) -> Self {
        self.preprocess.undefines.push(name.into());
        self
    }

    /// Uses an existing Rust type for an IDL type instead of generating it:
    /// `extern_type("IShellItem", "windows::Win32::UI::Shell::IShellItem")`.
    pub fn extern_type(
        mut self,
        idl_name: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Self {
        self.rust
            .extern_types
            .push((idl_name.into(), rust_path.into()));
        self
    }

    /// Marks `Interface::Method` as answering through its success code
    /// (`S_OK` yes, `S_FALSE` no): its Rust method returns `Result<bool>`.
    pub fn answer(mut self, method: impl Into<String>) -> Self {
        self.rust.answers.push(method.into());
        self
    }

    /// What a `build.rs` calls: generates, prints a `cargo:rerun-if-changed`
    /// line for every IDL file read (imports and includes too) and the
    /// warnings, writes the files that changed into the output folder
    /// (`OUT_DIR` by default) with [`INCLUDE_FILE`] beside them, and on IDL
    /// errors prints them on stderr and fails (nothing is written then).
    pub fn compile(&self) -> Result<(), CompileError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or(CompileError::NoOutDir)?),
        };
        // A failed build script is run again by the next build anyway, so
        // the files to watch are printed only on success.
        let output = self.generate().map_err(|errors| {
            for error in &errors {
                eprintln!("{}", error.render(false));
            }
            CompileError::Idl(errors.len())
        })?;
        // Base files built into comidl are no files cargo could watch.
        for input in output.inputs.iter().filter(|path| path.is_file()) {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        for warning in &output.warnings {
            for line in warning.render(false).lines() {
                println!("cargo:warning={line}");
            }
        }
        output.write_to(&out_dir).map_err(CompileError::Io)?;
        // Generated modules carry inner attributes, which `include!` refuses,
        // so the crate reaches them through a `#[path]` module declared here.
        let index = std::path::absolute(out_dir.join("mod.rs")).map_err(CompileError::Io)?;
        let include = format!(
            "// @generated by comidl: `include!` this file to declare `mod bindings`.\n\
             #[path = {:?}]\npub mod bindings;\n",
            index.display().to_string()
        );
        write_if_changed(&out_dir.join(INCLUDE_FILE), include.as_bytes())
            .map_err(CompileError::Io)?;
        Ok(())
    }

    /// Reads, checks and generates. On failure, every error found.
    pub fn generate(&self) -> Result<Output, Vec<Diagnostic>> {
        let checked = self.check()?;
        let mut generated = rust::generate(&checked.model, &checked.roots, &self.rust)?;
        let mut warnings = checked.warnings;
        warnings.append(&mut generated.warnings);
        Ok(Output {
            files: generated.files,
            warnings,
            inputs: checked.inputs,
        })
    }

    /// What `comidl skeleton` writes: a starter file implementing
    /// `skeleton`'s interfaces of the one IDL file given, their methods
    /// with the signatures of the `_Impl` traits [`Builder::generate`]
    /// writes with the same options. The output holds that one file, named
    /// [`Skeleton::file_name`].
    ///
    /// ```no_run
    /// let skeleton = comidl::Skeleton::new("MyHandler").interface("ISyncMgrHandler");
    /// match comidl::Builder::new()
    ///     .idl("idl/Syncmgr.idl")
    ///     .include("idl")
    ///     .skeleton(&skeleton)
    /// {
    ///     Ok(output) => print!("{}", output.files[0].contents),
    ///     Err(errors) => errors.iter().for_each(|e| eprintln!("{}", e.render(false))),
    /// }
    /// ```
    pub fn skeleton(&self, skeleton: &Skeleton) -> Result<Output, Vec<Diagnostic>> {
        if self.files.len() != 1 {
            return Err(vec![Diagnostic::error(format!(
                "a skeleton is made from one IDL file, not {}",
                self.files.len()
            ))]);
        }
        let checked = self.check()?;
        let file = skeleton::render(&checked.model, checked.roots[0], &self.rust, skeleton)?;
        Ok(Output {
            files: vec![file],
            warnings: checked.warnings,
            inputs: checked.inputs,
        })
    }

    /// Reads the files and what they import, and checks their meaning.
    fn check(&self) -> Result<Checked, Vec<Diagnostic>> {
        let units = builtin::disk_loader(self.preprocess.clone()).closure_of_all(&self.files);
        let roots: Vec<PathBuf> = self.files.iter().map(|f| normalize(f)).collect();
        let mut diagnostics: Vec<Diagnostic> = units
            .iter()
            .flat_map(|u| u.diagnostics.iter().cloned())
            .collect();
        if !diagnostics.iter().any(Diagnostic::is_error) {
            let roots: Vec<usize> = roots
                .iter()
                .filter_map(|root| units.iter().position(|u| &u.path == root))
                .collect();
            let (model, found) = Model::build_used_by(&units, &roots);
            diagnostics.extend(found);
            if !diagnostics.iter().any(Diagnostic::is_error) {
                return Ok(Checked {
                    model,
                    roots,
                    warnings: diagnostics,
                    inputs: units.iter().flat_map(|u| u.preprocessed.files()).collect(),
                });
            }
        }
        diagnostics.retain(Diagnostic::is_error);
        Err(diagnostics)
    }
}

/// The files read, checked and free of errors.
struct Checked {
    model: Model,
    /// The modules of the files asked for.
    roots: Vec<usize>,
    warnings: Vec<Diagnostic>,
    /// Every file read.
    inputs: Vec<PathBuf>,
}

/// Why [`Builder::compile`] failed; the IDL errors themselves are already
/// on stderr, rendered with their file, line and column.
#[derive(Debug)]
pub enum CompileError {
    /// The IDL has this many errors.
    Idl(usize),
    /// No output folder: not run by cargo, and no [`Builder::out_dir`].
    NoOutDir,
    /// Writing the output failed.
    Io(io::Error),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Idl(1) => write!(f, "the IDL has an error (shown above)"),
            CompileError::Idl(n) => write!(f, "the IDL has {n} errors (shown above)"),
            CompileError::NoOutDir => {
                write!(
                    f,
                    "OUT_DIR is not set: call `out_dir` outside a build script"
                )
            }
            CompileError::Io(error) => write!(f, "writing the bindings failed: {error}"),
        }
    }
}

impl std::error::Error for CompileError {}

impl Output {
    /// Writes the files into `dir` (created if needed). A file whose content
    /// is unchanged is not touched; each file is written whole or not at all.
    /// Returns how many files were written.
    pub fn write_to(&self, dir: &Path) -> io::Result<usize> {
        std::fs::create_dir_all(dir)?;
        let mut written = 0;
        for file in &self.files {
            written += usize::from(write_if_changed(
                &dir.join(&file.name),
                file.contents.as_bytes(),
            )?);
        }
        Ok(written)
    }
}

/// The file [`Builder::compile`] writes beside the modules for the crate to
/// `include!`; its hyphen keeps it apart from every module's name.
pub const INCLUDE_FILE: &str = "comidl-bindings.rs";

/// Writes the file at `path` whole (through a temporary file beside it and a
/// rename) unless it already holds `contents`; says whether it wrote.
pub(crate) fn write_if_changed(path: &Path, contents: &[u8]) -> io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    let Some(name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(".partial");
    let partial = path.with_file_name(partial_name);
    std::fs::write(&partial, contents)?;
    std::fs::rename(&partial, path)?;
    Ok(true)
}
