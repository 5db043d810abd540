// `LegacySync`: a COM object serving ISyncMgrSynchronize.
//
// Written by `comidl skeleton` from mobsync.idl as a starting point, and
// yours to edit: comidl does not write it again. Until its TODO is done,
// each method answers E_NOTIMPL (or, if it returns no HRESULT, a placeholder).

use comidl_runtime::ComObject;
use comidl_runtime::hresult::E_NOTIMPL;
use windows_core::{GUID, IUnknown, Result};

use comidl_syncmgr::mobsync::{
    ISyncMgrEnumItems, ISyncMgrSynchronize, ISyncMgrSynchronize_Impl, ISyncMgrSynchronizeCallback,
    SYNCMGRHANDLERINFO,
};
use comidl_syncmgr::wtypes::HWND;

#[derive(Default, ComObject)]
#[com(implements(ISyncMgrSynchronize))]
// TODO: to make the class creatable by COM (`comidl_runtime::dll_exports!`,
// registration), give it a CLSID of its own (from `uuidgen`), and a threading
// model when it is not "Both":
// #[com(clsid = "00000000-0000-0000-0000-000000000000", threading = "Both")]
pub struct LegacySync {
    // COM may call the object from several threads at once: keep state
    // behind a Mutex, an RwLock or atomics.
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl ISyncMgrSynchronize_Impl for LegacySync {
    /// Starts a session: dwSyncMgrFlags holds a SYNCMGRFLAG event plus flags; the cookie comes from ISyncMgrSynchronizeInvoke::UpdateItems.
    ///
    /// `cbCookie` is the length of `lpCookie`.
    fn Initialize(
        &self,
        dwReserved: u32,
        dwSyncMgrFlags: u32,
        lpCookie: Option<&[u8]>,
    ) -> Result<()> {
        // TODO: implement ISyncMgrSynchronize::Initialize.
        Err(E_NOTIMPL.into())
    }

    /// Describes the handler; the handler allocates the struct with CoTaskMemAlloc.
    ///
    /// The `Ok` value is `ppSyncMgrHandlerInfo`.
    ///
    /// `ppSyncMgrHandlerInfo` is returned by value, handed to the caller in task memory.
    fn GetHandlerInfo(&self) -> Result<SYNCMGRHANDLERINFO> {
        // TODO: implement ISyncMgrSynchronize::GetHandlerInfo.
        Err(E_NOTIMPL.into())
    }

    /// Enumerates the items the handler can synchronize.
    ///
    /// The `Ok` value is `ppSyncMgrEnumItems`.
    fn EnumSyncMgrItems(&self) -> Result<ISyncMgrEnumItems> {
        // TODO: implement ISyncMgrSynchronize::EnumSyncMgrItems.
        Err(E_NOTIMPL.into())
    }

    /// Returns an object for an item (currently unused by SyncMgr).
    ///
    /// The `Ok` value is `ppv`.
    ///
    /// The object is returned as `IUnknown`; the caller gets the interface `riid` asks for (`E_NOINTERFACE` when it has none such).
    fn GetItemObject(&self, ItemID: &GUID) -> Result<IUnknown> {
        // TODO: implement ISyncMgrSynchronize::GetItemObject.
        Err(E_NOTIMPL.into())
    }

    /// Shows the properties of an item; the handler answers with ShowPropertiesCompleted.
    fn ShowProperties(&self, hWndParent: HWND, ItemID: &GUID) -> Result<()> {
        // TODO: implement ISyncMgrSynchronize::ShowProperties.
        Err(E_NOTIMPL.into())
    }

    /// Gives the handler the callback for progress and errors.
    fn SetProgressCallback(&self, lpCallBack: Option<&ISyncMgrSynchronizeCallback>) -> Result<()> {
        // TODO: implement ISyncMgrSynchronize::SetProgressCallback.
        Err(E_NOTIMPL.into())
    }

    /// Names the items to synchronize; the handler answers with PrepareForSyncCompleted.
    ///
    /// `cbNumItems` is the length of `pItemIDs`.
    fn PrepareForSync(&self, pItemIDs: &[GUID], hWndParent: HWND, dwReserved: u32) -> Result<()> {
        // TODO: implement ISyncMgrSynchronize::PrepareForSync.
        Err(E_NOTIMPL.into())
    }

    /// Synchronizes the prepared items; the handler answers with SynchronizeCompleted.
    fn Synchronize(&self, hWndParent: HWND) -> Result<()> {
        // TODO: implement ISyncMgrSynchronize::Synchronize.
        Err(E_NOTIMPL.into())
    }

    /// Changes the status of an item (SYNCMGRSTATUS), for example to skip or stop it.
    fn SetItemStatus(&self, pItemID: &GUID, dwSyncMgrStatus: u32) -> Result<()> {
        // TODO: implement ISyncMgrSynchronize::SetItemStatus.
        Err(E_NOTIMPL.into())
    }

    /// Shows details of a logged error; the handler answers with ShowErrorCompleted.
    fn ShowError(&self, hWndParent: HWND, ErrorID: &GUID) -> Result<()> {
        // TODO: implement ISyncMgrSynchronize::ShowError.
        Err(E_NOTIMPL.into())
    }
}
