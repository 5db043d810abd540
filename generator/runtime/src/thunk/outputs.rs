//! The `[out]` parameters of a COM call, and its success code: where the
//! `Ok` value of an `_Impl` trait method goes. Each wrapper holds a raw
//! out-pointer and says how to write it; a thunk passes one, or a tuple of
//! them, to [`call`](super::call).
//!
//! Writing is all or nothing: every result is first made ready (what can
//! fail: allocation, `QueryInterface`), and only then written. A result
//! made ready but not written (a later one failed) is dropped, which frees
//! or releases it.

use core::ffi::c_void;

use windows_core::{BOOL, GUID, HRESULT, IUnknown, Interface, Result};

use super::inputs::len;
use crate::hresult::{
    E_INVALIDARG, E_NOINTERFACE, E_OUTOFMEMORY, E_POINTER, E_UNEXPECTED, S_FALSE, S_OK,
};
use crate::task_mem::TaskMem;
use crate::wide::task_mem_wide;

/// Out-pointers, and how the `Ok` value is written to them.
pub trait Outputs {
    /// What the trait method returns in its `Ok`.
    type Value;
    /// The value ready to write, every fallible step done.
    type Ready;

    /// Before the call: a null out-pointer is `E_POINTER`; pointer results
    /// are cleared, so that they read null if the call fails.
    ///
    /// # Safety
    ///
    /// The wrapped pointers are as each wrapper's documentation says.
    unsafe fn check(&self) -> Result<()>;

    /// After the call: what can fail in turning `value` into what the
    /// caller gets.
    ///
    /// # Safety
    ///
    /// As for `check`, which succeeded.
    unsafe fn prepare(&self, value: Self::Value) -> Result<Self::Ready>;

    /// Writes the results, and says the success code.
    ///
    /// # Safety
    ///
    /// As for `prepare`.
    unsafe fn commit(&self, ready: Self::Ready) -> HRESULT;
}

/// Checks a required `[out]` pointer: null is `E_POINTER`.
fn non_null<T>(pointer: *mut T) -> Result<()> {
    if pointer.is_null() {
        Err(E_POINTER.into())
    } else {
        Ok(())
    }
}

/// Checks a required `[out]` pointer, then clears what it points to.
///
/// # Safety
///
/// A non-null `pointer` is writable; the old contents are the caller's
/// garbage, not to be dropped.
pub(crate) unsafe fn cleared<T>(pointer: *mut T) -> Result<()> {
    non_null(pointer)?;
    // SAFETY: by the caller's promise.
    unsafe { pointer.write_bytes(0, 1) };
    Ok(())
}

/// `[out] T *` of a plain value: `T`, written as is. The pointer is writable.
pub struct Out<T>(pub *mut T);

impl<T> Outputs for Out<T> {
    type Value = T;
    type Ready = T;

    unsafe fn check(&self) -> Result<()> {
        non_null(self.0)
    }

    unsafe fn prepare(&self, value: T) -> Result<T> {
        Ok(value)
    }

    unsafe fn commit(&self, value: T) -> HRESULT {
        // SAFETY: writable, by the caller's promise; what it held is not ours.
        unsafe { self.0.write(value) };
        S_OK
    }
}

/// `[out] BOOL *`: `bool`. The pointer is writable.
pub struct OutBool(pub *mut BOOL);

impl Outputs for OutBool {
    type Value = bool;
    type Ready = bool;

    unsafe fn check(&self) -> Result<()> {
        non_null(self.0)
    }

    unsafe fn prepare(&self, value: bool) -> Result<bool> {
        Ok(value)
    }

    unsafe fn commit(&self, value: bool) -> HRESULT {
        // SAFETY: writable, by the caller's promise.
        unsafe { self.0.write(value.into()) };
        S_OK
    }
}

/// `[out] I **` or `[out] BSTR *`: a value that is one owning pointer,
/// handed over to the caller. Null until written. The pointer is writable
/// (cast to `*mut I` for interfaces).
pub struct Owned<T>(pub *mut T);

impl<T> Outputs for Owned<T> {
    type Value = T;
    type Ready = T;

    unsafe fn check(&self) -> Result<()> {
        // SAFETY: writable, by the caller's promise.
        unsafe { cleared(self.0) }
    }

    unsafe fn prepare(&self, value: T) -> Result<T> {
        Ok(value)
    }

    unsafe fn commit(&self, value: T) -> HRESULT {
        // SAFETY: as above; the caller now owns the value's pointer.
        unsafe { self.0.write(value) };
        S_OK
    }
}

/// `[out, string] LPWSTR *`: a `String`, handed over in task memory (the
/// caller frees it); `E_OUTOFMEMORY` when there is none. Null until written.
/// The pointer is writable.
pub struct TaskString(pub *mut crate::PWSTR);

impl Outputs for TaskString {
    type Value = String;
    type Ready = TaskMem<u16>;

    unsafe fn check(&self) -> Result<()> {
        // SAFETY: writable, by the caller's promise.
        unsafe { cleared(self.0) }
    }

    unsafe fn prepare(&self, value: String) -> Result<TaskMem<u16>> {
        task_mem_wide(&value).ok_or_else(|| E_OUTOFMEMORY.into())
    }

    unsafe fn commit(&self, text: TaskMem<u16>) -> HRESULT {
        // SAFETY: writable, by the caller's promise.
        unsafe { self.0.write(crate::PWSTR(text.into_raw())) };
        S_OK
    }
}

/// What generated traits return for `[out, string]` results and take for
/// string arrays, by these paths: generated modules may live in `no_std`
/// crates, whose prelude has neither.
pub use std::{string::String, vec::Vec};

/// `[out] T **` of a plain struct: a `T`, handed over in task memory.
/// Null until written. The pointer is writable.
pub struct Boxed<T>(pub *mut *mut T);

impl<T: Copy> Outputs for Boxed<T> {
    type Value = T;
    type Ready = TaskMem<T>;

    unsafe fn check(&self) -> Result<()> {
        // SAFETY: writable, by the caller's promise.
        unsafe { cleared(self.0) }
    }

    unsafe fn prepare(&self, value: T) -> Result<TaskMem<T>> {
        TaskMem::from_value(value).ok_or_else(|| E_OUTOFMEMORY.into())
    }

    unsafe fn commit(&self, boxed: TaskMem<T>) -> HRESULT {
        // SAFETY: writable, by the caller's promise.
        unsafe { self.0.write(boxed.into_raw()) };
        S_OK
    }
}

/// An `[in] REFIID riid, [out, iid_is(riid)] void **ppv` pair: the object
/// (`IUnknown`), queried for `riid`; `E_NOINTERFACE` when it has no such
/// interface. A null `riid` is `E_INVALIDARG`. Null until written. `riid`
/// is readable and `ppv` writable.
pub struct Query(pub *const GUID, pub *mut *mut c_void);

impl Outputs for Query {
    type Value = IUnknown;
    type Ready = IUnknown;

    unsafe fn check(&self) -> Result<()> {
        if self.0.is_null() {
            return Err(E_INVALIDARG.into());
        }
        // SAFETY: writable, by the caller's promise.
        unsafe { cleared(self.1) }
    }

    unsafe fn prepare(&self, object: IUnknown) -> Result<IUnknown> {
        let mut raw = core::ptr::null_mut();
        // SAFETY: `object` is live; `self.0` readable, by the caller's promise.
        unsafe { query(&object, self.0, &mut raw) }.ok()?;
        if raw.is_null() {
            return Err(E_NOINTERFACE.into());
        }
        // SAFETY: a new reference to an interface of the object; every COM
        // interface starts as `IUnknown` does. This value owns it now, and
        // releases it if a later result fails.
        Ok(unsafe { IUnknown::from_raw(raw) })
    }

    unsafe fn commit(&self, interface: IUnknown) -> HRESULT {
        // SAFETY: writable, by the caller's promise.
        unsafe { self.1.write(interface.into_raw()) };
        S_OK
    }
}

/// `object`'s interface `*iid`, written to `out` as a new reference.
///
/// # Safety
///
/// `iid` is readable or null; `out` is writable.
pub(crate) unsafe fn query(object: &IUnknown, iid: *const GUID, out: *mut *mut c_void) -> HRESULT {
    // SAFETY: `object` is a live interface; `iid` and `out` by the caller's promise.
    unsafe { (object.vtable().QueryInterface)(object.as_raw(), iid, out) }
}

/// The `[out] N *pceltFetched` that counts the elements an `IEnum*::Next`
/// filled of its `[out] size_is(celt)` array, with that `celt`: the count,
/// written unless the pointer is null (callers asking for one element may
/// pass null). Fewer than `celt` is `S_FALSE`; more is `E_UNEXPECTED`, as
/// the caller would read past its buffer. A non-null pointer is writable.
pub struct Fetched<N>(pub *mut N, pub N);

impl<N: Copy + TryInto<usize>> Outputs for Fetched<N> {
    type Value = N;
    type Ready = (N, bool);

    unsafe fn check(&self) -> Result<()> {
        Ok(())
    }

    unsafe fn prepare(&self, fetched: N) -> Result<(N, bool)> {
        let len = len(self.1)?;
        let count = fetched
            .try_into()
            .ok()
            .filter(|&count| count <= len)
            .ok_or(E_UNEXPECTED)?;
        Ok((fetched, count < len))
    }

    unsafe fn commit(&self, (fetched, short): (N, bool)) -> HRESULT {
        if !self.0.is_null() {
            // SAFETY: by the caller's promise.
            unsafe { self.0.write(fetched) };
        }
        if short { S_FALSE } else { S_OK }
    }
}

/// A method that answers through its success code: `true` is `S_OK`,
/// `false` `S_FALSE`.
pub struct Answer;

impl Outputs for Answer {
    type Value = bool;
    type Ready = bool;

    unsafe fn check(&self) -> Result<()> {
        Ok(())
    }

    unsafe fn prepare(&self, answer: bool) -> Result<bool> {
        Ok(answer)
    }

    unsafe fn commit(&self, answer: bool) -> HRESULT {
        if answer { S_OK } else { S_FALSE }
    }
}

/// No results: `S_OK`.
impl Outputs for () {
    type Value = ();
    type Ready = ();

    unsafe fn check(&self) -> Result<()> {
        Ok(())
    }

    unsafe fn prepare(&self, (): ()) -> Result<()> {
        Ok(())
    }

    unsafe fn commit(&self, (): ()) -> HRESULT {
        S_OK
    }
}

/// Tuples check, prepare and commit their elements in order; the success
/// code is the first one that is not `S_OK`.
macro_rules! tuple_outputs {
    ($($t:ident $v:ident),+) => {
        impl<$($t: Outputs),+> Outputs for ($($t,)+) {
            type Value = ($($t::Value,)+);
            type Ready = ($($t::Ready,)+);

            unsafe fn check(&self) -> Result<()> {
                let ($($v,)+) = self;
                // SAFETY: each element by the caller's promise.
                unsafe { $($v.check()?;)+ }
                Ok(())
            }

            unsafe fn prepare(&self, value: Self::Value) -> Result<Self::Ready> {
                #[allow(non_snake_case)]
                let ($($t,)+) = value;
                let ($($v,)+) = self;
                // SAFETY: each element by the caller's promise.
                unsafe { Ok(($($v.prepare($t)?,)+)) }
            }

            unsafe fn commit(&self, ready: Self::Ready) -> HRESULT {
                #[allow(non_snake_case)]
                let ($($t,)+) = ready;
                let ($($v,)+) = self;
                let mut code = S_OK;
                // SAFETY: each element by the caller's promise.
                $(
                    let this = unsafe { $v.commit($t) };
                    if code == S_OK {
                        code = this;
                    }
                )+
                code
            }
        }
    };
}
for_tuples!(tuple_outputs);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ComObject;
    use crate::task_mem;

    /// Checks, prepares and commits `outputs` as `call` does.
    unsafe fn write<O: Outputs>(outputs: O, value: O::Value) -> Result<HRESULT> {
        // SAFETY: by the caller's promise.
        unsafe {
            outputs.check()?;
            let ready = outputs.prepare(value)?;
            Ok(outputs.commit(ready))
        }
    }

    #[test]
    fn null_out_pointers_are_refused_before_the_call() {
        // SAFETY: null pointers only.
        unsafe {
            assert_eq!(
                Out::<u32>(core::ptr::null_mut())
                    .check()
                    .unwrap_err()
                    .code(),
                E_POINTER
            );
            let query = Query(&GUID::zeroed(), core::ptr::null_mut());
            assert_eq!(query.check().unwrap_err().code(), E_POINTER);
            let mut raw = core::ptr::null_mut();
            let query = Query(core::ptr::null(), &mut raw);
            assert_eq!(query.check().unwrap_err().code(), E_INVALIDARG);
        }
    }

    #[test]
    fn pointer_results_are_cleared_then_written() {
        let mut text = crate::PWSTR(core::ptr::dangling_mut());
        let output = TaskString(&mut text);
        // SAFETY: a writable PWSTR.
        unsafe { output.check() }.unwrap();
        assert!(text.0.is_null());
        // SAFETY: as above.
        assert_eq!(
            unsafe { write(TaskString(&mut text), "hé".into()) }.unwrap(),
            S_OK
        );
        // SAFETY: NUL-terminated task memory, ours to free.
        unsafe {
            assert_eq!(core::slice::from_raw_parts(text.0, 3), [0x68, 0xe9, 0]);
            task_mem::free(text.0.cast());
        }
    }

    #[test]
    fn fetched_counts_answer_s_false_when_short() {
        let mut written = 9u32;
        // SAFETY: a writable u32, or null.
        unsafe {
            assert_eq!(write(Fetched(&mut written, 2), 2).unwrap(), S_OK);
            assert_eq!(written, 2);
            assert_eq!(write(Fetched(&mut written, 2), 1).unwrap(), S_FALSE);
            assert_eq!(written, 1);
            assert_eq!(
                write(Fetched(core::ptr::null_mut(), 2u32), 0).unwrap(),
                S_FALSE
            );
            let error = write(Fetched(&mut written, 2), 3).unwrap_err();
            assert_eq!(error.code(), E_UNEXPECTED);
        }
        assert_eq!(written, 1);
    }

    #[test]
    fn answers_and_tuples_give_the_first_code_that_is_not_s_ok() {
        let mut value = 0u32;
        // SAFETY: a writable u32.
        unsafe {
            assert_eq!(write(Answer, false).unwrap(), S_FALSE);
            assert_eq!(write((Out(&mut value), Answer), (4, true)).unwrap(), S_OK);
            assert_eq!(
                write((Answer, Out(&mut value)), (false, 5)).unwrap(),
                S_FALSE
            );
        }
        assert_eq!(value, 5);
    }

    /// An object with one interface, `IUnknown`, for queries.
    #[derive(Default)]
    struct Plain;

    // SAFETY: one vtable, `IUnknown`'s, at slot 0.
    unsafe impl crate::Class for Plain {
        type Vtables = [crate::VtablePtr; 1];
        const VTABLES: Self::Vtables = [crate::VtablePtr::new(&PLAIN_VTBL)];

        fn slot_of(iid: &GUID) -> Option<usize> {
            (*iid == IUnknown::IID).then_some(0)
        }
    }

    static PLAIN_VTBL: windows_core::IUnknown_Vtbl = crate::unknown_vtbl::<Plain, 0>();

    #[test]
    fn nothing_is_written_unless_every_result_is_ready() {
        let object = ComObject::new(Plain);
        let mut raw = core::ptr::dangling_mut();
        let mut value = 7u32;
        // The query succeeds, the second result does not: neither is written,
        // and the queried reference is released.
        let outputs = (Query(&IUnknown::IID, &mut raw), Fetched(&mut value, 1));
        // SAFETY: a readable IID and writable pointers.
        let error = unsafe { write(outputs, (object.to_interface(), 2)) }.unwrap_err();
        assert_eq!(error.code(), E_UNEXPECTED);
        assert!(raw.is_null());
        assert_eq!(value, 7);
        assert_eq!(object.reference_count(), 1);
        // An interface the object lacks.
        let outputs = Query(&GUID::from_u128(1), &mut raw);
        // SAFETY: as above.
        let error = unsafe { write(outputs, object.to_interface()) }.unwrap_err();
        assert_eq!(error.code(), E_NOINTERFACE);
        assert_eq!(object.reference_count(), 1);
        // SAFETY: as above.
        let code = unsafe { write(Query(&IUnknown::IID, &mut raw), object.to_interface()) };
        assert_eq!(code.unwrap(), S_OK);
        assert_eq!(object.reference_count(), 2);
        // SAFETY: the reference the query handed over.
        drop(unsafe { IUnknown::from_raw(raw) });
        assert_eq!(object.reference_count(), 1);
    }
}
