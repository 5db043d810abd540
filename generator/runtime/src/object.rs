//! COM objects: a Rust value behind one vtable pointer per implemented
//! interface chain, with an atomic reference count.
//!
//! The heap block of an object is `#[repr(C)]`:
//!
//! ```text
//! [vtable pointer 0][vtable pointer 1]...[reference count][the value]
//! ```
//!
//! An interface pointer handed to a client is the address of one of the
//! vtable pointers. Slot 0 is also the object's `IUnknown` (its identity).
//! A thunk compiled for slot `SLOT` finds the block by stepping `SLOT`
//! pointers back, so no thunk needs a lookup.

use core::ffi::c_void;
use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicU32, Ordering, fence};
use std::boxed::Box;

use windows_core::{GUID, HRESULT, IUnknown, Interface};

use crate::hresult::{E_NOINTERFACE, E_POINTER, S_OK};
use crate::{server, thunk};

/// The address of a vtable, as stored at the start of an object.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VtablePtr(*const c_void);

// SAFETY: a `VtablePtr` points to a vtable in a `static`: immutable data
// that lives as long as the program, readable from any thread.
unsafe impl Send for VtablePtr {}
unsafe impl Sync for VtablePtr {}

impl VtablePtr {
    pub const fn new<V: Sync>(vtable: &'static V) -> Self {
        Self(ptr::from_ref(vtable).cast())
    }
}

/// A Rust type that COM clients can hold as an object. Implemented by
/// `#[derive(ComObject)]`; see the `comidl-derive` crate.
///
/// Not necessarily `Send + Sync`: an `Apartment` object is only called on
/// its apartment's thread. The derive requires both of every other object,
/// and [`ComObject`] is `Send` and `Sync` only for such types.
///
/// # Safety
///
/// For every index `i` of [`Class::VTABLES`], the vtable there must start
/// with [`unknown_vtbl::<Self, i>`](unknown_vtbl) (as its `IUnknown` slots),
/// and all its other slots must be thunks that expect their `this` to be
/// slot `i` of an object of `Self`. [`Class::slot_of`] and
/// [`Implements::SLOT`] may only name a slot whose vtable is the one of the
/// interface asked for (or extends it).
pub unsafe trait Class: Sized + 'static {
    /// `[VtablePtr; N]`: one vtable per implemented interface chain.
    type Vtables: AsRef<[VtablePtr]> + Copy + Send + Sync + 'static;
    const VTABLES: Self::Vtables;

    /// The slot that answers `QueryInterface` for `iid`, for every
    /// interface the class implements other than `IUnknown`, and their bases.
    fn slot_of(iid: &GUID) -> Option<usize>;
}

/// A [`Class`] implements interface `I` at a known slot: conversions to `I`
/// need no `QueryInterface`.
///
/// # Safety
///
/// The vtable at `SLOT` is `I`'s vtable (or extends it).
pub unsafe trait Implements<I: Interface>: Class {
    const SLOT: usize;
}

// SAFETY: slot 0 starts with `IUnknown`'s slots, as every slot does.
unsafe impl<C: Class> Implements<IUnknown> for C {
    const SLOT: usize = 0;
}

/// The heap block of an object.
#[repr(C)]
struct Object<C: Class> {
    vtables: C::Vtables,
    refs: AtomicU32,
    value: C,
}

impl<C: Class> Object<C> {
    /// The interface pointer of `slot`.
    ///
    /// Computed from the block's raw pointer (not from a reference to the
    /// `vtables` field), so a thunk may step back from it to the whole block.
    fn interface(object: NonNull<Self>, slot: usize) -> *mut c_void {
        debug_assert!(slot < C::VTABLES.as_ref().len());
        // SAFETY: `slot` is within the `vtables` array at the block's start.
        unsafe { object.cast::<VtablePtr>().add(slot).as_ptr().cast() }
    }

    /// The block that interface pointer `this`, of slot `slot`, belongs to.
    ///
    /// # Safety
    ///
    /// `this` is the interface pointer of slot `slot` of a live object of `C`.
    unsafe fn from_interface(this: *mut c_void, slot: usize) -> NonNull<Self> {
        // SAFETY: by the caller's promise `this` is `slot` pointers past the
        // block's start, and was derived from the block's own pointer.
        unsafe { NonNull::new_unchecked(this.cast::<VtablePtr>().sub(slot).cast()) }
    }

    /// # Safety
    ///
    /// `object` is live.
    unsafe fn add_ref(object: NonNull<Self>) -> u32 {
        // A new reference is made from an existing one: nothing to order.
        // SAFETY: live, by the caller's promise.
        unsafe { object.as_ref() }
            .refs
            .fetch_add(1, Ordering::Relaxed)
            + 1
    }

    /// # Safety
    ///
    /// `object` is live and the caller gives up one reference to it.
    unsafe fn release(object: NonNull<Self>) -> u32 {
        // SAFETY: live, by the caller's promise.
        let remaining = unsafe { object.as_ref() }
            .refs
            .fetch_sub(1, Ordering::Release)
            - 1;
        if remaining == 0 {
            // Every other thread's use of the object happens before its drop.
            fence(Ordering::Acquire);
            // SAFETY: that was the last reference; the block came from
            // `Box::into_raw` in `ComObject::new`.
            let object = unsafe { Box::from_raw(object.as_ptr()) };
            // A panicking `Drop` must not unwind into the COM caller.
            thunk::drop_quietly(object);
            server::object_destroyed();
        }
        remaining
    }

    /// # Safety
    ///
    /// `object` is live; `out` is null or writable.
    unsafe fn query_interface(
        object: NonNull<Self>,
        iid: *const GUID,
        out: *mut *mut c_void,
    ) -> HRESULT {
        if out.is_null() {
            return E_POINTER;
        }
        // SAFETY: writable, by the caller's promise.
        unsafe { out.write(ptr::null_mut()) };
        // SAFETY: a non-null `iid` is readable, by the COM contract.
        let Some(iid) = (unsafe { iid.as_ref() }) else {
            return E_POINTER;
        };
        // Identity: `IUnknown` is always slot 0.
        let slot = if *iid == IUnknown::IID {
            Some(0)
        } else {
            C::slot_of(iid)
        };
        let Some(slot) = slot else {
            return E_NOINTERFACE;
        };
        // SAFETY: live, by the caller's promise; the new reference is the caller's.
        unsafe {
            Self::add_ref(object);
            out.write(Self::interface(object, slot));
        }
        S_OK
    }
}

/// `IUnknown`'s three slots for slot `SLOT` of an object of `C`.
pub const fn unknown_vtbl<C: Class, const SLOT: usize>() -> windows_core::IUnknown_Vtbl {
    unsafe extern "system" fn query_interface<C: Class, const SLOT: usize>(
        this: *mut c_void,
        iid: *const GUID,
        out: *mut *mut c_void,
    ) -> HRESULT {
        // SAFETY: COM calls a slot's vtable with that slot's interface pointer.
        unsafe { Object::<C>::query_interface(Object::from_interface(this, SLOT), iid, out) }
    }
    unsafe extern "system" fn add_ref<C: Class, const SLOT: usize>(this: *mut c_void) -> u32 {
        // SAFETY: as above; the caller holds a reference.
        unsafe { Object::<C>::add_ref(Object::from_interface(this, SLOT)) }
    }
    unsafe extern "system" fn release<C: Class, const SLOT: usize>(this: *mut c_void) -> u32 {
        // SAFETY: as above; the caller gives up its reference.
        unsafe { Object::<C>::release(Object::from_interface(this, SLOT)) }
    }
    windows_core::IUnknown_Vtbl {
        QueryInterface: query_interface::<C, SLOT>,
        AddRef: add_ref::<C, SLOT>,
        Release: release::<C, SLOT>,
    }
}

/// The value behind interface pointer `this`, for a thunk of slot `SLOT`.
///
/// # Safety
///
/// `this` is the interface pointer of slot `SLOT` of an object of `C`, which
/// stays alive for `'a` (COM callers hold a reference during a call).
pub unsafe fn value_of<'a, C: Class, const SLOT: usize>(this: *mut c_void) -> &'a C {
    // SAFETY: by the caller's promise.
    unsafe { &Object::<C>::from_interface(this, SLOT).as_ref().value }
}

/// An owning reference to a COM object holding a `C`: what
/// `ComObject::new(value)` makes. Cloning adds a reference, dropping
/// releases one; the value is dropped with the last reference, whether held
/// here or by COM clients. Derefs to `&C`.
pub struct ComObject<C: Class> {
    object: NonNull<Object<C>>,
    owns: PhantomData<C>,
}

// SAFETY: the block is shared between threads only through `&C` and the
// atomic count, and the value is dropped on whichever thread releases last:
// sound when `C` is `Send + Sync`.
unsafe impl<C: Class + Send + Sync> Send for ComObject<C> {}
unsafe impl<C: Class + Send + Sync> Sync for ComObject<C> {}

/// What the derive checks of a type whose threading model lets COM call it
/// from any thread, and from several at once (all but `Apartment`).
#[doc(hidden)]
pub const fn assert_free_threaded<T: Send + Sync>() {}

impl<C: Class> ComObject<C> {
    /// The bytes one object allocates: its vtable pointers, count and value.
    pub const HEAP_SIZE: usize = size_of::<Object<C>>();

    /// A new object holding `value`, with one reference (this one).
    pub fn new(value: C) -> Self {
        let object = Box::new(Object {
            vtables: C::VTABLES,
            refs: AtomicU32::new(1),
            value,
        });
        server::object_created();
        Self {
            object: NonNull::from(Box::leak(object)),
            owns: PhantomData,
        }
    }

    /// This object as interface `I`, which its class implements.
    pub fn to_interface<I: Interface>(&self) -> I
    where
        C: Implements<I>,
    {
        self.clone().into_interface()
    }

    /// This reference as interface `I`, which its class implements.
    pub fn into_interface<I: Interface>(self) -> I
    where
        C: Implements<I>,
    {
        let raw = Object::interface(self.object, <C as Implements<I>>::SLOT);
        core::mem::forget(self);
        // SAFETY: the slot's vtable is `I`'s (the `Implements` contract) and
        // the reference given up above now belongs to the interface.
        unsafe { I::from_raw(raw) }
    }

    /// This object as any interface it answers `QueryInterface` for,
    /// including the bases of those it implements.
    pub fn cast<I: Interface>(&self) -> windows_core::Result<I> {
        self.to_interface::<IUnknown>().cast()
    }

    /// The object behind `interface`, if it is an object of `C` (and not
    /// another class's, or one made elsewhere): back from an interface to
    /// the Rust value.
    pub fn from_interface<I: Interface>(interface: &I) -> Option<Self> {
        let raw = interface.as_raw();
        // SAFETY: a live interface pointer points to its vtable pointer.
        let vtable = unsafe { raw.cast::<VtablePtr>().read() };
        // Vtables are statics made for `C` alone, so an object whose pointer
        // is one of `C`'s vtables at that slot is an object of `C`.
        let slot = C::VTABLES.as_ref().iter().position(|&v| v == vtable)?;
        // SAFETY: as just shown, `raw` is slot `slot` of a live object of
        // `C`; `interface` holds a reference for the duration, and the one
        // added here belongs to the result.
        unsafe {
            let object = Object::<C>::from_interface(raw, slot);
            Object::add_ref(object);
            Some(Self {
                object,
                owns: PhantomData,
            })
        }
    }

    /// The number of references held (by `ComObject`s and COM clients).
    /// Only a snapshot: other threads may change it at any time.
    pub fn reference_count(&self) -> u32 {
        // SAFETY: live while `self` holds a reference.
        unsafe { self.object.as_ref() }.refs.load(Ordering::Relaxed)
    }
}

impl<C: Class> Clone for ComObject<C> {
    fn clone(&self) -> Self {
        // SAFETY: live while `self` holds a reference.
        unsafe { Object::add_ref(self.object) };
        Self {
            object: self.object,
            owns: PhantomData,
        }
    }
}

impl<C: Class> Drop for ComObject<C> {
    fn drop(&mut self) {
        // SAFETY: live, and this reference is given up.
        unsafe { Object::release(self.object) };
    }
}

impl<C: Class> Deref for ComObject<C> {
    type Target = C;

    fn deref(&self) -> &C {
        // SAFETY: live while `self` holds a reference.
        unsafe { &self.object.as_ref().value }
    }
}

impl<C: Class + core::fmt::Debug> core::fmt::Debug for ComObject<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("ComObject").field(&**self).finish()
    }
}
