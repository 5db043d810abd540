//! The `comidl` command line. `main.rs` only forwards to [`run`], so tests
//! drive the real commands in-process.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::diagnostic::Diagnostic;
use crate::emit::inspect;
use crate::model::Model;
use crate::parallel;
use crate::syntax::builtin;
use crate::syntax::preprocess;

mod checks;

const EXAMPLES: &str = "\
Examples:
  comidl check -I sdk/include api.idl        parse api.idl and what it imports
  comidl check -j4 -D MY_FEATURE *.idl       many files, four threads, a macro
  comidl inspect api.idl --json              its declarations as JSON
  comidl generate api.idl -o src/bindings    Rust modules for api.idl
  comidl skeleton api.idl --interface IFoo --struct Foo
                                             foo.rs: a struct implementing IFoo
  comidl reg handler.dll -o handler.reg      the registry registration of a built DLL
  comidl new my-handler                      a Sync Center handler project

`comidl help COMMAND` (or `comidl COMMAND --help`) explains each command.";

const CHECK_EXAMPLES: &str = "\
Examples:
  comidl check api.idl                       parse api.idl and what it imports
  comidl check -I sdk/include -D DEBUG=1 *.idl
                                             many files, an include folder, a macro
  comidl check -j1 api.idl other.idl         one file at a time";

const GENERATE_EXAMPLES: &str = "\
Examples:
  comidl generate api.idl -o src/bindings
  comidl generate -I idl idl/Syncmgr.idl idl/mobsync.idl -o src/bindings \\
      --answer ISyncMgrSyncCallback::CanContinue
  comidl generate shell.idl -o src/bindings \\
      --extern-type IShellItem=windows::Win32::UI::Shell::IShellItem";

const INSPECT_EXAMPLES: &str = "\
Examples:
  comidl inspect api.idl                     an outline of its declarations
  comidl inspect -I sdk/include api.idl --json > api.json";

const REG_EXAMPLES: &str = "\
Examples:
  comidl reg target/release/handler.dll --path 'C:\\Program Files\\Contoso\\handler.dll' -o handler.reg
  comidl reg handler.dll --unregister --scope machine
  comidl reg --description handler.reg.txt --path 'C:\\Program Files\\Contoso\\handler.dll'";

const NEW_EXAMPLES: &str = "\
Examples:
  comidl new my-handler --handler \"My handler\"
                                             my-handler/, a handler Sync Center shows as My handler
  comidl new my-handler --path ~/src --comidl-path ~/src/comidl";

/// comidl: MIDL for Rust. Reads Microsoft IDL files and writes Rust COM
/// scaffolding.
#[derive(Parser)]
#[command(name = "comidl", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Parse IDL files and the files they import; report every problem.
    ///
    /// Exits with 0 only when every file and everything it imports is free
    /// of errors. Each imported file is parsed once per run, however many
    /// files import it.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        #[command(flatten)]
        input: InputOptions,

        /// Files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,

        /// How many files to parse at once (default: the number of cores).
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
    },
    /// Generate Rust bindings (on windows-core) from IDL files.
    ///
    /// Writes one module per IDL file into OUT: the files named in full,
    /// and what they use from the files they import; plus `mod.rs`
    /// declaring them. Base SDK files (unknwn.idl, objidl.idl, ...) are
    /// built in and searched after every -I folder. Nothing is written
    /// unless every file is free of errors; unchanged files are not touched.
    #[command(after_help = GENERATE_EXAMPLES)]
    Generate {
        #[command(flatten)]
        input: InputOptions,

        /// IDL files to generate modules for.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,

        /// The folder to write into (created if missing).
        #[arg(short = 'o', long = "out", value_name = "OUT")]
        out: PathBuf,

        #[command(flatten)]
        rust: RustOptions,
    },
    /// Write a starting point for implementing COM interfaces in Rust.
    ///
    /// Writes one .rs file: the `use` lines it needs, a struct with
    /// #[derive(ComObject)] implementing the interfaces, and an `impl
    /// IFoo_Impl` block for each of them and each of their bases (but
    /// IUnknown) with every method, its IDL docs, and a body answering
    /// E_NOTIMPL (TODO). The signatures are those of the `_Impl` traits
    /// `comidl generate` writes: pass it the same --answer and --extern-type.
    /// An existing file is only overwritten with --force.
    #[command(after_help = SKELETON_EXAMPLE)]
    Skeleton {
        #[command(flatten)]
        input: InputOptions,

        /// The IDL file declaring the interfaces (or importing them).
        #[arg(value_name = "FILE")]
        file: PathBuf,

        /// An interface to implement, as the IDL names it. Repeatable.
        #[arg(long = "interface", value_name = "INTERFACE", required = true)]
        interfaces: Vec<String>,

        /// The name of the struct that implements them.
        #[arg(long = "struct", value_name = "NAME")]
        struct_name: String,

        /// The file to write (default: the struct's name in snake case,
        /// MyHandler -> my_handler.rs, in the current folder; a folder puts
        /// it there).
        #[arg(short = 'o', long = "out", value_name = "PATH")]
        out: Option<PathBuf>,

        /// Overwrite the file if it exists.
        #[arg(long)]
        force: bool,

        /// The Rust path of the module generated from FILE (default
        /// crate::bindings::<file stem>, as `generate -o src/bindings` and
        /// comidl::Builder::compile place it); those of the files it imports
        /// are its siblings.
        #[arg(long, value_name = "PATH")]
        bindings: Option<String>,

        #[command(flatten)]
        rust: RustOptions,
    },
    /// Describe the declarations of one IDL file.
    ///
    /// With --json, prints the schema documented in docs/inspect-json.md.
    /// Prints nothing and exits with 1 if the file or what it imports has
    /// errors, which are reported as `check` reports them.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect {
        #[command(flatten)]
        input: InputOptions,

        /// The file to describe.
        #[arg(value_name = "FILE")]
        file: PathBuf,

        /// Print JSON (schema `comidl-inspect/1`) instead of an outline.
        #[arg(long)]
        json: bool,
    },
    /// Write the registry registration of a COM server DLL as a .reg file.
    ///
    /// Reads the registration a DLL built with comidl_runtime::dll_exports!
    /// carries (its scope, and each class's CLSID, threading model, ProgIDs
    /// and Sync Center or mobsync roles), without running it, so it works on
    /// any host and on any build of the library. A description file of the
    /// same records, written by hand, does too (format: docs/com-objects.md).
    #[command(after_help = REG_EXAMPLES)]
    Reg(crate::reg::RegArgs),
    /// Create a Sync Center handler project in a new folder.
    ///
    /// Renders the project template (templates/project, also a
    /// cargo-generate template) with fresh CLSIDs: a DLL crate with a handler
    /// collection, one handler, DLL exports and registration, and a test that
    /// drives it as Sync Center does. Nothing is written unless everything
    /// renders, and the folder appears whole.
    #[command(after_help = NEW_EXAMPLES)]
    New(crate::project::NewArgs),
}

const SKELETON_EXAMPLE: &str = "\
Example:
  comidl skeleton idl/Syncmgr.idl -I idl --interface ISyncMgrHandler \\
      --interface ISyncMgrHandlerInfo --struct MyHandler -o src/handler.rs
  writes src/handler.rs with `struct MyHandler` and `impl ISyncMgrHandler_Impl`
  and `impl ISyncMgrHandlerInfo_Impl` blocks, using crate::bindings::syncmgr.";

/// Options that change the Rust signatures.
#[derive(Args)]
struct RustOptions {
    /// Use an existing Rust type for an IDL type instead of generating
    /// it, e.g. IShellItem=windows::Win32::UI::Shell::IShellItem.
    /// Repeatable.
    #[arg(long = "extern-type", value_name = "NAME=PATH", value_parser = checks::extern_type)]
    extern_types: Vec<(String, String)>,

    /// A method whose success code is its answer (S_OK yes, S_FALSE no),
    /// as Interface::Method: it returns Result<bool>. Repeatable.
    #[arg(long = "answer", value_name = "INTERFACE::METHOD", value_parser = checks::answer)]
    answers: Vec<String>,
}

impl RustOptions {
    /// `builder` with these options (clap checked their shape).
    fn apply(&self, mut builder: crate::Builder) -> crate::Builder {
        for (name, path) in &self.extern_types {
            builder = builder.extern_type(name, path);
        }
        for answer in &self.answers {
            builder = builder.answer(answer);
        }
        builder
    }
}

/// What MIDL takes as preprocessor options.
#[derive(Args)]
struct InputOptions {
    /// Add a folder to search for #include and import files, after the
    /// including file's own folder. Repeatable; searched in order.
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include_dirs: Vec<PathBuf>,

    /// Define a macro for the preprocessor: NAME, or NAME=VALUE.
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    defines: Vec<String>,

    /// Undefine a macro, including the predefined `__midl`.
    #[arg(short = 'U', long = "undefine", value_name = "NAME")]
    undefines: Vec<String>,
}

impl InputOptions {
    fn builder(&self) -> crate::Builder {
        let options = self.preprocess_options();
        let mut builder = crate::Builder::new();
        for dir in options.include_dirs {
            builder = builder.include(dir);
        }
        for (name, value) in options.defines {
            builder = builder.define(name, value);
        }
        for name in options.undefines {
            builder = builder.undefine(name);
        }
        builder
    }

    fn preprocess_options(&self) -> preprocess::Options {
        preprocess::Options {
            include_dirs: self.include_dirs.clone(),
            defines: self
                .defines
                .iter()
                .map(|d| match d.split_once('=') {
                    Some((name, value)) => (name.to_string(), value.to_string()),
                    None => (d.clone(), "1".to_string()),
                })
                .collect(),
            undefines: self.undefines.clone(),
        }
    }
}

/// Runs the command line `args` (program name first); returns the exit code.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let text = error.render().to_string();
            let _ = if error.use_stderr() {
                write!(err, "{text}")
            } else {
                write!(out, "{text}")
            };
            return if error.use_stderr() { 2 } else { 0 };
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    };
    let reporter = Reporter { color };
    match cli.command {
        Command::Check { input, files, jobs } => check(&input, &files, jobs, &reporter, err),
        Command::Generate {
            input,
            files,
            out,
            rust,
        } => generate(&input, &files, &out, &rust, &reporter, err),
        Command::Skeleton {
            input,
            file,
            interfaces,
            struct_name,
            out,
            force,
            bindings,
            rust,
        } => {
            let mut skeleton = crate::Skeleton::new(struct_name);
            skeleton.interfaces = interfaces;
            skeleton.bindings = bindings;
            let builder = input.builder().idl(file);
            skeleton_command(builder, &rust, &skeleton, out, force, &reporter, err)
        }
        Command::Inspect { input, file, json } => inspect(&input, &file, json, &reporter, out, err),
        Command::Reg(args) => crate::reg::run(&args, out, err),
        Command::New(args) => crate::project::run(&args, out, err),
    }
}

struct Reporter {
    color: bool,
}

impl Reporter {
    fn print(&self, err: &mut dyn Write, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            let _ = writeln!(err, "{}", diagnostic.render(self.color));
        }
    }
}

fn check(
    input: &InputOptions,
    files: &[PathBuf],
    jobs: Option<usize>,
    reporter: &Reporter,
    err: &mut dyn Write,
) -> i32 {
    if !checks::inputs_exist(files, err) {
        return 1;
    }
    // Roots are checked in parallel, so each closure loads on one thread.
    let loader = builtin::disk_loader(input.preprocess_options()).sequential();
    let jobs = jobs.unwrap_or_else(parallel::available_jobs);
    let checked = parallel::map(files, jobs, |file| {
        let closure = loader.closure(file);
        // Meaning is checked only on what parsed.
        let semantic = if closure.iter().any(|unit| unit.has_errors()) {
            Vec::new()
        } else {
            // The root is the closure's first unit.
            Model::build_used_by(&closure, &[0]).1
        };
        (closure, semantic)
    });

    // Report in command-line order, each file's problems once, so the output
    // does not depend on which thread finished first.
    let mut reported = std::collections::HashSet::new();
    let mut reported_semantic = std::collections::HashSet::new();
    let mut failed = 0;
    for (closure, semantic) in &checked {
        if closure.iter().any(|unit| unit.has_errors()) || semantic.iter().any(Diagnostic::is_error)
        {
            failed += 1;
        }
        for unit in closure {
            if reported.insert(unit.path.clone()) {
                reporter.print(err, &unit.diagnostics);
            }
        }
        // Files imported by several roots share their problems: once each.
        let fresh: Vec<Diagnostic> = semantic
            .iter()
            .filter(|d| reported_semantic.insert(d.identity()))
            .cloned()
            .collect();
        reporter.print(err, &fresh);
    }
    let _ = writeln!(
        err,
        "checked {} files: {} ok, {failed} failed",
        files.len(),
        files.len() - failed
    );
    i32::from(failed > 0)
}

fn generate(
    input: &InputOptions,
    files: &[PathBuf],
    out: &std::path::Path,
    rust: &RustOptions,
    reporter: &Reporter,
    err: &mut dyn Write,
) -> i32 {
    if !checks::inputs_exist(files, err) {
        return 1;
    }
    if let Some(problem) = checks::out_folder_problem(out) {
        let _ = writeln!(err, "error: {problem}");
        return 1;
    }
    let mut builder = input.builder();
    for file in files {
        builder = builder.idl(file);
    }
    let builder = rust.apply(builder);
    match builder.generate() {
        Ok(output) => {
            reporter.print(err, &output.warnings);
            match output.write_to(out) {
                Ok(written) => {
                    let _ = writeln!(
                        err,
                        "generated {} files into {} ({written} changed)",
                        output.files.len(),
                        crate::diagnostic::display_path(out)
                    );
                    0
                }
                Err(error) => {
                    let _ = writeln!(
                        err,
                        "error: cannot write to {}: {}",
                        crate::diagnostic::display_path(out),
                        crate::syntax::load::describe_io(&error)
                    );
                    1
                }
            }
        }
        Err(errors) => {
            reporter.print(err, &errors);
            let count = match errors.len() {
                1 => "1 error".to_owned(),
                n => format!("{n} errors"),
            };
            let _ = writeln!(err, "error: nothing written: {count}");
            1
        }
    }
}

fn skeleton_command(
    builder: crate::Builder,
    rust: &RustOptions,
    skeleton: &crate::Skeleton,
    out: Option<PathBuf>,
    force: bool,
    reporter: &Reporter,
    err: &mut dyn Write,
) -> i32 {
    let builder = rust.apply(builder);
    let output = match builder.skeleton(skeleton) {
        Ok(output) => output,
        Err(errors) => {
            reporter.print(err, &errors);
            return 1;
        }
    };
    reporter.print(err, &output.warnings);
    let file = &output.files[0];
    let path = match out {
        Some(dir) if dir.is_dir() => dir.join(&file.name),
        Some(path) => path,
        None => PathBuf::from(&file.name),
    };
    match crate::emit::skeleton::write(&path, &file.contents, force) {
        Ok(()) => {
            let _ = writeln!(
                err,
                "wrote {} (struct {})",
                crate::diagnostic::display_path(&path),
                skeleton.struct_name
            );
            0
        }
        Err(error) => {
            let _ = writeln!(err, "error: {error}");
            1
        }
    }
}

fn inspect(
    input: &InputOptions,
    file: &std::path::Path,
    json: bool,
    reporter: &Reporter,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if !checks::inputs_exist(&[file.to_path_buf()], err) {
        return 1;
    }
    let closure = builtin::disk_loader(input.preprocess_options()).closure(file);
    let mut failed = false;
    for unit in &closure {
        reporter.print(err, &unit.diagnostics);
        failed |= unit.has_errors();
    }
    if failed {
        return 1;
    }
    // The closure starts with the file itself; its meaning is checked as
    // `check` does.
    let (model, semantic) = Model::build_used_by(&closure, &[0]);
    reporter.print(err, &semantic);
    if semantic.iter().any(Diagnostic::is_error) {
        return 1;
    }
    let inspection = inspect::inspect(&closure[0], &model);
    let written = if json {
        serde_json::to_writer_pretty(&mut *out, &inspection)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write!(out, "{}", inspect::outline(&inspection))
    };
    match written {
        Ok(()) => 0,
        Err(error) => {
            let _ = writeln!(err, "error: cannot write output: {error}");
            1
        }
    }
}
