//! mobsync's side of a sync: the progress callback, recording what the
//! handler reports and answering from a script.

use core::ffi::c_void;
use std::cell::{Ref, RefCell};

use comidl_runtime::hresult::{E_NOTIMPL, S_OK};
use comidl_runtime::{Class, ComObject, VtablePtr, WideStr, thunk};
use comidl_syncmgr::mobsync::{
    ISyncMgrSynchronize, ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Impl,
    ISyncMgrSynchronizeCallback_Vtbl, SYNCMGRLOGERROR_ITEMID, SYNCMGRLOGERRORINFO,
    SYNCMGRPROGRESSITEM, SYNCMGRSTATUS,
};
use windows_core::{GUID, HRESULT, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub item: GUID,
    pub status: SYNCMGRSTATUS,
    pub text: String,
    pub value: i32,
    pub max: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedError {
    pub level: u32,
    pub item: Option<GUID>,
    pub text: String,
}

/// How mobsync answers.
#[derive(Default)]
pub struct Script {
    /// At this (1-based) `Progress` call, answer this code.
    pub answer_at_report: Option<(usize, HRESULT)>,
    /// At this `Progress` call, call the handler's `SetItemStatus(item,
    /// SKIPPED)` from inside the call, as mobsync's thread may while the
    /// handler waits for it.
    pub skip_at_report: Option<(usize, GUID)>,
}

#[derive(Default)]
pub struct Log {
    pub reports: Vec<Report>,
    pub errors: Vec<LoggedError>,
    pub prepared: Vec<HRESULT>,
    pub completed: Vec<HRESULT>,
}

/// The callback. Its `Class` is written out instead of derived: mobsync's
/// `Progress` cancels by answering the success codes `S_SYNCMGR_CANCELITEM`
/// and `S_SYNCMGR_CANCELALL`, which a generated thunk cannot return (it
/// turns an `Err` holding a success code into `E_FAIL`). The vtable is the
/// generated one with `Progress` wrapped: the generated thunk records the
/// report, then the wrapper answers the scripted code.
pub struct FakeCallback {
    script: Script,
    /// Who to call `SetItemStatus` on.
    pub handler: RefCell<Option<ISyncMgrSynchronize>>,
    log: RefCell<Log>,
}

const GENERATED: ISyncMgrSynchronizeCallback_Vtbl =
    ISyncMgrSynchronizeCallback_Vtbl::new::<FakeCallback, 0>();

static VTABLE: ISyncMgrSynchronizeCallback_Vtbl = ISyncMgrSynchronizeCallback_Vtbl {
    Progress: scripted_progress,
    ..GENERATED
};

// SAFETY: one vtable, the generated one for this type at slot 0 (its
// `Progress` wraps the generated thunk); `slot_of` names slot 0 only for
// the IIDs that vtable answers.
unsafe impl Class for FakeCallback {
    type Vtables = [VtablePtr; 1];
    const VTABLES: Self::Vtables = [VtablePtr::new(&VTABLE)];

    fn slot_of(iid: &GUID) -> Option<usize> {
        ISyncMgrSynchronizeCallback_Vtbl::matches(iid).then_some(0)
    }
}

unsafe extern "system" fn scripted_progress(
    this: *mut c_void,
    item: *const GUID,
    report: *const SYNCMGRPROGRESSITEM,
) -> HRESULT {
    // SAFETY: called by a client through `VTABLE` with `this` being slot 0
    // of a live `FakeCallback`, which is what the generated thunk expects.
    let recorded = unsafe { (GENERATED.Progress)(this, item, report) };
    if recorded.is_err() {
        return recorded;
    }
    // SAFETY: as above; the object lives during the call.
    let fake = unsafe { thunk::value_of::<FakeCallback, 0>(this) };
    match fake.script.answer_at_report {
        Some((at, code)) if at == fake.log().reports.len() => code,
        _ => S_OK,
    }
}

impl FakeCallback {
    pub fn new(script: Script) -> ComObject<Self> {
        ComObject::new(Self {
            script,
            handler: RefCell::default(),
            log: RefCell::default(),
        })
    }

    pub fn log(&self) -> Ref<'_, Log> {
        self.log.borrow()
    }

    pub fn reports_of(&self, item: GUID) -> Vec<Report> {
        let log = self.log();
        log.reports
            .iter()
            .filter(|r| r.item == item)
            .cloned()
            .collect()
    }

    pub fn last_status(&self, item: GUID) -> SYNCMGRSTATUS {
        self.reports_of(item).last().expect("no report").status
    }
}

impl ISyncMgrSynchronizeCallback_Impl for FakeCallback {
    fn ShowPropertiesCompleted(&self, _hr: HRESULT) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn PrepareForSyncCompleted(&self, hr: HRESULT) -> Result<()> {
        self.log.borrow_mut().prepared.push(hr);
        Ok(())
    }

    fn SynchronizeCompleted(&self, hr: HRESULT) -> Result<()> {
        self.log.borrow_mut().completed.push(hr);
        Ok(())
    }

    fn ShowErrorCompleted(&self, _hr: HRESULT, _items: Option<&[GUID]>) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn EnableModeless(&self, _enable: bool) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn Progress(&self, item: &GUID, report: Option<&SYNCMGRPROGRESSITEM>) -> Result<()> {
        let report = report.expect("a progress report");
        // SAFETY: the handler passes a NUL-terminated text alive during the call.
        let text = unsafe { WideStr::from_ptr(report.lpcStatusText.0) };
        let count = {
            let mut log = self.log.borrow_mut();
            log.reports.push(Report {
                item: *item,
                status: SYNCMGRSTATUS(report.dwStatusType as i32),
                text: text.map(WideStr::to_string_lossy).unwrap_or_default(),
                value: report.iProgValue,
                max: report.iMaxValue,
            });
            log.reports.len()
        };
        if let Some((at, skipped)) = self.script.skip_at_report
            && at == count
        {
            let handler = self.handler.borrow().clone().expect("no handler to call");
            let status = SYNCMGRSTATUS::SYNCMGRSTATUS_SKIPPED.0 as u32;
            handler.SetItemStatus(&skipped, status)?;
        }
        Ok(())
    }

    fn LogError(
        &self,
        level: u32,
        text: &WideStr,
        info: Option<&SYNCMGRLOGERRORINFO>,
    ) -> Result<()> {
        let item = info
            .filter(|info| info.mask & SYNCMGRLOGERROR_ITEMID != 0)
            .map(|info| info.ItemID);
        self.log.borrow_mut().errors.push(LoggedError {
            level,
            item,
            text: text.to_string(),
        });
        Ok(())
    }

    fn DeleteLogError(&self, _error: &GUID, _reserved: u32) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn EstablishConnection(&self, _name: Option<&WideStr>, _reserved: u32) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
}

/// The interface the handler is given.
pub fn interface(callback: &ComObject<FakeCallback>) -> ISyncMgrSynchronizeCallback {
    callback.cast().expect("the callback answers its interface")
}
