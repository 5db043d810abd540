//! The DLL exports: `DllGetClassObject` serves the handler, and the
//! registration plan lists it for mobsync.

#[path = "../../test-support/server.rs"]
mod server;

use comidl_runtime::CoClass;
use comidl_runtime::hresult::CLASS_E_CLASSNOTAVAILABLE;
use comidl_runtime::registration::{Data, guid_string};
use comidl_syncmgr::mobsync::ISyncMgrSynchronize;
use mobsync_handler::{DllGetClassObject, FolderMirrorSync, SERVER};
use server::{class_object, user_key_values, value};
use windows_core::GUID;

#[test]
fn dll_get_class_object_makes_the_handler() {
    let factory = class_object(DllGetClassObject, &FolderMirrorSync::CLSID).unwrap();
    // SAFETY: a live factory.
    let handler = unsafe { factory.CreateInstance::<ISyncMgrSynchronize>(None) }.unwrap();
    let pointer = handler.GetHandlerInfo().unwrap();
    // SAFETY: the handler's info in task memory, ours to read and free.
    let info = unsafe {
        let info = pointer.read();
        comidl_runtime::task_mem::free(pointer.cast());
        info
    };
    let name: Vec<u16> = "Folder Mirror\0".encode_utf16().collect();
    assert_eq!(info.wszHandlerName[..name.len()], name);
    let unknown = class_object(DllGetClassObject, &GUID::from_u128(0x1234)).map(drop);
    assert_eq!(unknown.unwrap_err().code(), CLASS_E_CLASSNOTAVAILABLE);
}

#[test]
fn registration_plan_lists_the_handler_for_mobsync() {
    let module = "C:\\Program Files\\Folder Mirror\\mobsync_handler.dll";
    let plan = SERVER.plan(module).unwrap();
    let clsid = guid_string(&FolderMirrorSync::CLSID);
    assert_eq!(
        user_key_values(
            &plan,
            &format!("Software\\Classes\\CLSID\\{clsid}\\InprocServer32")
        ),
        [
            value(None, Data::ExpandSz(module.into())),
            value(Some("ThreadingModel"), Data::Sz("Apartment".into())),
        ]
    );
    let handler =
        format!("Software\\Microsoft\\Windows\\CurrentVersion\\SyncMgr\\Handlers\\{clsid}");
    assert_eq!(
        user_key_values(&plan, &handler),
        [value(None, Data::Sz("Folder Mirror".into()))]
    );
}
