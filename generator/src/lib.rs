//! comidl: MIDL for Rust.
//!
//! The compiler reads Microsoft IDL and writes Rust COM scaffolding. Data flows
//! one way: [`syntax`] (preprocess, parse, load imports) → model → [`emit`].

pub mod builder;
pub mod cli;
pub mod diagnostic;
pub mod emit;
pub mod model;
mod parallel;
pub mod project;
mod reg;
pub mod syntax;

pub use builder::{Builder, CompileError, INCLUDE_FILE, Output};
pub use emit::skeleton::Skeleton;
