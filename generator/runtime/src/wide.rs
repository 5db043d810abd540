//! Borrowed, owned and COM-allocated UTF-16 strings.

use core::fmt;
use core::ops::Deref;
use std::string::String;
use std::vec::Vec;

use crate::task_mem::TaskMem;

/// A borrowed NUL-terminated UTF-16 string: what a method receives for an
/// `[in, string]` wide-character pointer, and what a generated method takes
/// for one. It borrows its NUL too (the slice ends with it), so the string
/// can be handed to COM as a pointer; its text is the units before.
#[repr(transparent)]
#[derive(PartialEq, Eq, Hash)]
pub struct WideStr([u16]);

impl WideStr {
    /// The string over `units`, which end with its only NUL; `None` if they
    /// do not.
    pub fn from_units_with_nul(units: &[u16]) -> Option<&WideStr> {
        match units.split_last() {
            Some((0, text)) if !text.contains(&0) => Some(Self::with_nul(units)),
            _ => None,
        }
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
        // SAFETY: the `len` units and the NUL, alive for `'a`.
        Some(Self::with_nul(unsafe {
            core::slice::from_raw_parts(pointer, len + 1)
        }))
    }

    /// `units`, which the caller knows to end with their only NUL.
    fn with_nul(units: &[u16]) -> &WideStr {
        debug_assert_eq!(units.last(), Some(&0));
        // SAFETY: `WideStr` is `#[repr(transparent)]` over `[u16]`.
        unsafe { &*(core::ptr::from_ref(units) as *const WideStr) }
    }

    /// The units, without the NUL.
    pub fn as_units(&self) -> &[u16] {
        &self.0[..self.0.len() - 1]
    }

    /// A pointer to the NUL-terminated string, valid as long as `self`.
    pub fn as_ptr(&self) -> *const u16 {
        self.0.as_ptr()
    }

    pub fn len(&self) -> usize {
        self.as_units().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_units().is_empty()
    }

    /// The text, with unpaired surrogates replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf16_lossy(self.as_units())
    }
}

/// An owned NUL-terminated UTF-16 string: text made in Rust for a method
/// that takes a [`WideStr`] (`&WideString::from("text")`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WideString(Vec<u16>);

impl WideString {
    /// The string of `units`, cut at the first NUL if there is one (as COM
    /// would read it).
    pub fn from_units(units: &[u16]) -> WideString {
        let text = units.split(|&unit| unit == 0).next().unwrap_or_default();
        WideString(text.iter().copied().chain([0]).collect())
    }
}

impl Deref for WideString {
    type Target = WideStr;

    fn deref(&self) -> &WideStr {
        WideStr::with_nul(&self.0)
    }
}

impl From<&str> for WideString {
    /// The text in UTF-16, cut at its first NUL character if it has one.
    fn from(text: &str) -> WideString {
        let text = text.split('\0').next().unwrap_or_default();
        WideString(text.encode_utf16().chain([0]).collect())
    }
}

impl From<&String> for WideString {
    fn from(text: &String) -> WideString {
        WideString::from(text.as_str())
    }
}

impl From<String> for WideString {
    fn from(text: String) -> WideString {
        WideString::from(text.as_str())
    }
}

impl From<&WideStr> for WideString {
    fn from(text: &WideStr) -> WideString {
        WideString::from_units(text.as_units())
    }
}

/// The pointers of an `[in]` array of strings, each NUL-terminated, as a
/// generated method passes them (a null array for `None`).
pub struct WidePointers(Option<Vec<*const u16>>);

impl WidePointers {
    pub fn new(strings: Option<&[&WideStr]>) -> WidePointers {
        WidePointers(strings.map(|strings| strings.iter().map(|s| s.as_ptr()).collect()))
    }

    /// The array, valid as long as `self` and the strings it was made of.
    pub fn as_ptr(&self) -> *const *const u16 {
        self.0
            .as_ref()
            .map_or(core::ptr::null(), |pointers| pointers.as_ptr())
    }

    /// How many strings there are (0 for a null array).
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for WideString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl fmt::Debug for WideString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for WideStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in char::decode_utf16(self.as_units().iter().copied()) {
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
        self.as_units().iter().copied().eq(other.encode_utf16())
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
    fn borrowed_strings_keep_their_nul() {
        assert_eq!(WideStr::from_units_with_nul(&[0x68, 0]).unwrap(), "h");
        assert!(WideStr::from_units_with_nul(&[0x68]).is_none());
        assert!(WideStr::from_units_with_nul(&[0, 0x68, 0]).is_none());
        assert!(WideStr::from_units_with_nul(&[]).is_none());
        let text = WideStr::from_units_with_nul(&[0x68, 0x69, 0]).unwrap();
        // SAFETY: `text` ends before its NUL, so the pointer reads "hi".
        assert_eq!(unsafe { WideStr::from_ptr(text.as_ptr()) }.unwrap(), text);
    }

    #[test]
    fn owned_strings_are_nul_terminated_and_cut_at_a_nul() {
        let owned = WideString::from("añ😀");
        assert_eq!(&*owned, "añ😀");
        assert_eq!(owned.len(), 4);
        // SAFETY: a WideString's units are followed by its NUL.
        assert_eq!(
            unsafe { WideStr::from_ptr(owned.as_ptr()) }.unwrap(),
            "añ😀"
        );
        assert_eq!(&*WideString::from("ab\0cd"), "ab");
        assert_eq!(&*WideString::from_units(&[0x61, 0, 0x62]), "a");
        assert_eq!(&*WideString::from(&*owned), "añ😀");
        assert_eq!(WideString::from(String::new()).to_string(), "");
    }

    #[test]
    fn string_arrays_become_pointers_to_each_string() {
        let (a, b) = (WideString::from("a"), WideString::from("bc"));
        let pointers = WidePointers::new(Some(&[&a, &b]));
        assert_eq!(pointers.len(), 2);
        // SAFETY: two pointers, to strings alive for the test.
        let second = unsafe { WideStr::from_ptr(pointers.as_ptr().add(1).read()) };
        assert_eq!(second.unwrap(), "bc");
        let none = WidePointers::new(None);
        assert!(none.as_ptr().is_null() && none.is_empty());
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
