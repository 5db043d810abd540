//! Sync Center's side: the handler collection created by CLSID, its
//! handler and items, and syncs with a session of the client's own.

use comidl_runtime::{ComObject, PWSTR, WideStr, WideString};
use comidl_syncmgr::syncmgr::{
    ISyncMgrHandler, ISyncMgrHandlerCollection, ISyncMgrSessionCreator, ISyncMgrSyncItem,
    ISyncMgrSyncItemContainer, SYNCMGR_PROGRESS_STATUS as Status,
};
use comidl_syncmgr::wtypes::HWND;
use windows_core::{GUID, Interface};

use crate::com::{self, Summary, Trace, ensure, take_string};
use crate::folders::{Fixture, TREE, files_under, names};
use crate::sync_center_fakes::{FakeCreator, Script};

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
    let collection: ISyncMgrHandlerCollection =
        com::create(trace, clsid, "ISyncMgrHandlerCollection")?;
    let server = com::server_path(trace, clsid)?;
    com::ensure_loaded(&server)?;
    let ids = trace.call("GetHandlerEnumerator", collection.GetHandlerEnumerator())?;
    let mut handler_ids = Vec::new();
    loop {
        let mut slot = [PWSTR::null()];
        let mut fetched = 0;
        trace.call("IEnumString::Next(1)", ids.Next(&mut slot, &mut fetched))?;
        if fetched == 0 {
            break;
        }
        handler_ids.push(take_string(slot[0])?);
    }
    trace.detail(&format!("handlers: {handler_ids:?}"));
    let [handler_id] = handler_ids.as_slice() else {
        return Err(format!("expected one handler, got {handler_ids:?}"));
    };
    let handler: ISyncMgrHandler = trace.call(
        &format!("BindToHandler({handler_id}, ISyncMgrHandler)"),
        collection.BindToHandler(&WideString::from(handler_id.as_str())),
    )?;
    describe(trace, &handler)?;
    let items = items(trace, &handler)?;
    let mut expected: Vec<String> = SYNCED
        .iter()
        .chain([&CANCELED])
        .map(|&s| s.into())
        .collect();
    expected.sort();
    ensure(items == expected, || {
        format!("items {items:?}, expected the pairs {expected:?}")
    })?;

    let mut files = 0;
    let creator = synchronize(trace, &handler, &SYNCED, Script::default())?;
    ensure(
        *creator.sessions.lock().map_err(|_| "poisoned")?
            == [(handler_id.clone(), Some(SYNCED.map(String::from).to_vec()))],
        || "CreateSession was not asked once for the synced items".into(),
    )?;
    for item in SYNCED {
        let progress = creator.callback.progress_of(item);
        let count = com::ensure_mirrored(&fixture.source(item), &fixture.target(item))?;
        let steps = progress
            .iter()
            .filter(|p| p.status == Status::SYNCMGR_PS_UPDATING && p.step > 0)
            .count();
        ensure(steps == count, || {
            format!("{item}: {steps} file reports for {count} files")
        })?;
        ensure(
            progress.last().map(|p| p.status) == Some(Status::SYNCMGR_PS_SUCCEEDED),
            || {
                format!(
                    "{item}: the last report is {:?}, not SUCCEEDED",
                    progress.last()
                )
            },
        )?;
        trace.detail(&format!(
            "{item}: {count} files mirrored, {} progress reports",
            progress.len()
        ));
        files += count;
    }

    // CanContinue answers no at its second question: one file, then stop.
    let script = Script {
        refuse_item: Some((CANCELED, 2)),
        ..Script::default()
    };
    let creator = synchronize(trace, &handler, &[CANCELED], script)?;
    let copied = names(&files_under(&fixture.target(CANCELED)));
    let last = creator.callback.progress_of(CANCELED).pop();
    ensure(
        copied.len() == 1 && copied.len() < files_under(&fixture.source(CANCELED)).len(),
        || {
            format!(
                "{CANCELED}: CanContinue said no after one file, yet the target holds {copied:?}"
            )
        },
    )?;
    ensure(
        last.as_ref().map(|p| p.status) == Some(Status::SYNCMGR_PS_CANCELED),
        || format!("{CANCELED}: the last report is {last:?}, not CANCELED"),
    )?;
    trace.detail(&format!(
        "{CANCELED}: canceled by CanContinue after {copied:?}"
    ));
    files += copied.len();

    if leak_reference {
        trace.detail("keeping one reference to the handler (--leak-reference)");
        std::mem::forget(handler);
    }
    Ok((files, server))
}

/// The handler's name, info and capabilities.
fn describe(trace: &mut Trace, handler: &ISyncMgrHandler) -> Result<(), String> {
    let name = take_string(trace.call("ISyncMgrHandler::GetName", handler.GetName())?)?;
    trace.detail(&format!("name: {name}"));
    ensure(!name.is_empty(), || "the handler has no name".into())?;
    let info = trace.call("GetHandlerInfo", handler.GetHandlerInfo())?;
    let kind = trace.call("ISyncMgrHandlerInfo::GetType", info.GetType())?;
    let label = take_string(trace.call("ISyncMgrHandlerInfo::GetTypeLabel", info.GetTypeLabel())?)?;
    let comment = take_string(trace.call("ISyncMgrHandlerInfo::GetComment", info.GetComment())?)?;
    trace.detail(&format!("type {kind:?} `{label}`, comment `{comment}`"));
    let capabilities = trace.call("GetCapabilities", handler.GetCapabilities())?;
    trace.detail(&format!("capabilities: {capabilities:?}"));
    Ok(())
}

/// The IDs of the handler's items, sorted, each checked against its name.
fn items(trace: &mut Trace, handler: &ISyncMgrHandler) -> Result<Vec<String>, String> {
    let container: ISyncMgrSyncItemContainer =
        trace.call("QueryInterface(ISyncMgrSyncItemContainer)", handler.cast())?;
    let count = trace.call("GetSyncItemCount", container.GetSyncItemCount())?;
    let items = trace.call("GetSyncItemEnumerator", container.GetSyncItemEnumerator())?;
    let mut ids = Vec::new();
    loop {
        let mut slot: [Option<ISyncMgrSyncItem>; 1] = [None];
        let mut fetched = 0;
        trace.call(
            "IEnumSyncMgrSyncItems::Next(1)",
            items.Next(&mut slot, &mut fetched),
        )?;
        let [Some(item)] = slot else { break };
        let id = take_string(trace.call("ISyncMgrSyncItem::GetItemID", item.GetItemID())?)?;
        let name = take_string(trace.call("ISyncMgrSyncItem::GetName", item.GetName())?)?;
        let info = trace.call("GetItemInfo", item.GetItemInfo())?;
        let comment =
            take_string(trace.call("ISyncMgrSyncItemInfo::GetComment", info.GetComment())?)?;
        trace.detail(&format!("item {id} `{name}`: {comment}"));
        ensure(id == name, || format!("item {id} is named {name}"))?;
        ids.push(id);
    }
    ensure(ids.len() == count as usize, || {
        format!(
            "GetSyncItemCount said {count}, the enumerator gave {}",
            ids.len()
        )
    })?;
    ids.sort();
    Ok(ids)
}

/// `Synchronize(items)` with a session of the client's own, scripted by
/// `script`; prints every callback it received.
fn synchronize(
    trace: &mut Trace,
    handler: &ISyncMgrHandler,
    items: &[&str],
    script: Script,
) -> Result<ComObject<FakeCreator>, String> {
    let creator = ComObject::new(FakeCreator::new(script));
    let ids: Vec<WideString> = items.iter().map(|&id| id.into()).collect();
    let ids: Vec<&WideStr> = ids.iter().map(|id| &**id).collect();
    let session_creator: ISyncMgrSessionCreator = creator.to_interface();
    trace.call(
        &format!("Synchronize({items:?})"),
        handler.Synchronize(&ids, HWND::default(), &session_creator, None),
    )?;
    for (handler, items) in creator.sessions.lock().map_err(|_| "poisoned")?.iter() {
        trace.callback(&format!("CreateSession({handler}, {items:?})"));
    }
    let log = creator.callback.log();
    for question in &log.questions {
        trace.callback(&format!("CanContinue({question})"));
    }
    for p in &log.progress {
        trace.callback(&format!(
            "ReportProgress({}, `{}`, {:?}, {}/{})",
            p.item, p.text, p.status, p.step, p.steps
        ));
    }
    for event in &log.events {
        trace.callback(&format!(
            "ReportEvent({:?}, {:?}, {}: {})",
            event.item, event.level, event.name, event.description
        ));
    }
    ensure(log.events.is_empty(), || {
        format!("the handler reported errors: {:?}", log.events)
    })?;
    drop(log);
    Ok(creator)
}
