//! The pairs file: which folders to mirror where. Its format is described
//! in the crate's README.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The environment variable naming the pairs file.
pub const CONFIG_ENV: &str = "FOLDER_MIRROR_CONFIG";

/// Longest pair name, in UTF-16 units: Sync Center's `MAX_SYNCMGR_ID` less the NUL.
pub const MAX_NAME_UNITS: usize = 63;

/// One folder to mirror: everything in `source` is copied to `target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub name: String,
    pub source: PathBuf,
    pub target: PathBuf,
}

/// The pairs of a pairs file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub pairs: Vec<Pair>,
}

/// Why a pairs file could not be used.
#[derive(Debug)]
pub enum ConfigError {
    /// Neither `FOLDER_MIRROR_CONFIG` nor `LOCALAPPDATA` is set.
    NoLocation,
    Io {
        file: PathBuf,
        error: io::Error,
    },
    Syntax {
        file: PathBuf,
        line: usize,
        message: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoLocation => write!(
                f,
                "no pairs file: neither {CONFIG_ENV} nor LOCALAPPDATA is set"
            ),
            ConfigError::Io { file, error } => write!(f, "{}: {error}", file.display()),
            ConfigError::Syntax {
                file,
                line,
                message,
            } => write!(f, "{}:{line}: {message}", file.display()),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Where the pairs file is: `%FOLDER_MIRROR_CONFIG%` when set, else
/// `%LOCALAPPDATA%\FolderMirror\pairs.txt`; `None` when neither variable is set.
pub fn default_config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(CONFIG_ENV) {
        return Some(path.into());
    }
    let local = std::env::var_os("LOCALAPPDATA")?;
    Some(Path::new(&local).join("FolderMirror").join("pairs.txt"))
}

/// Where a handler finds its pairs file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PairsFile {
    /// [`default_config_path`], looked up at each load.
    FromEnvironment,
    /// This file (tests give each handler its own).
    At(PathBuf),
}

impl PairsFile {
    pub fn load(&self) -> Result<Config, ConfigError> {
        match self {
            PairsFile::FromEnvironment => {
                Config::load(&default_config_path().ok_or(ConfigError::NoLocation)?)
            }
            PairsFile::At(file) => Config::load(file),
        }
    }
}

impl Config {
    /// Reads the pairs file at `file`. A file that does not exist yet holds
    /// no pairs.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(file) {
            Ok(text) => Config::parse(&text, file),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Config::default()),
            Err(error) => Err(ConfigError::Io {
                file: file.to_owned(),
                error,
            }),
        }
    }

    /// Parses the text of the pairs file `file` (named in errors, and the
    /// base of relative paths).
    pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let base = file.parent().unwrap_or(Path::new(""));
        let mut parser = Parser {
            file,
            base,
            pairs: Vec::new(),
            open: None,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, line) in text.lines().enumerate() {
            parser.line(index + 1, line.trim())?;
        }
        parser.close()?;
        Ok(Config {
            pairs: parser.pairs,
        })
    }

    /// The pair called `name`.
    pub fn pair(&self, name: &str) -> Option<&Pair> {
        self.pairs.iter().find(|pair| pair.name == name)
    }
}

/// A `[name]` section being read.
struct Open {
    line: usize,
    name: String,
    source: Option<PathBuf>,
    target: Option<PathBuf>,
}

struct Parser<'a> {
    file: &'a Path,
    base: &'a Path,
    pairs: Vec<Pair>,
    open: Option<Open>,
}

impl Parser<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError::Syntax {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        }
    }

    fn line(&mut self, number: usize, line: &str) -> Result<(), ConfigError> {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| self.error(number, "a section line must end with `]`"))?
                .trim();
            return self.open(number, name);
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(self.error(
                number,
                "expected `[name]`, `source = path` or `target = path`",
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        if value.is_empty() {
            return Err(self.error(number, format!("`{key}` needs a path")));
        }
        let path = self.base.join(value);
        let Some(open) = self.open.as_mut() else {
            return Err(self.error(number, format!("`{key}` before any `[name]` line")));
        };
        let slot = match key {
            "source" => &mut open.source,
            "target" => &mut open.target,
            _ => {
                return Err(self.error(
                    number,
                    format!("unknown key `{key}` (expected `source` or `target`)"),
                ));
            }
        };
        if slot.replace(path).is_some() {
            let name = open.name.clone();
            return Err(self.error(number, format!("`{key}` given twice for `{name}`")));
        }
        Ok(())
    }

    fn open(&mut self, number: usize, name: &str) -> Result<(), ConfigError> {
        self.close()?;
        if name.is_empty() {
            return Err(self.error(number, "empty pair name"));
        }
        if name.encode_utf16().count() > MAX_NAME_UNITS {
            return Err(self.error(
                number,
                format!("pair name longer than {MAX_NAME_UNITS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(self.error(number, "pair name with a control character"));
        }
        if self.pairs.iter().any(|pair| pair.name == name) {
            return Err(self.error(number, format!("a second pair named `{name}`")));
        }
        self.open = Some(Open {
            line: number,
            name: name.to_owned(),
            source: None,
            target: None,
        });
        Ok(())
    }

    /// Ends the open section, if any, checking that it is complete.
    fn close(&mut self) -> Result<(), ConfigError> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        let missing = |key| self.error(open.line, format!("`{}` has no `{key}`", open.name));
        let source = open.source.clone().ok_or_else(|| missing("source"))?;
        let target = open.target.clone().ok_or_else(|| missing("target"))?;
        if source.starts_with(&target) || target.starts_with(&source) {
            return Err(self.error(
                open.line,
                format!("`{}`: one folder lies inside the other", open.name),
            ));
        }
        self.pairs.push(Pair {
            name: open.name,
            source,
            target,
        });
        Ok(())
    }
}
