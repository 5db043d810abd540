//! From `.idl` bytes to syntax trees: preprocessing, parsing, import loading.

pub mod ast;
pub mod builtin;
pub mod display;
pub mod load;
pub mod parse;
pub mod preprocess;
pub mod source;
