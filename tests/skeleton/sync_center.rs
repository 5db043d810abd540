// `MyHandler`: a COM object serving ISyncMgrHandler, ISyncMgrHandlerInfo.
//
// Written by `comidl skeleton` from Syncmgr.idl as a starting point, and
// yours to edit: comidl does not write it again. Until its TODO is done,
// each method answers E_NOTIMPL (or, if it returns no HRESULT, a placeholder).

use comidl_runtime::hresult::E_NOTIMPL;
use comidl_runtime::{ComObject, WideStr};
use windows_core::{GUID, IUnknown, Result};

use comidl_syncmgr::syncmgr::{
    ISyncMgrHandler, ISyncMgrHandler_Impl, ISyncMgrHandlerInfo, ISyncMgrHandlerInfo_Impl,
    ISyncMgrSessionCreator, SYNCMGR_HANDLER_CAPABILITIES, SYNCMGR_HANDLER_POLICIES,
    SYNCMGR_HANDLER_TYPE,
};
use comidl_syncmgr::wtypes::HWND;
use comidl_syncmgr::wtypesbase::FILETIME;

#[derive(Default, ComObject)]
#[com(implements(ISyncMgrHandler, ISyncMgrHandlerInfo))]
// TODO: to make the class creatable by COM (`comidl_runtime::dll_exports!`,
// registration), give it a CLSID of its own (from `uuidgen`), and a threading
// model when it is not "Both":
// #[com(clsid = "00000000-0000-0000-0000-000000000000", threading = "Both")]
pub struct MyHandler {
    // COM may call the object from several threads at once: keep state
    // behind a Mutex, an RwLock or atomics.
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl ISyncMgrHandler_Impl for MyHandler {
    /// The display name of the handler; free it with CoTaskMemFree.
    ///
    /// The `Ok` value is `ppszName`.
    ///
    /// `ppszName` is returned as a `String`, handed to the caller in task memory.
    fn GetName(&self) -> Result<String> {
        // TODO: implement ISyncMgrHandler::GetName.
        Err(E_NOTIMPL.into())
    }

    /// Type, comment, last sync time and state of the handler.
    ///
    /// The `Ok` value is `ppHandlerInfo`.
    fn GetHandlerInfo(&self) -> Result<ISyncMgrHandlerInfo> {
        // TODO: implement ISyncMgrHandler::GetHandlerInfo.
        Err(E_NOTIMPL.into())
    }

    /// Returns a helper object for a SYNCMGR_OBJECTID_* GUID (icon, event store, conflict store, ...), as announced by GetCapabilities.
    ///
    /// The `Ok` value is `ppv`.
    ///
    /// The object is returned as `IUnknown`; the caller gets the interface `riid` asks for (`E_NOINTERFACE` when it has none such).
    fn GetObject(&self, rguidObjectID: &GUID) -> Result<IUnknown> {
        // TODO: implement ISyncMgrHandler::GetObject.
        Err(E_NOTIMPL.into())
    }

    /// What the handler can do (SYNCMGR_HCM_* flags).
    ///
    /// The `Ok` value is `pmCapabilities`.
    fn GetCapabilities(&self) -> Result<SYNCMGR_HANDLER_CAPABILITIES> {
        // TODO: implement ISyncMgrHandler::GetCapabilities.
        Err(E_NOTIMPL.into())
    }

    /// What the user may not do with the handler (SYNCMGR_HPM_* flags).
    ///
    /// The `Ok` value is `pmPolicies`.
    fn GetPolicies(&self) -> Result<SYNCMGR_HANDLER_POLICIES> {
        // TODO: implement ISyncMgrHandler::GetPolicies.
        Err(E_NOTIMPL.into())
    }

    /// Moves the handler between the Sync Setup folder (FALSE) and the Sync Center folder (TRUE).
    fn Activate(&self, fActivate: bool) -> Result<()> {
        // TODO: implement ISyncMgrHandler::Activate.
        Err(E_NOTIMPL.into())
    }

    /// Enables or disables the handler.
    fn Enable(&self, fEnable: bool) -> Result<()> {
        // TODO: implement ISyncMgrHandler::Enable.
        Err(E_NOTIMPL.into())
    }

    /// Synchronizes the given items, reporting through an ISyncMgrSyncCallback made by pSessionCreator.
    ///
    /// `cItems` is the length of `ppszItemIDs`.
    fn Synchronize(
        &self,
        ppszItemIDs: Vec<&WideStr>,
        hwndOwner: HWND,
        pSessionCreator: &ISyncMgrSessionCreator,
        punk: Option<&IUnknown>,
    ) -> Result<()> {
        // TODO: implement ISyncMgrHandler::Synchronize.
        Err(E_NOTIMPL.into())
    }
}

impl ISyncMgrHandlerInfo_Impl for MyHandler {
    /// The kind of partner the handler syncs with.
    ///
    /// The `Ok` value is `pnType`.
    fn GetType(&self) -> Result<SYNCMGR_HANDLER_TYPE> {
        // TODO: implement ISyncMgrHandlerInfo::GetType.
        Err(E_NOTIMPL.into())
    }

    /// A label for the handler type, shown in Sync Center; free it with CoTaskMemFree.
    ///
    /// The `Ok` value is `ppszTypeLabel`.
    ///
    /// `ppszTypeLabel` is returned as a `String`, handed to the caller in task memory.
    fn GetTypeLabel(&self) -> Result<String> {
        // TODO: implement ISyncMgrHandlerInfo::GetTypeLabel.
        Err(E_NOTIMPL.into())
    }

    /// A comment shown for the handler; free it with CoTaskMemFree.
    ///
    /// The `Ok` value is `ppszComment`.
    ///
    /// `ppszComment` is returned as a `String`, handed to the caller in task memory.
    fn GetComment(&self) -> Result<String> {
        // TODO: implement ISyncMgrHandlerInfo::GetComment.
        Err(E_NOTIMPL.into())
    }

    /// When the handler last synchronized.
    ///
    /// The `Ok` value is `pftLastSync`.
    fn GetLastSyncTime(&self) -> Result<FILETIME> {
        // TODO: implement ISyncMgrHandlerInfo::GetLastSyncTime.
        Err(E_NOTIMPL.into())
    }

    /// S_OK when the handler is active, S_FALSE when not; E_NOTIMPL lets Sync Center keep track.
    ///
    /// The answer is the success code: `Ok(true)` gives `S_OK`, `Ok(false)` `S_FALSE`.
    fn IsActive(&self) -> Result<bool> {
        // TODO: implement ISyncMgrHandlerInfo::IsActive.
        Err(E_NOTIMPL.into())
    }

    /// S_OK when the handler is enabled, S_FALSE when not.
    ///
    /// The answer is the success code: `Ok(true)` gives `S_OK`, `Ok(false)` `S_FALSE`.
    fn IsEnabled(&self) -> Result<bool> {
        // TODO: implement ISyncMgrHandlerInfo::IsEnabled.
        Err(E_NOTIMPL.into())
    }

    /// S_OK when the handler is connected, S_FALSE when not.
    ///
    /// The answer is the success code: `Ok(true)` gives `S_OK`, `Ok(false)` `S_FALSE`.
    fn IsConnected(&self) -> Result<bool> {
        // TODO: implement ISyncMgrHandlerInfo::IsConnected.
        Err(E_NOTIMPL.into())
    }
}
