//! Everything comidl writes from a parsed file.

pub mod inspect;
pub mod rust;
pub mod skeleton;
