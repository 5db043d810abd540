//! Calls through generated methods into hand-written vtables: what each
//! Rust signature does with the C call (answers, `bool`, `iid_is`, returned
//! values, strings, `cast`, slices, interfaces that are not COM).

use core::ffi::c_void;

use comidl_golden::answer::answer::{IDoor, IDoor_Vtbl};
use comidl_golden::extern_types::extern_types::{ICircle, ICircle_Vtbl};
use comidl_golden::external::IShape_Vtbl;
use comidl_golden::iid_is::iid_is::{IProvider, IProvider_Vtbl};
use comidl_golden::not_com::not_com::{IVisitor, IVisitor_Vtbl, SCOPE};
use comidl_golden::size_is::size_is::{IStore, IStore_Vtbl};
use comidl_runtime::{PCWSTR, WideString};
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
    assert_eq!(door.IsOpen(), Ok(false));
    assert_eq!(door.CanOpen(7, true), Ok(true));
    assert_eq!(door.CanOpen(7, false), Ok(false));
    assert_eq!(door.Open().map_err(|e| e.code()), Err(E_NOTIMPL));
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
    let same: IProvider = provider.GetObject().expect("IProvider");
    assert_eq!(same.as_raw(), provider.as_raw());
    let door = provider.GetObject::<IDoor>().map(|_| ());
    assert_eq!(door.map_err(|e| e.code()), Err(E_NOINTERFACE));

    let named: IProvider = provider
        .GetNamedObject(&WideString::from("ab"), 3)
        .expect("named");
    assert_eq!(named.as_raw(), provider.as_raw());
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
    assert_eq!(circle.Radius(), Ok(5));
    // The mapped base's slots come first: its vtable is the prefix.
    let base = &circle.vtable().base__;
    let mut area = 0;
    let hr = unsafe { (base.Area)(circle.as_raw(), &mut area) };
    assert_eq!((hr, area), (S_OK, 75));
}

/// `Write` answers S_OK only for the bytes 1, 2, 3 with their count.
unsafe extern "system" fn store_write(_: *mut c_void, count: u32, data: *const u8) -> HRESULT {
    let bytes = unsafe { core::slice::from_raw_parts(data, count as usize) };
    if bytes == [1, 2, 3] { S_OK } else { E_NOTIMPL }
}

unsafe extern "system" fn store_read(_: *mut c_void, _: u32, _: *mut u8, _: *mut u32) -> HRESULT {
    E_NOTIMPL
}

/// `Fill` writes 10, 11, ... into each of the `count` values.
unsafe extern "system" fn store_fill(_: *mut c_void, count: u32, values: *mut u32) -> HRESULT {
    for i in 0..count {
        unsafe { *values.add(i as usize) = 10 + i };
    }
    S_OK
}

unsafe extern "system" fn store_set_grid(_: *mut c_void, _: u32, _: *const i32) -> HRESULT {
    E_NOTIMPL
}

/// `Next` hands out the object itself (uncounted) in the first slot only.
unsafe extern "system" fn store_next(
    this: *mut c_void,
    celt: u32,
    items: *mut *mut c_void,
    fetched: *mut u32,
) -> HRESULT {
    if celt == 0 {
        return S_FALSE;
    }
    unsafe {
        *items = this;
        *fetched = 1;
    }
    if celt == 1 { S_OK } else { S_FALSE }
}

unsafe extern "system" fn store_take(_: *mut c_void, _: *mut u32, _: *mut *mut u8) -> HRESULT {
    E_NOTIMPL
}

unsafe extern "system" fn store_put(
    _: *mut c_void,
    _: *const comidl_golden::size_is::size_is::BUFFER,
) -> HRESULT {
    E_NOTIMPL
}

/// `Exchange` doubles each byte; a null buffer must come with a zero count.
unsafe extern "system" fn store_exchange(_: *mut c_void, count: u32, data: *mut u8) -> HRESULT {
    if data.is_null() {
        return if count == 0 { S_FALSE } else { E_NOTIMPL };
    }
    for i in 0..count as usize {
        unsafe { *data.add(i) *= 2 };
    }
    S_OK
}

static STORE: IStore_Vtbl = IStore_Vtbl {
    base__: UNKNOWN,
    Write: store_write,
    Read: store_read,
    Fill: store_fill,
    SetGrid: store_set_grid,
    Next: store_next,
    Take: store_take,
    Put: store_put,
    Exchange: store_exchange,
    Gather: store_next,
};

#[test]
fn size_is_arrays_are_slices_whose_length_is_the_count() {
    let object = Object::new(&STORE, &[IStore::IID]);
    let store: IStore = object.interface();
    assert_eq!(store.Write(&[1, 2, 3]), Ok(()));
    assert_eq!(store.Write(&[1, 2]).map_err(|e| e.code()), Err(E_NOTIMPL));

    let mut bytes = [1u8, 2, 3];
    store.Exchange(Some(&mut bytes)).expect("Exchange");
    assert_eq!(bytes, [2, 4, 6]);
    // `None` is a null pointer and a zero count.
    assert_eq!(store.Exchange(None), Ok(()));

    let mut values = [0u32; 4];
    store.Fill(&mut values).expect("Fill");
    assert_eq!(values, [10, 11, 12, 13]);

    // Interface elements are `Option<I>`: the callee's pointers land
    // in the slice as interfaces (this object is not counted, so the
    // one handed out is forgotten rather than released).
    let mut items: [Option<IUnknown>; 1] = [None];
    let mut fetched = 0;
    store.Next(&mut items, &mut fetched).expect("Next");
    assert_eq!(fetched, 1);
    let item = items[0].take().expect("an item");
    assert_eq!(item.as_raw(), store.as_raw());
    core::mem::forget(item);

    // `Gather` is `[local]` and states no bounds; its wire form's make
    // `items` a slice here too, whose length is the count the callee sees.
    let mut items: [Option<IUnknown>; 2] = [None, None];
    let mut fetched = 0;
    store.Gather(&mut items, &mut fetched).expect("S_FALSE");
    assert_eq!(fetched, 1);
    assert!(items[1].is_none());
    core::mem::forget(items[0].take().expect("an item"));
}

/// A C++-style object: its vtable has no IUnknown slots.
#[repr(C)]
struct Visitor {
    vtable: &'static IVisitor_Vtbl,
    visits: core::cell::Cell<i32>,
}

unsafe extern "system" fn visitor_visit(this: *mut c_void, depth: i32, scope: SCOPE) -> HRESULT {
    let visitor = unsafe { &*this.cast::<Visitor>() };
    visitor.visits.set(visitor.visits.get() + depth + scope.0);
    S_OK
}

unsafe extern "system" fn visitor_done(this: *mut c_void) {
    let visitor = unsafe { &*this.cast::<Visitor>() };
    visitor.visits.set(-1);
}

static VISITOR: IVisitor_Vtbl = IVisitor_Vtbl {
    Visit: visitor_visit,
    Done: visitor_done,
};

#[test]
fn interfaces_without_a_base_have_no_iunknown_slots() {
    let visitor = Visitor {
        vtable: &VISITOR,
        visits: core::cell::Cell::new(0),
    };
    let raw = (&raw const visitor).cast_mut().cast();
    {
        // Not reference counted: the interface going out of scope calls
        // nothing (there is no Release slot to call).
        let interface = unsafe { IVisitor::from_raw(raw) };
        interface.Visit(2, SCOPE::SCOPE_ONE).expect("Visit");
        assert_eq!(visitor.visits.get(), 3);
        interface.Done();
    }
    assert_eq!(visitor.visits.get(), -1);
}
