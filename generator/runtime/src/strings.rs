//! String pointer types for hosts where windows-core has none. Each has the
//! representation of its Windows namesake: one pointer.

macro_rules! string_pointer {
    ($(#[$doc:meta])* $name:ident, $pointer:ty, $null:expr) => {
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub struct $name(pub $pointer);

        impl $name {
            /// The null pointer.
            pub const fn null() -> Self {
                Self($null)
            }

            pub const fn from_raw(pointer: $pointer) -> Self {
                Self(pointer)
            }

            pub fn is_null(&self) -> bool {
                self.0.is_null()
            }
        }

        impl windows_core::TypeKind for $name {
            type TypeKind = windows_core::CopyType;
        }
    };
}

string_pointer!(
    /// A pointer to a NUL-terminated UTF-16 string that is not written through.
    PCWSTR,
    *const u16,
    core::ptr::null()
);
string_pointer!(
    /// A pointer to a NUL-terminated UTF-16 string.
    PWSTR,
    *mut u16,
    core::ptr::null_mut()
);
string_pointer!(
    /// A pointer to a NUL-terminated 8-bit string that is not written through.
    PCSTR,
    *const u8,
    core::ptr::null()
);
string_pointer!(
    /// A pointer to a NUL-terminated 8-bit string.
    PSTR,
    *mut u8,
    core::ptr::null_mut()
);

/// A length-prefixed UTF-16 string owned by the COM allocator. Off Windows
/// there is no `SysFreeString` to call, so this is the bare pointer.
#[repr(transparent)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BSTR(*const u16);

impl BSTR {
    pub const fn new() -> Self {
        Self(core::ptr::null())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_null()
    }

    pub fn as_ptr(&self) -> *const u16 {
        self.0
    }
}

impl Default for BSTR {
    fn default() -> Self {
        Self::new()
    }
}

impl windows_core::TypeKind for BSTR {
    type TypeKind = windows_core::CloneType;
}
