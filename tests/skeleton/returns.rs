// `Returner`: a COM object serving IReturns.
//
// Written by `comidl skeleton` from returns.idl as a starting point, and
// yours to edit: comidl does not write it again. Until its TODO is done,
// each method answers E_NOTIMPL (or, if it returns no HRESULT, a placeholder).

use comidl_runtime::{ComObject, PWSTR};
use core::ffi::c_void;
use core::ptr;
use windows_core::GUID;

use crate::returns::returns::{IReturns, IReturns_Impl, SHADE, SPOT, VISITOR};
use crate::returns::wtypes::HWND;

#[derive(Default, ComObject)]
#[com(implements(IReturns))]
// TODO: to make the class creatable by COM (`comidl_runtime::dll_exports!`,
// registration), give it a CLSID of its own (from `uuidgen`), and a threading
// model when it is not "Both":
// #[com(clsid = "00000000-0000-0000-0000-000000000000", threading = "Both")]
pub struct Returner {
    // COM may call the object from several threads at once: keep state
    // behind a Mutex, an RwLock or atomics.
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl IReturns_Impl for Returner {
    fn Count(&self) -> u32 {
        // TODO: implement IReturns::Count.
        0
    }

    fn Ratio(&self) -> f64 {
        // TODO: implement IReturns::Ratio.
        0.0
    }

    fn Ready(&self) -> bool {
        // TODO: implement IReturns::Ready.
        false
    }

    fn Context(&self) -> *mut c_void {
        // TODO: implement IReturns::Context.
        ptr::null_mut()
    }

    fn Label(&self) -> *const i8 {
        // TODO: implement IReturns::Label.
        ptr::null()
    }

    fn Name(&self) -> PWSTR {
        // TODO: implement IReturns::Name.
        PWSTR::null()
    }

    fn Shade(&self) -> SHADE {
        // TODO: implement IReturns::Shade.
        Default::default()
    }

    fn Window(&self) -> HWND {
        // TODO: implement IReturns::Window.
        Default::default()
    }

    fn Id(&self) -> GUID {
        // TODO: implement IReturns::Id.
        Default::default()
    }

    fn Spot(&self) -> SPOT {
        // TODO: implement IReturns::Spot.
        todo!()
    }

    fn Visitor(&self) -> VISITOR {
        // TODO: implement IReturns::Visitor.
        Default::default()
    }

    fn Reset(&self, to: u32) {
        // TODO: implement IReturns::Reset.
    }
}
