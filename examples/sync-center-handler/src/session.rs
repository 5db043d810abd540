//! The calls the handler makes on Sync Center's session, each a method
//! that cannot fail the sync: reporting is best effort.

#![allow(unsafe_code)] // until the consumer methods are safe

use comidl_runtime::{PCWSTR, WideStr};
use comidl_syncmgr::syncmgr::{
    ISyncMgrSessionCreator, ISyncMgrSyncCallback, MAX_SYNCMGR_PROGRESSTEXT, SYNCMGR_CANCEL_REQUEST,
    SYNCMGR_EVENT_FLAGS, SYNCMGR_EVENT_LEVEL, SYNCMGR_PROGRESS_STATUS,
};
use windows_core::Result;

use crate::HANDLER_ID;

pub struct Session {
    callback: ISyncMgrSyncCallback,
}

/// `units` with a NUL appended.
fn nul_terminated(units: impl IntoIterator<Item = u16>) -> Vec<u16> {
    units.into_iter().chain([0]).collect()
}

/// `text` as a NUL-terminated string of at most `limit` units, NUL included.
fn wide(text: &str, limit: usize) -> Vec<u16> {
    nul_terminated(text.encode_utf16().take(limit - 1))
}

impl Session {
    /// Starts the session of `item_ids`.
    pub fn create(creator: &ISyncMgrSessionCreator, item_ids: &[&WideStr]) -> Result<Self> {
        let handler = wide(HANDLER_ID, usize::MAX);
        let ids: Vec<Vec<u16>> = item_ids
            .iter()
            .map(|id| nul_terminated(id.as_units().iter().copied()))
            .collect();
        let pointers: Vec<PCWSTR> = ids.iter().map(|id| PCWSTR(id.as_ptr())).collect();
        // SAFETY: each pointer is to a NUL-terminated string alive during the call.
        let callback = unsafe { creator.CreateSession(PCWSTR(handler.as_ptr()), Some(&pointers)) }?;
        Ok(Self { callback })
    }

    /// Reports the progress of `item`; returns the cancel request Sync Center answers.
    pub fn progress(
        &self,
        item: &str,
        text: &str,
        status: SYNCMGR_PROGRESS_STATUS,
        step: usize,
        steps: usize,
    ) -> SYNCMGR_CANCEL_REQUEST {
        let item = wide(item, usize::MAX);
        let text = wide(text, MAX_SYNCMGR_PROGRESSTEXT as usize);
        let mut cancel = SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_NONE;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        // SAFETY: NUL-terminated strings and a writable request, alive during the call.
        let reported = unsafe {
            self.callback.ReportProgress(
                PCWSTR(item.as_ptr()),
                PCWSTR(text.as_ptr()),
                status,
                count(step),
                count(steps),
                &mut cancel,
            )
        };
        match reported {
            Ok(()) => cancel,
            // Sync Center no longer listens (after a final status, for one).
            Err(_) => SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_NONE,
        }
    }

    /// Records an error in Sync Center's results, for `item` or the whole handler.
    pub fn error(&self, item: Option<&str>, name: &str, description: &str) {
        let item = item.map(|item| wide(item, usize::MAX));
        let (name, description) = (wide(name, usize::MAX), wide(description, usize::MAX));
        let item = item
            .as_ref()
            .map_or(PCWSTR::null(), |item| PCWSTR(item.as_ptr()));
        // SAFETY: NUL-terminated strings (or null where optional), alive during the call.
        let reported = unsafe {
            self.callback.ReportEvent(
                item,
                SYNCMGR_EVENT_LEVEL::SYNCMGR_EL_ERROR,
                SYNCMGR_EVENT_FLAGS::SYNCMGR_EF_NONE,
                PCWSTR(name.as_ptr()),
                PCWSTR(description.as_ptr()),
                PCWSTR::null(),
                PCWSTR::null(),
                PCWSTR::null(),
            )
        };
        // An event Sync Center refuses has nowhere else to go.
        let _ = reported;
    }

    /// Whether `item` may go on: `false` once Sync Center asked to cancel it
    /// or cannot be asked.
    pub fn can_continue(&self, item: &str) -> bool {
        let item = wide(item, usize::MAX);
        // SAFETY: a NUL-terminated string alive during the call.
        unsafe { self.callback.CanContinue(PCWSTR(item.as_ptr())) }.unwrap_or(false)
    }
}
