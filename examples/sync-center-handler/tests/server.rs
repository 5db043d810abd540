//! The DLL exports: `DllGetClassObject` serves the collection, and the
//! registration plan lists it for Sync Center.

use comidl_runtime::CoClass;
use comidl_runtime::hresult::CLASS_E_CLASSNOTAVAILABLE;
use comidl_runtime::registration::{Data, Hive, Value, guid_string};
use comidl_runtime::server::IClassFactory;
use comidl_syncmgr::syncmgr::ISyncMgrHandlerCollection;
use sync_center_handler::{DllGetClassObject, FolderMirrorHandlers, SERVER};
use windows_core::{GUID, Interface};

fn class_object(clsid: &GUID) -> windows_core::Result<IClassFactory> {
    let mut out = core::ptr::null_mut();
    // SAFETY: readable GUIDs and a writable out-pointer.
    unsafe { DllGetClassObject(clsid, &IClassFactory::IID, &mut out) }.ok()?;
    // SAFETY: S_OK: a live IClassFactory pointer, owned here.
    Ok(unsafe { IClassFactory::from_raw(out) })
}

#[test]
fn dll_get_class_object_makes_the_collection() {
    let factory = class_object(&FolderMirrorHandlers::CLSID).unwrap();
    // SAFETY: a live factory.
    let collection = unsafe { factory.CreateInstance::<ISyncMgrHandlerCollection>(None) }.unwrap();
    assert!(collection.GetHandlerEnumerator().is_ok());
    let unknown = class_object(&GUID::from_u128(0x1234)).map(drop);
    assert_eq!(unknown.unwrap_err().code(), CLASS_E_CLASSNOTAVAILABLE);
}

#[test]
fn registration_plan_lists_the_collection_for_sync_center() {
    let module = "C:\\Program Files\\Folder Mirror\\sync_center_handler.dll";
    let plan = SERVER.plan(module).unwrap();
    let clsid = guid_string(&FolderMirrorHandlers::CLSID);
    let values = |path: &str| -> Vec<Value> {
        plan.entries()
            .iter()
            .find(|e| e.root == Hive::CurrentUser && e.path == path)
            .unwrap_or_else(|| panic!("no key {path} in {:#?}", plan.entries()))
            .values
            .clone()
    };
    let value = |name: Option<&str>, data: Data| Value {
        name: name.map(Into::into),
        data,
    };
    assert_eq!(
        values(&format!(
            "Software\\Classes\\CLSID\\{clsid}\\InprocServer32"
        )),
        [
            value(None, Data::ExpandSz(module.into())),
            value(Some("ThreadingModel"), Data::Sz("Both".into())),
        ]
    );
    assert_eq!(
        values(&format!(
            "Software\\Microsoft\\Windows\\CurrentVersion\\SyncMgr\\HandlerCollections\\{clsid}"
        )),
        [value(None, Data::Sz("Folder Mirror".into()))]
    );
}
