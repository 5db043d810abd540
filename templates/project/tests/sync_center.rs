//! Plays Sync Center against the DLL: its exports make the collection, the
//! collection lists and binds the handler, and the handler synchronizes
//! through a fake session that records what it is told. Everything goes
//! through interfaces, as it would from Sync Center.

use std::sync::Mutex;

use comidl_runtime::hresult::{E_INVALIDARG, E_NOTIMPL, S_OK};
use comidl_runtime::registration::{Data, Hive, MemoryRegistry, Registry};
use comidl_runtime::server::IClassFactory;
use comidl_runtime::{CoClass, ComObject, PWSTR, WideStr, WideString};
use windows_core::{GUID, IUnknown, Interface, Result};

use {{ crate_name }}::bindings::objidlbase::{IEnumString, IEnumUnknown};
use {{ crate_name }}::bindings::syncmgr::*;
use {{ crate_name }}::bindings::wtypes::HWND;
use {{ crate_name }}::{DllCanUnloadNow, DllGetClassObject, HANDLER_ID, HandlerCollection, SERVER};

use SYNCMGR_PROGRESS_STATUS as Status;

/// Taken by the tests that make objects: the DLL's count of live objects,
/// which `DllCanUnloadNow` reads, is process-wide.
static OBJECTS: Mutex<()> = Mutex::new(());

/// One `ReportProgress` call: item, text, status, step, steps.
type Report = (String, String, SYNCMGR_PROGRESS_STATUS, u32, u32);

/// One `CreateSession` call: handler ID, item IDs.
type Session = (String, Option<Vec<String>>);

/// Sync Center's side of a session: records every progress report, and
/// asks to cancel when told to.
#[derive(Default, ComObject)]
#[com(implements(ISyncMgrSyncCallback))]
struct FakeCallback {
    reports: Mutex<Vec<Report>>,
    /// The item whose first report is answered with a cancel request.
    cancel: Option<(&'static str, SYNCMGR_CANCEL_REQUEST)>,
}

impl ISyncMgrSyncCallback_Impl for FakeCallback {
    fn ReportProgress(
        &self,
        item_id: &WideStr,
        text: Option<&WideStr>,
        status: SYNCMGR_PROGRESS_STATUS,
        step: u32,
        steps: u32,
        cancel_request: Option<&mut SYNCMGR_CANCEL_REQUEST>,
    ) -> Result<()> {
        let item = item_id.to_string();
        if let (Some((cancelled, request)), Some(answer)) = (self.cancel, cancel_request)
            && item == cancelled
            && status == SYNCMGR_PROGRESS_STATUS::SYNCMGR_PS_UPDATING
        {
            *answer = request;
        }
        let text = text.map(WideStr::to_string).unwrap_or_default();
        let report = (item, text, status, step, steps);
        self.reports.lock().unwrap().push(report);
        Ok(())
    }
    fn SetHandlerProgressText(
        &self,
        _: &WideStr,
        _: Option<&mut SYNCMGR_CANCEL_REQUEST>,
    ) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    #[allow(clippy::too_many_arguments)]
    fn ReportEvent(
        &self,
        _: Option<&WideStr>,
        _: SYNCMGR_EVENT_LEVEL,
        _: SYNCMGR_EVENT_FLAGS,
        _: &WideStr,
        _: &WideStr,
        _: Option<&WideStr>,
        _: Option<&WideStr>,
        _: Option<&WideStr>,
    ) -> Result<GUID> {
        Err(E_NOTIMPL.into())
    }
    fn CanContinue(&self, _: &WideStr) -> Result<bool> {
        Ok(true)
    }
    fn QueryForAdditionalItems(&self) -> Result<(IEnumString, IEnumUnknown)> {
        Err(E_NOTIMPL.into())
    }
    fn AddItemToSession(&self, _: &WideStr) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn AddIUnknownToSession(&self, _: &IUnknown) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn ProposeItem(&self, _: &ISyncMgrSyncItem) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn CommitItem(&self, _: &WideStr) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
    fn ReportManualSync(&self) -> Result<()> {
        Err(E_NOTIMPL.into())
    }
}

/// Opens sessions on one `FakeCallback`, recording for whom.
#[derive(ComObject)]
#[com(implements(ISyncMgrSessionCreator))]
struct FakeSessionCreator {
    callback: ComObject<FakeCallback>,
    sessions: Mutex<Vec<Session>>,
}

impl ISyncMgrSessionCreator_Impl for FakeSessionCreator {
    fn CreateSession(
        &self,
        handler_id: &WideStr,
        item_ids: Option<Vec<&WideStr>>,
    ) -> Result<ISyncMgrSyncCallback> {
        let items = item_ids.map(|ids| ids.iter().map(|id| id.to_string()).collect());
        let session = (handler_id.to_string(), items);
        self.sessions.lock().unwrap().push(session);
        Ok(self.callback.to_interface())
    }
}

/// Reads and frees a string handed over in task memory.
fn take_string(text: PWSTR) -> String {
    // SAFETY: a NUL-terminated string in task memory, now ours.
    unsafe {
        let owned = WideStr::from_ptr(text.0).expect("a string").to_string();
        comidl_runtime::task_mem::free(text.0.cast());
        owned
    }
}

/// The collection, made as COM makes it: a class factory from the DLL.
fn create_collection() -> ISyncMgrHandlerCollection {
    let mut factory = core::ptr::null_mut();
    // SAFETY: readable GUIDs, a writable out-pointer.
    let hr =
        unsafe { DllGetClassObject(&HandlerCollection::CLSID, &IClassFactory::IID, &mut factory) };
    assert_eq!(hr, S_OK);
    // SAFETY: DllGetClassObject handed over a live IClassFactory.
    let factory = unsafe { IClassFactory::from_raw(factory) };
    // SAFETY: a live interface.
    unsafe { factory.CreateInstance(None) }.expect("the factory makes the collection")
}

/// Lists the collection's handler IDs, as Sync Center does.
fn handler_ids(collection: &ISyncMgrHandlerCollection) -> Vec<String> {
    let ids = collection.GetHandlerEnumerator().unwrap();
    let mut slots = [PWSTR(core::ptr::null_mut()); 4];
    let mut fetched = 0;
    ids.Next(&mut slots, &mut fetched).unwrap();
    slots[..fetched as usize]
        .iter()
        .map(|&id| take_string(id))
        .collect()
}

fn bind(collection: &ISyncMgrHandlerCollection, id: &str) -> Result<ISyncMgrHandler> {
    collection.BindToHandler(&WideString::from(id))
}

/// Synchronizes `items` with a fake session; returns what it recorded.
fn synchronize(
    handler: &ISyncMgrHandler,
    items: &[&str],
    cancel: Option<(&'static str, SYNCMGR_CANCEL_REQUEST)>,
) -> (Vec<Session>, Vec<Report>) {
    let callback = ComObject::new(FakeCallback {
        cancel,
        ..Default::default()
    });
    let creator = ComObject::new(FakeSessionCreator {
        callback: callback.clone(),
        sessions: Mutex::default(),
    });
    let ids: Vec<WideString> = items.iter().map(|&item| item.into()).collect();
    let ids: Vec<&WideStr> = ids.iter().map(|id| &**id).collect();
    let session_creator: ISyncMgrSessionCreator = creator.to_interface();
    handler
        .Synchronize(&ids, HWND::default(), &session_creator, None)
        .expect("Synchronize succeeds");
    let sessions = creator.sessions.lock().unwrap().clone();
    let reports = callback.reports.lock().unwrap().clone();
    (sessions, reports)
}

fn report(item: &str, text: &str, status: SYNCMGR_PROGRESS_STATUS, step: u32) -> Report {
    (item.into(), text.into(), status, step, 1)
}

#[test]
fn sync_center_lists_binds_and_synchronizes_the_handler() {
    let _alone = OBJECTS.lock().unwrap();
    let collection = create_collection();
    let ids = handler_ids(&collection);
    assert_eq!(ids, [HANDLER_ID]);
    assert_eq!(
        bind(&collection, "no such handler").unwrap_err().code(),
        E_INVALIDARG
    );
    let handler = bind(&collection, &ids[0]).expect("the collection binds its handler");

    assert_eq!(take_string(handler.GetName().unwrap()), "{{ handler_name }}");
    let info = handler.GetHandlerInfo().unwrap();
    assert_eq!(
        info.GetType().unwrap(),
        SYNCMGR_HANDLER_TYPE::SYNCMGR_HT_APPLICATION
    );
    assert!(info.IsEnabled().unwrap());
    handler.Enable(false).unwrap();
    assert!(!handler.GetHandlerInfo().unwrap().IsEnabled().unwrap());

    let (sessions, reports) = synchronize(&handler, &["inbox", "outbox"], None);
    assert_eq!(
        sessions,
        [(
            HANDLER_ID.to_string(),
            Some(vec!["inbox".to_string(), "outbox".to_string()])
        )]
    );
    assert_eq!(
        reports,
        [
            report("inbox", "Synchronizing", Status::SYNCMGR_PS_UPDATING, 0),
            report("inbox", "Up to date", Status::SYNCMGR_PS_SUCCEEDED, 1),
            report("outbox", "Synchronizing", Status::SYNCMGR_PS_UPDATING, 0),
            report("outbox", "Up to date", Status::SYNCMGR_PS_SUCCEEDED, 1),
        ]
    );
    let last_sync = handler.GetHandlerInfo().unwrap().GetLastSyncTime();
    assert_ne!(
        last_sync.unwrap(),
        Default::default(),
        "the sync time is recorded"
    );

    drop((info, handler, collection));
    assert_eq!(DllCanUnloadNow(), S_OK, "every object is released");
}

#[test]
fn a_cancel_request_stops_the_item_or_the_whole_session() {
    let _alone = OBJECTS.lock().unwrap();
    let collection = create_collection();
    let handler = bind(&collection, HANDLER_ID).unwrap();
    let items = ["a", "b", "c"];

    let cancel_b = Some(("b", SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_CANCEL_ITEM));
    let (_, reports) = synchronize(&handler, &items, cancel_b);
    assert_eq!(
        reports,
        [
            report("a", "Synchronizing", Status::SYNCMGR_PS_UPDATING, 0),
            report("a", "Up to date", Status::SYNCMGR_PS_SUCCEEDED, 1),
            report("b", "Synchronizing", Status::SYNCMGR_PS_UPDATING, 0),
            report("b", "Canceled", Status::SYNCMGR_PS_CANCELED, 0),
            report("c", "Synchronizing", Status::SYNCMGR_PS_UPDATING, 0),
            report("c", "Up to date", Status::SYNCMGR_PS_SUCCEEDED, 1),
        ]
    );

    let cancel_all = Some(("b", SYNCMGR_CANCEL_REQUEST::SYNCMGR_CR_CANCEL_ALL));
    let (_, reports) = synchronize(&handler, &items, cancel_all);
    assert_eq!(
        reports,
        [
            report("a", "Synchronizing", Status::SYNCMGR_PS_UPDATING, 0),
            report("a", "Up to date", Status::SYNCMGR_PS_SUCCEEDED, 1),
            report("b", "Synchronizing", Status::SYNCMGR_PS_UPDATING, 0),
            report("b", "Canceled", Status::SYNCMGR_PS_CANCELED, 0),
        ]
    );
}

#[test]
fn registration_adds_the_collection_to_sync_center_for_the_current_user() {
    let dll = r"C:\Users\me\{{ crate_name }}.dll";
    let plan = SERVER.plan(dll).unwrap();
    let mut registry = MemoryRegistry::new();
    plan.register(&mut registry).unwrap();
    let collection = comidl_runtime::registration::guid_string(&HandlerCollection::CLSID);
    let key = format!(
        r"Software\Microsoft\Windows\CurrentVersion\SyncMgr\HandlerCollections\{collection}"
    );
    let value = registry.get_value(Hive::CurrentUser, &key, None).unwrap();
    assert_eq!(value, Some(Data::Sz("{{ handler_name }}".into())));
    let server = format!(r"Software\Classes\CLSID\{collection}\InprocServer32");
    let value = registry
        .get_value(Hive::CurrentUser, &server, None)
        .unwrap();
    assert_eq!(value, Some(Data::ExpandSz(dll.into())));

    plan.unregister(&mut registry).unwrap();
    assert!(
        !registry.snapshot().contains(&collection),
        "unregister removes it all"
    );
}
