//! What `comidl skeleton` writes for the cases of `tests/skeleton/`,
//! compiled with warnings denied (`tests/tests/skeleton.rs` fails when one
//! is missing here); `tests/skeletons.rs` makes their objects and calls them.

#![deny(warnings)]

#[path = "../../skeleton/implement.rs"]
pub mod implement;
#[path = "../../skeleton/inheritance.rs"]
pub mod inheritance;
#[path = "../../skeleton/mobsync.rs"]
pub mod mobsync;
#[path = "../../skeleton/returns.rs"]
pub mod returns;
#[path = "../../skeleton/sync_center.rs"]
pub mod sync_center;
