//! Playing mobsync against the handler, through its vtables: handler info,
//! item enumeration, and syncs of real temporary folders with progress,
//! cancel answers, skipped items and failures.

mod fakes;
#[path = "../../test-support/folders.rs"]
mod folders;

use comidl_runtime::ComObject;
use comidl_runtime::hresult::{E_FAIL, S_OK};
use comidl_syncmgr::mobsync::{
    ISyncMgrSynchronize, S_SYNCMGR_CANCELALL, S_SYNCMGR_CANCELITEM, SYNCMGRFLAG, SYNCMGRITEM,
    SYNCMGRITEMSTATE, SYNCMGRLOGLEVEL, SYNCMGRSTATUS as Status,
};
use comidl_syncmgr::wtypes::HWND;
use fakes::{FakeCallback, Report, Script, interface};
use folder_mirror::PairsFile;
use folders::{Fixture, TREE, files_under, names};
use mobsync_handler::{FolderMirrorSync, item_id};
use windows_core::GUID;

fn handler(f: &Fixture) -> ISyncMgrSynchronize {
    FolderMirrorSync::new(PairsFile::At(f.config.clone())).into()
}

/// Runs a sync of `items` as mobsync does: Initialize, SetProgressCallback,
/// PrepareForSync, Synchronize.
fn synchronize(
    handler: &ISyncMgrSynchronize,
    items: &[GUID],
    script: Script,
) -> ComObject<FakeCallback> {
    let callback = FakeCallback::new(script);
    *callback.handler.borrow_mut() = Some(handler.clone());
    handler
        .Initialize(0, SYNCMGRFLAG::SYNCMGRFLAG_MANUAL.0 as u32, None)
        .unwrap();
    handler
        .SetProgressCallback(Some(&interface(&callback)))
        .unwrap();
    handler.PrepareForSync(items, HWND::default(), 0).unwrap();
    handler.Synchronize(HWND::default()).unwrap();
    // The handler holds the callback: break the cycle.
    callback.handler.borrow_mut().take();
    callback
}

fn sync(f: &Fixture, names: &[&str], script: Script) -> ComObject<FakeCallback> {
    let items: Vec<GUID> = names.iter().map(|name| item_id(name)).collect();
    synchronize(&handler(f), &items, script)
}

/// The text of a fixed-size, NUL-terminated buffer.
fn text(buffer: &[u16]) -> String {
    let end = buffer.iter().position(|&unit| unit == 0).expect("no NUL");
    String::from_utf16_lossy(&buffer[..end])
}

fn report(name: &str, status: Status, text: &str, value: i32, max: i32) -> Report {
    Report {
        item: item_id(name),
        status,
        text: text.into(),
        value,
        max,
    }
}

#[test]
fn item_ids_are_fnv1a_hashes_made_version_8_uuids() {
    // FNV-1a 128 of "a" is d228cb696f1a8caf78912b704e4a8964 (the FNV
    // reference vectors); the variant bits replace 2 bits (its version
    // nibble is 8 already).
    assert_eq!(
        item_id("a"),
        GUID::from_u128(0xd228cb69_6f1a_8caf_b891_2b704e4a8964)
    );
    assert_eq!(item_id("Docs"), item_id("Docs"));
    assert_ne!(item_id("Docs"), item_id("docs"));
    let id = item_id("Photos");
    assert_eq!(id.data3 >> 12, 8, "version 8");
    assert_eq!(id.data4[0] >> 6, 0b10, "RFC 9562 variant");
}

#[test]
fn handler_info_and_items() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", &[("p.jpg", "jpeg")])]);
    let handler = handler(&f);
    let pointer = handler.GetHandlerInfo().unwrap();
    // SAFETY: the handler's info in task memory, ours to read and free.
    let info = unsafe {
        let info = pointer.read();
        comidl_runtime::task_mem::free(pointer.cast());
        info
    };
    assert_eq!(text(&info.wszHandlerName), "Folder Mirror");
    assert_eq!(info.cbSize as usize, size_of_val(&info));

    let items = handler.EnumSyncMgrItems().unwrap();
    let mut slots = [SYNCMGRITEM::default(); 3];
    let mut fetched = 0;
    items.Next(&mut slots, &mut fetched).unwrap();
    assert_eq!(fetched, 2);
    for (slot, name) in slots.iter().zip(["Docs", "Photos"]) {
        assert_eq!(slot.ItemID, item_id(name));
        assert_eq!(text(&slot.wszItemName), name);
        assert_eq!(
            slot.dwItemState,
            SYNCMGRITEMSTATE::SYNCMGRITEMSTATE_CHECKED.0 as u32
        );
    }
    items.Reset().unwrap();
    items.Skip(1).unwrap();
    let copy = items.Clone().unwrap();
    copy.Next(&mut slots[..1], &mut fetched).unwrap();
    assert_eq!((fetched, slots[0].ItemID), (1, item_id("Photos")));
}

#[test]
fn synchronize_mirrors_each_prepared_item() {
    let f = Fixture::new(&[
        ("Docs", TREE),
        ("Photos", &[("p.jpg", "jpeg")]),
        ("Music", TREE),
    ]);
    let callback = sync(&f, &["Docs", "Photos"], Script::default());
    for name in ["Docs", "Photos"] {
        assert_eq!(files_under(&f.target(name)), files_under(&f.source(name)));
    }
    assert!(!f.target("Music").exists(), "not prepared");
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        callback.reports_of(item_id("Docs")),
        [
            report("Docs", Status::SYNCMGRSTATUS_UPDATING, "4 files", 0, 4),
            report("Docs", Status::SYNCMGRSTATUS_UPDATING, "Copied a.txt", 1, 4),
            report("Docs", Status::SYNCMGRSTATUS_UPDATING, "Copied b.txt", 2, 4),
            report(
                "Docs",
                Status::SYNCMGRSTATUS_UPDATING,
                &format!("Copied sub{sep}c.txt"),
                3,
                4
            ),
            report(
                "Docs",
                Status::SYNCMGRSTATUS_UPDATING,
                &format!("Copied sub{sep}deeper{sep}d.txt"),
                4,
                4
            ),
            report(
                "Docs",
                Status::SYNCMGRSTATUS_SUCCEEDED,
                "4 copied, 0 up to date, 0 failed",
                4,
                4
            ),
        ]
    );
    assert_eq!(
        callback.last_status(item_id("Photos")),
        Status::SYNCMGRSTATUS_SUCCEEDED
    );
    let log = callback.log();
    assert_eq!(
        (log.prepared.as_slice(), log.completed.as_slice()),
        ([S_OK].as_slice(), [S_OK].as_slice())
    );
    assert!(log.errors.is_empty());
}

#[test]
fn progress_answering_cancel_item_stops_that_item_only() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", TREE)]);
    // Reports 1 and 2: Docs' start and its first file.
    let script = Script {
        answer_at_report: Some((2, S_SYNCMGR_CANCELITEM)),
        ..Script::default()
    };
    let callback = sync(&f, &["Docs", "Photos"], script);
    assert_eq!(names(&files_under(&f.target("Docs"))), ["a.txt"]);
    assert_eq!(
        callback.reports_of(item_id("Docs")).pop().unwrap(),
        report(
            "Docs",
            Status::SYNCMGRSTATUS_STOPPED,
            "1 copied, 0 up to date, 0 failed",
            1,
            4
        )
    );
    assert_eq!(
        files_under(&f.target("Photos")),
        files_under(&f.source("Photos"))
    );
    assert_eq!(
        callback.last_status(item_id("Photos")),
        Status::SYNCMGRSTATUS_SUCCEEDED
    );
}

#[test]
fn progress_answering_cancel_all_stops_the_rest() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", TREE)]);
    let script = Script {
        answer_at_report: Some((3, S_SYNCMGR_CANCELALL)),
        ..Script::default()
    };
    let callback = sync(&f, &["Docs", "Photos"], script);
    assert_eq!(names(&files_under(&f.target("Docs"))), ["a.txt", "b.txt"]);
    assert!(!f.target("Photos").exists());
    assert_eq!(
        callback.last_status(item_id("Docs")),
        Status::SYNCMGRSTATUS_STOPPED
    );
    assert_eq!(
        callback.reports_of(item_id("Photos")),
        [report(
            "Photos",
            Status::SYNCMGRSTATUS_STOPPED,
            "Canceled",
            0,
            0
        )]
    );
    assert_eq!(callback.log().completed, [S_OK]);
}

#[test]
fn set_item_status_skips_items_before_and_during_their_sync() {
    let f = Fixture::new(&[("Docs", TREE), ("Photos", TREE), ("Music", TREE)]);
    let handler = handler(&f);
    let script = Script {
        skip_at_report: Some((3, item_id("Docs"))),
        ..Script::default()
    };
    let callback = FakeCallback::new(script);
    *callback.handler.borrow_mut() = Some(handler.clone());
    let items = [item_id("Docs"), item_id("Photos"), item_id("Music")];
    let skipped = Status::SYNCMGRSTATUS_SKIPPED.0 as u32;
    handler
        .SetProgressCallback(Some(&interface(&callback)))
        .unwrap();
    handler.PrepareForSync(&items, HWND::default(), 0).unwrap();
    // Between PrepareForSync and Synchronize, as the user unticks an item.
    handler.SetItemStatus(&item_id("Photos"), skipped).unwrap();
    handler.Synchronize(HWND::default()).unwrap();
    callback.handler.borrow_mut().take();
    assert_eq!(names(&files_under(&f.target("Docs"))), ["a.txt", "b.txt"]);
    assert_eq!(
        callback.last_status(item_id("Docs")),
        Status::SYNCMGRSTATUS_SKIPPED
    );
    assert!(!f.target("Photos").exists());
    assert_eq!(
        callback.reports_of(item_id("Photos")),
        [report(
            "Photos",
            Status::SYNCMGRSTATUS_SKIPPED,
            "Skipped",
            0,
            0
        )]
    );
    assert_eq!(
        files_under(&f.target("Music")),
        files_under(&f.source("Music"))
    );
}

#[test]
fn failures_are_logged_and_the_rest_is_synced() {
    let f = Fixture::new(&[("Docs", TREE), ("Gone", &[])]);
    std::fs::remove_dir(f.source("Gone")).unwrap();
    std::fs::create_dir_all(f.target("Docs").join("b.txt").join("x")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        f.source("Docs").join("nowhere"),
        f.source("Docs").join("link.txt"),
    )
    .unwrap();
    let callback = sync(&f, &["Docs", "Gone", "Unlisted"], Script::default());

    assert_eq!(
        names(&files_under(&f.target("Docs"))),
        ["a.txt", "sub/c.txt", "sub/deeper/d.txt"]
    );
    for name in ["Docs", "Gone", "Unlisted"] {
        assert_eq!(
            callback.last_status(item_id(name)),
            Status::SYNCMGRSTATUS_FAILED,
            "{name}"
        );
    }
    let log = callback.log();
    assert_eq!(log.completed, [E_FAIL]);
    let error = SYNCMGRLOGLEVEL::SYNCMGRLOGLEVEL_ERROR.0 as u32;
    assert!(log.errors.iter().all(|e| e.level == error));
    let about = |name: &str| -> Vec<String> {
        log.errors
            .iter()
            .filter(|e| e.item == Some(item_id(name)))
            .map(|e| e.text.clone())
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
    assert_eq!(about("Unlisted"), ["No folder pair has this item ID"]);
}

#[test]
fn a_broken_pairs_file_is_logged_once() {
    let f = Fixture::with_config_text("[Docs]\nsource = a\n");
    let callback = sync(&f, &["Docs"], Script::default());
    let log = callback.log();
    assert_eq!(log.errors.len(), 1);
    assert_eq!(log.errors[0].item, None);
    assert!(
        log.errors[0]
            .text
            .contains("pairs.txt:1: `Docs` has no `target`"),
        "{:?}",
        log.errors
    );
    assert_eq!(
        log.reports,
        [report(
            "Docs",
            Status::SYNCMGRSTATUS_FAILED,
            "Unknown item",
            0,
            0
        )]
    );
    assert_eq!(log.completed, [E_FAIL]);
    assert!(handler(&f).EnumSyncMgrItems().is_err());
}
