//! A Windows Sync Center handler: a handler collection that Sync Center
//! finds in the registry, and the one handler it holds.
//!
//! `DllRegisterServer` (what `regsvr32` calls) registers both classes and
//! the collection for the current user; `DllGetClassObject` is how COM makes
//! them.

// The generated bindings (see build.rs): `bindings::syncmgr`, and what it
// uses from the base SDK files it imports.
include!(concat!(env!("OUT_DIR"), "/comidl-bindings.rs"));

mod collection;
mod handler;

pub use collection::HandlerCollection;
pub use handler::{HANDLER_ID, Handler, HandlerInfo};

comidl_runtime::dll_exports!(scope = User, classes = [HandlerCollection, Handler]);
