//! Folder Mirror for Sync Center: a handler collection with one handler
//! whose sync items are the folder pairs of a pairs file (see the crate's
//! README). Sync Center creates [`FolderMirrorHandlers`] by its CLSID, binds
//! to the handler and calls `Synchronize`, which mirrors each requested
//! pair with `folder_mirror` and reports through the session's callback.

#![forbid(unsafe_code)]

mod collection;
mod handler;
mod items;
mod sync;

pub use collection::{FolderMirrorHandlers, HANDLER_ID};
pub use handler::FolderMirrorHandler;

comidl_runtime::dll_exports!(scope = User, classes = [FolderMirrorHandlers]);
