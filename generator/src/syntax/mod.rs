//! From `.idl` bytes to an AST: preprocessing, parsing, import loading.

pub mod preprocess;
pub mod source;
