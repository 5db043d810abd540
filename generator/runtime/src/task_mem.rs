//! COM task memory: what `[out]` strings and structures are handed over in,
//! for the caller to free with `CoTaskMemFree`.
//!
//! On Windows this is `CoTaskMemAlloc`. Elsewhere (tests playing the COM
//! client on Linux) it is the Rust allocator with the size kept in a header,
//! freed with [`free`].

use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

/// An allocation of `len` `T`s in task memory, freed on drop unless handed
/// over with [`TaskMem::into_raw`].
pub struct TaskMem<T> {
    pointer: NonNull<T>,
    len: usize,
    owns: PhantomData<T>,
}

impl<T: Copy> TaskMem<T> {
    /// Room for `len` values (`None` when out of memory or `len` is 0).
    pub fn alloc(len: usize) -> Option<Self> {
        let bytes = len.checked_mul(size_of::<T>()).filter(|&b| b > 0)?;
        let pointer = NonNull::new(platform::alloc(bytes, align_of::<T>())?.cast())?;
        Some(Self {
            pointer,
            len,
            owns: PhantomData,
        })
    }

    /// `value`, copied into task memory.
    pub fn from_value(value: T) -> Option<Self> {
        let mut memory = Self::alloc(1)?;
        memory.as_uninit_slice()[0].write(value);
        Some(memory)
    }

    pub fn as_uninit_slice(&mut self) -> &mut [MaybeUninit<T>] {
        // SAFETY: `len` values' room, owned by `self`.
        unsafe { core::slice::from_raw_parts_mut(self.pointer.as_ptr().cast(), self.len) }
    }

    /// The pointer, now the receiver's to free.
    pub fn into_raw(self) -> *mut T {
        let pointer = self.pointer.as_ptr();
        core::mem::forget(self);
        pointer
    }
}

impl<T> Drop for TaskMem<T> {
    fn drop(&mut self) {
        // SAFETY: allocated by `alloc` and not handed over.
        unsafe { free(self.pointer.as_ptr().cast()) }
    }
}

/// Frees task memory (`CoTaskMemFree`); null is allowed.
///
/// # Safety
///
/// `pointer` is null or came from this module (or `CoTaskMemAlloc`), and is
/// not used afterwards.
pub unsafe fn free(pointer: *mut core::ffi::c_void) {
    if !pointer.is_null() {
        // SAFETY: by the caller's promise.
        unsafe { platform::free(pointer) }
    }
}

#[cfg(windows)]
mod platform {
    use core::ffi::c_void;

    windows_link::link!("ole32.dll" "system" fn CoTaskMemAlloc(cb: usize) -> *mut c_void);
    windows_link::link!("ole32.dll" "system" fn CoTaskMemFree(pv: *const c_void));

    pub fn alloc(bytes: usize, align: usize) -> Option<*mut u8> {
        // CoTaskMemAlloc aligns to 8 (x86) or 16 (x64) bytes.
        if align > 8 {
            return None;
        }
        // SAFETY: any size may be asked for; null means out of memory.
        let pointer = unsafe { CoTaskMemAlloc(bytes) };
        (!pointer.is_null()).then_some(pointer.cast())
    }

    pub unsafe fn free(pointer: *mut c_void) {
        // SAFETY: allocated by CoTaskMemAlloc, by the caller's promise.
        unsafe { CoTaskMemFree(pointer) }
    }
}

#[cfg(not(windows))]
mod platform {
    use core::ffi::c_void;
    use std::alloc::{self as allocator, Layout};

    /// The header before each block: its whole size. 16 bytes keeps the
    /// block as aligned as CoTaskMemAlloc's on x64.
    const HEADER: usize = 16;

    pub fn alloc(bytes: usize, align: usize) -> Option<*mut u8> {
        if align > HEADER {
            return None;
        }
        let layout = Layout::from_size_align(bytes.checked_add(HEADER)?, HEADER).ok()?;
        // SAFETY: the layout is not zero-sized.
        let block = unsafe { allocator::alloc(layout) };
        if block.is_null() {
            return None;
        }
        // SAFETY: the header is the block's first bytes, aligned for usize.
        unsafe {
            block.cast::<usize>().write(layout.size());
            Some(block.add(HEADER))
        }
    }

    pub unsafe fn free(pointer: *mut c_void) {
        // SAFETY: `pointer` came from `alloc`, by the caller's promise: the
        // block starts `HEADER` bytes before it, with its size.
        unsafe {
            let block = pointer.cast::<u8>().sub(HEADER);
            let size = block.cast::<usize>().read();
            allocator::dealloc(block, Layout::from_size_align_unchecked(size, HEADER));
        }
    }
}
