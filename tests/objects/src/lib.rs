//! Interfaces for the COM object tests, generated from `objects.idl` by
//! `build.rs`.

include!(concat!(env!("OUT_DIR"), "/comidl-bindings.rs"));
pub use bindings::objects::*;
