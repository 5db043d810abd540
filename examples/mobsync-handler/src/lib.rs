//! Folder Mirror for the Windows 2000/XP Synchronization Manager (mobsync):
//! an `ISyncMgrSynchronize` handler whose items are the folder pairs of a
//! pairs file (see the crate's README), mirrored with `folder_mirror`.

// Only `callback` may use `unsafe`; the other modules forbid it.
#![deny(unsafe_code)]

mod callback;
mod handler;
mod items;
mod sync;

pub use handler::FolderMirrorSync;
pub use items::item_id;

comidl_runtime::dll_exports!(scope = User, classes = [FolderMirrorSync]);
