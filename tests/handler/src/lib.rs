//! A Sync Center handler DLL as a user writes one: two classes with every
//! kind of registration, served by `dll_exports!`. `comidl reg`'s tests build
//! it as a cdylib and read the registration from the built file.

use comidl_runtime::ComObject;
use comidl_runtime::hresult::E_NOTIMPL;
use comidl_syncmgr::objidlbase::IEnumString;
use comidl_syncmgr::syncmgr::{ISyncMgrHandlerCollection, ISyncMgrHandlerCollection_Impl};
use windows_core::{IUnknown, Result};

/// The collection Sync Center lists.
#[derive(Default, ComObject)]
#[com(implements(ISyncMgrHandlerCollection))]
#[com(
    clsid = "3f0a2b1c-5d4e-4f60-8a7b-9c0d1e2f3a4b",
    description = "Contoso folders",
    progid = "Contoso.Folders.1",
    version_independent_progid = "Contoso.Folders"
)]
#[com(sync_center_collection(description = "Contoso \"folders\"", icon = -101))]
pub struct Folders;

/// A handler for the older Synchronization Manager (which interface it
/// implements does not matter to its registration).
#[derive(Default, ComObject)]
#[com(
    implements(ISyncMgrHandlerCollection),
    clsid = "{8E7D6C5B-4A39-4281-9F0E-1D2C3B4A5968}"
)]
#[com(
    threading = "Apartment",
    mobsync_handler(description = "Contoso offline files")
)]
pub struct OfflineFiles;

macro_rules! empty_collection {
    ($($class:ident),+) => {$(
        impl ISyncMgrHandlerCollection_Impl for $class {
            fn GetHandlerEnumerator(&self) -> Result<IEnumString> {
                Err(E_NOTIMPL.into())
            }
            fn BindToHandler(&self, _: &comidl_runtime::WideStr) -> Result<IUnknown> {
                Err(E_NOTIMPL.into())
            }
        }
    )+};
}
empty_collection!(Folders, OfflineFiles);

comidl_runtime::dll_exports!(scope = User, classes = [Folders, OfflineFiles]);
