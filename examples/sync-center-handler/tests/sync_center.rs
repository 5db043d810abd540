//! Playing Sync Center against the handler, through its vtables: the
//! collection, the handler and its items, and syncs of real temporary
//! folders with progress, cancel requests and failures.

mod fakes;
#[path = "../../test-support/folders.rs"]
mod folders;

use comidl_runtime::hresult::{E_INVALIDARG, E_NOTIMPL};
use comidl_runtime::{ComObject, PWSTR, WideStr, WideString};
use comidl_syncmgr::syncmgr::{
    ISyncMgrHandler, ISyncMgrHandlerCollection, ISyncMgrSessionCreator, ISyncMgrSyncItem,
    ISyncMgrSyncItemContainer, SYNCMGR_CANCEL_REQUEST as Cancel, SYNCMGR_EVENT_LEVEL,
    SYNCMGR_HANDLER_TYPE, SYNCMGR_PROGRESS_STATUS as Status,
};
use comidl_syncmgr::wtypes::HWND;
use fakes::{FakeCreator, Progress, Script};
use folder_mirror::PairsFile;
use folders::{Fixture, TREE, files_under, names};
use sync_center_handler::{FolderMirrorHandlers, HANDLER_ID};
use windows_core::Interface;

/// A string the handler handed over in task memory; frees it.
fn take_string(string: PWSTR) -> String {
    // SAFETY: a NUL-terminated string in task memory, ours to free.
    unsafe {
        let text = WideStr::from_ptr(string.0)
            .expect("null string")
            .to_string();
        comidl_runtime::task_mem::free(string.0.cast());
        text
    }
}

fn collection(f: &Fixture) -> ISyncMgrHandlerCollection {
    FolderMirrorHandlers::new(PairsFile::At(f.config.clone())).into()
}

/// The handler, bound through the collection as Sync Center does.
fn handler(f: &Fixture) -> ISyncMgrHandler {
    collection(f)
        .BindToHandler(&WideString::from(HANDLER_ID))
        .unwrap()
}

/// Synchronizes `items` with a session scripted by `script`.
fn synchronize(f: &Fixture, items: &[&str], script: Script) -> ComObject<FakeCreator> {
    let creator = ComObject::new(FakeCreator::new(script));
    let ids: Vec<WideString> = items.iter().map(|&id| id.into()).collect();
    let ids: Vec<&WideStr> = ids.iter().map(|id| &**id).collect();
    let session_creator: ISyncMgrSessionCreator = creator.to_interface();
    handler(f)
        .Synchronize(&ids, HWND::default(), &session_creator, None)
        .expect("Synchronize reports failures as events, never fails");
    creator
}

fn step(item: &str, text: &str, status: Status, step: u32, steps: u32) -> Progress {
    Progress {
        item: item.into(),
        text: text.into(),
        status,
        step,
        steps,
    }
}

#[test]
fn collection_handler_and_items_answer_sync_center() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", &[("p.jpg", "jpeg")])]);
    let collection = collection(&f);
    let ids = collection.GetHandlerEnumerator().unwrap();
    let mut slots = [PWSTR::null(), PWSTR::null()];
    let mut fetched = 0;
    ids.Next(&mut slots, &mut fetched).unwrap();
    assert_eq!(fetched, 1);
    assert_eq!(take_string(slots[0]), HANDLER_ID);
    ids.Reset().unwrap();
    let copy = ids.Clone().unwrap();
    copy.Next(&mut slots[..1], &mut fetched).unwrap();
    assert_eq!((fetched, take_string(slots[0])), (1, HANDLER_ID.into()));

    let refused = collection.BindToHandler::<ISyncMgrHandler>(&WideString::from("Other"));
    assert_eq!(refused.unwrap_err().code(), E_INVALIDARG);

    let handler = handler(&f);
    assert_eq!(take_string(handler.GetName().unwrap()), "Folder Mirror");
    let info = handler.GetHandlerInfo().unwrap();
    assert_eq!(
        info.GetType().unwrap(),
        SYNCMGR_HANDLER_TYPE::SYNCMGR_HT_FOLDER
    );
    assert_eq!(take_string(info.GetTypeLabel().unwrap()), "Folder mirror");
    assert!(take_string(info.GetComment().unwrap()).contains("pairs.txt"));
    assert_eq!(info.IsActive().unwrap_err().code(), E_NOTIMPL);
    assert!(info.IsConnected().unwrap());

    let container: ISyncMgrSyncItemContainer = handler.cast().unwrap();
    assert_eq!(container.GetSyncItemCount().unwrap(), 2);
    let items = container.GetSyncItemEnumerator().unwrap();
    let mut slots: [Option<ISyncMgrSyncItem>; 3] = Default::default();
    items.Next(&mut slots, &mut fetched).unwrap();
    assert_eq!(fetched, 2);
    let listed: Vec<(String, String)> = slots[..2]
        .iter()
        .map(|item| {
            let item = item.as_ref().unwrap();
            (
                take_string(item.GetItemID().unwrap()),
                take_string(item.GetName().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("Docs".into(), "Docs".into()),
            ("Photos".into(), "Photos".into())
        ]
    );
    assert!(slots[2].is_none());

    let item = container.GetSyncItem(&WideString::from("Photos")).unwrap();
    let comment = take_string(item.GetItemInfo().unwrap().GetComment().unwrap());
    assert!(
        comment.contains(&f.source("Photos").display().to_string()),
        "{comment}"
    );
    assert!(container.GetSyncItem(&WideString::from("Music")).is_err());
}

#[test]
fn synchronize_mirrors_each_requested_pair() {
    let f = Fixture::new(&[
        ("Docs", TREE),
        ("Photos", &[("p.jpg", "jpeg")]),
        ("Music", TREE),
    ]);
    let creator = synchronize(&f, &["Docs", "Photos"], Script::default());
    assert_eq!(
        *creator.sessions.lock().unwrap(),
        [(
            HANDLER_ID.into(),
            Some(vec!["Docs".into(), "Photos".into()])
        )]
    );
    for name in ["Docs", "Photos"] {
        assert_eq!(files_under(&f.target(name)), files_under(&f.source(name)));
    }
    assert!(!f.target("Music").exists(), "not requested");
    let callback = &creator.callback;
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        callback.progress_of("Docs"),
        [
            step("Docs", "4 files", Status::SYNCMGR_PS_UPDATING, 0, 4),
            step("Docs", "Copied a.txt", Status::SYNCMGR_PS_UPDATING, 1, 4),
            step("Docs", "Copied b.txt", Status::SYNCMGR_PS_UPDATING, 2, 4),
            step(
                "Docs",
                &format!("Copied sub{sep}c.txt"),
                Status::SYNCMGR_PS_UPDATING,
                3,
                4
            ),
            step(
                "Docs",
                &format!("Copied sub{sep}deeper{sep}d.txt"),
                Status::SYNCMGR_PS_UPDATING,
                4,
                4
            ),
            step(
                "Docs",
                "4 copied, 0 up to date, 0 failed",
                Status::SYNCMGR_PS_SUCCEEDED,
                4,
                4
            ),
        ]
    );
    assert_eq!(callback.last_status("Photos"), Status::SYNCMGR_PS_SUCCEEDED);
    assert_eq!(callback.log().questions.len(), 5, "asked before each file");
    assert!(callback.log().events.is_empty());

    // Again: nothing to copy.
    let again = synchronize(&f, &["Docs"], Script::default());
    let last = again.callback.progress_of("Docs").pop().unwrap();
    assert_eq!(last.text, "0 copied, 4 up to date, 0 failed");
}

#[test]
fn can_continue_answering_no_stops_that_item_only() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", TREE)]);
    let script = Script {
        refuse_item: Some(("Docs", 3)),
        ..Script::default()
    };
    let creator = synchronize(&f, &["Docs", "Photos"], script);
    assert_eq!(names(&files_under(&f.target("Docs"))), ["a.txt", "b.txt"]);
    assert_eq!(
        files_under(&f.target("Photos")),
        files_under(&f.source("Photos"))
    );
    let docs = creator.callback.progress_of("Docs");
    assert_eq!(
        docs.last().unwrap(),
        &step(
            "Docs",
            "2 copied, 0 up to date, 0 failed",
            Status::SYNCMGR_PS_CANCELED,
            2,
            4
        )
    );
    assert_eq!(
        creator.callback.last_status("Photos"),
        Status::SYNCMGR_PS_SUCCEEDED
    );
}

#[test]
fn a_cancel_item_request_stops_that_item_only() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", TREE)]);
    // Reports 1 and 2 are Docs' start and first file.
    let script = Script {
        cancel_at_report: Some((2, Cancel::SYNCMGR_CR_CANCEL_ITEM)),
        ..Script::default()
    };
    let creator = synchronize(&f, &["Docs", "Photos"], script);
    assert_eq!(names(&files_under(&f.target("Docs"))), ["a.txt"]);
    assert_eq!(
        creator.callback.last_status("Docs"),
        Status::SYNCMGR_PS_CANCELED
    );
    assert_eq!(
        files_under(&f.target("Photos")),
        files_under(&f.source("Photos"))
    );
    assert_eq!(
        creator.callback.last_status("Photos"),
        Status::SYNCMGR_PS_SUCCEEDED
    );
}

#[test]
fn a_cancel_all_request_stops_the_rest() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", TREE)]);
    let script = Script {
        cancel_at_report: Some((3, Cancel::SYNCMGR_CR_CANCEL_ALL)),
        ..Script::default()
    };
    let creator = synchronize(&f, &["Docs", "Photos"], script);
    assert_eq!(names(&files_under(&f.target("Docs"))), ["a.txt", "b.txt"]);
    assert!(!f.target("Photos").exists());
    assert_eq!(
        creator.callback.last_status("Docs"),
        Status::SYNCMGR_PS_CANCELED
    );
    assert_eq!(
        creator.callback.progress_of("Photos"),
        [step(
            "Photos",
            "Canceled",
            Status::SYNCMGR_PS_CANCELED,
            0,
            0
        )]
    );
}

#[test]
fn failures_become_error_events_and_the_rest_is_synced() {
    let f = Fixture::new(&[("Docs", TREE), ("Gone", &[])]);
    std::fs::remove_dir(f.source("Gone")).unwrap();
    // The target holds a folder where b.txt should go: that copy fails.
    std::fs::create_dir_all(f.target("Docs").join("b.txt").join("x")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        f.source("Docs").join("nowhere"),
        f.source("Docs").join("link.txt"),
    )
    .unwrap();
    let creator = synchronize(&f, &["Docs", "Gone", "Unlisted"], Script::default());

    assert_eq!(
        names(&files_under(&f.target("Docs"))),
        ["a.txt", "sub/c.txt", "sub/deeper/d.txt"]
    );
    let callback = &creator.callback;
    assert_eq!(callback.last_status("Docs"), Status::SYNCMGR_PS_FAILED);
    assert_eq!(callback.last_status("Gone"), Status::SYNCMGR_PS_FAILED);
    assert_eq!(callback.last_status("Unlisted"), Status::SYNCMGR_PS_FAILED);
    let log = callback.log();
    assert!(
        log.events
            .iter()
            .all(|e| e.level == SYNCMGR_EVENT_LEVEL::SYNCMGR_EL_ERROR)
    );
    let about = |item: &str| -> Vec<String> {
        log.events
            .iter()
            .filter(|e| e.item.as_deref() == Some(item))
            .map(|e| e.description.clone())
            .collect()
    };
    let docs = about("Docs");
    assert!(
        docs.iter()
            .any(|d| d.starts_with("cannot replace") && d.contains("b.txt")),
        "{docs:?}"
    );
    #[cfg(unix)]
    assert!(
        docs.iter()
            .any(|d| d.starts_with("cannot read") && d.contains("link.txt")),
        "{docs:?}"
    );
    assert_eq!(docs.len(), if cfg!(unix) { 2 } else { 1 });
    let gone = about("Gone");
    assert!(
        gone.len() == 1 && gone[0].starts_with("cannot read folder"),
        "{gone:?}"
    );
    assert_eq!(about("Unlisted"), ["No pair `Unlisted`"]);
}

#[test]
fn a_broken_pairs_file_is_one_event_and_failed_items() {
    let f = Fixture::with_config_text("[Docs]\nsauce = x\n");
    let creator = synchronize(&f, &["Docs"], Script::default());
    let log = creator.callback.log();
    assert_eq!(log.events.len(), 1);
    assert_eq!(log.events[0].item, None);
    assert!(
        log.events[0]
            .description
            .contains("pairs.txt:2: unknown key `sauce`"),
        "{:?}",
        log.events[0]
    );
    assert_eq!(
        log.progress,
        [step(
            "Docs",
            "No folder pairs",
            Status::SYNCMGR_PS_FAILED,
            0,
            0
        )]
    );
    let container: ISyncMgrSyncItemContainer = handler(&f).cast().unwrap();
    assert!(container.GetSyncItemEnumerator().is_err());
}
