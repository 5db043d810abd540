//! Objects made with `#[derive(ComObject)]`, called the way a C client
//! calls them: through raw interface pointers and vtables only.

use core::ffi::c_void;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use comidl_objects_tests::*;
use comidl_runtime::ComObject;
use comidl_runtime::hresult::{E_NOINTERFACE, E_POINTER, E_UNEXPECTED, S_OK};
use windows_core::{GUID, HRESULT, IUnknown, IUnknown_Vtbl, Interface, Result};

#[derive(ComObject)]
#[com(implements(INamedCounter, IPing))]
struct Counter {
    count: AtomicU32,
    name: String,
    drops: Arc<AtomicUsize>,
}

impl Counter {
    fn new(name: &str, drops: &Arc<AtomicUsize>) -> Self {
        Counter {
            count: AtomicU32::new(0),
            name: name.into(),
            drops: drops.clone(),
        }
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

impl ICounter_Impl for Counter {
    fn Add(&self, n: u32) -> Result<()> {
        self.count.fetch_add(n, Ordering::SeqCst);
        Ok(())
    }
    fn Value(&self) -> Result<u32> {
        Ok(self.count.load(Ordering::SeqCst))
    }
    fn Boom(&self) -> Result<()> {
        panic!("the counter {} exploded", self.name)
    }
}

impl INamedCounter_Impl for Counter {
    fn Name(&self) -> Result<String> {
        Ok(self.name.clone())
    }
    fn Reset(&self) -> Result<()> {
        self.count.store(0, Ordering::SeqCst);
        Ok(())
    }
}

impl IPing_Impl for Counter {
    fn Ping(&self) -> Result<u32> {
        Ok(42)
    }
}

/// Another class implementing one of the same interfaces.
#[derive(ComObject)]
#[com(implements(IPing))]
struct Pinger;

impl IPing_Impl for Pinger {
    fn Ping(&self) -> Result<u32> {
        Ok(7)
    }
}

/// The vtable an interface pointer points to.
///
/// # Safety
///
/// `this` is a live interface pointer whose vtable starts with a `V`.
unsafe fn vtable<'a, V>(this: *mut c_void) -> &'a V {
    unsafe { &**this.cast::<*const V>() }
}

fn unknown(this: *mut c_void) -> &'static IUnknown_Vtbl {
    // SAFETY: every pointer the tests pass is a live COM interface pointer.
    unsafe { vtable(this) }
}

fn query(this: *mut c_void, iid: &GUID) -> (HRESULT, *mut c_void) {
    // A non-null value: QueryInterface must overwrite it, even on failure.
    let mut out = core::ptr::without_provenance_mut(0xdead);
    // SAFETY: a live pointer, a readable IID and a writable out-pointer.
    let hr = unsafe { (unknown(this).QueryInterface)(this, iid, &mut out) };
    (hr, out)
}

fn add_ref(this: *mut c_void) -> u32 {
    // SAFETY: a live pointer.
    unsafe { (unknown(this).AddRef)(this) }
}

fn release(this: *mut c_void) -> u32 {
    // SAFETY: a live pointer whose reference the test gives up.
    unsafe { (unknown(this).Release)(this) }
}

/// A new counter as a raw `IUnknown` pointer owning one reference.
fn new_counter(drops: &Arc<AtomicUsize>) -> *mut c_void {
    let unknown: IUnknown = ComObject::new(Counter::new("c", drops)).into_interface();
    unknown.into_raw()
}

#[test]
fn query_interface_answers_each_interface_its_bases_and_iunknown() {
    let drops = Arc::new(AtomicUsize::new(0));
    let object = new_counter(&drops);
    for iid in [INamedCounter::IID, ICounter::IID, IPing::IID, IUnknown::IID] {
        let (hr, pointer) = query(object, &iid);
        assert_eq!(hr, S_OK, "QueryInterface for {iid:?}");
        assert!(!pointer.is_null());
        // Identity: IUnknown from any interface is one and the same pointer.
        let (hr, identity) = query(pointer, &IUnknown::IID);
        assert_eq!((hr, identity), (S_OK, object));
        release(identity);
        release(pointer);
    }
    // A derived interface and its base share a vtable pointer; another
    // interface has its own.
    let (_, named) = query(object, &INamedCounter::IID);
    let (_, counter) = query(object, &ICounter::IID);
    let (_, ping) = query(object, &IPing::IID);
    assert_eq!(named, counter);
    assert_ne!(named, ping);
    for pointer in [named, counter, ping] {
        release(pointer);
    }
    assert_eq!(release(object), 0);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn query_interface_refuses_what_is_not_implemented() {
    let drops = Arc::new(AtomicUsize::new(0));
    let object = new_counter(&drops);
    let (hr, out) = query(object, &IUnimplemented::IID);
    assert_eq!(hr, E_NOINTERFACE);
    assert!(out.is_null(), "*ppv is NULL after E_NOINTERFACE");
    // SAFETY: a live pointer; null out-pointer and null IID are refused.
    unsafe {
        let hr = (unknown(object).QueryInterface)(object, &IPing::IID, core::ptr::null_mut());
        assert_eq!(hr, E_POINTER);
        let mut out = core::ptr::null_mut();
        let hr = (unknown(object).QueryInterface)(object, core::ptr::null(), &mut out);
        assert_eq!(hr, E_POINTER);
    }
    // Nothing was added by the refusals.
    assert_eq!(add_ref(object), 2);
    assert_eq!(release(object), 1);
    assert_eq!(release(object), 0);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn reference_counts_are_exact_and_the_value_is_dropped_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let object = new_counter(&drops);
    assert_eq!(add_ref(object), 2);
    assert_eq!(add_ref(object), 3);
    let (_, ping) = query(object, &IPing::IID);
    // One count for the whole object, whichever interface is used.
    assert_eq!(add_ref(ping), 5);
    assert_eq!(release(ping), 4);
    assert_eq!(release(ping), 3);
    assert_eq!(release(object), 2);
    assert_eq!(release(object), 1);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    assert_eq!(release(object), 0);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn methods_are_called_through_the_vtable() {
    let drops = Arc::new(AtomicUsize::new(0));
    let object = new_counter(&drops);
    let (_, named) = query(object, &INamedCounter::IID);
    // SAFETY: `named` is a live INamedCounter; out-pointers are locals.
    unsafe {
        let vtbl: &INamedCounter_Vtbl = vtable(named);
        // The base's slots come first, and work on the derived pointer.
        assert_eq!((vtbl.base__.Add)(named, 5), S_OK);
        assert_eq!((vtbl.base__.Add)(named, 6), S_OK);
        let mut value = 0;
        assert_eq!((vtbl.base__.Value)(named, &mut value), S_OK);
        assert_eq!(value, 11);
        assert_eq!((vtbl.base__.Value)(named, core::ptr::null_mut()), E_POINTER);
        let mut name = comidl_runtime::PWSTR::null();
        assert_eq!((vtbl.Name)(named, &mut name), S_OK);
        let text = comidl_runtime::WideStr::from_ptr(name.0).expect("a string");
        assert_eq!(text, "c");
        comidl_runtime::task_mem::free(name.0.cast());
        assert_eq!((vtbl.Reset)(named,), S_OK);
        assert_eq!((vtbl.base__.Value)(named, &mut value), S_OK);
        assert_eq!(value, 0);
    }
    let (_, ping) = query(object, &IPing::IID);
    // SAFETY: `ping` is a live IPing.
    unsafe {
        let vtbl: &IPing_Vtbl = vtable(ping);
        let mut answer = 0;
        assert_eq!((vtbl.Ping)(ping, &mut answer), S_OK);
        assert_eq!(answer, 42);
    }
    release(ping);
    release(named);
    release(object);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn a_panic_becomes_e_unexpected_and_the_object_lives_on() {
    let drops = Arc::new(AtomicUsize::new(0));
    let object = new_counter(&drops);
    let (_, counter) = query(object, &ICounter::IID);
    // SAFETY: `counter` is a live ICounter.
    unsafe {
        let vtbl: &ICounter_Vtbl = vtable(counter);
        assert_eq!((vtbl.Boom)(counter), E_UNEXPECTED);
        assert_eq!((vtbl.Add)(counter, 1), S_OK);
        let mut value = 0;
        assert_eq!((vtbl.Value)(counter, &mut value), S_OK);
        assert_eq!(value, 1);
    }
    release(counter);
    assert_eq!(release(object), 0);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn values_become_interfaces_and_back() {
    let drops = Arc::new(AtomicUsize::new(0));
    let ping: IPing = Counter::new("back", &drops).into();
    // SAFETY: generated caller-side methods on a live interface.
    assert_eq!(ping.Ping().unwrap(), 42);
    let object = ComObject::<Counter>::from_interface(&ping).expect("a Counter");
    assert_eq!(object.name, "back");
    // Another class's object is not a Counter, and vice versa.
    let other: IPing = Pinger.into();
    assert!(ComObject::<Counter>::from_interface(&other).is_none());
    assert!(ComObject::<Pinger>::from_interface(&ping).is_none());
    let named: INamedCounter = object.to_interface();
    // SAFETY: as above.
    named.Add(3).unwrap();
    assert_eq!(named.Value().unwrap(), 3);
    assert_eq!(object.count.load(Ordering::SeqCst), 3);
    drop((ping, object, named, other));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn windows_core_casts_work_both_ways() {
    let drops = Arc::new(AtomicUsize::new(0));
    let object = ComObject::new(Counter::new("cast", &drops));
    let named: INamedCounter = object.to_interface();
    let ping: IPing = named.cast().unwrap();
    let counter: ICounter = ping.cast().unwrap();
    let back: INamedCounter = counter.cast().unwrap();
    assert_eq!(back, named);
    assert!(ping.cast::<IUnimplemented>().is_err());
    let ping_again: IPing = object.cast().unwrap();
    assert_eq!(ping_again, ping);
    // SAFETY: a live interface.
    assert_eq!(counter.Value().unwrap(), 0);
    assert_eq!(object.reference_count(), 6);
    drop((named, ping, counter, back, ping_again));
    assert_eq!(object.reference_count(), 1);
    drop(object);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

/// An apartment object: called on one thread only, so it may keep a `Cell`
/// and the interfaces it is handed, neither of which is thread-safe.
#[derive(ComObject)]
#[com(implements(IPing), threading = "Apartment")]
struct Relay {
    calls: core::cell::Cell<u32>,
    target: core::cell::RefCell<Option<IPing>>,
}

impl IPing_Impl for Relay {
    fn Ping(&self) -> Result<u32> {
        self.calls.set(self.calls.get() + 1);
        match &*self.target.borrow() {
            // SAFETY: a live interface, called on the thread that holds it.
            Some(target) => target.Ping(),
            None => Ok(0),
        }
    }
}

#[test]
fn apartment_objects_may_hold_what_is_not_thread_safe() {
    let relay = ComObject::new(Relay {
        calls: Default::default(),
        target: Default::default(),
    });
    let ping: IPing = relay.to_interface();
    let mut answer = 1;
    // SAFETY: a live interface pointer and a writable out-pointer.
    unsafe { (vtable::<IPing_Vtbl>(ping.as_raw()).Ping)(ping.as_raw(), &mut answer) }.unwrap();
    assert_eq!(answer, 0);
    *relay.target.borrow_mut() = Some(Pinger.into());
    // SAFETY: as above.
    assert_eq!(ping.Ping().unwrap(), 7);
    assert_eq!(relay.calls.get(), 2);
}
