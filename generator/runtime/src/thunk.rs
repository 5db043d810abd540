//! What the thunks of generated `_Impl` vtables call: turning the raw
//! arguments of a COM call into safe Rust ones, the Rust result back into an
//! `HRESULT` and out-parameters, and panics into `E_UNEXPECTED`.
//!
//! Generated code is the intended caller; every `unsafe fn` here states what
//! the thunk must know about the pointer it passes.

use core::ffi::{CStr, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::RwLock;
use std::vec::Vec;

use windows_core::{GUID, HRESULT, IUnknown, Interface, Result};

use crate::hresult::{E_FAIL, E_INVALIDARG, E_OUTOFMEMORY, E_POINTER, E_UNEXPECTED, S_FALSE, S_OK};
use crate::task_mem::TaskMem;
use crate::wide::{WideStr, task_mem_wide};

pub use crate::object::value_of;

/// Runs the body of a method that returns an `HRESULT`: `Ok(code)` returns
/// `code`, `Err(e)` returns `e`'s failure code, and a panic is reported (see
/// [`set_panic_reporter`]) and returns `E_UNEXPECTED`. No unwind crosses
/// into the COM caller.
pub fn call(method: &'static str, body: impl FnOnce() -> Result<HRESULT>) -> HRESULT {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(code)) => code,
        Ok(Err(error)) => error_code(error),
        Err(payload) => {
            report_panic(method, payload.as_ref());
            E_UNEXPECTED
        }
    }
}

/// The code of a failed call. Cold and out of line: inlined, the optimiser
/// merged it into the success path of every thunk (extra tests and a taken
/// jump), which made a one-load method half as slow again (bench_objects).
#[cold]
#[inline(never)]
fn error_code(error: windows_core::Error) -> HRESULT {
    let code = error.code();
    // An error with a success code would tell the caller to read outputs
    // that were never written.
    if code.is_ok() { E_FAIL } else { code }
}

/// Runs the body of a method that does not return an `HRESULT`; a panic is
/// reported and returns `fallback`.
pub fn call_or<R>(method: &'static str, fallback: R, body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        report_panic(method, payload.as_ref());
        fallback
    })
}

/// Drops `value`, reporting a panic in its `Drop` instead of unwinding.
pub(crate) fn drop_quietly<T>(value: T) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) {
        report_panic(core::any::type_name::<T>(), payload.as_ref());
    }
}

/// Receives a panic caught at the COM boundary: the method (`Interface::Method`)
/// and the panic's message.
pub type PanicReporter = fn(method: &str, message: &str);

static REPORTER: RwLock<PanicReporter> = RwLock::new(print_panic);

fn print_panic(method: &str, message: &str) {
    std::eprintln!("comidl: {method} panicked ({message}); the caller gets E_UNEXPECTED");
}

/// Routes the reports of panics caught at the COM boundary (by default they
/// are printed on stderr, which a DLL in Explorer has not: a handler may
/// send them to its log instead).
pub fn set_panic_reporter(reporter: PanicReporter) {
    *REPORTER.write().unwrap_or_else(|e| e.into_inner()) = reporter;
}

fn report_panic(method: &str, payload: &(dyn core::any::Any + Send)) {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| {
            payload
                .downcast_ref::<std::string::String>()
                .map(|s| s.as_str())
        })
        .unwrap_or("a panic without a message");
    let reporter = *REPORTER.read().unwrap_or_else(|e| e.into_inner());
    // A reporter that panics itself must not unwind either.
    let _ = catch_unwind(|| reporter(method, message));
}

// Inputs.

/// The length an `[in]` count gives its array; a count no `usize` holds (a
/// negative one) is `E_INVALIDARG`.
pub fn len<N: TryInto<usize>>(count: N) -> Result<usize> {
    count.try_into().map_err(|_| E_INVALIDARG.into())
}

/// A required `[in]` pointer as a reference; null is `E_INVALIDARG`.
///
/// # Safety
///
/// A non-null `pointer` points to a valid `T` that lives, unchanged, for `'a`.
pub unsafe fn required<'a, T>(pointer: *const T) -> Result<&'a T> {
    // SAFETY: by the caller's promise.
    unsafe { pointer.as_ref() }.ok_or_else(|| E_INVALIDARG.into())
}

/// An `[in, out]` pointer as a mutable reference; null is `E_POINTER`.
///
/// # Safety
///
/// A non-null `pointer` points to a valid `T` that nothing else uses during `'a`.
pub unsafe fn in_out<'a, T>(pointer: *mut T) -> Result<&'a mut T> {
    // SAFETY: by the caller's promise.
    unsafe { pointer.as_mut() }.ok_or_else(|| E_POINTER.into())
}

/// A required `[in]` interface pointer; null is `E_INVALIDARG`.
///
/// # Safety
///
/// A non-null `*raw` is a live pointer to interface `I`.
pub unsafe fn interface<I: Interface>(raw: &*mut c_void) -> Result<&I> {
    // SAFETY: by the caller's promise.
    unsafe { I::from_raw_borrowed(raw) }.ok_or_else(|| E_INVALIDARG.into())
}

/// A required `[in, string]` UTF-16 string; null is `E_INVALIDARG`.
///
/// # Safety
///
/// As [`WideStr::from_ptr`].
pub unsafe fn wide<'a>(pointer: *const u16) -> Result<&'a WideStr> {
    // SAFETY: by the caller's promise.
    unsafe { WideStr::from_ptr(pointer) }.ok_or_else(|| E_INVALIDARG.into())
}

/// An `[in, string]` 8-bit string; null gives `None`.
///
/// # Safety
///
/// A non-null `pointer` points to a NUL-terminated string alive and
/// unchanged for `'a`.
pub unsafe fn ansi<'a>(pointer: *const c_char) -> Option<&'a CStr> {
    // SAFETY: by the caller's promise.
    (!pointer.is_null()).then(|| unsafe { CStr::from_ptr(pointer) })
}

/// A required `[in, string]` 8-bit string; null is `E_INVALIDARG`.
///
/// # Safety
///
/// As [`ansi`].
pub unsafe fn required_ansi<'a>(pointer: *const c_char) -> Result<&'a CStr> {
    // SAFETY: by the caller's promise.
    unsafe { ansi(pointer) }.ok_or_else(|| E_INVALIDARG.into())
}

/// An `[in] size_is(len)` array; null is `None`.
///
/// # Safety
///
/// A non-null `pointer` points to `len` valid `T`s, unchanged during `'a`.
pub unsafe fn optional_slice<'a, T>(pointer: *const T, len: usize) -> Option<&'a [T]> {
    // SAFETY: by the caller's promise.
    (!pointer.is_null()).then(|| unsafe { core::slice::from_raw_parts(pointer, len) })
}

/// A required `[in] size_is(len)` array. Null is `E_INVALIDARG`, unless
/// `len` is 0 (an empty array may be passed as null).
///
/// # Safety
///
/// As [`optional_slice`].
pub unsafe fn slice<'a, T>(pointer: *const T, len: usize) -> Result<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: by the caller's promise.
    unsafe { optional_slice(pointer, len) }.ok_or_else(|| E_INVALIDARG.into())
}

/// An `[in, out] size_is(len)` array. Null is `E_POINTER`, unless `len` is 0.
///
/// # Safety
///
/// A non-null `pointer` points to `len` valid `T`s that nothing else uses
/// during `'a`.
pub unsafe fn slice_mut<'a, T>(pointer: *mut T, len: usize) -> Result<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: by the caller's promise.
    unsafe { optional_slice_mut(pointer, len) }.ok_or_else(|| E_POINTER.into())
}

/// An `[in, out, unique] size_is(len)` array; null is `None`.
///
/// # Safety
///
/// As [`slice_mut`].
pub unsafe fn optional_slice_mut<'a, T>(pointer: *mut T, len: usize) -> Option<&'a mut [T]> {
    // SAFETY: by the caller's promise.
    (!pointer.is_null()).then(|| unsafe { core::slice::from_raw_parts_mut(pointer, len) })
}

/// An `[out] size_is(len)` array: the caller's buffer, zero-filled first (it
/// arrives uninitialized; all zeros is a null interface pointer, or a zero
/// number). Null is `E_POINTER`, unless `len` is 0. The thunk calls
/// [`OutSlice::keep`] once the call has succeeded; otherwise the elements
/// are cleared again.
///
/// # Safety
///
/// As [`slice_mut`], except that the `T`s need not be initialized; and all
/// zero bytes is a valid `T`.
pub unsafe fn out_slice<'a, T>(pointer: *mut T, len: usize) -> Result<OutSlice<'a, T>> {
    if len != 0 && !pointer.is_null() {
        // SAFETY: `len` writable `T`s, by the caller's promise.
        unsafe { pointer.write_bytes(0, len) };
    }
    // SAFETY: now initialized.
    let slice = unsafe { slice_mut(pointer, len) }?;
    Ok(OutSlice(slice))
}

/// An `[out]` array lent to an implementor. Unless kept, dropping it drops
/// every element and zeroes it: interfaces stored by a call that then fails
/// (or panics) are released, not leaked, and the caller sees nulls.
pub struct OutSlice<'a, T>(&'a mut [T]);

impl<T> OutSlice<'_, T> {
    /// The call succeeded: the elements are the caller's now.
    pub fn keep(self) {
        core::mem::forget(self);
    }
}

impl<T> core::ops::Deref for OutSlice<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.0
    }
}

impl<T> core::ops::DerefMut for OutSlice<'_, T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.0
    }
}

impl<T> Drop for OutSlice<'_, T> {
    fn drop(&mut self) {
        for element in self.0.iter_mut() {
            // SAFETY: all zero bytes is a valid `T` (the promise made to
            // `out_slice`, the only maker of an `OutSlice`).
            *element = unsafe { core::mem::zeroed() };
        }
    }
}

/// An `[in, string] size_is(len)` array of UTF-16 strings, as a vector of
/// borrowed strings. A null array (with `len` > 0) or element is `E_INVALIDARG`.
///
/// # Safety
///
/// A non-null `pointer` points to `len` pointers, each valid as for [`wide`].
pub unsafe fn wide_strs<'a>(pointer: *const *const u16, len: usize) -> Result<Vec<&'a WideStr>> {
    // SAFETY: by the caller's promise.
    let pointers = unsafe { slice(pointer, len) }?;
    // SAFETY: by the caller's promise.
    pointers.iter().map(|&p| unsafe { wide(p) }).collect()
}

/// An `[in, string, unique] size_is(len)` array of UTF-16 strings; null is `None`.
///
/// # Safety
///
/// As [`wide_strs`].
pub unsafe fn optional_wide_strs<'a>(
    pointer: *const *const u16,
    len: usize,
) -> Result<Option<Vec<&'a WideStr>>> {
    if pointer.is_null() {
        return Ok(None);
    }
    // SAFETY: by the caller's promise.
    unsafe { wide_strs(pointer, len) }.map(Some)
}

/// An `[in] BSTR` as a reference to the owning type, which has the
/// representation of the bare pointer; the caller keeps ownership.
pub fn bstr(raw: &*const u16) -> &crate::BSTR {
    // SAFETY: `BSTR` is `#[repr(transparent)]` over `*const u16`, and only
    // borrowed here: it is never dropped.
    unsafe { &*core::ptr::from_ref(raw).cast::<crate::BSTR>() }
}

// Outputs.

/// Checks a required `[out]` pointer before anything is done: null is `E_POINTER`.
pub fn out<T>(pointer: *mut T) -> Result<()> {
    if pointer.is_null() {
        Err(E_POINTER.into())
    } else {
        Ok(())
    }
}

/// Checks a required `[out]` pointer as [`out`] does, then clears what it
/// points to: a pointer-typed result reads null until it is written, as COM
/// requires when the call fails.
///
/// # Safety
///
/// A non-null `pointer` is writable, and all zero bytes is a valid `T`.
pub unsafe fn cleared_out<T>(pointer: *mut T) -> Result<()> {
    out(pointer)?;
    // SAFETY: by the caller's promise; the old contents are the caller's
    // garbage, not to be dropped.
    unsafe { pointer.write_bytes(0, 1) };
    Ok(())
}

/// What generated traits return for `[out, string]` results, by this path:
/// generated modules may live in `no_std` crates, whose prelude has no `String`.
pub use std::string::String;

/// An `[out, string]` UTF-16 result in task memory, for the caller to free;
/// `E_OUTOFMEMORY` when there is none.
pub fn wide_out(text: &str) -> Result<TaskMem<u16>> {
    task_mem_wide(text).ok_or_else(|| E_OUTOFMEMORY.into())
}

/// An `[out] T **` result: `value` in task memory, for the caller to free.
pub fn boxed_out<T: Copy>(value: T) -> Result<TaskMem<T>> {
    TaskMem::from_value(value).ok_or_else(|| E_OUTOFMEMORY.into())
}

/// Writes `object` as interface `*iid` to `out` (an `iid_is` out-parameter):
/// `E_NOINTERFACE` when the object does not implement it.
///
/// # Safety
///
/// `iid` is readable or null; `out` is writable.
pub unsafe fn query_out(object: &IUnknown, iid: *const GUID, out: *mut *mut c_void) -> HRESULT {
    // SAFETY: `object` is a live interface; `iid` and `out` by the caller's promise.
    unsafe { (object.vtable().QueryInterface)(object.as_raw(), iid, out) }
}

/// Ends a method that fills an `[out] size_is(len), length_is(*out)` array
/// (`IEnum*::Next`): writes the count `fetched` to `out` unless `out` is
/// null (callers asking for one element may pass null), and answers
/// `S_FALSE` when fewer than `len` elements were fetched. More than `len` is
/// `E_UNEXPECTED`: the caller would read past its buffer.
///
/// # Safety
///
/// A non-null `out` is writable.
pub unsafe fn fetched<N: Copy + TryInto<usize>>(
    fetched: N,
    len: usize,
    out: *mut N,
) -> Result<HRESULT> {
    let count = fetched
        .try_into()
        .ok()
        .filter(|&count| count <= len)
        .ok_or(E_UNEXPECTED)?;
    if !out.is_null() {
        // SAFETY: by the caller's promise.
        unsafe { out.write(fetched) };
    }
    Ok(if count < len { S_FALSE } else { S_OK })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hresult::E_NOTIMPL;

    #[test]
    fn results_become_codes() {
        assert_eq!(call("I::M", || Ok(S_FALSE)), S_FALSE);
        assert_eq!(call("I::M", || Err(E_NOTIMPL.into())), E_NOTIMPL);
        assert_eq!(call("I::M", || Err(windows_core::Error::empty())), E_FAIL);
        assert_eq!(call("I::M", || panic!("boom")), E_UNEXPECTED);
        assert_eq!(call_or("I::M", 7u32, || panic!("boom")), 7);
        assert_eq!(call_or("I::M", 7u32, || 3), 3);
    }

    #[test]
    fn null_pointers_are_errors() {
        // SAFETY: null pointers only.
        unsafe {
            assert_eq!(
                required::<u32>(core::ptr::null()).unwrap_err().code(),
                E_INVALIDARG
            );
            assert_eq!(
                in_out::<u32>(core::ptr::null_mut()).unwrap_err().code(),
                E_POINTER
            );
            assert_eq!(slice::<u32>(core::ptr::null(), 0).unwrap(), &[] as &[u32]);
            assert_eq!(
                slice::<u32>(core::ptr::null(), 2).unwrap_err().code(),
                E_INVALIDARG
            );
            assert!(optional_slice::<u32>(core::ptr::null(), 2).is_none());
            assert_eq!(
                out::<u32>(core::ptr::null_mut()).unwrap_err().code(),
                E_POINTER
            );
        }
    }

    #[test]
    fn out_slices_start_zeroed() {
        let mut buffer = [7u32; 3];
        // SAFETY: three writable u32s.
        let mut slice = unsafe { out_slice(buffer.as_mut_ptr(), 3) }.unwrap();
        assert_eq!(*slice, [0, 0, 0]);
        slice[1] = 5;
        slice.keep();
        assert_eq!(buffer, [0, 5, 0]);
        // Not kept: cleared again.
        // SAFETY: as above.
        let mut slice = unsafe { out_slice(buffer.as_mut_ptr(), 3) }.unwrap();
        slice[2] = 9;
        drop(slice);
        assert_eq!(buffer, [0, 0, 0]);
    }

    #[test]
    fn string_arrays_borrow_each_string() {
        let a = [0x61u16, 0];
        let b = [0x62u16, 0x63, 0];
        let pointers = [a.as_ptr(), b.as_ptr()];
        // SAFETY: two NUL-terminated strings alive for the test.
        let strings = unsafe { wide_strs(pointers.as_ptr(), 2) }.unwrap();
        assert_eq!(
            strings,
            [
                WideStr::from_units(&[0x61]),
                WideStr::from_units(&[0x62, 0x63])
            ]
        );
        let with_null = [a.as_ptr(), core::ptr::null()];
        // SAFETY: as above, one null.
        let error = unsafe { wide_strs(with_null.as_ptr(), 2) }.unwrap_err();
        assert_eq!(error.code(), E_INVALIDARG);
    }

    #[test]
    fn counts_become_lengths() {
        assert_eq!(len(3u32).unwrap(), 3);
        assert_eq!(len(-1i32).unwrap_err().code(), E_INVALIDARG);
        let mut buffer = [1u8, 2];
        // SAFETY: null, then two writable bytes.
        unsafe {
            assert!(optional_slice_mut::<u8>(core::ptr::null_mut(), 2).is_none());
            optional_slice_mut(buffer.as_mut_ptr(), 2).unwrap()[1] = 7;
        }
        assert_eq!(buffer, [1, 7]);
    }

    #[test]
    fn cleared_outs_are_zero_before_the_call() {
        let mut slot = 5u64;
        // SAFETY: a writable u64, for which zero is valid; then null.
        unsafe {
            cleared_out(&mut slot).unwrap();
            assert_eq!(
                cleared_out::<u64>(core::ptr::null_mut())
                    .unwrap_err()
                    .code(),
                E_POINTER
            );
        }
        assert_eq!(slot, 0);
    }

    #[test]
    fn fetched_counts_answer_s_false_when_short() {
        let mut written = 9u32;
        // SAFETY: a writable u32, or null.
        unsafe {
            assert_eq!(fetched(2u32, 2, &mut written).unwrap(), S_OK);
            assert_eq!(written, 2);
            assert_eq!(fetched(1u32, 2, &mut written).unwrap(), S_FALSE);
            assert_eq!(written, 1);
            assert_eq!(fetched(0u32, 2, core::ptr::null_mut()).unwrap(), S_FALSE);
            assert_eq!(
                fetched(3u32, 2, &mut written).unwrap_err().code(),
                E_UNEXPECTED
            );
        }
        assert_eq!(written, 1);
    }
}
