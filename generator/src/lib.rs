//! comidl: MIDL for Rust.
//!
//! The compiler reads Microsoft IDL and writes Rust COM scaffolding. Data flows
//! one way: [`syntax`] (preprocess, parse) → model → emit.

pub mod diagnostic;
pub mod syntax;
