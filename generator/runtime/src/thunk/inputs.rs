//! The `[in]` (and `[in, out]`) parameters of a COM call, read as what the
//! `_Impl` trait method takes. Each wrapper holds a raw parameter and says
//! how to read it; a thunk passes a tuple of them to [`call`](super::call).

use core::cell::Cell;
use core::ffi::{CStr, c_char, c_void};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use std::vec::Vec;

use windows_core::{BOOL, Interface, Result};

use crate::hresult::{E_INVALIDARG, E_POINTER};
use crate::wide::WideStr;

/// Raw parameters and how to read them.
pub trait Inputs<'a> {
    /// What the trait method is given.
    type Safe;

    /// Reads the parameters; a null that must not be is an error.
    ///
    /// # Safety
    ///
    /// The wrapped pointers are as each wrapper's documentation says, for
    /// `'a`; it is called at most once.
    unsafe fn read(&self) -> Result<Self::Safe>;

    /// The call failed after [`Inputs::read`] succeeded, or panicked: undoes
    /// what the callee may have stored in the caller's buffers.
    ///
    /// # Safety
    ///
    /// As for `read`; nothing borrows what `read` gave any more.
    unsafe fn abort(&self) {}
}

/// A parameter passed as it is in the vtable: a value (a number, handle,
/// struct), or a pointer the IDL gives no safe reading of. The caller keeps
/// ownership of it, as of every `[in]` parameter.
pub struct Raw<T>(ManuallyDrop<T>);

impl<T> Raw<T> {
    pub fn new(value: T) -> Self {
        Self(ManuallyDrop::new(value))
    }
}

impl<T> Inputs<'_> for Raw<T> {
    type Safe = T;

    unsafe fn read(&self) -> Result<T> {
        // SAFETY: read at most once, by the caller's promise, and never
        // dropped here: the value is moved out exactly once.
        Ok(unsafe { core::ptr::read(&*self.0) })
    }
}

/// `[in] BOOL`: `bool`.
pub struct Bool(pub BOOL);

impl Inputs<'_> for Bool {
    type Safe = bool;

    unsafe fn read(&self) -> Result<bool> {
        Ok(self.0.as_bool())
    }
}

/// A required `[in]` interface pointer: `&I`; null is `E_INVALIDARG`. The
/// pointer is live during the call.
pub struct InterfaceIn<'a, I>(&'a *mut c_void, PhantomData<I>);

/// An `[in, unique]` interface pointer: `Option<&I>`. The pointer is null or
/// live during the call.
pub struct OptionalInterfaceIn<'a, I>(&'a *mut c_void, PhantomData<I>);

/// Wraps a required interface parameter, borrowed for the call.
pub fn interface<I>(raw: &*mut c_void) -> InterfaceIn<'_, I> {
    InterfaceIn(raw, PhantomData)
}

/// Wraps an optional interface parameter, borrowed for the call.
pub fn optional_interface<I>(raw: &*mut c_void) -> OptionalInterfaceIn<'_, I> {
    OptionalInterfaceIn(raw, PhantomData)
}

impl<'a, I: Interface + 'a> Inputs<'a> for OptionalInterfaceIn<'a, I> {
    type Safe = Option<&'a I>;

    unsafe fn read(&self) -> Result<Option<&'a I>> {
        // SAFETY: null or live, by the caller's promise.
        Ok(unsafe { I::from_raw_borrowed(self.0) })
    }
}

impl<'a, I: Interface + 'a> Inputs<'a> for InterfaceIn<'a, I> {
    type Safe = &'a I;

    unsafe fn read(&self) -> Result<&'a I> {
        // SAFETY: as for `OptionalInterfaceIn`.
        required(unsafe { OptionalInterfaceIn::<I>(self.0, PhantomData).read() }?)
    }
}

/// A required `[in, string]` UTF-16 string: `&WideStr`; null is
/// `E_INVALIDARG`. Non-null, it is NUL-terminated and unchanged during the call.
pub struct Wide(pub *const u16);

/// An `[in, string, unique]` UTF-16 string: `Option<&WideStr>`.
pub struct OptionalWide(pub *const u16);

impl<'a> Inputs<'a> for OptionalWide {
    type Safe = Option<&'a WideStr>;

    unsafe fn read(&self) -> Result<Option<&'a WideStr>> {
        // SAFETY: by the caller's promise.
        Ok(unsafe { WideStr::from_ptr(self.0) })
    }
}

impl<'a> Inputs<'a> for Wide {
    type Safe = &'a WideStr;

    unsafe fn read(&self) -> Result<&'a WideStr> {
        // SAFETY: by the caller's promise.
        required(unsafe { OptionalWide(self.0).read() }?)
    }
}

/// A required `[in, string]` 8-bit string: `&CStr`; null is `E_INVALIDARG`.
/// Non-null, it is NUL-terminated and unchanged during the call.
pub struct Ansi(pub *const c_char);

/// An `[in, string, unique]` 8-bit string: `Option<&CStr>`.
pub struct OptionalAnsi(pub *const c_char);

impl<'a> Inputs<'a> for OptionalAnsi {
    type Safe = Option<&'a CStr>;

    unsafe fn read(&self) -> Result<Option<&'a CStr>> {
        // SAFETY: by the caller's promise.
        Ok((!self.0.is_null()).then(|| unsafe { CStr::from_ptr(self.0) }))
    }
}

impl<'a> Inputs<'a> for Ansi {
    type Safe = &'a CStr;

    unsafe fn read(&self) -> Result<&'a CStr> {
        // SAFETY: by the caller's promise.
        required(unsafe { OptionalAnsi(self.0).read() }?)
    }
}

/// An `[in] BSTR`: `&BSTR`, borrowed from the caller, who keeps ownership.
pub struct Bstr<'a>(pub &'a *const u16);

impl<'a> Inputs<'a> for Bstr<'a> {
    type Safe = &'a crate::BSTR;

    unsafe fn read(&self) -> Result<&'a crate::BSTR> {
        // SAFETY: `BSTR` is `#[repr(transparent)]` over `*const u16`, and
        // only borrowed here: it is never dropped.
        Ok(unsafe { &*core::ptr::from_ref(self.0).cast::<crate::BSTR>() })
    }
}

/// A required `[in] T *` to one value: `&T`; null is `E_INVALIDARG`.
/// Non-null, it points to a valid `T`, unchanged during the call.
pub struct Ref<T>(pub *const T);

/// An `[in, unique] T *`: `Option<&T>`.
pub struct OptionalRef<T>(pub *const T);

impl<'a, T: 'a> Inputs<'a> for OptionalRef<T> {
    type Safe = Option<&'a T>;

    unsafe fn read(&self) -> Result<Option<&'a T>> {
        // SAFETY: by the caller's promise.
        Ok(unsafe { self.0.as_ref() })
    }
}

impl<'a, T: 'a> Inputs<'a> for Ref<T> {
    type Safe = &'a T;

    unsafe fn read(&self) -> Result<&'a T> {
        // SAFETY: by the caller's promise.
        required(unsafe { self.0.as_ref() })
    }
}

/// A required `[in, out] T *`: `&mut T`; null is `E_POINTER`. Non-null, it
/// points to a valid `T` that nothing else uses during the call.
pub struct Mut<T>(pub *mut T);

/// An `[in, out, unique] T *`: `Option<&mut T>`.
pub struct OptionalMut<T>(pub *mut T);

impl<'a, T: 'a> Inputs<'a> for OptionalMut<T> {
    type Safe = Option<&'a mut T>;

    unsafe fn read(&self) -> Result<Option<&'a mut T>> {
        // SAFETY: by the caller's promise.
        Ok(unsafe { self.0.as_mut() })
    }
}

impl<'a, T: 'a> Inputs<'a> for Mut<T> {
    type Safe = &'a mut T;

    unsafe fn read(&self) -> Result<&'a mut T> {
        // SAFETY: by the caller's promise.
        unsafe { self.0.as_mut() }.ok_or_else(|| E_POINTER.into())
    }
}

/// The length an `[in]` count gives its array; a count no `usize` holds (a
/// negative one) is `E_INVALIDARG`.
pub(super) fn len<N: Copy + TryInto<usize>>(count: N) -> Result<usize> {
    count.try_into().map_err(|_| E_INVALIDARG.into())
}

/// A required `[in] size_is(count)` array: `&[T]`. Null is `E_INVALIDARG`,
/// unless the count is 0 (an empty array may be passed as null). Non-null,
/// it points to `count` valid `T`s, unchanged during the call.
pub struct Slice<T, N>(pub *const T, pub N);

/// An `[in, unique] size_is(count)` array: `Option<&[T]>`.
pub struct OptionalSlice<T, N>(pub *const T, pub N);

impl<'a, T: 'a, N: Copy + TryInto<usize>> Inputs<'a> for OptionalSlice<T, N> {
    type Safe = Option<&'a [T]>;

    unsafe fn read(&self) -> Result<Option<&'a [T]>> {
        let len = len(self.1)?;
        // SAFETY: by the caller's promise.
        Ok((!self.0.is_null()).then(|| unsafe { core::slice::from_raw_parts(self.0, len) }))
    }
}

impl<'a, T: 'a, N: Copy + TryInto<usize>> Inputs<'a> for Slice<T, N> {
    type Safe = &'a [T];

    unsafe fn read(&self) -> Result<&'a [T]> {
        if len(self.1)? == 0 {
            return Ok(&[]);
        }
        // SAFETY: by the caller's promise.
        required(unsafe { OptionalSlice(self.0, self.1).read() }?)
    }
}

/// A required `[in, out] size_is(count)` array: `&mut [T]`. Null is
/// `E_POINTER`, unless the count is 0. Non-null, it points to `count` valid
/// `T`s that nothing else uses during the call.
pub struct SliceMut<T, N>(pub *mut T, pub N);

/// An `[in, out, unique] size_is(count)` array: `Option<&mut [T]>`.
pub struct OptionalSliceMut<T, N>(pub *mut T, pub N);

impl<'a, T: 'a, N: Copy + TryInto<usize>> Inputs<'a> for OptionalSliceMut<T, N> {
    type Safe = Option<&'a mut [T]>;

    unsafe fn read(&self) -> Result<Option<&'a mut [T]>> {
        let len = len(self.1)?;
        // SAFETY: by the caller's promise.
        Ok((!self.0.is_null()).then(|| unsafe { core::slice::from_raw_parts_mut(self.0, len) }))
    }
}

impl<'a, T: 'a, N: Copy + TryInto<usize>> Inputs<'a> for SliceMut<T, N> {
    type Safe = &'a mut [T];

    unsafe fn read(&self) -> Result<&'a mut [T]> {
        if len(self.1)? == 0 {
            return Ok(&mut []);
        }
        // SAFETY: by the caller's promise.
        unsafe { OptionalSliceMut(self.0, self.1).read() }?.ok_or_else(|| E_POINTER.into())
    }
}

/// An `[out] size_is(count)` array lent to the implementor: `&mut [T]`, the
/// caller's buffer zero-filled first (it arrives uninitialized; all zeros is
/// a null interface pointer, or a zero number). Null is `E_POINTER`, unless
/// the count is 0. If the call then fails or panics, the elements are
/// dropped and zeroed again: interfaces stored by a failing call are
/// released, not leaked, and the caller sees nulls.
///
/// The pointer is writable for `count` `T`s, which nothing else uses during
/// the call; all zero bytes is a valid `T`.
pub struct OutSlice<T, N> {
    pointer: *mut T,
    count: N,
    filled: Cell<bool>,
}

/// Wraps an `[out] size_is(count)` array.
pub fn out_slice<T, N>(pointer: *mut T, count: N) -> OutSlice<T, N> {
    OutSlice {
        pointer,
        count,
        filled: Cell::new(false),
    }
}

impl<'a, T: 'a, N: Copy + TryInto<usize>> Inputs<'a> for OutSlice<T, N> {
    type Safe = &'a mut [T];

    unsafe fn read(&self) -> Result<&'a mut [T]> {
        let len = len(self.count)?;
        if len != 0 && !self.pointer.is_null() {
            // SAFETY: `len` writable `T`s, by the caller's promise.
            unsafe { self.pointer.write_bytes(0, len) };
            self.filled.set(true);
        }
        // SAFETY: initialized now, and otherwise as promised.
        unsafe { SliceMut(self.pointer, self.count).read() }
    }

    unsafe fn abort(&self) {
        if self.filled.replace(false) {
            // SAFETY: `read` zero-filled the `len(count)` elements (so the
            // length is valid) and the callee may have stored owned values
            // since; nothing borrows them now.
            unsafe {
                let len = len(self.count).unwrap_or(0);
                let elements = core::slice::from_raw_parts_mut(self.pointer, len);
                for element in elements {
                    // Drops what the callee stored.
                    *element = core::mem::zeroed();
                }
            }
        }
    }
}

/// An `[in, string] size_is(count)` array of UTF-16 strings: a vector of
/// borrowed strings. A null array (with
/// a count above 0) or element is `E_INVALIDARG`. Non-null, it points to
/// `count` pointers, each as for [`Wide`].
pub struct WideStrs<N>(pub *const *const u16, pub N);

/// An `[in, string, unique] size_is(count)` array of UTF-16 strings: `None`
/// when null.
pub struct OptionalWideStrs<N>(pub *const *const u16, pub N);

impl<'a, N: Copy + TryInto<usize>> Inputs<'a> for WideStrs<N> {
    type Safe = Vec<&'a WideStr>;

    unsafe fn read(&self) -> Result<Vec<&'a WideStr>> {
        // SAFETY: by the caller's promise.
        let pointers: &[*const u16] = unsafe { Slice(self.0, self.1).read() }?;
        // SAFETY: by the caller's promise.
        pointers
            .iter()
            .map(|&p| unsafe { Wide(p).read() })
            .collect()
    }
}

impl<'a, N: Copy + TryInto<usize>> Inputs<'a> for OptionalWideStrs<N> {
    type Safe = Option<Vec<&'a WideStr>>;

    unsafe fn read(&self) -> Result<Option<Vec<&'a WideStr>>> {
        if self.0.is_null() {
            return Ok(None);
        }
        // SAFETY: by the caller's promise.
        unsafe { WideStrs(self.0, self.1).read() }.map(Some)
    }
}

/// A required pointer's value; `None` (null) is `E_INVALIDARG`.
fn required<T>(value: Option<T>) -> Result<T> {
    value.ok_or_else(|| E_INVALIDARG.into())
}

impl Inputs<'_> for () {
    type Safe = ();

    unsafe fn read(&self) -> Result<()> {
        Ok(())
    }
}

/// Tuples read their elements in order and abort each of them.
macro_rules! tuple_inputs {
    ($($t:ident $v:ident),+) => {
        impl<'a, $($t: Inputs<'a>),+> Inputs<'a> for ($($t,)+) {
            type Safe = ($($t::Safe,)+);

            unsafe fn read(&self) -> Result<Self::Safe> {
                let ($($v,)+) = self;
                // SAFETY: each element by the caller's promise.
                unsafe { Ok(($($v.read()?,)+)) }
            }

            unsafe fn abort(&self) {
                let ($($v,)+) = self;
                // SAFETY: each element by the caller's promise.
                unsafe { $($v.abort();)+ }
            }
        }
    };
}
for_tuples!(tuple_inputs);

#[cfg(test)]
mod tests {
    use super::*;

    /// The code of a failed read.
    fn code<T>(read: Result<T>) -> windows_core::HRESULT {
        read.map(|_| ()).unwrap_err().code()
    }

    #[test]
    fn null_pointers_are_errors() {
        // SAFETY: null pointers only.
        unsafe {
            assert_eq!(code(Ref::<u32>(core::ptr::null()).read()), E_INVALIDARG);
            assert_eq!(code(Mut::<u32>(core::ptr::null_mut()).read()), E_POINTER);
            assert_eq!(code(Wide(core::ptr::null()).read()), E_INVALIDARG);
            assert_eq!(code(Ansi(core::ptr::null()).read()), E_INVALIDARG);
            let null = core::ptr::null_mut();
            let unknown = interface::<windows_core::IUnknown>(&null);
            assert_eq!(code(unknown.read()), E_INVALIDARG);
            assert!(
                optional_interface::<windows_core::IUnknown>(&null)
                    .read()
                    .unwrap()
                    .is_none()
            );
            assert_eq!(
                Slice::<u32, u32>(core::ptr::null(), 0).read().unwrap(),
                &[] as &[u32]
            );
            assert_eq!(
                code(Slice::<u32, u32>(core::ptr::null(), 2).read()),
                E_INVALIDARG
            );
            assert!(
                OptionalSlice::<u32, u32>(core::ptr::null(), 2)
                    .read()
                    .unwrap()
                    .is_none()
            );
            assert_eq!(
                code(SliceMut::<u32, u32>(core::ptr::null_mut(), 2).read()),
                E_POINTER
            );
        }
    }

    #[test]
    fn counts_become_lengths() {
        assert_eq!(len(3u32).unwrap(), 3);
        assert_eq!(len(-1i32).unwrap_err().code(), E_INVALIDARG);
        let mut buffer = [1u8, 2];
        // SAFETY: a negative count; null; then two writable bytes.
        unsafe {
            let error = Slice(buffer.as_ptr(), -1i32).read().unwrap_err();
            assert_eq!(error.code(), E_INVALIDARG);
            assert!(
                OptionalSliceMut::<u8, u32>(core::ptr::null_mut(), 2)
                    .read()
                    .unwrap()
                    .is_none()
            );
            OptionalSliceMut(buffer.as_mut_ptr(), 2u32)
                .read()
                .unwrap()
                .unwrap()[1] = 7;
        }
        assert_eq!(buffer, [1, 7]);
    }

    #[test]
    fn out_slices_start_zeroed_and_are_cleared_on_abort() {
        let mut buffer = [7u32; 3];
        let lent = out_slice(buffer.as_mut_ptr(), 3u32);
        // SAFETY: three writable u32s, used only through `lent`.
        unsafe {
            // Not read yet: abort leaves the caller's buffer alone.
            lent.abort();
            let slice = lent.read().unwrap();
            assert_eq!(*slice, [0, 0, 0]);
            slice[1] = 5;
            lent.abort();
        }
        assert_eq!(buffer, [0, 0, 0]);
        let lent = out_slice(buffer.as_mut_ptr(), 3u32);
        // SAFETY: as above.
        unsafe { lent.read().unwrap()[2] = 9 };
        assert_eq!(buffer, [0, 0, 9]);
    }

    #[test]
    fn string_arrays_borrow_each_string() {
        let a = [0x61u16, 0];
        let b = [0x62u16, 0x63, 0];
        let pointers = [a.as_ptr(), b.as_ptr()];
        // SAFETY: two NUL-terminated strings alive for the test.
        let strings = unsafe { WideStrs(pointers.as_ptr(), 2u32).read() }.unwrap();
        assert_eq!(strings, ["a", "bc"]);
        let with_null = [a.as_ptr(), core::ptr::null()];
        // SAFETY: as above, one null.
        let error = unsafe { WideStrs(with_null.as_ptr(), 2u32).read() }.unwrap_err();
        assert_eq!(error.code(), E_INVALIDARG);
        // SAFETY: a null array.
        let none = unsafe { OptionalWideStrs(core::ptr::null(), 2u32).read() }.unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn tuples_read_in_order_and_stop_at_the_first_error() {
        let value = 5u32;
        let text = [0x61u16, 0];
        // SAFETY: a u32 and a string alive for the test; then a null.
        unsafe {
            let (number, string) = (Ref(&value), Wide(text.as_ptr())).read().unwrap();
            assert_eq!(*number, 5);
            assert_eq!(string, "a");
            let error = (Ref(&value), Wide(core::ptr::null())).read().unwrap_err();
            assert_eq!(error.code(), E_INVALIDARG);
        }
    }
}
