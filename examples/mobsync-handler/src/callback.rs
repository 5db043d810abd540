//! The calls on mobsync's callback. `Progress` and `LogError` take
//! structures holding raw pointers, so they stay `unsafe`; this is the only
//! module of the handler allowed unsafe code, one block per call.

#![allow(unsafe_code)]

use comidl_runtime::PCWSTR;
use comidl_syncmgr::mobsync::{
    ISyncMgrSynchronizeCallback, S_SYNCMGR_CANCELALL, S_SYNCMGR_CANCELITEM, SYNCMGRLOGERROR_ITEMID,
    SYNCMGRLOGERRORINFO, SYNCMGRLOGLEVEL, SYNCMGRPROGRESSITEM, SYNCMGRPROGRESSITEM_MAXVALUE,
    SYNCMGRPROGRESSITEM_PROGVALUE, SYNCMGRPROGRESSITEM_STATUSTEXT, SYNCMGRPROGRESSITEM_STATUSTYPE,
    SYNCMGRSTATUS,
};
use windows_core::{GUID, HRESULT, Interface};

/// What mobsync answers a progress report with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Continue,
    CancelItem,
    CancelAll,
}

impl Answer {
    /// `Progress` cancels through its success code.
    pub fn from_code(code: HRESULT) -> Answer {
        match code {
            S_SYNCMGR_CANCELITEM => Answer::CancelItem,
            S_SYNCMGR_CANCELALL => Answer::CancelAll,
            _ => Answer::Continue,
        }
    }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// Reports the status and progress of `item`.
pub fn progress(
    callback: &ISyncMgrSynchronizeCallback,
    item: &GUID,
    status: SYNCMGRSTATUS,
    text: &str,
    value: usize,
    max: usize,
) -> Answer {
    let text = wide(text);
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let report = SYNCMGRPROGRESSITEM {
        cbSize: size_of::<SYNCMGRPROGRESSITEM>() as u32,
        mask: SYNCMGRPROGRESSITEM_STATUSTEXT
            | SYNCMGRPROGRESSITEM_STATUSTYPE
            | SYNCMGRPROGRESSITEM_PROGVALUE
            | SYNCMGRPROGRESSITEM_MAXVALUE,
        lpcStatusText: PCWSTR(text.as_ptr()),
        dwStatusType: status.0 as u32,
        iProgValue: count(value),
        iMaxValue: count(max),
    };
    // The slot is called directly: the generated method makes every success
    // code `Ok(())`, and here the success code is the answer.
    // SAFETY: `callback` is a live interface; `item` and `report`, and the
    // NUL-terminated `text` it points to, outlive the call.
    let code = unsafe { (callback.vtable().Progress)(callback.as_raw(), item, &report) };
    Answer::from_code(code)
}

/// Logs an error, about `item` or the whole handler.
pub fn log_error(callback: &ISyncMgrSynchronizeCallback, item: Option<&GUID>, text: &str) {
    let text = wide(text);
    let info = SYNCMGRLOGERRORINFO {
        cbSize: size_of::<SYNCMGRLOGERRORINFO>() as u32,
        mask: if item.is_some() {
            SYNCMGRLOGERROR_ITEMID
        } else {
            0
        },
        ItemID: item.copied().unwrap_or_default(),
        ..SYNCMGRLOGERRORINFO::default()
    };
    let level = SYNCMGRLOGLEVEL::SYNCMGRLOGLEVEL_ERROR.0 as u32;
    // SAFETY: a live interface; the NUL-terminated `text` and `info` outlive the call.
    let logged = unsafe { callback.LogError(level, PCWSTR(text.as_ptr()), &info) };
    // A message mobsync refuses has nowhere else to go.
    let _ = logged;
}

/// Ends `PrepareForSync`.
pub fn prepare_completed(callback: &ISyncMgrSynchronizeCallback, code: HRESULT) {
    // SAFETY: a live interface; the argument is a plain value.
    let _ = unsafe { callback.PrepareForSyncCompleted(code) };
}

/// Ends `Synchronize`.
pub fn synchronize_completed(callback: &ISyncMgrSynchronizeCallback, code: HRESULT) {
    // SAFETY: a live interface; the argument is a plain value.
    let _ = unsafe { callback.SynchronizeCompleted(code) };
}
