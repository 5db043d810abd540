//! In-process COM server plumbing: the module's count of live objects and
//! locks, a class factory per class, and what the four DLL exports do.
//! [`dll_exports!`](crate::dll_exports) writes the exports themselves.

use core::ffi::c_void;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::borrow::ToOwned;
use std::format;
use std::string::String;
use std::vec::Vec;

use windows_core::{BOOL, GUID, HRESULT, IUnknown, Interface};

use crate::hresult::{CLASS_E_CLASSNOTAVAILABLE, CLASS_E_NOAGGREGATION, E_POINTER, S_FALSE, S_OK};
use crate::object::{Class, ComObject, Implements, VtablePtr, unknown_vtbl, value_of};
use crate::registration::record::{self, Description, Location};
use crate::registration::{self, Plan};
use crate::thunk;

/// Objects alive in this module (including class factories).
static OBJECTS: AtomicUsize = AtomicUsize::new(0);
/// `IClassFactory::LockServer(TRUE)` calls not yet undone.
static LOCKS: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn object_created() {
    OBJECTS.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn object_destroyed() {
    OBJECTS.fetch_sub(1, Ordering::Release);
}

/// How many objects of this module are alive, and how many locks are held:
/// what `DllCanUnloadNow` looks at.
pub fn live_objects_and_locks() -> (usize, usize) {
    (
        OBJECTS.load(Ordering::Acquire),
        LOCKS.load(Ordering::Acquire),
    )
}

/// A class that COM clients create by CLSID, through its class factory.
/// Implemented by `#[derive(ComObject)]` when given a `clsid`; the object is
/// made with `Default`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no CLSID: a DLL serves only classes created by CLSID",
    note = "add `clsid = \"...\"` to the `#[com(...)]` of `{Self}`"
)]
pub trait CoClass: Class + Default {
    const CLSID: GUID;

    /// What registering the class writes (description, threading model,
    /// ProgIDs, Sync Center roles), as a class [`record`](registration::record).
    const REGISTRATION: &'static str;
}

/// `IClassFactory`, implemented by the runtime for every [`CoClass`].
#[repr(transparent)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IClassFactory(IUnknown);

// SAFETY: the IID and vtable of IClassFactory as declared in unknwn.idl.
unsafe impl Interface for IClassFactory {
    type Vtable = IClassFactory_Vtbl;
    const IID: GUID = GUID::from_u128(0x00000001_0000_0000_c000_000000000046);
}

windows_core::imp::interface_hierarchy!(IClassFactory, IUnknown);

#[allow(non_snake_case)]
impl IClassFactory {
    /// A new object of the factory's class, as `T`.
    ///
    /// # Safety
    ///
    /// The factory's vtable is sound (true of every COM object).
    pub unsafe fn CreateInstance<T: Interface>(
        &self,
        outer: Option<&IUnknown>,
    ) -> windows_core::Result<T> {
        let mut object = core::ptr::null_mut();
        // SAFETY: a live interface; the out-pointer is a local.
        unsafe {
            (self.vtable().CreateInstance)(
                self.as_raw(),
                outer.map_or(core::ptr::null_mut(), Interface::as_raw),
                &T::IID,
                &mut object,
            )
            .map(|| T::from_raw(object))
        }
    }

    /// # Safety
    ///
    /// As [`IClassFactory::CreateInstance`].
    pub unsafe fn LockServer(&self, lock: bool) -> windows_core::Result<()> {
        // SAFETY: a live interface.
        unsafe { (self.vtable().LockServer)(self.as_raw(), lock.into()).ok() }
    }
}

#[repr(C)]
#[allow(non_snake_case)]
pub struct IClassFactory_Vtbl {
    pub base__: windows_core::IUnknown_Vtbl,
    pub CreateInstance: unsafe extern "system" fn(
        *mut c_void,
        *mut c_void,
        *const GUID,
        *mut *mut c_void,
    ) -> HRESULT,
    pub LockServer: unsafe extern "system" fn(*mut c_void, BOOL) -> HRESULT,
}

/// What the module knows of a class it serves: enough to make its factory
/// and its registration.
#[derive(Clone, Copy)]
pub struct ServedClass {
    clsid: GUID,
    create: fn() -> IUnknown,
    record: &'static str,
}

impl ServedClass {
    pub const fn of<C: CoClass>() -> Self {
        fn create<C: CoClass>() -> IUnknown {
            ComObject::new(C::default()).into_interface()
        }
        Self {
            clsid: C::CLSID,
            create: create::<C>,
            record: C::REGISTRATION,
        }
    }
}

/// The CLSIDs of `classes`, in order, for their server's record. (A const
/// array cannot be collected; `N` is `classes.len()`.)
#[doc(hidden)]
pub const fn clsids<const N: usize>(classes: &[ServedClass]) -> [GUID; N] {
    let mut clsids = [GUID::zeroed(); N];
    let mut i = 0;
    while i < N {
        clsids[i] = classes[i].clsid;
        i += 1;
    }
    clsids
}

/// The class factory object of one class.
struct ClassFactory {
    create: fn() -> IUnknown,
}

static CLASS_FACTORY_VTBL: IClassFactory_Vtbl = IClassFactory_Vtbl {
    base__: unknown_vtbl::<ClassFactory, 0>(),
    CreateInstance: create_instance,
    LockServer: lock_server,
};

// SAFETY: one slot, whose vtable starts with `unknown_vtbl::<Self, 0>` and
// whose other thunks take slot 0 of a `ClassFactory`; it answers only
// IClassFactory.
unsafe impl Class for ClassFactory {
    type Vtables = [VtablePtr; 1];
    const VTABLES: Self::Vtables = [VtablePtr::new(&CLASS_FACTORY_VTBL)];

    fn slot_of(iid: &GUID) -> Option<usize> {
        (*iid == IClassFactory::IID).then_some(0)
    }
}

// SAFETY: slot 0 is IClassFactory's vtable.
unsafe impl Implements<IClassFactory> for ClassFactory {
    const SLOT: usize = 0;
}

unsafe extern "system" fn create_instance(
    this: *mut c_void,
    outer: *mut c_void,
    iid: *const GUID,
    out: *mut *mut c_void,
) -> HRESULT {
    thunk::run("IClassFactory::CreateInstance", || {
        // SAFETY: COM passes a writable out-pointer (or null, refused).
        unsafe { thunk::cleared(out) }?;
        if !outer.is_null() {
            return Ok(CLASS_E_NOAGGREGATION);
        }
        // SAFETY: COM calls with the slot-0 pointer of a live factory.
        let factory = unsafe { value_of::<ClassFactory, 0>(this) };
        let object = (factory.create)();
        // SAFETY: `iid` readable (or null, which QueryInterface refuses) and
        // `out` writable; the object's own reference is dropped after.
        Ok(unsafe { thunk::query(&object, iid, out) })
    })
}

unsafe extern "system" fn lock_server(_this: *mut c_void, lock: BOOL) -> HRESULT {
    if lock.as_bool() {
        LOCKS.fetch_add(1, Ordering::Relaxed);
    } else {
        // An unmatched unlock is the caller's bug; don't wrap below zero.
        let _ = LOCKS.fetch_update(Ordering::Release, Ordering::Relaxed, |n| n.checked_sub(1));
    }
    S_OK
}

/// The classes of a DLL, and the scope it registers them in: what the DLL
/// exports do. Made by [`dll_exports!`](crate::dll_exports).
pub struct Server {
    record: &'static str,
    classes: &'static [ServedClass],
}

impl Server {
    /// A server of `classes`, registered where its `record` says (a server
    /// record, see [`registration::record`]; it lists the classes).
    pub const fn new(record: &'static str, classes: &'static [ServedClass]) -> Self {
        Self { record, classes }
    }

    /// The registration records the DLL carries, which `comidl reg` finds
    /// in the built file: the server's, then each class's.
    pub fn records(&self) -> impl Iterator<Item = &'static str> + '_ {
        core::iter::once(self.record).chain(self.classes.iter().map(|c| c.record))
    }

    /// `DllGetClassObject`: the class factory of `*clsid`, as `*iid`.
    ///
    /// # Safety
    ///
    /// `clsid` and `iid` are null or readable; `out` is null or writable.
    pub unsafe fn get_class_object(
        &self,
        clsid: *const GUID,
        iid: *const GUID,
        out: *mut *mut c_void,
    ) -> HRESULT {
        if out.is_null() {
            return E_POINTER;
        }
        // SAFETY: writable, by the caller's promise.
        unsafe { out.write(core::ptr::null_mut()) };
        // SAFETY: null or readable, by the caller's promise.
        let Some(clsid) = (unsafe { clsid.as_ref() }) else {
            return E_POINTER;
        };
        let Some(class) = self.classes.iter().find(|c| c.clsid == *clsid) else {
            return CLASS_E_CLASSNOTAVAILABLE;
        };
        let factory: IUnknown = ComObject::new(ClassFactory {
            create: class.create,
        })
        .into_interface();
        // SAFETY: by the caller's promise.
        unsafe { thunk::query(&factory, iid, out) }
    }

    /// `DllCanUnloadNow`: `S_OK` when no object of the module is alive and
    /// no lock is held, `S_FALSE` otherwise.
    pub fn can_unload_now(&self) -> HRESULT {
        match live_objects_and_locks() {
            (0, 0) => S_OK,
            _ => S_FALSE,
        }
    }

    /// What registering the classes writes, for the module at `module_path`:
    /// the plan of the server's records, read as `comidl reg` reads them.
    pub fn plan(&self, module_path: &str) -> Result<Plan, registration::Error> {
        let invalid =
            |why: String| registration::Error::Invalid(format!("the DLL's records: {why}"));
        let mut records = Vec::new();
        for text in self.records() {
            let read = record::read(text, Location::Line).map_err(|e| invalid(e.to_string()))?;
            records.extend(read);
        }
        let description = Description::assemble(&records).map_err(|e| invalid(e.to_string()))?;
        let scope = description
            .scope
            .ok_or_else(|| invalid("no server record".to_owned()))?;
        Plan::for_classes(&description.classes, module_path, scope)
    }

    /// `DllRegisterServer`: writes the plan for this DLL to the registry
    /// (undoing everything if a step fails).
    pub fn register(&self) -> HRESULT {
        self.apply("DllRegisterServer", |plan, registry| {
            plan.register(registry)
        })
    }

    /// `DllUnregisterServer`: removes what [`Server::register`] wrote.
    pub fn unregister(&self) -> HRESULT {
        self.apply("DllUnregisterServer", |plan, registry| {
            plan.unregister(registry)
        })
    }

    #[cfg(windows)]
    fn apply(
        &self,
        export: &'static str,
        step: fn(&Plan, &mut registration::WindowsRegistry) -> Result<(), registration::Error>,
    ) -> HRESULT {
        use crate::hresult::{E_FAIL, SELFREG_E_CLASS};
        thunk::run(export, || {
            let Some(path) = module::this_module_path() else {
                return Ok(E_FAIL);
            };
            let outcome = self
                .plan(&path)
                .and_then(|plan| step(&plan, &mut registration::WindowsRegistry));
            Ok(match outcome {
                Ok(()) => S_OK,
                Err(error) => {
                    std::eprintln!("comidl: {export} failed: {error}");
                    SELFREG_E_CLASS
                }
            })
        })
    }

    /// Off Windows there is no registry to write: `E_NOTIMPL`. Tests apply
    /// [`Server::plan`] to a `MemoryRegistry` instead.
    #[cfg(not(windows))]
    fn apply(
        &self,
        _export: &'static str,
        _step: fn(&Plan, &mut registration::MemoryRegistry) -> Result<(), registration::Error>,
    ) -> HRESULT {
        // Nothing reads the records here, and an optimizer could drop them;
        // `comidl reg` looks for them in every build of the library.
        core::hint::black_box(self);
        crate::hresult::E_NOTIMPL
    }
}

/// The path of the DLL this runtime is linked into.
#[cfg(windows)]
mod module {
    use core::ffi::c_void;
    use std::string::String;

    const GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS: u32 = 0x4;
    const GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT: u32 = 0x2;
    windows_link::link!("kernel32.dll" "system" fn GetModuleHandleExW(flags: u32, name: *const c_void, module: *mut *mut c_void) -> i32);
    windows_link::link!("kernel32.dll" "system" fn GetModuleFileNameW(module: *mut c_void, name: *mut u16, size: u32) -> u32);

    pub fn this_module_path() -> Option<String> {
        let mut module = core::ptr::null_mut();
        // Any address inside this DLL names it; this function's will do.
        let address = this_module_path as *const c_void;
        // SAFETY: `module` is a local to write; the flags ask for no reference.
        let found = unsafe {
            GetModuleHandleExW(
                GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                    | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                address,
                &mut module,
            )
        };
        if found == 0 {
            return None;
        }
        let mut buffer = std::vec![0u16; 260];
        loop {
            let size = u32::try_from(buffer.len()).ok()?;
            // SAFETY: `buffer` holds `size` units.
            let written = unsafe { GetModuleFileNameW(module, buffer.as_mut_ptr(), size) };
            if written == 0 {
                return None;
            }
            if written < size {
                return Some(String::from_utf16_lossy(&buffer[..written as usize]));
            }
            // Truncated: try a larger buffer.
            buffer.resize(buffer.len() * 2, 0);
        }
    }
}

/// Exports the four functions of an in-process COM server for the listed
/// classes (each a [`CoClass`], usually through `#[derive(ComObject)]` with
/// a `clsid`), and a `static SERVER: Server` behind them:
///
/// ```ignore
/// comidl_runtime::dll_exports!(scope = User, classes = [FolderSyncHandlers, FolderSyncHandler]);
/// ```
///
/// `scope` is where `DllRegisterServer` writes: `User` (per-user, no
/// elevation) or `Machine`. The DLL carries its registration as text (the
/// server's record, listing its classes, and each class's record), which
/// `comidl reg` reads from the built file.
#[macro_export]
macro_rules! dll_exports {
    (scope = $scope:ident, classes = [$($class:ty),+ $(,)?] $(,)?) => {
        /// The classes this DLL serves, and where it registers them.
        pub static SERVER: $crate::server::Server = {
            use $crate::registration::record::{as_text, server_record};
            use $crate::server::{ServedClass, clsids};
            const CLASSES: &[ServedClass] = &[$(ServedClass::of::<$class>()),+];
            const CLSIDS: [$crate::windows_core::GUID; CLASSES.len()] = clsids(CLASSES);
            const SCOPE: $crate::registration::Scope = $crate::registration::Scope::$scope;
            // The record is written at compile time: measured, then written.
            const LEN: usize = server_record::<0>(SCOPE, &CLSIDS).written();
            const RECORD: [u8; LEN] = server_record::<LEN>(SCOPE, &CLSIDS).into_bytes();
            $crate::server::Server::new(as_text(&RECORD), CLASSES)
        };

        /// Gives COM the class factory of a class this DLL serves.
        ///
        /// # Safety
        ///
        /// Called by COM with readable GUIDs and a writable out-pointer.
        #[unsafe(no_mangle)]
        pub unsafe extern "system" fn DllGetClassObject(
            clsid: *const $crate::windows_core::GUID,
            iid: *const $crate::windows_core::GUID,
            out: *mut *mut ::core::ffi::c_void,
        ) -> $crate::windows_core::HRESULT {
            // SAFETY: passed on from COM, which keeps the promise above.
            unsafe { SERVER.get_class_object(clsid, iid, out) }
        }

        /// `S_OK` when no object of this DLL is alive and no lock is held.
        #[unsafe(no_mangle)]
        pub extern "system" fn DllCanUnloadNow() -> $crate::windows_core::HRESULT {
            SERVER.can_unload_now()
        }

        /// Registers the classes (what `regsvr32` calls).
        #[unsafe(no_mangle)]
        pub extern "system" fn DllRegisterServer() -> $crate::windows_core::HRESULT {
            SERVER.register()
        }

        /// Removes what `DllRegisterServer` wrote (what `regsvr32 /u` calls).
        #[unsafe(no_mangle)]
        pub extern "system" fn DllUnregisterServer() -> $crate::windows_core::HRESULT {
            SERVER.unregister()
        }
    };
}
