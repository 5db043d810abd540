//! mobsync's side: the `ISyncMgrSynchronize` handler created by CLSID, its
//! info and items, and syncs with a progress callback of the client's own.

use comidl_runtime::ComObject;
use comidl_runtime::hresult::S_OK;
use comidl_syncmgr::mobsync::{
    ISyncMgrSynchronize, S_SYNCMGR_CANCELITEM, SYNCMGRFLAG, SYNCMGRITEM, SYNCMGRSTATUS as Status,
};
use comidl_syncmgr::wtypes::HWND;
use windows_core::GUID;

use crate::com::{self, Summary, Trace, ensure};
use crate::folders::{Fixture, TREE, files_under, names};
use crate::mobsync_fakes::{FakeCallback, Script, interface};

/// Synced in full, then the one whose sync is canceled.
const SYNCED: [&str; 2] = ["Docs", "Photos"];
const CANCELED: &str = "Archive";

pub fn run(trace: &mut Trace, clsid: GUID, leak_reference: bool) -> Result<Summary, String> {
    let fixture = Fixture::new(&[
        (SYNCED[0], TREE),
        (SYNCED[1], &[("p.jpg", "jpeg")]),
        (CANCELED, TREE),
    ]);
    com::use_pairs_file(&fixture);
    let apartment = com::Apartment::enter(trace)?;
    let (files_synced, server) = session(trace, &fixture, &clsid, leak_reference)?;
    com::check_unloads(trace, &server)?;
    drop(apartment);
    Ok(Summary { files_synced })
}

/// Everything between creation and release; returns the files mirrored
/// and the server DLL COM loaded.
fn session(
    trace: &mut Trace,
    fixture: &Fixture,
    clsid: &GUID,
    leak_reference: bool,
) -> Result<(usize, String), String> {
    let handler: ISyncMgrSynchronize = com::create(trace, clsid, "ISyncMgrSynchronize")?;
    let server = com::server_path(trace, clsid)?;
    com::ensure_loaded(&server)?;
    let manual = SYNCMGRFLAG::SYNCMGRFLAG_MANUAL.0 as u32;
    trace.call("Initialize(MANUAL)", handler.Initialize(0, manual, None))?;
    let info = trace.call("GetHandlerInfo", handler.GetHandlerInfo())?;
    // SAFETY: S_OK: the handler's info in task memory, ours to read and free.
    let name = unsafe {
        let name = info.as_ref().map(|info| wide_text(&info.wszHandlerName));
        comidl_runtime::task_mem::free(info.cast());
        name
    };
    let name = name.ok_or("GetHandlerInfo gave a null pointer")??;
    trace.detail(&format!("name: {name}"));
    ensure(!name.is_empty(), || "the handler has no name".into())?;

    let items = items(trace, &handler)?;
    let mut listed: Vec<&str> = items.iter().map(|(name, _)| name.as_str()).collect();
    listed.sort();
    let mut expected: Vec<&str> = SYNCED.iter().chain([&CANCELED]).copied().collect();
    expected.sort();
    ensure(listed == expected, || {
        format!("items {listed:?}, expected the pairs {expected:?}")
    })?;
    let id_of = |wanted: &str| {
        items
            .iter()
            .find(|(name, _)| name == wanted)
            .map(|(_, id)| *id)
    };

    let mut files = 0;
    let synced: Vec<GUID> = SYNCED.iter().filter_map(|name| id_of(name)).collect();
    let callback = synchronize(trace, &handler, &synced, Script::default())?;
    for (item, id) in SYNCED.iter().zip(&synced) {
        let reports = callback.reports_of(*id);
        let count = com::ensure_mirrored(&fixture.source(item), &fixture.target(item))?;
        // The file count, one report per file, the outcome.
        ensure(reports.len() == count + 2, || {
            format!("{item}: {} reports for {count} files", reports.len())
        })?;
        ensure(
            reports.last().map(|r| r.status) == Some(Status::SYNCMGRSTATUS_SUCCEEDED),
            || {
                format!(
                    "{item}: the last report is {:?}, not SUCCEEDED",
                    reports.last()
                )
            },
        )?;
        trace.detail(&format!(
            "{item}: {count} files mirrored, {} progress reports",
            reports.len()
        ));
        files += count;
    }

    // Progress answers S_SYNCMGR_CANCELITEM at its second report (after the
    // first file): one file, then stop.
    let canceled = id_of(CANCELED).ok_or("no item for the canceled pair")?;
    let script = Script {
        answer_at_report: Some((2, S_SYNCMGR_CANCELITEM)),
        ..Script::default()
    };
    let callback = synchronize(trace, &handler, &[canceled], script)?;
    let copied = names(&files_under(&fixture.target(CANCELED)));
    let last = callback.reports_of(canceled).pop();
    ensure(
        copied.len() == 1 && copied.len() < files_under(&fixture.source(CANCELED)).len(),
        || {
            format!(
                "{CANCELED}: Progress answered CANCELITEM after one file, yet the target holds {copied:?}"
            )
        },
    )?;
    ensure(
        last.as_ref().map(|r| r.status) == Some(Status::SYNCMGRSTATUS_STOPPED),
        || format!("{CANCELED}: the last report is {last:?}, not STOPPED"),
    )?;
    trace.detail(&format!(
        "{CANCELED}: stopped by S_SYNCMGR_CANCELITEM after {copied:?}"
    ));
    files += copied.len();

    // The handler keeps the last callback: let it go.
    trace.call(
        "SetProgressCallback(null)",
        handler.SetProgressCallback(None),
    )?;
    if leak_reference {
        trace.detail("keeping one reference to the handler (--leak-reference)");
        std::mem::forget(handler);
    }
    Ok((files, server))
}

/// The text of a fixed-size, NUL-terminated buffer.
fn wide_text(buffer: &[u16]) -> Result<String, String> {
    let end = buffer
        .iter()
        .position(|&unit| unit == 0)
        .ok_or("a name without its NUL")?;
    Ok(String::from_utf16_lossy(&buffer[..end]))
}

/// The items, as (name, ID), in the handler's order.
fn items(trace: &mut Trace, handler: &ISyncMgrSynchronize) -> Result<Vec<(String, GUID)>, String> {
    let items = trace.call("EnumSyncMgrItems", handler.EnumSyncMgrItems())?;
    let mut found = Vec::new();
    loop {
        let mut slot = [SYNCMGRITEM::default()];
        let mut fetched = 0;
        trace.call(
            "ISyncMgrEnumItems::Next(1)",
            items.Next(&mut slot, &mut fetched),
        )?;
        if fetched == 0 {
            break;
        }
        let name = wide_text(&slot[0].wszItemName)?;
        trace.detail(&format!("item {} `{name}`", com::braced(&slot[0].ItemID)));
        found.push((name, slot[0].ItemID));
    }
    Ok(found)
}

/// SetProgressCallback, PrepareForSync(items) and Synchronize, as mobsync
/// calls them, with a callback scripted by `script`; prints every callback
/// it received.
fn synchronize(
    trace: &mut Trace,
    handler: &ISyncMgrSynchronize,
    items: &[GUID],
    script: Script,
) -> Result<ComObject<FakeCallback>, String> {
    let callback = FakeCallback::new(script);
    trace.call(
        "SetProgressCallback",
        handler.SetProgressCallback(Some(&interface(&callback))),
    )?;
    let listed: Vec<String> = items.iter().map(com::braced).collect();
    trace.call(
        &format!("PrepareForSync({listed:?})"),
        handler.PrepareForSync(items, HWND::default(), 0),
    )?;
    trace.call("Synchronize", handler.Synchronize(HWND::default()))?;
    let log = callback.log();
    for hr in &log.prepared {
        trace.callback(&format!("PrepareForSyncCompleted({hr:?})"));
    }
    for report in &log.reports {
        trace.callback(&format!(
            "Progress({}, `{}`, {:?}, {}/{})",
            com::braced(&report.item),
            report.text,
            report.status,
            report.value,
            report.max
        ));
    }
    for error in &log.errors {
        trace.callback(&format!(
            "LogError({}, {:?}, {})",
            error.level, error.item, error.text
        ));
    }
    for hr in &log.completed {
        trace.callback(&format!("SynchronizeCompleted({hr:?})"));
    }
    ensure(log.prepared == [S_OK] && log.completed == [S_OK], || {
        format!(
            "PrepareForSyncCompleted {:?}, SynchronizeCompleted {:?}: expected one S_OK each",
            log.prepared, log.completed
        )
    })?;
    ensure(log.errors.is_empty(), || {
        format!("the handler logged errors: {:?}", log.errors)
    })?;
    drop(log);
    Ok(callback)
}
