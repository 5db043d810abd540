//! The in-process server: DLL exports made by `dll_exports!`, class
//! factories, the module's object and lock count, and registration.
//!
//! One test: the module-wide counts are shared by everything in the process.

use core::ffi::c_void;

use comidl_objects_tests::*;
use comidl_runtime::hresult::{
    CLASS_E_CLASSNOTAVAILABLE, CLASS_E_NOAGGREGATION, E_NOINTERFACE, E_NOTIMPL, E_POINTER, S_FALSE,
    S_OK,
};
use comidl_runtime::registration::{Data, Hive, MemoryRegistry, Registry};
use comidl_runtime::server::IClassFactory;
use comidl_runtime::{CoClass, ComObject};
use windows_core::{GUID, IUnknown, Interface, Result};

#[derive(Default, ComObject)]
#[com(implements(IPing))]
#[com(
    clsid = "{4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d2e}",
    threading = "Both",
    description = "Test pinger",
    progid = "Comidl.TestPinger.1",
    version_independent_progid = "Comidl.TestPinger"
)]
#[com(sync_center_collection(description = "Test collection", icon = -101))]
struct Pinger;

impl IPing_Impl for Pinger {
    fn Ping(&self) -> Result<u32> {
        Ok(42)
    }
}

#[derive(Default, ComObject)]
#[com(implements(ICounter), clsid = "5e2f1d8c-3b40-4c6d-8e9f-0a1b2c3d4e5f")]
#[com(mobsync_handler(description = "Test mobsync handler"))]
struct Counter;

impl ICounter_Impl for Counter {
    fn Add(&self, _: u32) -> Result<()> {
        Ok(())
    }
    fn Value(&self) -> Result<u32> {
        Ok(0)
    }
    fn Boom(&self) -> Result<()> {
        Ok(())
    }
}

comidl_runtime::dll_exports!(scope = User, classes = [Pinger, Counter]);

fn class_object(clsid: &GUID, iid: &GUID) -> (windows_core::HRESULT, *mut c_void) {
    let mut out = core::ptr::without_provenance_mut(0xdead);
    // SAFETY: readable GUIDs, a writable out-pointer.
    let hr = unsafe { DllGetClassObject(clsid, iid, &mut out) };
    (hr, out)
}

#[test]
fn dll_exports_serve_factories_count_objects_and_register() {
    assert_eq!(DllCanUnloadNow(), S_OK, "nothing alive at the start");

    // An unknown CLSID, a bad IID, null arguments.
    let unknown_clsid = GUID::from_u128(0x1234);
    let (hr, out) = class_object(&unknown_clsid, &IClassFactory::IID);
    assert_eq!(
        (hr, out),
        (CLASS_E_CLASSNOTAVAILABLE, core::ptr::null_mut())
    );
    let (hr, out) = class_object(&Pinger::CLSID, &IPing::IID);
    assert_eq!((hr, out), (E_NOINTERFACE, core::ptr::null_mut()));
    // SAFETY: null out-pointer and null CLSID are refused.
    unsafe {
        let hr = DllGetClassObject(&Pinger::CLSID, &IClassFactory::IID, core::ptr::null_mut());
        assert_eq!(hr, E_POINTER);
        let mut out = core::ptr::null_mut();
        let hr = DllGetClassObject(core::ptr::null(), &IClassFactory::IID, &mut out);
        assert_eq!(hr, E_POINTER);
    }
    assert_eq!(
        DllCanUnloadNow(),
        S_OK,
        "a refused request leaves nothing alive"
    );

    // A factory, raw.
    let (hr, raw_factory) = class_object(&Pinger::CLSID, &IClassFactory::IID);
    assert_eq!(hr, S_OK);
    assert_eq!(DllCanUnloadNow(), S_FALSE, "a factory is alive");
    // SAFETY: a live IClassFactory pointer, owned here.
    let factory = unsafe { IClassFactory::from_raw(raw_factory) };
    // SAFETY: live interfaces; the outer object is any non-null IUnknown.
    unsafe {
        let outer: IUnknown = ComObject::new(Counter).into_interface();
        let aggregated = factory.CreateInstance::<IPing>(Some(&outer));
        assert_eq!(aggregated.unwrap_err().code(), CLASS_E_NOAGGREGATION);
        drop(outer);
        let wrong = factory.CreateInstance::<INamedCounter>(None);
        assert_eq!(wrong.unwrap_err().code(), E_NOINTERFACE);
        let ping = factory.CreateInstance::<IPing>(None).unwrap();
        assert_eq!(ping.Ping().unwrap(), 42);
        drop(factory);
        assert_eq!(DllCanUnloadNow(), S_FALSE, "an object is alive");
        drop(ping);
    }
    assert_eq!(DllCanUnloadNow(), S_OK, "everything released");

    // LockServer keeps the module loaded with nothing alive.
    let (_, raw_factory) = class_object(&Counter::CLSID, &IUnknown::IID);
    // SAFETY: a live IUnknown of a factory, owned here.
    let factory: IClassFactory = unsafe { IUnknown::from_raw(raw_factory) }.cast().unwrap();
    // SAFETY: a live interface.
    unsafe { factory.LockServer(true) }.unwrap();
    drop(factory);
    assert_eq!(DllCanUnloadNow(), S_FALSE, "locked");
    let (_, raw_factory) = class_object(&Counter::CLSID, &IClassFactory::IID);
    // SAFETY: as above.
    let factory = unsafe { IClassFactory::from_raw(raw_factory) };
    // SAFETY: a live interface.
    unsafe {
        let counter = factory.CreateInstance::<ICounter>(None).unwrap();
        assert_eq!(counter.Value().unwrap(), 0);
        factory.LockServer(false).unwrap();
    }
    drop(factory);
    assert_eq!(DllCanUnloadNow(), S_OK, "unlocked, all released");

    // Registration: no registry to write off Windows; the plan is data.
    assert_eq!(DllRegisterServer(), E_NOTIMPL);
    let plan = SERVER.plan("C:\\Program Files\\Test\\test.dll").unwrap();
    let mut registry = MemoryRegistry::new();
    plan.register(&mut registry).unwrap();
    let clsid = "{4D1E0C7B-2A3F-4B5C-9D8E-7F6A5B4C3D2E}";
    let key = |path: &str| (Hive::CurrentUser, format!("Software\\Classes\\{path}"));
    for (path, name, data) in [
        (
            format!("CLSID\\{clsid}"),
            None,
            Data::Sz("Test pinger".into()),
        ),
        (
            format!("CLSID\\{clsid}\\InprocServer32"),
            None,
            Data::ExpandSz("C:\\Program Files\\Test\\test.dll".into()),
        ),
        (
            format!("CLSID\\{clsid}\\InprocServer32"),
            Some("ThreadingModel"),
            Data::Sz("Both".into()),
        ),
        (
            format!("CLSID\\{clsid}\\ProgID"),
            None,
            Data::Sz("Comidl.TestPinger.1".into()),
        ),
        (
            "Comidl.TestPinger\\CurVer".into(),
            None,
            Data::Sz("Comidl.TestPinger.1".into()),
        ),
    ] {
        let (root, path) = key(&path);
        assert_eq!(
            registry.get_value(root, &path, name).unwrap(),
            Some(data),
            "{path} {name:?}"
        );
    }
    let sync_mgr = "Software\\Microsoft\\Windows\\CurrentVersion\\SyncMgr";
    let mobsync_clsid = "{5E2F1D8C-3B40-4C6D-8E9F-0A1B2C3D4E5F}";
    for (path, data) in [
        (
            format!("{sync_mgr}\\HandlerCollections\\{clsid}"),
            Data::Sz("Test collection".into()),
        ),
        (
            format!("{sync_mgr}\\HandlerCollections\\{clsid}\\DefaultIcon"),
            Data::ExpandSz("C:\\Program Files\\Test\\test.dll,-101".into()),
        ),
        (
            format!("{sync_mgr}\\Handlers\\{mobsync_clsid}"),
            Data::Sz("Test mobsync handler".into()),
        ),
    ] {
        let value = registry.get_value(Hive::CurrentUser, &path, None).unwrap();
        assert_eq!(value, Some(data), "{path}");
    }
    plan.unregister(&mut registry).unwrap();
    let left = registry.snapshot();
    assert!(
        !left.contains(clsid) && !left.contains(mobsync_clsid) && !left.contains("Comidl."),
        "unregister removes every key of the classes:\n{left}"
    );
}
