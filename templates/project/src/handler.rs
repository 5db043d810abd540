//! The handler: its name and information, and synchronization, which
//! reports each item's progress to Sync Center.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use comidl_runtime::hresult::E_NOTIMPL;
use comidl_runtime::{PCWSTR, WideStr};
use windows_core::{GUID, IUnknown, Result};

use crate::bindings::syncmgr::*;
use crate::bindings::wtypes::HWND;
use crate::bindings::wtypesbase::FILETIME;

/// The handler's ID in its collection (at most `MAX_SYNCMGR_ID` characters).
pub const HANDLER_ID: &str = "{{ handler_clsid }}";

/// What Sync Center shows as the handler's name.
const NAME: &str = "{{ handler_name }}";

/// Steps of one item's synchronization, as its progress reports count them.
const STEPS: u32 = 1;

/// When any handler of this DLL last finished synchronizing.
static LAST_SYNC: Mutex<Option<FILETIME>> = Mutex::new(None);

/// The sync handler.
#[derive(Default, comidl_runtime::ComObject)]
#[com(implements(ISyncMgrHandler))]
#[com(
    clsid = "{{ handler_clsid }}",
    description = "{{ handler_name }}"
)]
pub struct Handler {
    disabled: AtomicBool,
}

impl ISyncMgrHandler_Impl for Handler {
    fn GetName(&self) -> Result<String> {
        Ok(NAME.into())
    }

    fn GetHandlerInfo(&self) -> Result<ISyncMgrHandlerInfo> {
        let info = HandlerInfo {
            enabled: !self.disabled.load(Ordering::Relaxed),
        };
        Ok(info.into())
    }

    fn GetObject(&self, _object_id: &GUID) -> Result<IUnknown> {
        // No icon, event store or conflict store (see GetCapabilities).
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

    fn Enable(&self, enable: bool) -> Result<()> {
        self.disabled.store(!enable, Ordering::Relaxed);
        Ok(())
    }

    fn Synchronize(
        &self,
        item_ids: Vec<&WideStr>,
        _owner: HWND,
        session_creator: &ISyncMgrSessionCreator,
        _context: Option<&IUnknown>,
    ) -> Result<()> {
        let items: Vec<Vec<u16>> = item_ids
            .iter()
            .map(|id| nul_terminated(id.as_units()))
            .collect();
        let pointers: Vec<PCWSTR> = items.iter().map(|id| PCWSTR(id.as_ptr())).collect();
        let handler_id = nul_terminated(&HANDLER_ID.encode_utf16().collect::<Vec<_>>());
        let working = nul_terminated(&"Synchronizing".encode_utf16().collect::<Vec<_>>());
        let done = nul_terminated(&"Up to date".encode_utf16().collect::<Vec<_>>());
        let canceled = nul_terminated(&"Canceled".encode_utf16().collect::<Vec<_>>());
        let callback =
            unsafe { session_creator.CreateSession(PCWSTR(handler_id.as_ptr()), Some(&pointers)) }?;
        for item in &pointers {
            let mut cancel = SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_NONE;
            unsafe {
                callback.ReportProgress(
                    *item,
                    PCWSTR(working.as_ptr()),
                    SYNCMGR_PROGRESS_STATUS::SYNCMGR_PS_UPDATING,
                    0,
                    STEPS,
                    &mut cancel,
                )
            }?;
            if cancel != SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_NONE {
                unsafe {
                    callback.ReportProgress(
                        *item,
                        PCWSTR(canceled.as_ptr()),
                        SYNCMGR_PROGRESS_STATUS::SYNCMGR_PS_CANCELED,
                        0,
                        STEPS,
                        core::ptr::null_mut(),
                    )
                }?;
                if cancel == SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_CANCEL_ALL {
                    break;
                }
                continue;
            }
            // The real work for the item goes here.
            unsafe {
                callback.ReportProgress(
                    *item,
                    PCWSTR(done.as_ptr()),
                    SYNCMGR_PROGRESS_STATUS::SYNCMGR_PS_SUCCEEDED,
                    STEPS,
                    STEPS,
                    core::ptr::null_mut(),
                )
            }?;
        }
        *LAST_SYNC.lock().unwrap_or_else(|p| p.into_inner()) = Some(now());
        Ok(())
    }
}

fn nul_terminated(units: &[u16]) -> Vec<u16> {
    units.iter().copied().chain([0]).collect()
}

/// The handler's information, as Sync Center shows it.
#[derive(comidl_runtime::ComObject)]
#[com(implements(ISyncMgrHandlerInfo))]
pub struct HandlerInfo {
    enabled: bool,
}

impl ISyncMgrHandlerInfo_Impl for HandlerInfo {
    fn GetType(&self) -> Result<SYNCMGR_HANDLER_TYPE> {
        Ok(SYNCMGR_HANDLER_TYPE::SYNCMGR_HT_APPLICATION)
    }

    fn GetTypeLabel(&self) -> Result<String> {
        Ok("Application".into())
    }

    fn GetComment(&self) -> Result<String> {
        Ok("Made with comidl".into())
    }

    fn GetLastSyncTime(&self) -> Result<FILETIME> {
        // Never synchronized yet: Sync Center shows no time.
        LAST_SYNC
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .ok_or_else(|| E_NOTIMPL.into())
    }

    fn IsActive(&self) -> Result<bool> {
        // Sync Center keeps track of activation itself.
        Err(E_NOTIMPL.into())
    }

    fn IsEnabled(&self) -> Result<bool> {
        Ok(self.enabled)
    }

    fn IsConnected(&self) -> Result<bool> {
        Ok(true)
    }
}

/// The time now, as a `FILETIME` (100 ns units since 1601-01-01).
fn now() -> FILETIME {
    /// Seconds from 1601-01-01 to 1970-01-01.
    const UNIX_EPOCH_IN_FILETIME_SECONDS: u64 = 11_644_473_600;
    let since_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let ticks = (since_unix.as_secs() + UNIX_EPOCH_IN_FILETIME_SECONDS) * 10_000_000
        + u64::from(since_unix.subsec_nanos() / 100);
    FILETIME {
        dwLowDateTime: ticks as u32,
        dwHighDateTime: (ticks >> 32) as u32,
    }
}
