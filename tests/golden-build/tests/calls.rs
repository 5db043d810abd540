//! Calls through generated methods into hand-written vtables: what each
//! Rust signature does with the C call (answers, `bool`, `iid_is`, returned
//! values, strings, `cast`).

use core::ffi::c_void;

use comidl_golden::answer::answer::{IDoor, IDoor_Vtbl};
use comidl_golden::extern_types::extern_types::{ICircle, ICircle_Vtbl};
use comidl_golden::external::IShape_Vtbl;
use comidl_golden::iid_is::iid_is::{IProvider, IProvider_Vtbl};
use comidl_runtime::PCWSTR;
use windows_core::{GUID, HRESULT, IUnknown, IUnknown_Vtbl, Interface};

const S_OK: HRESULT = HRESULT(0);
const S_FALSE: HRESULT = HRESULT(1);
const E_NOTIMPL: HRESULT = HRESULT(0x8000_4001_u32 as i32);
const E_NOINTERFACE: HRESULT = HRESULT(0x8000_4002_u32 as i32);

/// A COM object that is a vtable and the interfaces it answers to;
/// references are not counted (it outlives every interface made from it).
#[repr(C)]
struct Object {
    vtable: *const c_void,
    iids: &'static [GUID],
}

impl Object {
    fn new<V>(vtable: &'static V, iids: &'static [GUID]) -> Object {
        Object {
            vtable: (vtable as *const V).cast(),
            iids,
        }
    }

    fn interface<I: Interface>(&self) -> I {
        unsafe { I::from_raw((self as *const Object).cast_mut().cast()) }
    }
}

unsafe extern "system" fn query_interface(
    this: *mut c_void,
    iid: *const GUID,
    out: *mut *mut c_void,
) -> HRESULT {
    let object = unsafe { &*this.cast::<Object>() };
    let iid = unsafe { *iid };
    if iid == IUnknown::IID || object.iids.contains(&iid) {
        unsafe { *out = this };
        S_OK
    } else {
        unsafe { *out = core::ptr::null_mut() };
        E_NOINTERFACE
    }
}

unsafe extern "system" fn not_counted(_: *mut c_void) -> u32 {
    1
}

const UNKNOWN: IUnknown_Vtbl = IUnknown_Vtbl {
    QueryInterface: query_interface,
    AddRef: not_counted,
    Release: not_counted,
};

unsafe extern "system" fn door_is_open(_: *mut c_void) -> HRESULT {
    S_FALSE
}

unsafe extern "system" fn door_can_open(
    _: *mut c_void,
    user: u32,
    force: windows_core::BOOL,
) -> HRESULT {
    if user == 7 && force.as_bool() {
        S_OK
    } else {
        S_FALSE
    }
}

unsafe extern "system" fn door_open(_: *mut c_void) -> HRESULT {
    E_NOTIMPL
}

static DOOR: IDoor_Vtbl = IDoor_Vtbl {
    base__: UNKNOWN,
    IsOpen: door_is_open,
    CanOpen: door_can_open,
    Open: door_open,
};

#[test]
fn answers_are_the_success_code_and_bool_converts() {
    let object = Object::new(&DOOR, &[IDoor::IID]);
    let door: IDoor = object.interface();
    unsafe {
        assert_eq!(door.IsOpen(), Ok(false));
        assert_eq!(door.CanOpen(7, true), Ok(true));
        assert_eq!(door.CanOpen(7, false), Ok(false));
        assert_eq!(door.Open().map_err(|e| e.code()), Err(E_NOTIMPL));
    }
    // A real windows-core interface: it casts to IUnknown and back.
    let unknown: IUnknown = door.cast().expect("IUnknown");
    let again: IDoor = unknown.cast().expect("IDoor");
    assert_eq!(again.as_raw(), door.as_raw());
}

unsafe extern "system" fn provider_get_object(
    this: *mut c_void,
    riid: *const GUID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    unsafe { query_interface(this, riid, ppv) }
}

unsafe extern "system" fn provider_get_named_object(
    this: *mut c_void,
    riid: *const GUID,
    name: PCWSTR,
    flags: u32,
    ppv: *mut *mut c_void,
) -> HRESULT {
    // Answers only to "ab" with flags 3.
    let name = unsafe { [*name.0, *name.0.add(1), *name.0.add(2)] };
    if name != [u16::from(b'a'), u16::from(b'b'), 0] || flags != 3 {
        return E_NOTIMPL;
    }
    unsafe { query_interface(this, riid, ppv) }
}

unsafe extern "system" fn provider_get_unknown(
    _: *mut c_void,
    _: *const GUID,
    _: *mut *mut c_void,
) -> HRESULT {
    E_NOTIMPL
}

unsafe extern "system" fn provider_register(
    _: *mut c_void,
    _: *const GUID,
    _: *mut c_void,
) -> HRESULT {
    E_NOTIMPL
}

static PROVIDER: IProvider_Vtbl = IProvider_Vtbl {
    base__: UNKNOWN,
    GetObject: provider_get_object,
    GetNamedObject: provider_get_named_object,
    GetUnknown: provider_get_unknown,
    Register: provider_register,
};

#[test]
fn iid_is_passes_the_iid_of_t_and_returns_a_t() {
    let object = Object::new(&PROVIDER, &[IProvider::IID]);
    let provider: IProvider = object.interface();
    unsafe {
        let same: IProvider = provider.GetObject().expect("IProvider");
        assert_eq!(same.as_raw(), provider.as_raw());
        let door = provider.GetObject::<IDoor>().map(|_| ());
        assert_eq!(door.map_err(|e| e.code()), Err(E_NOINTERFACE));

        let name = [u16::from(b'a'), u16::from(b'b'), 0];
        let named: IProvider = provider
            .GetNamedObject(PCWSTR(name.as_ptr()), 3)
            .expect("named");
        assert_eq!(named.as_raw(), provider.as_raw());
    }
}

unsafe extern "system" fn shape_area(_: *mut c_void, area: *mut i32) -> HRESULT {
    unsafe { *area = 75 };
    S_OK
}

unsafe extern "system" fn circle_radius(_: *mut c_void, radius: *mut i32) -> HRESULT {
    unsafe { *radius = 5 };
    S_OK
}

static CIRCLE: ICircle_Vtbl = ICircle_Vtbl {
    base__: IShape_Vtbl {
        base__: UNKNOWN,
        Area: shape_area,
    },
    Radius: circle_radius,
};

#[test]
fn retval_is_the_ok_value_through_an_extern_base() {
    let object = Object::new(&CIRCLE, &[ICircle::IID]);
    let circle: ICircle = object.interface();
    assert_eq!(unsafe { circle.Radius() }, Ok(5));
    // The mapped base's slots come first: its vtable is the prefix.
    let base = &circle.vtable().base__;
    let mut area = 0;
    let hr = unsafe { (base.Area)(circle.as_raw(), &mut area) };
    assert_eq!((hr, area), (S_OK, 75));
}
