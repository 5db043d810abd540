//! The handler collection: what Sync Center creates first, to learn which
//! handlers there are and to make them.

#![forbid(unsafe_code)]

use std::sync::{Mutex, MutexGuard, PoisonError};

use comidl_runtime::hresult::{E_INVALIDARG, E_OUTOFMEMORY};
use comidl_runtime::task_mem::TaskMem;
use comidl_runtime::{PWSTR, WideStr};
use windows_core::{IUnknown, Result};

use crate::bindings::objidlbase::{IEnumString, IEnumString_Impl};
use crate::bindings::syncmgr::{
    ISyncMgrHandler, ISyncMgrHandlerCollection, ISyncMgrHandlerCollection_Impl,
};
use crate::handler::{HANDLER_ID, Handler};

/// Registered under Sync Center's handler collections; lists one handler.
#[derive(Default, comidl_runtime::ComObject)]
#[com(implements(ISyncMgrHandlerCollection))]
#[com(
    clsid = "{{ collection_clsid }}",
    description = "{{ handler_name }} collection"
)]
#[com(sync_center_collection(description = "{{ handler_name }}"))]
pub struct HandlerCollection;

impl ISyncMgrHandlerCollection_Impl for HandlerCollection {
    fn GetHandlerEnumerator(&self) -> Result<IEnumString> {
        Ok(HandlerIds::default().into())
    }

    fn BindToHandler(&self, handler_id: &WideStr) -> Result<IUnknown> {
        if *handler_id == HANDLER_ID {
            let handler: ISyncMgrHandler = Handler::default().into();
            Ok(handler.into())
        } else {
            // No handler of this collection has that ID.
            Err(E_INVALIDARG.into())
        }
    }
}

/// The IDs of the collection's handlers, as an `IEnumString`.
#[derive(Default, comidl_runtime::ComObject)]
#[com(implements(IEnumString))]
pub struct HandlerIds {
    /// How many IDs were handed out (or skipped).
    position: Mutex<usize>,
}

const IDS: &[&str] = &[HANDLER_ID];

impl HandlerIds {
    fn position(&self) -> MutexGuard<'_, usize> {
        // A panic holding the lock leaves a plain number: still usable.
        self.position.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl IEnumString_Impl for HandlerIds {
    fn Next(&self, slots: &mut [PWSTR]) -> Result<u32> {
        let mut position = self.position();
        let ids = &IDS[(*position).min(IDS.len())..];
        let fetched = ids.len().min(slots.len());
        // Every string is allocated before any is handed over, so that a
        // failure leaves nothing half-written (the `TaskMem`s free themselves).
        let strings = ids[..fetched]
            .iter()
            .map(|id| task_mem_string(id).ok_or(E_OUTOFMEMORY))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for (slot, string) in slots.iter_mut().zip(strings) {
            // The caller frees it with CoTaskMemFree.
            *slot = PWSTR(string.into_raw());
        }
        *position += fetched;
        Ok(u32::try_from(fetched).unwrap_or(u32::MAX))
    }

    fn Skip(&self, count: u32) -> Result<()> {
        let mut position = self.position();
        *position = position.saturating_add(count as usize);
        Ok(())
    }

    fn Reset(&self) -> Result<()> {
        *self.position() = 0;
        Ok(())
    }

    fn Clone(&self) -> Result<IEnumString> {
        let copy = HandlerIds {
            position: Mutex::new(*self.position()),
        };
        Ok(copy.into())
    }
}

/// `text` as a NUL-terminated UTF-16 string in COM task memory.
fn task_mem_string(text: &str) -> Option<TaskMem<u16>> {
    let units: Vec<u16> = text.encode_utf16().chain([0]).collect();
    let mut memory = TaskMem::alloc(units.len())?;
    for (slot, unit) in memory.as_uninit_slice().iter_mut().zip(units) {
        slot.write(unit);
    }
    Some(memory)
}
