//! Helpers for the handlers' tests of their DLL exports, included by path
//! (`#[path = "../../test-support/server.rs"] mod server;`).

use core::ffi::c_void;

use comidl_runtime::registration::{Data, Hive, Plan, Value};
use comidl_runtime::server::IClassFactory;
use windows_core::{GUID, HRESULT, Interface, Result};

/// A `DllGetClassObject`.
pub type GetClassObject =
    unsafe extern "system" fn(*const GUID, *const GUID, *mut *mut c_void) -> HRESULT;

/// The class factory that `get` gives for `clsid`.
pub fn class_object(get: GetClassObject, clsid: &GUID) -> Result<IClassFactory> {
    let mut out = core::ptr::null_mut();
    // SAFETY: readable GUIDs and a writable out-pointer.
    unsafe { get(clsid, &IClassFactory::IID, &mut out) }.ok()?;
    // SAFETY: S_OK: a live IClassFactory pointer, owned here.
    Ok(unsafe { IClassFactory::from_raw(out) })
}

/// The values `plan` writes into `HKCU\<path>`; panics when it has no such key.
pub fn user_key_values(plan: &Plan, path: &str) -> Vec<Value> {
    plan.entries()
        .iter()
        .find(|e| e.root == Hive::CurrentUser && e.path == path)
        .unwrap_or_else(|| panic!("no key {path} in {:#?}", plan.entries()))
        .values
        .clone()
}

/// A value: the key's default (`None`) or a named one.
pub fn value(name: Option<&str>, data: Data) -> Value {
    Value {
        name: name.map(Into::into),
        data,
    }
}
