//! The sync items: one per folder pair, its ID the pair's name.

use comidl_runtime::hresult::E_NOTIMPL;
use comidl_runtime::{ComObject, WideStr};
use comidl_syncmgr::syncmgr::*;
use comidl_syncmgr::wtypesbase::FILETIME;
use folder_mirror::{Cursor, Pair};
use windows_core::{Error, GUID, HRESULT, IUnknown, Result};

/// `HRESULT_FROM_WIN32(ERROR_NOT_FOUND)`.
const NOT_FOUND: HRESULT = HRESULT(0x8007_0490_u32 as i32);

/// The error for an item ID that names no pair.
pub(crate) fn not_found(id: &WideStr) -> Error {
    Error::new(NOT_FOUND, format!("no folder pair `{id}`"))
}

#[derive(Clone, ComObject)]
#[com(implements(ISyncMgrSyncItem, ISyncMgrSyncItemInfo))]
pub struct SyncItem {
    pair: Pair,
}

impl SyncItem {
    pub fn new(pair: Pair) -> Self {
        Self { pair }
    }
}

impl ISyncMgrSyncItem_Impl for SyncItem {
    fn GetItemID(&self) -> Result<String> {
        Ok(self.pair.name.clone())
    }

    fn GetName(&self) -> Result<String> {
        Ok(self.pair.name.clone())
    }

    fn GetItemInfo(&self) -> Result<ISyncMgrSyncItemInfo> {
        Ok(self.clone().into())
    }

    fn GetObject(&self, _object_id: &GUID) -> Result<IUnknown> {
        Err(E_NOTIMPL.into())
    }

    fn GetCapabilities(&self) -> Result<SYNCMGR_ITEM_CAPABILITIES> {
        Ok(SYNCMGR_ITEM_CAPABILITIES::SYNCMGR_ICM_NONE)
    }

    fn GetPolicies(&self) -> Result<SYNCMGR_ITEM_POLICIES> {
        Ok(SYNCMGR_ITEM_POLICIES::SYNCMGR_IPM_NONE)
    }

    fn Enable(&self, _enable: bool) -> Result<()> {
        Ok(())
    }

    fn Delete(&self) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
}

impl ISyncMgrSyncItemInfo_Impl for SyncItem {
    fn GetTypeLabel(&self) -> Result<String> {
        Ok("Folder pair".into())
    }

    fn GetComment(&self) -> Result<String> {
        Ok(format!(
            "{} → {}",
            self.pair.source.display(),
            self.pair.target.display()
        ))
    }

    fn GetLastSyncTime(&self) -> Result<FILETIME> {
        Err(E_NOTIMPL.into())
    }

    fn IsEnabled(&self) -> Result<bool> {
        Err(E_NOTIMPL.into())
    }

    fn IsConnected(&self) -> Result<bool> {
        Ok(true)
    }
}

#[derive(ComObject)]
#[com(implements(IEnumSyncMgrSyncItems))]
pub struct SyncItems(pub Cursor<Pair>);

impl IEnumSyncMgrSyncItems_Impl for SyncItems {
    fn Next(&self, out: &mut [Option<ISyncMgrSyncItem>]) -> Result<u32> {
        let pairs = self.0.next(out.len());
        let fetched = pairs.len();
        for (slot, pair) in out.iter_mut().zip(pairs) {
            *slot = Some(SyncItem::new(pair).into());
        }
        Ok(fetched as u32) // at most `out.len()`, which came from a u32
    }

    fn Skip(&self, count: u32) -> Result<()> {
        self.0.skip(count as usize);
        Ok(())
    }

    fn Reset(&self) -> Result<()> {
        self.0.reset();
        Ok(())
    }

    fn Clone(&self) -> Result<IEnumSyncMgrSyncItems> {
        Ok(SyncItems(self.0.duplicate()).into())
    }
}
