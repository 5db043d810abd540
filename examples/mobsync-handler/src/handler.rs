//! The handler mobsync creates by its CLSID. mobsync calls it on one
//! thread (`Apartment`), so its session state is a plain `RefCell`.

#![forbid(unsafe_code)]

use std::cell::RefCell;

use comidl_runtime::ComObject;
use comidl_runtime::hresult::{E_FAIL, E_NOTIMPL, E_UNEXPECTED, S_OK};
use comidl_syncmgr::mobsync::{
    ISyncMgrEnumItems, ISyncMgrSynchronize, ISyncMgrSynchronize_Impl, ISyncMgrSynchronizeCallback,
    SYNCMGRHANDLERINFO, SYNCMGRSTATUS,
};
use comidl_syncmgr::wtypes::HWND;
use folder_mirror::{Cursor, PairsFile};
use windows_core::{Error, GUID, IUnknown, Result};

use crate::items::{Items, fixed_text};

#[derive(ComObject)]
#[com(implements(ISyncMgrSynchronize))]
#[com(
    clsid = "b3d7a0e4-5f21-4c8a-9e6d-2a7c41f0d853",
    threading = "Apartment",
    description = "Folder Mirror (Synchronization Manager handler)"
)]
#[com(mobsync_handler(description = "Folder Mirror"))]
pub struct FolderMirrorSync {
    pairs: PairsFile,
    session: RefCell<Session>,
}

/// What mobsync told the handler for the current sync.
#[derive(Default)]
struct Session {
    callback: Option<ISyncMgrSynchronizeCallback>,
    prepared: Vec<GUID>,
    skipped: Vec<GUID>,
}

impl Default for FolderMirrorSync {
    /// Reads the pairs file named by the environment (see `folder_mirror::default_config_path`).
    fn default() -> Self {
        Self::new(PairsFile::FromEnvironment)
    }
}

impl FolderMirrorSync {
    /// A handler reading `pairs` (tests give each their own).
    pub fn new(pairs: PairsFile) -> Self {
        Self {
            pairs,
            session: RefCell::default(),
        }
    }

    pub(crate) fn pairs(&self) -> &PairsFile {
        &self.pairs
    }

    /// Whether mobsync asked to skip `item` (`SetItemStatus`).
    pub(crate) fn is_skipped(&self, item: &GUID) -> bool {
        self.session.borrow().skipped.contains(item)
    }

    fn callback(&self) -> Result<ISyncMgrSynchronizeCallback> {
        self.session
            .borrow()
            .callback
            .clone()
            .ok_or_else(|| Error::new(E_UNEXPECTED, "SetProgressCallback was not called"))
    }
}

impl ISyncMgrSynchronize_Impl for FolderMirrorSync {
    fn Initialize(&self, _reserved: u32, _flags: u32, _cookie: Option<&[u8]>) -> Result<()> {
        Ok(())
    }

    fn GetHandlerInfo(&self) -> Result<SYNCMGRHANDLERINFO> {
        Ok(SYNCMGRHANDLERINFO {
            cbSize: size_of::<SYNCMGRHANDLERINFO>() as u32,
            wszHandlerName: fixed_text("Folder Mirror"),
            ..SYNCMGRHANDLERINFO::default()
        })
    }

    fn EnumSyncMgrItems(&self) -> Result<ISyncMgrEnumItems> {
        let config = self
            .pairs
            .load()
            .map_err(|error| Error::new(E_FAIL, error.to_string()))?;
        Ok(Items(Cursor::new(config.pairs)).into())
    }

    fn GetItemObject(&self, _item: &GUID) -> Result<IUnknown> {
        Err(E_NOTIMPL.into())
    }

    fn ShowProperties(&self, _parent: HWND, _item: &GUID) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn SetProgressCallback(&self, callback: Option<&ISyncMgrSynchronizeCallback>) -> Result<()> {
        self.session.borrow_mut().callback = callback.cloned();
        Ok(())
    }

    fn PrepareForSync(&self, items: &[GUID], _parent: HWND, _reserved: u32) -> Result<()> {
        let callback = self.callback()?;
        {
            let mut session = self.session.borrow_mut();
            session.prepared = items.to_vec();
            session.skipped.clear();
        }
        // Preparing needs nothing more. A refused answer has nowhere else to go.
        let _ = callback.PrepareForSyncCompleted(S_OK);
        Ok(())
    }

    fn Synchronize(&self, _parent: HWND) -> Result<()> {
        let callback = self.callback()?;
        let items = std::mem::take(&mut self.session.borrow_mut().prepared);
        crate::sync::synchronize(self, &callback, &items);
        Ok(())
    }

    fn SetItemStatus(&self, item: &GUID, status: u32) -> Result<()> {
        // mobsync sends only SKIPPED; STOPPED asks the same of a running item.
        let stop = [
            SYNCMGRSTATUS::SYNCMGRSTATUS_SKIPPED,
            SYNCMGRSTATUS::SYNCMGRSTATUS_STOPPED,
        ];
        if stop.iter().any(|s| s.0 as u32 == status) {
            self.session.borrow_mut().skipped.push(*item);
        }
        Ok(())
    }

    fn ShowError(&self, _parent: HWND, _error: &GUID) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
}
