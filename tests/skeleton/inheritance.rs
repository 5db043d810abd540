// `Dog`: a COM object serving IDog, IPersistDog.
//
// Written by `comidl skeleton` from inheritance.idl as a starting point, and
// yours to edit: comidl does not write it again. Until its TODO is done,
// each method answers E_NOTIMPL (or, if it returns no HRESULT, a placeholder).

use comidl_runtime::ComObject;
use comidl_runtime::hresult::E_NOTIMPL;
use windows_core::{GUID, Result};

use crate::inheritance::inheritance::{
    IAnimal, IAnimal_Impl, IDog, IDog_Impl, IMammal_Impl, IPersistDog, IPersistDog_Impl,
};
use crate::inheritance::objidl::IPersist_Impl;

#[derive(Default, ComObject)]
#[com(implements(IDog, IPersistDog))]
// TODO: to make the class creatable by COM (`comidl_runtime::dll_exports!`,
// registration), give it a CLSID of its own (from `uuidgen`), and a threading
// model when it is not "Both":
// #[com(clsid = "00000000-0000-0000-0000-000000000000", threading = "Both")]
pub struct Dog {
    // COM may call the object from several threads at once: keep state
    // behind a Mutex, an RwLock or atomics.
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl IDog_Impl for Dog {
    fn Bark(&self, times: u32) -> Result<()> {
        // TODO: implement IDog::Bark.
        Err(E_NOTIMPL.into())
    }

    fn Fetch(&self, toy: &IAnimal) -> Result<()> {
        // TODO: implement IDog::Fetch.
        Err(E_NOTIMPL.into())
    }
}

impl IMammal_Impl for Dog {
    fn Nurse(&self) -> Result<()> {
        // TODO: implement IMammal::Nurse.
        Err(E_NOTIMPL.into())
    }
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl IAnimal_Impl for Dog {
    fn Eat(&self, grams: u32) -> Result<()> {
        // TODO: implement IAnimal::Eat.
        Err(E_NOTIMPL.into())
    }
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl IPersistDog_Impl for Dog {
    fn Save(&self, dog: &IDog) -> Result<()> {
        // TODO: implement IPersistDog::Save.
        Err(E_NOTIMPL.into())
    }
}

impl IPersist_Impl for Dog {
    /// The CLSID of the code that can load the object's saved state.
    ///
    /// The `Ok` value is `pClassID`.
    fn GetClassID(&self) -> Result<GUID> {
        // TODO: implement IPersist::GetClassID.
        Err(E_NOTIMPL.into())
    }
}
