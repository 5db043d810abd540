//! The handler: its name and information, and synchronization, which
//! reports each item's progress to Sync Center.

#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use comidl_runtime::hresult::E_NOTIMPL;
use comidl_runtime::{WideStr, WideString};
use windows_core::{GUID, IUnknown, Result};

use crate::bindings::syncmgr::*;
use crate::bindings::wtypes::HWND;
use crate::bindings::wtypesbase::FILETIME;

use SYNCMGR_CANCEL_REQUEST as Cancel;
use SYNCMGR_PROGRESS_STATUS as Status;

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
        let callback =
            session_creator.CreateSession(&WideString::from(HANDLER_ID), Some(&item_ids))?;
        for item in item_ids {
            let mut cancel = Cancel::SYNCMGR_CR_NONE;
            report(
                &callback,
                item,
                Status::SYNCMGR_PS_UPDATING,
                Some(&mut cancel),
            )?;
            if cancel != Cancel::SYNCMGR_CR_NONE {
                report(&callback, item, Status::SYNCMGR_PS_CANCELED, None)?;
                if cancel == Cancel::SYNCMGR_CR_CANCEL_ALL {
                    break;
                }
                continue;
            }
            // The real work for the item goes here.
            report(&callback, item, Status::SYNCMGR_PS_SUCCEEDED, None)?;
        }
        *LAST_SYNC.lock().unwrap_or_else(PoisonError::into_inner) = Some(now());
        Ok(())
    }
}

/// Tells Sync Center where `item` is; the text and step follow from `status`.
/// Sync Center answers a cancel request through `cancel`.
fn report(
    callback: &ISyncMgrSyncCallback,
    item: &WideStr,
    status: Status,
    cancel: Option<&mut Cancel>,
) -> Result<()> {
    let (text, step) = match status {
        Status::SYNCMGR_PS_SUCCEEDED => ("Up to date", STEPS),
        Status::SYNCMGR_PS_CANCELED => ("Canceled", 0),
        _ => ("Synchronizing", 0),
    };
    callback.ReportProgress(
        item,
        Some(&WideString::from(text)),
        status,
        step,
        STEPS,
        cancel,
    )
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
        let last_sync = *LAST_SYNC.lock().unwrap_or_else(PoisonError::into_inner);
        // Not synchronized yet: Sync Center shows no time.
        last_sync.ok_or_else(|| E_NOTIMPL.into())
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
