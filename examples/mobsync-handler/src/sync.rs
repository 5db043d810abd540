//! `ISyncMgrSynchronize::Synchronize`: each prepared item mirrored in turn,
//! its files the steps of its progress. Reporting is best effort: a report
//! mobsync refuses does not stop the sync.

#![forbid(unsafe_code)]

use comidl_runtime::WideString;
use comidl_runtime::hresult::{E_FAIL, S_OK};
use comidl_syncmgr::mobsync::{
    ISyncMgrSynchronizeCallback, SYNCMGRLOGERROR_ITEMID, SYNCMGRLOGERRORINFO, SYNCMGRLOGLEVEL,
    SYNCMGRSTATUS as Status,
};
use folder_mirror::{Failure, Observer, Step, Summary, mirror};
use windows_core::GUID;

use crate::callback::{self, Answer};
use crate::handler::FolderMirrorSync;
use crate::item_id;

pub fn synchronize(
    handler: &FolderMirrorSync,
    callback: &ISyncMgrSynchronizeCallback,
    items: &[GUID],
) {
    let config = handler.pairs().load();
    if let Err(error) = &config {
        log_error(
            callback,
            None,
            &format!("Cannot read the folder pairs: {error}"),
        );
    }
    let mut failed = config.is_err();
    let mut cancel_all = false;
    for id in items {
        let mut item = ItemSync {
            handler,
            callback,
            id,
            done: 0,
            total: 0,
            answer: Answer::Continue,
        };
        let pair = config
            .as_ref()
            .ok()
            .and_then(|config| config.pairs.iter().find(|pair| item_id(&pair.name) == *id));
        match pair {
            _ if cancel_all => item.report(Status::SYNCMGRSTATUS_STOPPED, "Canceled"),
            _ if handler.is_skipped(id) => item.report(Status::SYNCMGRSTATUS_SKIPPED, "Skipped"),
            None => {
                if config.is_ok() {
                    log_error(callback, Some(id), "No folder pair has this item ID");
                }
                item.report(Status::SYNCMGRSTATUS_FAILED, "Unknown item");
                failed = true;
            }
            Some(pair) => {
                let summary = mirror(pair, &mut item);
                item.finish(&summary);
                failed |= summary.failed > 0;
                cancel_all = item.answer == Answer::CancelAll;
            }
        }
    }
    let _ = callback.SynchronizeCompleted(if failed { E_FAIL } else { S_OK });
}

/// Logs an error, about `item` or the whole handler. Like every report,
/// best effort: one mobsync refuses has nowhere else to go.
fn log_error(callback: &ISyncMgrSynchronizeCallback, item: Option<&GUID>, text: &str) {
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
    let _ = callback.LogError(level, &WideString::from(text), Some(&info));
}

/// The sync of one item: reports to mobsync, remembers the latest cancel
/// request.
struct ItemSync<'a> {
    handler: &'a FolderMirrorSync,
    callback: &'a ISyncMgrSynchronizeCallback,
    id: &'a GUID,
    done: usize,
    total: usize,
    answer: Answer,
}

impl ItemSync<'_> {
    fn report(&mut self, status: Status, text: &str) {
        let answer =
            callback::progress(self.callback, self.id, status, text, self.done, self.total);
        // A request stands until the item ends; cancel-all outranks cancel-item.
        if answer != Answer::Continue && self.answer != Answer::CancelAll {
            self.answer = answer;
        }
    }

    /// The last report of a mirrored item.
    fn finish(&mut self, summary: &Summary) {
        let status = if !summary.canceled {
            if summary.failed > 0 {
                Status::SYNCMGRSTATUS_FAILED
            } else {
                Status::SYNCMGRSTATUS_SUCCEEDED
            }
        } else if self.handler.is_skipped(self.id) {
            Status::SYNCMGRSTATUS_SKIPPED
        } else {
            Status::SYNCMGRSTATUS_STOPPED
        };
        self.report(status, &summary.to_string());
    }
}

impl Observer for ItemSync<'_> {
    fn start(&mut self, total: usize) {
        self.total = total;
        self.report(Status::SYNCMGRSTATUS_UPDATING, &format!("{total} files"));
    }

    fn step(&mut self, step: &Step<'_>) {
        self.done = step.done;
        self.report(Status::SYNCMGRSTATUS_UPDATING, &step.to_string());
    }

    fn failure(&mut self, failure: &Failure) {
        log_error(self.callback, Some(self.id), &failure.to_string());
    }

    fn may_continue(&mut self) -> bool {
        self.answer == Answer::Continue && !self.handler.is_skipped(self.id)
    }
}
