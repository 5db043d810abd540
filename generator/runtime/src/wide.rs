//! Borrowed and COM-allocated UTF-16 strings.

use core::fmt;
use std::string::String;

use crate::task_mem::TaskMem;

/// A borrowed NUL-terminated UTF-16 string, without its NUL: what a method
/// receives for an `[in, string]` wide-character pointer.
#[repr(transparent)]
#[derive(PartialEq, Eq, Hash)]
pub struct WideStr([u16]);

impl WideStr {
    /// The string over `units` (which holds no NUL).
    pub fn from_units(units: &[u16]) -> &WideStr {
        // SAFETY: `WideStr` is `#[repr(transparent)]` over `[u16]`.
        unsafe { &*(core::ptr::from_ref(units) as *const WideStr) }
    }

    /// The string a NUL-terminated pointer points to.
    ///
    /// # Safety
    ///
    /// `pointer` is null, or points to a NUL-terminated UTF-16 string that is
    /// neither freed nor changed during `'a`.
    pub unsafe fn from_ptr<'a>(pointer: *const u16) -> Option<&'a WideStr> {
        if pointer.is_null() {
            return None;
        }
        let mut len = 0;
        // SAFETY: every unit up to the NUL is readable, by the caller's promise.
        while unsafe { pointer.add(len).read() } != 0 {
            len += 1;
        }
        // SAFETY: the `len` units before the NUL, alive for `'a`.
        Some(Self::from_units(unsafe {
            core::slice::from_raw_parts(pointer, len)
        }))
    }

    pub fn as_units(&self) -> &[u16] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text, with unpaired surrogates replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf16_lossy(&self.0)
    }
}

impl fmt::Display for WideStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in char::decode_utf16(self.0.iter().copied()) {
            fmt::Write::write_char(f, c.unwrap_or(char::REPLACEMENT_CHARACTER))?;
        }
        Ok(())
    }
}

impl fmt::Debug for WideStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string_lossy(), f)
    }
}

impl PartialEq<str> for WideStr {
    fn eq(&self, other: &str) -> bool {
        self.0.iter().copied().eq(other.encode_utf16())
    }
}

impl PartialEq<&str> for WideStr {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// `text` as a NUL-terminated UTF-16 string in COM task memory, as an
/// `[out, string]` parameter hands it to the caller (who frees it with
/// `CoTaskMemFree`).
pub(crate) fn task_mem_wide(text: &str) -> Option<TaskMem<u16>> {
    let len = text.encode_utf16().count() + 1;
    let mut memory = TaskMem::<u16>::alloc(len)?;
    for (slot, unit) in memory
        .as_uninit_slice()
        .iter_mut()
        .zip(text.encode_utf16().chain([0]))
    {
        slot.write(unit);
    }
    Some(memory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_nul() {
        let units = [0x68, 0x69, 0, 0x78];
        // SAFETY: a NUL-terminated array alive for the test.
        let text = unsafe { WideStr::from_ptr(units.as_ptr()) }.unwrap();
        assert_eq!(text.as_units(), &[0x68, 0x69]);
        assert_eq!(text, "hi");
        assert_eq!(text.to_string(), "hi");
        // SAFETY: null is allowed.
        assert!(unsafe { WideStr::from_ptr(core::ptr::null()) }.is_none());
    }

    #[test]
    fn task_memory_strings_are_nul_terminated() {
        let memory = task_mem_wide("añ😀").unwrap();
        let pointer = memory.into_raw();
        // SAFETY: just written, NUL-terminated.
        let text = unsafe { WideStr::from_ptr(pointer) }.unwrap();
        assert_eq!(text, "añ😀");
        assert_eq!(text.len(), 4);
        // SAFETY: allocated by `task_mem_wide`, freed once.
        unsafe { crate::task_mem::free(pointer.cast()) };
    }
}
