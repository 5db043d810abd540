// `Gadget`: a COM object serving IGadget, IEnumWidgets.
//
// Written by `comidl skeleton` from implement.idl as a starting point, and
// yours to edit: comidl does not write it again. Until its TODO is done,
// each method answers E_NOTIMPL (or, if it returns no HRESULT, a placeholder).

use comidl_runtime::hresult::E_NOTIMPL;
use comidl_runtime::{BSTR, ComObject, PCWSTR, WideStr};
use core::ffi::{CStr, c_void};
use windows_core::{GUID, IUnknown, Result};

use crate::implement::implement::{
    IEnumWidgets, IEnumWidgets_Impl, IGadget, IGadget_Impl, IWidget, IWidget_Impl, WIDGET_KIND,
    WIDGETINFO,
};

#[derive(Default, ComObject)]
#[com(implements(IGadget, IEnumWidgets))]
// TODO: to make the class creatable by COM (`comidl_runtime::dll_exports!`,
// registration), give it a CLSID of its own (from `uuidgen`), and a threading
// model when it is not "Both":
// #[com(clsid = "00000000-0000-0000-0000-000000000000", threading = "Both")]
pub struct Gadget {
    // COM may call the object from several threads at once: keep state
    // behind a Mutex, an RwLock or atomics.
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl IGadget_Impl for Gadget {
    /// The `Ok` value is `name`.
    ///
    /// `name` is returned as a `String`, handed to the caller in task memory.
    fn GetName(&self) -> Result<String> {
        // TODO: implement IGadget::GetName.
        Err(E_NOTIMPL.into())
    }

    fn Attach(&self, widget: &IWidget, parent: Option<&IWidget>) -> Result<()> {
        // TODO: implement IGadget::Attach.
        Err(E_NOTIMPL.into())
    }

    fn Adjust(&self, value: &mut i32, limit: Option<&mut i32>) -> Result<()> {
        // TODO: implement IGadget::Adjust.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `sum`.
    ///
    /// `count` is the length of `values`.
    fn Sum(&self, values: &[i32]) -> Result<i32> {
        // TODO: implement IGadget::Sum.
        Err(E_NOTIMPL.into())
    }

    /// `count` is the length of `ids`.
    fn Tag(&self, ids: Option<&[GUID]>) -> Result<()> {
        // TODO: implement IGadget::Tag.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `chars`.
    ///
    /// `count` is the length of `names`.
    fn Label(&self, names: Vec<&WideStr>) -> Result<u32> {
        // TODO: implement IGadget::Label.
        Err(E_NOTIMPL.into())
    }

    /// `count` is the length of `bytes`.
    fn Scramble(&self, bytes: &mut [u8]) -> Result<()> {
        // TODO: implement IGadget::Scramble.
        Err(E_NOTIMPL.into())
    }

    /// `count` is the length of `values`.
    fn Fill(&self, values: &mut [u32]) -> Result<()> {
        // TODO: implement IGadget::Fill.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `found`.
    fn Find(
        &self,
        id: &GUID,
        hint: &WIDGETINFO,
        fallback: Option<&WIDGETINFO>,
    ) -> Result<WIDGETINFO> {
        // TODO: implement IGadget::Find.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `ppv`.
    ///
    /// The object is returned as `IUnknown`; the caller gets the interface `riid` asks for (`E_NOINTERFACE` when it has none such).
    fn GetObject(&self) -> Result<IUnknown> {
        // TODO: implement IGadget::GetObject.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `loud`.
    fn Shout(&self, text: &BSTR) -> Result<BSTR> {
        // TODO: implement IGadget::Shout.
        Err(E_NOTIMPL.into())
    }

    /// `context` is passed raw: the IDL gives no safe reading of it.
    fn Raw(&self, context: *mut c_void, size: u32) -> Result<()> {
        // TODO: implement IGadget::Raw.
        Err(E_NOTIMPL.into())
    }
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl IWidget_Impl for Gadget {
    /// The widget's name.
    ///
    /// The `Ok` value is `name`.
    ///
    /// `name` is returned as a `String`, handed to the caller in task memory.
    fn GetName(&self) -> Result<String> {
        // TODO: implement IWidget::GetName.
        Err(E_NOTIMPL.into())
    }

    fn SetName(&self, name: &WideStr) -> Result<()> {
        // TODO: implement IWidget::SetName.
        Err(E_NOTIMPL.into())
    }

    fn Rename(&self, wide: Option<&WideStr>, ansi: &CStr) -> Result<()> {
        // TODO: implement IWidget::Rename.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `info`.
    ///
    /// `info` is returned by value, handed to the caller in task memory.
    fn GetInfo(&self) -> Result<WIDGETINFO> {
        // TODO: implement IWidget::GetInfo.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `kind`.
    fn GetKind(&self) -> Result<WIDGET_KIND> {
        // TODO: implement IWidget::GetKind.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is (`width`, `height`).
    fn GetSize(&self) -> Result<(i32, i32)> {
        // TODO: implement IWidget::GetSize.
        Err(E_NOTIMPL.into())
    }

    /// The answer is the success code: `Ok(true)` gives `S_OK`, `Ok(false)` `S_FALSE`.
    fn IsBusy(&self) -> Result<bool> {
        // TODO: implement IWidget::IsBusy.
        Err(E_NOTIMPL.into())
    }

    fn SetEnabled(&self, enabled: bool) -> Result<()> {
        // TODO: implement IWidget::SetEnabled.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `enabled`.
    fn IsEnabled(&self) -> Result<bool> {
        // TODO: implement IWidget::IsEnabled.
        Err(E_NOTIMPL.into())
    }

    fn Count(&self) -> u32 {
        // TODO: implement IWidget::Count.
        0
    }

    fn Poke(&self, times: u32) {
        // TODO: implement IWidget::Poke.
    }

    /// `label` is passed raw: the IDL gives no safe reading of it.
    fn Check(&self, strict: bool, other: Option<&IWidget>, label: PCWSTR) -> bool {
        // TODO: implement IWidget::Check.
        false
    }
}

// Parameters keep their IDL names, and are unused until the methods are done.
#[allow(non_snake_case, unused_variables)]
impl IEnumWidgets_Impl for Gadget {
    /// The `Ok` value is `pceltFetched`.
    ///
    /// `celt` is the length of `rgelt`.
    ///
    /// `pceltFetched` is how many elements of `rgelt` it filled (written only when the caller passes `pceltFetched`); the caller gets `S_FALSE` when that is fewer than `rgelt.len()`.
    fn Next(&self, rgelt: &mut [Option<IWidget>]) -> Result<u32> {
        // TODO: implement IEnumWidgets::Next.
        Err(E_NOTIMPL.into())
    }

    fn Skip(&self, celt: u32) -> Result<()> {
        // TODO: implement IEnumWidgets::Skip.
        Err(E_NOTIMPL.into())
    }

    fn Reset(&self) -> Result<()> {
        // TODO: implement IEnumWidgets::Reset.
        Err(E_NOTIMPL.into())
    }

    /// The `Ok` value is `ppenum`.
    fn Clone(&self) -> Result<IEnumWidgets> {
        // TODO: implement IEnumWidgets::Clone.
        Err(E_NOTIMPL.into())
    }
}
