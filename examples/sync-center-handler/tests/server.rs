//! The DLL exports: `DllGetClassObject` serves the collection, and the
//! registration plan lists it for Sync Center.

#[path = "../../test-support/server.rs"]
mod server;

use comidl_runtime::CoClass;
use comidl_runtime::hresult::CLASS_E_CLASSNOTAVAILABLE;
use comidl_runtime::registration::{Data, guid_string};
use comidl_syncmgr::syncmgr::ISyncMgrHandlerCollection;
use server::{class_object, user_key_values, value};
use sync_center_handler::{DllGetClassObject, FolderMirrorHandlers, SERVER};
use windows_core::GUID;

#[test]
fn dll_get_class_object_makes_the_collection() {
    let factory = class_object(DllGetClassObject, &FolderMirrorHandlers::CLSID).unwrap();
    // SAFETY: a live factory.
    let collection = unsafe { factory.CreateInstance::<ISyncMgrHandlerCollection>(None) }.unwrap();
    assert!(collection.GetHandlerEnumerator().is_ok());
    let unknown = class_object(DllGetClassObject, &GUID::from_u128(0x1234)).map(drop);
    assert_eq!(unknown.unwrap_err().code(), CLASS_E_CLASSNOTAVAILABLE);
}

#[test]
fn registration_plan_lists_the_collection_for_sync_center() {
    let module = "C:\\Program Files\\Folder Mirror\\sync_center_handler.dll";
    let plan = SERVER.plan(module).unwrap();
    let clsid = guid_string(&FolderMirrorHandlers::CLSID);
    assert_eq!(
        user_key_values(
            &plan,
            &format!("Software\\Classes\\CLSID\\{clsid}\\InprocServer32")
        ),
        [
            value(None, Data::ExpandSz(module.into())),
            value(Some("ThreadingModel"), Data::Sz("Both".into())),
        ]
    );
    let collection = format!(
        "Software\\Microsoft\\Windows\\CurrentVersion\\SyncMgr\\HandlerCollections\\{clsid}"
    );
    assert_eq!(
        user_key_values(&plan, &collection),
        [value(None, Data::Sz("Folder Mirror".into()))]
    );
}
