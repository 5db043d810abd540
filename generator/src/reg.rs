//! `comidl reg`: the registry registration of a COM server as a `.reg` file,
//! read from the records a DLL built with `dll_exports!` carries, or from a
//! description file of the same records (format:
//! `comidl_runtime::registration::record`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use comidl_runtime::registration::record::{self, Description, Location, RecordError};
use comidl_runtime::registration::{Plan, Scope, reg_file_bytes};

use crate::diagnostic::display_path;
use crate::syntax::load::describe_io;

/// The arguments of `comidl reg`.
#[derive(Args)]
pub struct RegArgs {
    /// The built DLL (a Linux .so or an .rlib works too) whose registration
    /// records to read.
    #[arg(
        value_name = "DLL",
        required_unless_present = "description",
        conflicts_with = "description"
    )]
    dll: Option<PathBuf>,

    /// Read the records from a description file written by hand instead
    /// (needs --path).
    #[arg(long, value_name = "FILE")]
    description: Option<PathBuf>,

    /// The DLL's path as installed, written into the registration (default:
    /// the DLL's own absolute path).
    #[arg(long, value_name = "PATH", required_unless_present = "dll")]
    path: Option<String>,

    /// Where to register, instead of the scope the records give: the current
    /// user (HKEY_CURRENT_USER) or every user (HKEY_LOCAL_MACHINE).
    #[arg(long, value_enum, value_name = "SCOPE")]
    scope: Option<ScopeArg>,

    /// Render the removal of the registration instead.
    #[arg(long)]
    unregister: bool,

    /// Write the .reg file here, in UTF-16 as regedit writes them (default:
    /// print it as UTF-8 text).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ScopeArg {
    User,
    Machine,
}

impl From<ScopeArg> for Scope {
    fn from(scope: ScopeArg) -> Scope {
        match scope {
            ScopeArg::User => Scope::User,
            ScopeArg::Machine => Scope::Machine,
        }
    }
}

/// Runs `comidl reg`; returns the exit code.
pub fn run(args: &RegArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let written = render(args).and_then(|text| match &args.out {
        Some(file) => write_file(file, &reg_file_bytes(&text)),
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write the output: {}", describe_io(&e))),
    });
    match written {
        Ok(()) => 0,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

/// The `.reg` file's text, or what is wrong, in one line.
fn render(args: &RegArgs) -> Result<String, String> {
    let (source, description, module_path) = match (&args.dll, &args.description) {
        (Some(dll), _) => {
            let module_path = match &args.path {
                Some(path) => path.clone(),
                None => std::path::absolute(dll)
                    .map_err(|e| format!("{}: {e}", display_path(dll)))?
                    .display()
                    .to_string(),
            };
            (dll, from_binary(dll)?, module_path)
        }
        (None, Some(file)) => {
            // clap asks for --path with --description; this is its message.
            let path = args.path.clone().ok_or("--description needs --path")?;
            (file, from_description(file)?, path)
        }
        (None, None) => return Err("name a DLL, or a description with --description".into()),
    };
    let source = display_path(source);
    if description.classes.is_empty() {
        return Err(format!(
            "{source}: no class record: there is nothing to register"
        ));
    }
    let scope = args.scope.map(Scope::from).or(description.scope).ok_or_else(|| {
        format!("{source}: no server record gives the scope: add one with `scope=user` or `scope=machine`, or pass --scope")
    })?;
    let plan = Plan::for_classes(&description.classes, &module_path, scope)
        .map_err(|e| format!("{source}: {e}"))?;
    Ok(if args.unregister {
        plan.to_unregister_reg_file()
    } else {
        plan.to_reg_file()
    })
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path)
        .map_err(|e| format!("cannot read {}: {}", display_path(path), describe_io(&e)))
}

fn from_description(file: &Path) -> Result<Description, String> {
    let bytes = read(file)?;
    let shown = display_path(file);
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8 text"))?;
    Description::parse(&text).map_err(|e| located(&shown, &e))
}

/// The registration a built file carries: its server record and the class
/// records it lists, wherever they are in the file.
fn from_binary(dll: &Path) -> Result<Description, String> {
    let bytes = read(dll)?;
    let shown = display_path(dll);
    let mut records = Vec::new();
    for (offset, text) in record::scan(&bytes) {
        let read = record::read(text, |line| Location::InBinary { offset, line });
        records.extend(read.map_err(|e| located(&shown, &e))?);
    }
    let description = Description::assemble(&records).map_err(|e| located(&shown, &e))?;
    if description.scope.is_none() {
        return Err(format!(
            "{shown} has no registration records: it was not built with comidl's dll_exports!"
        ));
    }
    Ok(description)
}

/// `file:line: message`, as compilers say it, or `file: line L of the record
/// at byte B: message`.
fn located(source: &str, error: &RecordError) -> String {
    match error.at {
        Location::Line(line) => format!("{source}:{line}: {}", error.message),
        Location::InBinary { .. } => format!("{source}: {error}"),
    }
}

fn write_file(file: &Path, bytes: &[u8]) -> Result<(), String> {
    let cannot = |why: String| format!("cannot write {}: {why}", display_path(file));
    if file.is_dir() {
        return Err(cannot("it is a folder; -o takes a file name".into()));
    }
    crate::builder::write_if_changed(file, bytes)
        .map(drop)
        .map_err(|e| cannot(describe_io(&e)))
}
