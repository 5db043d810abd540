//! Compiles what comidl generates for each golden fixture: the checked-in
//! `tests/golden/<name>/` folders, one module per fixture. A construct the
//! emitter gets wrong fails `cargo build`; `tests/` checks values at run
//! time. `tests/tests/golden.rs` fails when a fixture is missing here; one
//! whose output does not compile yet is left out with a line
//! "// Not compiled: `<name>`: <the problem>" in its place.
//!
//! The outputs are formatted by comidl (prettyplease); rustfmt would make
//! them differ, hence the `rustfmt::skip`s.

pub mod external;
pub mod skeletons;

#[rustfmt::skip]
#[path = "../../golden/answer/mod.rs"]
pub mod answer;
#[rustfmt::skip]
#[path = "../../golden/consts/mod.rs"]
pub mod consts;
#[rustfmt::skip]
#[path = "../../golden/enums/mod.rs"]
pub mod enums;
#[rustfmt::skip]
#[path = "../../golden/extern_types/mod.rs"]
pub mod extern_types;
#[rustfmt::skip]
#[path = "../../golden/flags/mod.rs"]
pub mod flags;
#[rustfmt::skip]
#[path = "../../golden/iid_is/mod.rs"]
pub mod iid_is;
#[rustfmt::skip]
#[path = "../../golden/implement/mod.rs"]
pub mod implement;
#[rustfmt::skip]
#[path = "../../golden/inheritance/mod.rs"]
pub mod inheritance;
#[rustfmt::skip]
#[path = "../../golden/not_com/mod.rs"]
pub mod not_com;
#[rustfmt::skip]
#[path = "../../golden/retval/mod.rs"]
pub mod retval;
#[rustfmt::skip]
#[path = "../../golden/returns/mod.rs"]
pub mod returns;
#[rustfmt::skip]
#[path = "../../golden/size_is/mod.rs"]
pub mod size_is;
#[rustfmt::skip]
#[path = "../../golden/strings/mod.rs"]
pub mod strings;
#[rustfmt::skip]
#[path = "../../golden/structs/mod.rs"]
pub mod structs;
#[rustfmt::skip]
#[path = "../../golden/typedefs/mod.rs"]
pub mod typedefs;
#[rustfmt::skip]
#[path = "../../golden/unions/mod.rs"]
pub mod unions;
#[rustfmt::skip]
#[path = "../../golden/unique/mod.rs"]
pub mod unique;
