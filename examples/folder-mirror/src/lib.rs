//! The sync logic shared by the example handlers, without COM: folder
//! pairs read from a pairs file ([`config`]) and mirrored file by file
//! ([`mirror`]), with progress, cancellation and failures reported to an
//! [`Observer`]; and
//! [`Cursor`], the position of the handlers' COM enumerators.

#![forbid(unsafe_code)]

pub mod config;
pub mod cursor;
pub mod mirror;

pub use config::{CONFIG_ENV, Config, ConfigError, Pair, PairsFile, default_config_path};
pub use cursor::Cursor;
pub use mirror::{Action, Failure, Observer, Outcome, Step, Summary, mirror};
