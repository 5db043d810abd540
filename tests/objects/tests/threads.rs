//! Reference counting and QueryInterface from many threads at once on
//! shared objects: the count ends exact and the value is dropped once.

use core::ffi::c_void;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use comidl_objects_tests::*;
use comidl_runtime::ComObject;
use comidl_runtime::hresult::S_OK;
use windows_core::{IUnknown, IUnknown_Vtbl, Interface, Result};

#[derive(ComObject)]
#[com(implements(IPing))]
struct Shared {
    drops: Arc<AtomicUsize>,
}

impl IPing_Impl for Shared {
    fn Ping(&self) -> Result<u32> {
        Ok(1)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

const THREADS: usize = 8;
/// A million rounds each, natively; Miri interprets every instruction, so
/// it checks the same interleavings on fewer rounds.
const ROUNDS: usize = if cfg!(miri) { 200 } else { 1_000_000 };

/// An interface pointer that threads may share: COM objects made by the
/// derive are free-threaded.
#[derive(Clone, Copy)]
struct RawInterface(*mut c_void);
// SAFETY: the object behind it is `Send + Sync` (the `Class` contract).
unsafe impl Send for RawInterface {}

impl RawInterface {
    /// The pointer (a method, so that a closure captures the whole `Send` value).
    fn pointer(self) -> *mut c_void {
        self.0
    }
}

#[test]
fn eight_threads_add_ref_release_and_query_without_losing_a_count() {
    let drops = Arc::new(AtomicUsize::new(0));
    let objects: Vec<RawInterface> = (0..2)
        .map(|_| {
            let unknown: IUnknown = ComObject::new(Shared {
                drops: drops.clone(),
            })
            .into_interface();
            RawInterface(unknown.into_raw())
        })
        .collect();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let object = objects[t % objects.len()];
            std::thread::spawn(move || {
                let object = object.pointer();
                // SAFETY: the main thread holds a reference until every worker ends.
                let vtbl = unsafe { &**object.cast::<*const IUnknown_Vtbl>() };
                for round in 0..ROUNDS {
                    // SAFETY: a live pointer; each reference taken is given back.
                    unsafe {
                        (vtbl.AddRef)(object);
                        if round % 4 == 0 {
                            let mut ping = core::ptr::null_mut();
                            assert_eq!((vtbl.QueryInterface)(object, &IPing::IID, &mut ping), S_OK);
                            (vtbl.Release)(ping);
                        }
                        (vtbl.Release)(object);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("no worker panics");
    }
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    for RawInterface(object) in objects {
        // SAFETY: the reference made above; it is the last one.
        let unknown = unsafe { IUnknown::from_raw(object) };
        // SAFETY: a live pointer.
        let count = unsafe { (unknown.vtable().AddRef)(object) };
        assert_eq!(count, 2, "only the main thread's reference is left");
        // SAFETY: gives back the reference just added.
        unsafe { (unknown.vtable().Release)(object) };
    }
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}
