//! The Folder Mirror handler: its name and state, and its items (the pairs).

use comidl_runtime::hresult::{E_FAIL, E_NOTIMPL};
use comidl_runtime::{ComObject, WideStr};
use comidl_syncmgr::syncmgr::*;
use comidl_syncmgr::wtypes::HWND;
use comidl_syncmgr::wtypesbase::FILETIME;
use folder_mirror::{Config, Cursor, PairsFile};
use windows_core::{Error, GUID, IUnknown, Result};

use crate::items::{SyncItem, SyncItems, not_found};

/// One handler; its state (active, enabled) is left to Sync Center to
/// track, which it does when asked with `E_NOTIMPL`.
#[derive(Clone, ComObject)]
#[com(implements(ISyncMgrHandler, ISyncMgrHandlerInfo, ISyncMgrSyncItemContainer))]
pub struct FolderMirrorHandler {
    pairs: PairsFile,
}

impl FolderMirrorHandler {
    pub fn new(pairs: PairsFile) -> Self {
        Self { pairs }
    }

    /// The pairs file as it is now (it may change between calls).
    fn config(&self) -> Result<Config> {
        self.pairs
            .load()
            .map_err(|error| Error::new(E_FAIL, error.to_string()))
    }
}

impl ISyncMgrHandler_Impl for FolderMirrorHandler {
    fn GetName(&self) -> Result<String> {
        Ok("Folder Mirror".into())
    }

    fn GetHandlerInfo(&self) -> Result<ISyncMgrHandlerInfo> {
        // A method cannot reach its own object's interfaces; an equal object
        // answers the same.
        Ok(self.clone().into())
    }

    fn GetObject(&self, _object_id: &GUID) -> Result<IUnknown> {
        Err(E_NOTIMPL.into())
    }

    fn GetCapabilities(&self) -> Result<SYNCMGR_HANDLER_CAPABILITIES> {
        Ok(SYNCMGR_HANDLER_CAPABILITIES::SYNCMGR_HCM_NONE)
    }

    fn GetPolicies(&self) -> Result<SYNCMGR_HANDLER_POLICIES> {
        Ok(SYNCMGR_HANDLER_POLICIES::SYNCMGR_HPM_NONE)
    }

    fn Activate(&self, _activate: bool) -> Result<()> {
        Ok(())
    }

    fn Enable(&self, _enable: bool) -> Result<()> {
        Ok(())
    }

    fn Synchronize(
        &self,
        item_ids: Vec<&WideStr>,
        _owner: HWND,
        session_creator: &ISyncMgrSessionCreator,
        _unknown: Option<&IUnknown>,
    ) -> Result<()> {
        crate::sync::synchronize(&self.pairs, &item_ids, session_creator)
    }
}

impl ISyncMgrHandlerInfo_Impl for FolderMirrorHandler {
    fn GetType(&self) -> Result<SYNCMGR_HANDLER_TYPE> {
        Ok(SYNCMGR_HANDLER_TYPE::SYNCMGR_HT_FOLDER)
    }

    fn GetTypeLabel(&self) -> Result<String> {
        Ok("Folder mirror".into())
    }

    fn GetComment(&self) -> Result<String> {
        Ok(match &self.pairs {
            PairsFile::At(file) => format!("Mirrors the folder pairs of {}", file.display()),
            PairsFile::FromEnvironment => "Mirrors the folder pairs of its pairs file".into(),
        })
    }

    fn GetLastSyncTime(&self) -> Result<FILETIME> {
        Err(E_NOTIMPL.into())
    }

    fn IsActive(&self) -> Result<bool> {
        Err(E_NOTIMPL.into())
    }

    fn IsEnabled(&self) -> Result<bool> {
        Err(E_NOTIMPL.into())
    }

    fn IsConnected(&self) -> Result<bool> {
        Ok(true)
    }
}

impl ISyncMgrSyncItemContainer_Impl for FolderMirrorHandler {
    fn GetSyncItem(&self, id: &WideStr) -> Result<ISyncMgrSyncItem> {
        let config = self.config()?;
        let pair = config
            .pairs
            .into_iter()
            .find(|pair| *id == pair.name.as_str())
            .ok_or_else(|| not_found(id))?;
        Ok(SyncItem::new(pair).into())
    }

    fn GetSyncItemEnumerator(&self) -> Result<IEnumSyncMgrSyncItems> {
        Ok(SyncItems(Cursor::new(self.config()?.pairs)).into())
    }

    fn GetSyncItemCount(&self) -> Result<u32> {
        Ok(u32::try_from(self.config()?.pairs.len()).unwrap_or(u32::MAX))
    }
}
