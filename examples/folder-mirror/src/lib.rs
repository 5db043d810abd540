//! The sync logic shared by the example handlers, without COM: folder
//! pairs read from a pairs file ([`config`]) and mirrored file by file
//! ([`mirror`]), with progress, cancellation and failures reported to an
//! [`Observer`].

#![forbid(unsafe_code)]

pub mod config;
pub mod mirror;

pub use config::{CONFIG_ENV, Config, ConfigError, Pair, default_config_path};
pub use mirror::{Action, Failure, Observer, Outcome, Step, Summary, mirror};
