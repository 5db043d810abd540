//! `comidl new`: a Sync Center handler project, rendered with minijinja from
//! the files of `templates/project/`, the same files cargo-generate renders.
//! The template uses plain `{{ name }}` substitutions only, which Liquid and
//! minijinja render alike.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::diagnostic::display_path;

macro_rules! template_files {
    ($($path:literal),* $(,)?) => {
        &[$((
            $path,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/project/", $path)),
        )),*]
    };
}

/// The files a project gets, as (path in the project, template text),
/// embedded so that `comidl new` works from the binary alone.
pub const TEMPLATE_FILES: &[(&str, &str)] = template_files!(
    ".gitignore",
    "Cargo.toml",
    "README.md",
    "build.rs",
    "idl/Syncmgr.idl",
    "src/lib.rs",
    "src/collection.rs",
    "src/handler.rs",
    "tests/sync_center.rs",
);

/// The template's files that only cargo-generate reads: its configuration
/// and the hook that makes fresh CLSIDs. Projects do not get them.
pub const CARGO_GENERATE_FILES: &[&str] = &["cargo-generate.toml", "clsids.rhai"];

/// The handler's display name unless `--handler` gives one (cargo-generate's
/// default for `handler_name` in `cargo-generate.toml` is the same).
pub const DEFAULT_HANDLER_NAME: &str = "Rust sync handler";

/// Longest display name Sync Center takes (`MAX_SYNCMGR_NAME`).
const MAX_HANDLER_NAME: usize = 128;

/// `comidl new`'s arguments.
#[derive(clap::Args)]
pub struct NewArgs {
    /// The project's name, a crate name: lowercase letters, digits, and `-`
    /// or `_` between words. The folder is named after it, the crate and
    /// its DLL after it with `_` for `-`.
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The folder to create the project in.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub path: PathBuf,

    /// The handler's name, as Sync Center shows it.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_HANDLER_NAME)]
    pub handler: String,

    /// The comidl checkout whose crates the project depends on (they are not
    /// published yet). Default: the checkout this comidl was built from.
    #[arg(long, value_name = "DIR")]
    pub comidl_path: Option<PathBuf>,

    /// Write into NAME even if it is a folder that is not empty (files of the
    /// template are replaced, others are left alone).
    #[arg(long)]
    pub force: bool,
}

/// What the template's placeholders stand for.
#[derive(Clone, Debug)]
pub struct Values {
    pub crate_name: String,
    pub handler_name: String,
    pub collection_clsid: String,
    pub handler_clsid: String,
    /// The comidl checkout, absolute, with `/` separators (Cargo takes them on
    /// Windows too, and they need no escaping in TOML).
    pub comidl_path: String,
}

impl Values {
    /// The placeholders' names and values.
    pub fn variables(&self) -> [(&'static str, &str); 5] {
        [
            ("crate_name", &self.crate_name),
            ("handler_name", &self.handler_name),
            ("collection_clsid", &self.collection_clsid),
            ("handler_clsid", &self.handler_clsid),
            ("comidl_path", &self.comidl_path),
        ]
    }
}

/// Why `comidl new` made nothing.
#[derive(Debug)]
pub enum Error {
    Name(String, &'static str),
    HandlerName(String, &'static str),
    NotComidl(PathBuf),
    ComidlPath(PathBuf, &'static str),
    NotEmpty(PathBuf),
    NotAFolder(PathBuf),
    Render(&'static str, minijinja::Error),
    Io(PathBuf, io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Name(name, why) => write!(f, "`{name}` is not a valid project name: {why}"),
            Error::HandlerName(name, why) => write!(f, "--handler `{name}`: {why}"),
            Error::NotComidl(dir) => write!(
                f,
                "{} is not a comidl checkout (no generator/Cargo.toml of package `comidl` with generator/runtime/ beside it); give one with --comidl-path",
                display_path(dir)
            ),
            Error::ComidlPath(dir, why) => write!(f, "--comidl-path {}: {why}", display_path(dir)),
            Error::NotEmpty(dir) => write!(
                f,
                "{} exists and is not empty (--force writes into it)",
                display_path(dir)
            ),
            Error::NotAFolder(path) => {
                write!(f, "{} exists and is not a folder", display_path(path))
            }
            Error::Render(file, error) => write!(f, "cannot render template file {file}: {error}"),
            Error::Io(path, error) => write!(f, "cannot write {}: {error}", display_path(path)),
        }
    }
}

impl std::error::Error for Error {}

/// Runs `comidl new`; returns the exit code.
pub fn run(args: &NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match create(args) {
        Ok((dir, values)) => {
            let _ = print_next_steps(out, &dir, &values);
            0
        }
        Err(error) => {
            let _ = writeln!(err, "error: {error}");
            1
        }
    }
}

/// Checks the arguments, renders the project in memory and writes it;
/// returns its folder and the values it was rendered with.
pub fn create(args: &NewArgs) -> Result<(PathBuf, Values), Error> {
    let crate_name = crate_name(&args.name)?;
    check_handler_name(&args.handler)?;
    let comidl_path = match &args.comidl_path {
        Some(dir) => dir.clone(),
        None => default_comidl_path(),
    };
    let values = Values {
        crate_name,
        handler_name: args.handler.clone(),
        collection_clsid: fresh_guid(),
        handler_clsid: fresh_guid(),
        comidl_path: checkout_path(&comidl_path)?,
    };
    let dir = args.path.join(&args.name);
    let files = render(&values)?;
    write_project(&dir, &files, args.force)?;
    Ok((dir, values))
}

/// The template's files rendered with `values`, as (path, text).
pub fn render(values: &Values) -> Result<Vec<(&'static str, String)>, Error> {
    let mut env = Environment::new();
    // As Liquid: text is kept as it is, trailing newline included, and a
    // placeholder without a value is an error.
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|error| Error::Render("(syntax)", error))?;
    env.set_syntax(syntax);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let variables: std::collections::BTreeMap<&'static str, String> = values
        .variables()
        .into_iter()
        .map(|(name, value)| (name, value.to_string()))
        .collect();
    let context = minijinja::Value::from_object(variables);
    TEMPLATE_FILES
        .iter()
        .map(|&(path, text)| {
            env.render_str(text, &context)
                .map(|rendered| (path, rendered))
                .map_err(|error| Error::Render(path, error))
        })
        .collect()
}

/// The crate name for project name `name`: `-` becomes `_`, as cargo-generate's
/// `crate_name` does.
fn crate_name(name: &str) -> Result<String, Error> {
    let bad = |why| Err(Error::Name(name.to_string(), why));
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return bad("it must start with a lowercase ASCII letter");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return bad("it may hold only lowercase ASCII letters, digits, `-` and `_`");
    }
    if name.split(['-', '_']).any(str::is_empty) {
        return bad("`-` and `_` go between words, one at a time");
    }
    let crate_name = name.replace('-', "_");
    if RUST_KEYWORDS.contains(&crate_name.as_str()) {
        return bad("it is a Rust keyword");
    }
    if ["alloc", "core", "proc_macro", "std", "test"].contains(&crate_name.as_str()) {
        return bad("it is the name of one of Rust's own libraries");
    }
    if is_windows_device_name(name) {
        return bad("it is a reserved file name on Windows");
    }
    Ok(crate_name)
}

const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// CON, PRN, AUX, NUL, COM1-9 and LPT1-9 name devices on Windows, not files.
fn is_windows_device_name(name: &str) -> bool {
    matches!(name, "con" | "prn" | "aux" | "nul")
        || ["com", "lpt"].iter().any(|prefix| {
            name.strip_prefix(prefix).is_some_and(|n| {
                n.len() == 1 && n != "0" && n.starts_with(|c: char| c.is_ascii_digit())
            })
        })
}

/// The display name lands in Rust string literals: no quote, backslash or
/// control character.
fn check_handler_name(name: &str) -> Result<(), Error> {
    let bad = |why| Err(Error::HandlerName(name.to_string(), why));
    if name.trim().is_empty() {
        return bad("the handler needs a name");
    }
    if name.chars().count() > MAX_HANDLER_NAME {
        return bad("Sync Center takes names of at most 128 characters");
    }
    if name
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        return bad("it may not hold `\"`, `\\` or control characters");
    }
    Ok(())
}

/// The checkout this comidl was built from.
fn default_comidl_path() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// `dir` as the project's Cargo.toml names it, once it is known to hold comidl.
fn checkout_path(dir: &Path) -> Result<String, Error> {
    let manifest = dir.join("generator").join("Cargo.toml");
    let is_comidl = std::fs::read_to_string(&manifest)
        .is_ok_and(|text| text.lines().any(|line| line.trim() == r#"name = "comidl""#))
        && dir
            .join("generator")
            .join("runtime")
            .join("Cargo.toml")
            .is_file();
    if !is_comidl {
        return Err(Error::NotComidl(dir.to_path_buf()));
    }
    let absolute = std::path::absolute(dir)
        .map_err(|_| Error::ComidlPath(dir.to_path_buf(), "cannot make it absolute"))?;
    let text = absolute
        .to_str()
        .ok_or(Error::ComidlPath(
            dir.to_path_buf(),
            "it is not valid UTF-8",
        ))?
        .replace('\\', "/");
    // Cargo.toml quotes it as a TOML literal string.
    if text.contains(|c: char| c == '\'' || c.is_control()) {
        return Err(Error::ComidlPath(
            dir.to_path_buf(),
            "it may not hold `'` or control characters",
        ));
    }
    Ok(text.trim_end_matches('/').to_string())
}

/// A random (version 4) GUID, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
///
/// CLSIDs must be unique, not secret. std's `RandomState` keys a SipHash
/// with randomness from the OS (per thread, then stepped for each new
/// state), so two fresh states hashing the time and a counter give 128
/// unpredictable bits without another dependency.
pub fn fresh_guid() -> String {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let word = |half: u64| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(call);
        hasher.write_u128(nanos);
        hasher.write_u64(half);
        u128::from(hasher.finish())
    };
    let bits = (word(0) << 64) | word(1);
    // The version (4) is the 13th hex digit; the variant (binary 10) is the
    // top two bits of the 17th.
    let bits = (bits & !(0xf << 76)) | (0x4 << 76);
    let bits = (bits & !(0xc << 60)) | (0x8 << 60);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Writes the project into `dir`, never half-way: a new folder is written
/// beside it under a temporary name and renamed; into an existing one
/// (empty, or with `force`) each file is written whole.
fn write_project(dir: &Path, files: &[(&str, String)], force: bool) -> Result<(), Error> {
    if dir.is_dir() {
        let mut entries = std::fs::read_dir(dir).map_err(|error| Error::Io(dir.into(), error))?;
        if entries.next().is_some() && !force {
            return Err(Error::NotEmpty(dir.into()));
        }
        return write_files(dir, files);
    }
    if dir.exists() {
        return Err(Error::NotAFolder(dir.into()));
    }
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|error| Error::Io(parent.into(), error))?;
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let partial = parent.join(format!(".{name}.partial-{}", &fresh_guid()[..8]));
    let written = write_files(&partial, files).and_then(|()| {
        std::fs::rename(&partial, dir).map_err(|error| Error::Io(dir.into(), error))
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    written
}

/// Writes each file whole (through a temporary file and a rename).
fn write_files(dir: &Path, files: &[(&str, String)]) -> Result<(), Error> {
    for (path, text) in files {
        let file = dir.join(path);
        let folder = file.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder)
            .and_then(|()| crate::builder::write_if_changed(&file, text.as_bytes()))
            .map_err(|error| Error::Io(file.clone(), error))?;
    }
    Ok(())
}

fn print_next_steps(out: &mut dyn Write, dir: &Path, values: &Values) -> io::Result<()> {
    let shown = display_path(dir);
    let dll = format!("{}.dll", values.crate_name);
    writeln!(
        out,
        "Created {shown}: Sync Center handler \"{}\" (collection CLSID {{{}}}, handler CLSID {{{}}})",
        values.handler_name, values.collection_clsid, values.handler_clsid
    )?;
    writeln!(out, "Next:")?;
    writeln!(out, "  cd {shown}")?;
    writeln!(
        out,
        "  cargo test                                    drive the handler as Sync Center does"
    )?;
    writeln!(
        out,
        "  cargo build --target x86_64-pc-windows-gnu    build {dll} (on Windows: cargo build)"
    )?;
    writeln!(
        out,
        "  regsvr32 target\\x86_64-pc-windows-gnu\\debug\\{dll}"
    )?;
    writeln!(
        out,
        "                                                on Windows: register it for the current user"
    )?;
    writeln!(
        out,
        "See {} for more.",
        display_path(&dir.join("README.md"))
    )
}
