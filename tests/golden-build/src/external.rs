//! The Rust types the `extern_types` fixture maps its `POINT` and `IShape`
//! to, standing in for another crate's (such as windows-rs). A mapped
//! interface `I` needs an `I_Vtbl` beside it when an interface derives
//! from it.

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[repr(transparent)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IShape(windows_core::IUnknown);

unsafe impl windows_core::Interface for IShape {
    type Vtable = IShape_Vtbl;
    const IID: windows_core::GUID =
        windows_core::GUID::from_u128(0x3d4e5f60_7182_493a_8b4c_5d6e7f8091a2);
}

windows_core::imp::interface_hierarchy!(IShape, windows_core::IUnknown);

#[allow(non_camel_case_types, non_snake_case)]
#[repr(C)]
pub struct IShape_Vtbl {
    pub base__: windows_core::IUnknown_Vtbl,
    pub Area: unsafe extern "system" fn(*mut core::ffi::c_void, *mut i32) -> windows_core::HRESULT,
}
