//! The pairs file: which folders to mirror where.
//!
//! ```text
//! # Lines starting with # or ; are comments.
//! [Documents]
//! source = C:\Users\me\Documents
//! target = D:\Mirror\Documents
//!
//! [Photos]
//! source = Pictures
//! target = \\nas\backup\photos
//! ```
//!
//! - `[name]` starts a pair. Names are 1 to 63 UTF-16 units (Sync Center's
//!   item ID limit), without control characters, and unique.
//! - Each pair needs `source = path` and `target = path`, once each. Spaces
//!   around names, keys and values are ignored; a relative path is relative
//!   to the folder of the pairs file.
//! - Neither folder of a pair may lie inside the other (each sync would nest
//!   another copy).
//! - The file is UTF-8, with or without a byte order mark.

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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/cfg/pairs.txt"))
    }

    fn error_of(text: &str) -> String {
        parse(text).expect_err("should not parse").to_string()
    }

    #[test]
    fn reads_pairs_comments_and_relative_paths() {
        let config = parse(
            "\u{feff}# pairs\n\n[Docs]\nsource = /home/me/docs\n  target=  backup/docs  \n; more\n[ Photos ]\ntarget = /mnt/p\nsource = pics\n",
        )
        .unwrap();
        assert_eq!(
            config.pairs,
            [
                Pair {
                    name: "Docs".into(),
                    source: "/home/me/docs".into(),
                    target: "/cfg/backup/docs".into(),
                },
                Pair {
                    name: "Photos".into(),
                    source: "/cfg/pics".into(),
                    target: "/mnt/p".into(),
                },
            ]
        );
        assert_eq!(config.pair("Photos").unwrap().target, Path::new("/mnt/p"));
        assert!(config.pair("photos").is_none());
    }

    #[test]
    fn errors_name_the_file_and_line() {
        assert_eq!(
            error_of("[A]\nsource = a\nsorce = b\n"),
            "/cfg/pairs.txt:3: unknown key `sorce` (expected `source` or `target`)"
        );
        assert_eq!(
            error_of("source = a\n"),
            "/cfg/pairs.txt:1: `source` before any `[name]` line"
        );
        assert_eq!(
            error_of("[A\n"),
            "/cfg/pairs.txt:1: a section line must end with `]`"
        );
        assert_eq!(
            error_of("[A]\nsource a\n"),
            "/cfg/pairs.txt:2: expected `[name]`, `source = path` or `target = path`"
        );
        assert_eq!(
            error_of("[A]\nsource =  \n"),
            "/cfg/pairs.txt:2: `source` needs a path"
        );
        assert_eq!(
            error_of("[A]\nsource = a\nsource = b\n"),
            "/cfg/pairs.txt:3: `source` given twice for `A`"
        );
    }

    #[test]
    fn incomplete_pairs_point_at_their_section() {
        assert_eq!(
            error_of("\n[A]\nsource = a\n[B]\nsource = b\ntarget = c\n"),
            "/cfg/pairs.txt:2: `A` has no `target`"
        );
        assert_eq!(
            error_of("[A]\ntarget = a\n"),
            "/cfg/pairs.txt:1: `A` has no `source`"
        );
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(error_of("[ ]\n"), "/cfg/pairs.txt:1: empty pair name");
        let long = "n".repeat(MAX_NAME_UNITS + 1);
        assert_eq!(
            error_of(&format!("[{long}]\n")),
            "/cfg/pairs.txt:1: pair name longer than 63 characters"
        );
        let longest = "n".repeat(MAX_NAME_UNITS);
        assert!(parse(&format!("[{longest}]\nsource = a\ntarget = b\n")).is_ok());
        assert_eq!(
            error_of("[a\tb]\n"),
            "/cfg/pairs.txt:1: pair name with a control character"
        );
        assert_eq!(
            error_of("[A]\nsource = a\ntarget = b\n[A]\nsource = c\ntarget = d\n"),
            "/cfg/pairs.txt:4: a second pair named `A`"
        );
    }

    #[test]
    fn nested_folders_are_refused() {
        assert_eq!(
            error_of("[A]\nsource = /d\ntarget = /d/mirror\n"),
            "/cfg/pairs.txt:1: `A`: one folder lies inside the other"
        );
        assert!(error_of("[A]\nsource = /d/sub\ntarget = /d\n").contains("inside"));
        assert!(parse("[A]\nsource = /d/a\ntarget = /d/ab\n").is_ok());
    }

    #[test]
    fn a_missing_file_holds_no_pairs_and_others_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pairs.txt");
        assert_eq!(Config::load(&file).unwrap(), Config::default());
        std::fs::write(&file, "[A]\nsource = s\ntarget = t\n").unwrap();
        assert_eq!(
            Config::load(&file).unwrap().pairs[0].source,
            dir.path().join("s")
        );
        let error = Config::load(dir.path()).expect_err("a folder is no pairs file");
        assert!(matches!(error, ConfigError::Io { .. }), "{error}");
        assert_eq!(
            PairsFile::At(file).load().unwrap().pairs[0].target,
            dir.path().join("t")
        );
    }
}
