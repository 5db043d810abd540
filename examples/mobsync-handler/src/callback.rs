//! `ISyncMgrSynchronizeCallback::Progress`, the one call of the handler that
//! needs `unsafe`: its report is a `SYNCMGRPROGRESSITEM`, a structure holding
//! a raw string pointer, and its answer is its success code.

#![allow(unsafe_code)]

use comidl_runtime::PCWSTR;
use comidl_syncmgr::mobsync::{
    ISyncMgrSynchronizeCallback, S_SYNCMGR_CANCELALL, S_SYNCMGR_CANCELITEM, SYNCMGRPROGRESSITEM,
    SYNCMGRPROGRESSITEM_MAXVALUE, SYNCMGRPROGRESSITEM_PROGVALUE, SYNCMGRPROGRESSITEM_STATUSTEXT,
    SYNCMGRPROGRESSITEM_STATUSTYPE, SYNCMGRSTATUS,
};
use windows_core::{GUID, Interface};

/// What mobsync answers a progress report with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Continue,
    CancelItem,
    CancelAll,
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
    let text: Vec<u16> = text.encode_utf16().chain([0]).collect();
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
    match code {
        S_SYNCMGR_CANCELITEM => Answer::CancelItem,
        S_SYNCMGR_CANCELALL => Answer::CancelAll,
        _ => Answer::Continue,
    }
}
