//! `ISyncMgrHandler::Synchronize`: each requested pair mirrored in turn,
//! its files the steps of its progress. Reporting is best effort: a report
//! Sync Center refuses does not stop the sync.

use comidl_runtime::{WideStr, WideString};
use comidl_syncmgr::syncmgr::{
    ISyncMgrSessionCreator, ISyncMgrSyncCallback, MAX_SYNCMGR_PROGRESSTEXT,
    SYNCMGR_CANCEL_REQUEST as Cancel, SYNCMGR_EVENT_FLAGS, SYNCMGR_EVENT_LEVEL,
    SYNCMGR_PROGRESS_STATUS as Status,
};
use folder_mirror::{Failure, Observer, PairsFile, Step, Summary, mirror};
use windows_core::Result;

use crate::HANDLER_ID;

pub fn synchronize(
    pairs: &PairsFile,
    item_ids: &[&WideStr],
    creator: &ISyncMgrSessionCreator,
) -> Result<()> {
    let callback = creator.CreateSession(&WideString::from(HANDLER_ID), Some(item_ids))?;
    let config = pairs.load();
    if let Err(error) = &config {
        report_error(
            &callback,
            None,
            "Cannot read the folder pairs",
            &error.to_string(),
        );
    }
    let mut cancel_all = false;
    for id in item_ids {
        let name = id.to_string_lossy();
        let mut item = ItemSync::new(&callback, id);
        let pair = config.as_ref().ok().and_then(|config| config.pair(&name));
        match pair {
            _ if cancel_all => item.report(Status::SYNCMGR_PS_CANCELED, "Canceled"),
            None if config.is_err() => item.report(Status::SYNCMGR_PS_FAILED, "No folder pairs"),
            None => {
                let description = format!("No pair `{name}`");
                report_error(&callback, Some(id), "Unknown folder pair", &description);
                item.report(Status::SYNCMGR_PS_FAILED, "Unknown folder pair");
            }
            Some(pair) => {
                let summary = mirror(pair, &mut item);
                item.finish(&summary);
                cancel_all = item.cancel == Cancel::SYNCMGR_CR_CANCEL_ALL;
            }
        }
    }
    Ok(())
}

/// Records an error in Sync Center's results, for an item or the whole handler.
fn report_error(
    callback: &ISyncMgrSyncCallback,
    item: Option<&WideStr>,
    name: &str,
    description: &str,
) {
    let _ = callback.ReportEvent(
        item,
        SYNCMGR_EVENT_LEVEL::SYNCMGR_EL_ERROR,
        SYNCMGR_EVENT_FLAGS::SYNCMGR_EF_NONE,
        &WideString::from(name),
        &WideString::from(description),
        None,
        None,
        None,
    );
}

/// The sync of one item: reports to Sync Center, remembers the latest
/// cancel request.
struct ItemSync<'a> {
    callback: &'a ISyncMgrSyncCallback,
    id: &'a WideStr,
    done: usize,
    total: usize,
    cancel: Cancel,
}

impl<'a> ItemSync<'a> {
    fn new(callback: &'a ISyncMgrSyncCallback, id: &'a WideStr) -> Self {
        Self {
            callback,
            id,
            done: 0,
            total: 0,
            cancel: Cancel::SYNCMGR_CR_NONE,
        }
    }

    fn report(&mut self, status: Status, text: &str) {
        // Sync Center takes at most MAX_SYNCMGR_PROGRESSTEXT units, NUL included.
        let limit = MAX_SYNCMGR_PROGRESSTEXT as usize - 1;
        let text = WideString::from_units(&text.encode_utf16().take(limit).collect::<Vec<_>>());
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut request = Cancel::SYNCMGR_CR_NONE;
        let reported = self.callback.ReportProgress(
            self.id,
            Some(&text),
            status,
            count(self.done),
            count(self.total),
            Some(&mut request),
        );
        // A request stands until the item ends; cancel-all outranks cancel-item.
        if reported.is_ok()
            && request != Cancel::SYNCMGR_CR_NONE
            && self.cancel != Cancel::SYNCMGR_CR_CANCEL_ALL
        {
            self.cancel = request;
        }
    }

    /// The last report of a mirrored item.
    fn finish(&mut self, summary: &Summary) {
        let status = if summary.canceled {
            Status::SYNCMGR_PS_CANCELED
        } else if summary.failed > 0 {
            Status::SYNCMGR_PS_FAILED
        } else {
            Status::SYNCMGR_PS_SUCCEEDED
        };
        self.report(status, &summary.to_string());
    }
}

impl Observer for ItemSync<'_> {
    fn start(&mut self, total: usize) {
        self.total = total;
        self.report(Status::SYNCMGR_PS_UPDATING, &format!("{total} files"));
    }

    fn step(&mut self, step: &Step<'_>) {
        self.done = step.done;
        self.report(Status::SYNCMGR_PS_UPDATING, &step.to_string());
    }

    fn failure(&mut self, failure: &Failure) {
        report_error(
            self.callback,
            Some(self.id),
            "Cannot mirror",
            &failure.to_string(),
        );
    }

    /// No once Sync Center asked to cancel the item, or cannot be asked.
    fn may_continue(&mut self) -> bool {
        self.cancel == Cancel::SYNCMGR_CR_NONE
            && self.callback.CanContinue(self.id).unwrap_or(false)
    }
}
