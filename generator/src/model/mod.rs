//! What the declarations mean: resolved names, layouts, checks.

pub mod vtable;
