//! The class Sync Center creates: the collection of Folder Mirror's one
//! handler.

use comidl_runtime::hresult::{E_INVALIDARG, E_OUTOFMEMORY};
use comidl_runtime::task_mem::TaskMem;
use comidl_runtime::{ComObject, PWSTR, WideStr};
use comidl_syncmgr::objidlbase::{IEnumString, IEnumString_Impl};
use comidl_syncmgr::syncmgr::{
    ISyncMgrHandler, ISyncMgrHandlerCollection, ISyncMgrHandlerCollection_Impl,
};
use folder_mirror::{Cursor, PairsFile};
use windows_core::{Error, IUnknown, Result};

use crate::handler::FolderMirrorHandler;

/// The ID of the handler in the collection.
pub const HANDLER_ID: &str = "FolderMirror";

#[derive(ComObject)]
#[com(implements(ISyncMgrHandlerCollection))]
#[com(
    clsid = "6f0e8a52-3c1d-4b7e-9a25-d41c0b9e7f31",
    description = "Folder Mirror handler collection"
)]
#[com(sync_center_collection(description = "Folder Mirror"))]
pub struct FolderMirrorHandlers {
    pairs: PairsFile,
}

impl Default for FolderMirrorHandlers {
    /// Reads the pairs file named by the environment (see `folder_mirror::default_config_path`).
    fn default() -> Self {
        Self {
            pairs: PairsFile::FromEnvironment,
        }
    }
}

impl FolderMirrorHandlers {
    /// A collection whose handler reads `pairs` (tests give each their own).
    pub fn new(pairs: PairsFile) -> Self {
        Self { pairs }
    }
}

impl ISyncMgrHandlerCollection_Impl for FolderMirrorHandlers {
    fn GetHandlerEnumerator(&self) -> Result<IEnumString> {
        Ok(HandlerIds(Cursor::new([HANDLER_ID])).into())
    }

    fn BindToHandler(&self, id: &WideStr) -> Result<IUnknown> {
        if *id != HANDLER_ID {
            return Err(Error::new(E_INVALIDARG, format!("no handler `{id}`")));
        }
        let handler: ISyncMgrHandler = FolderMirrorHandler::new(self.pairs.clone()).into();
        Ok(handler.into())
    }
}

#[derive(ComObject)]
#[com(implements(IEnumString))]
struct HandlerIds(Cursor<&'static str>);

impl IEnumString_Impl for HandlerIds {
    fn Next(&self, out: &mut [PWSTR]) -> Result<u32> {
        let ids = self.0.next(out.len());
        // All allocated before any is handed out: a failure frees them all.
        let strings = ids
            .iter()
            .map(|id| task_mem_string(id))
            .collect::<Option<Vec<_>>>()
            .ok_or(E_OUTOFMEMORY)?;
        for (slot, string) in out.iter_mut().zip(strings) {
            *slot = PWSTR(string.into_raw());
        }
        Ok(ids.len() as u32) // at most `out.len()`, which came from a u32
    }

    fn Skip(&self, count: u32) -> Result<()> {
        self.0.skip(count as usize);
        Ok(())
    }

    fn Reset(&self) -> Result<()> {
        self.0.reset();
        Ok(())
    }

    fn Clone(&self) -> Result<IEnumString> {
        Ok(HandlerIds(self.0.duplicate()).into())
    }
}

/// `text`, NUL-terminated, in task memory (the caller frees it).
fn task_mem_string(text: &str) -> Option<TaskMem<u16>> {
    let units: Vec<u16> = text.encode_utf16().chain([0]).collect();
    let mut memory = TaskMem::alloc(units.len())?;
    for (slot, unit) in memory.as_uninit_slice().iter_mut().zip(units) {
        slot.write(unit);
    }
    Some(memory)
}
