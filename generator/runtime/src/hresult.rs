//! The `HRESULT`s objects and servers answer with.

use windows_core::HRESULT;

pub const S_OK: HRESULT = HRESULT(0);
/// Success, and "no" where a method's success code is its answer.
pub const S_FALSE: HRESULT = HRESULT(1);
pub const E_NOTIMPL: HRESULT = HRESULT(0x8000_4001_u32 as i32);
pub const E_NOINTERFACE: HRESULT = HRESULT(0x8000_4002_u32 as i32);
pub const E_POINTER: HRESULT = HRESULT(0x8000_4003_u32 as i32);
pub const E_FAIL: HRESULT = HRESULT(0x8000_4005_u32 as i32);
pub const E_UNEXPECTED: HRESULT = HRESULT(0x8000_FFFF_u32 as i32);
pub const E_OUTOFMEMORY: HRESULT = HRESULT(0x8007_000E_u32 as i32);
pub const E_INVALIDARG: HRESULT = HRESULT(0x8007_0057_u32 as i32);
pub const CLASS_E_NOAGGREGATION: HRESULT = HRESULT(0x8004_0110_u32 as i32);
pub const CLASS_E_CLASSNOTAVAILABLE: HRESULT = HRESULT(0x8004_0111_u32 as i32);
/// `DllRegisterServer` could not register a class.
pub const SELFREG_E_CLASS: HRESULT = HRESULT(0x8004_0201_u32 as i32);
