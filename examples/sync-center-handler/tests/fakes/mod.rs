//! Sync Center's side of a sync, played by derived COM objects: a session
//! creator and the session's callback, which records what the handler
//! reports and answers cancel requests from a script.

use std::sync::{Mutex, PoisonError};

use comidl_runtime::hresult::E_NOTIMPL;
use comidl_runtime::{ComObject, WideStr};
use comidl_syncmgr::objidlbase::{IEnumString, IEnumUnknown};
use comidl_syncmgr::syncmgr::{
    ISyncMgrSessionCreator, ISyncMgrSessionCreator_Impl, ISyncMgrSyncCallback,
    ISyncMgrSyncCallback_Impl, ISyncMgrSyncItem, SYNCMGR_CANCEL_REQUEST, SYNCMGR_EVENT_FLAGS,
    SYNCMGR_EVENT_LEVEL, SYNCMGR_PROGRESS_STATUS,
};
use windows_core::{GUID, IUnknown, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub item: String,
    pub text: String,
    pub status: SYNCMGR_PROGRESS_STATUS,
    pub step: u32,
    pub steps: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub item: Option<String>,
    pub level: SYNCMGR_EVENT_LEVEL,
    pub name: String,
    pub description: String,
}

/// When the callback asks the handler to stop.
#[derive(Default)]
pub struct Script {
    /// At this (1-based) `ReportProgress` call, answer this request.
    pub cancel_at_report: Option<(usize, SYNCMGR_CANCEL_REQUEST)>,
    /// From this (1-based) `CanContinue` question about this item on, answer no.
    pub refuse_item: Option<(&'static str, usize)>,
}

#[derive(Default)]
pub struct Log {
    pub progress: Vec<Progress>,
    pub events: Vec<Event>,
    /// The items `CanContinue` was asked about, in order.
    pub questions: Vec<String>,
}

#[derive(ComObject)]
#[com(implements(ISyncMgrSyncCallback))]
pub struct FakeCallback {
    pub script: Script,
    log: Mutex<Log>,
}

impl FakeCallback {
    pub fn new(script: Script) -> Self {
        Self {
            script,
            log: Mutex::default(),
        }
    }

    pub fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The reports about `item`.
    pub fn progress_of(&self, item: &str) -> Vec<Progress> {
        let log = self.log();
        log.progress
            .iter()
            .filter(|p| p.item == item)
            .cloned()
            .collect()
    }

    /// The final status of `item`: its last report.
    pub fn last_status(&self, item: &str) -> SYNCMGR_PROGRESS_STATUS {
        self.progress_of(item).last().expect("no report").status
    }
}

impl ISyncMgrSyncCallback_Impl for FakeCallback {
    fn ReportProgress(
        &self,
        item: &WideStr,
        text: Option<&WideStr>,
        status: SYNCMGR_PROGRESS_STATUS,
        step: u32,
        steps: u32,
        cancel: Option<&mut SYNCMGR_CANCEL_REQUEST>,
    ) -> Result<()> {
        let mut log = self.log();
        log.progress.push(Progress {
            item: item.to_string(),
            text: text.map(WideStr::to_string_lossy).unwrap_or_default(),
            status,
            step,
            steps,
        });
        let request = match self.script.cancel_at_report {
            Some((at, request)) if at == log.progress.len() => request,
            _ => SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_NONE,
        };
        if let Some(cancel) = cancel {
            *cancel = request;
        }
        Ok(())
    }

    fn SetHandlerProgressText(
        &self,
        _text: &WideStr,
        _cancel: Option<&mut SYNCMGR_CANCEL_REQUEST>,
    ) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn ReportEvent(
        &self,
        item: Option<&WideStr>,
        level: SYNCMGR_EVENT_LEVEL,
        _flags: SYNCMGR_EVENT_FLAGS,
        name: &WideStr,
        description: &WideStr,
        _link_text: Option<&WideStr>,
        _link_reference: Option<&WideStr>,
        _context: Option<&WideStr>,
    ) -> Result<GUID> {
        let mut log = self.log();
        log.events.push(Event {
            item: item.map(WideStr::to_string_lossy),
            level,
            name: name.to_string(),
            description: description.to_string(),
        });
        Ok(GUID::from_u128(log.events.len() as u128))
    }

    fn CanContinue(&self, item: &WideStr) -> Result<bool> {
        let mut log = self.log();
        log.questions.push(item.to_string());
        Ok(match self.script.refuse_item {
            Some((refused, from)) if *item == refused => {
                log.questions.iter().filter(|q| *q == refused).count() < from
            }
            _ => true,
        })
    }

    fn QueryForAdditionalItems(&self) -> Result<(IEnumString, IEnumUnknown)> {
        Err(E_NOTIMPL.into())
    }

    fn AddItemToSession(&self, _item: &WideStr) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn AddIUnknownToSession(&self, _unknown: &IUnknown) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn ProposeItem(&self, _item: &ISyncMgrSyncItem) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn CommitItem(&self, _item: &WideStr) -> Result<()> {
        Err(E_NOTIMPL.into())
    }

    fn ReportManualSync(&self) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
}

/// Hands out `callback` for every session, recording the sessions asked for.
#[derive(ComObject)]
#[com(implements(ISyncMgrSessionCreator))]
pub struct FakeCreator {
    pub callback: ComObject<FakeCallback>,
    pub sessions: Mutex<Vec<(String, Option<Vec<String>>)>>,
}

impl FakeCreator {
    pub fn new(script: Script) -> Self {
        Self {
            callback: ComObject::new(FakeCallback::new(script)),
            sessions: Mutex::default(),
        }
    }
}

impl ISyncMgrSessionCreator_Impl for FakeCreator {
    fn CreateSession(
        &self,
        handler: &WideStr,
        items: Option<Vec<&WideStr>>,
    ) -> Result<ISyncMgrSyncCallback> {
        let items = items.map(|items| items.iter().map(|id| id.to_string()).collect());
        self.sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((handler.to_string(), items));
        Ok(self.callback.to_interface())
    }
}
