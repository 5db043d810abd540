//! `ISyncMgrHandler::Synchronize`: each requested pair mirrored in turn,
//! its files the steps of its progress.

use comidl_runtime::WideStr;
use comidl_syncmgr::syncmgr::{
    ISyncMgrSessionCreator, SYNCMGR_CANCEL_REQUEST as Cancel, SYNCMGR_PROGRESS_STATUS as Status,
};
use folder_mirror::{Failure, Observer, PairsFile, Step, Summary, mirror};
use windows_core::Result;

use crate::session::Session;

pub fn synchronize(
    pairs: &PairsFile,
    item_ids: &[&WideStr],
    creator: &ISyncMgrSessionCreator,
) -> Result<()> {
    let session = Session::create(creator, item_ids)?;
    let config = pairs.load();
    if let Err(error) = &config {
        session.error(None, "Cannot read the folder pairs", &error.to_string());
    }
    let mut cancel_all = false;
    for id in item_ids {
        let id = id.to_string_lossy();
        let mut item = ItemSync::new(&session, &id);
        let pair = config.as_ref().ok().and_then(|config| config.pair(&id));
        match pair {
            _ if cancel_all => item.report(Status::SYNCMGR_PS_CANCELED, "Canceled"),
            None if config.is_err() => item.report(Status::SYNCMGR_PS_FAILED, "No folder pairs"),
            None => {
                session.error(Some(&id), "Unknown folder pair", &format!("No pair `{id}`"));
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

/// The sync of one item: reports to the session, remembers the latest
/// cancel request.
struct ItemSync<'a> {
    session: &'a Session,
    id: &'a str,
    done: usize,
    total: usize,
    cancel: Cancel,
}

impl<'a> ItemSync<'a> {
    fn new(session: &'a Session, id: &'a str) -> Self {
        Self {
            session,
            id,
            done: 0,
            total: 0,
            cancel: Cancel::SYNCMGR_CR_NONE,
        }
    }

    fn report(&mut self, status: Status, text: &str) {
        let request = self
            .session
            .progress(self.id, text, status, self.done, self.total);
        // A request stands until the item ends; cancel-all outranks cancel-item.
        if request != Cancel::SYNCMGR_CR_NONE && self.cancel != Cancel::SYNCMGR_CR_CANCEL_ALL {
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
        self.session
            .error(Some(self.id), "Cannot mirror", &failure.to_string());
    }

    fn may_continue(&mut self) -> bool {
        self.cancel == Cancel::SYNCMGR_CR_NONE && self.session.can_continue(self.id)
    }
}
