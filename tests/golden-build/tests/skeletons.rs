//! The objects of the skeletons `comidl skeleton` writes (tests/skeleton/),
//! made and called through their interfaces as they stand: methods answer
//! `E_NOTIMPL`, or a placeholder value when they return no `HRESULT`.

use comidl_golden::skeletons::{implement, inheritance, mobsync, returns, sync_center};
use comidl_runtime::hresult::E_NOTIMPL;
use comidl_syncmgr::mobsync::ISyncMgrSynchronize;
use comidl_syncmgr::syncmgr::{ISyncMgrHandler, ISyncMgrHandlerInfo};
use comidl_syncmgr::wtypes::HWND;
use windows_core::{Interface, Result};

fn assert_not_implemented<T: std::fmt::Debug>(result: Result<T>) {
    match result {
        Err(error) => assert_eq!(error.code(), E_NOTIMPL),
        Ok(value) => panic!("expected E_NOTIMPL, got Ok({value:?})"),
    }
}

#[test]
fn sync_center_handler_answers_not_implemented() {
    let handler: ISyncMgrHandler = sync_center::MyHandler::default().into();
    assert_not_implemented(handler.GetName());
    let info: ISyncMgrHandlerInfo = handler.cast().expect("listed in implements");
    assert_not_implemented(info.IsActive());
}

#[test]
fn mobsync_handler_answers_not_implemented() {
    let handler: ISyncMgrSynchronize = mobsync::LegacySync::default().into();
    assert_not_implemented(handler.Synchronize(HWND::default()));
}

#[test]
fn bases_are_implemented_too() {
    use comidl_golden::inheritance::inheritance::{IAnimal, IDog, IPersistDog};
    let dog: IDog = inheritance::Dog::default().into();
    assert_not_implemented(dog.Bark(2));
    // IAnimal's slots, through IDog's vtable and through a cast.
    assert_not_implemented(dog.Eat(100));
    let animal: IAnimal = dog.cast().expect("a base of IDog");
    assert_not_implemented(animal.Eat(100));
    // IPersist, a base from another module.
    let persist: IPersistDog = dog.cast().expect("listed in implements");
    assert_not_implemented(persist.GetClassID());
}

#[test]
fn methods_without_hresult_return_placeholders() {
    use comidl_golden::implement::implement::{IEnumWidgets, IGadget, IWidget};
    let gadget: IGadget = implement::Gadget::default().into();
    assert_eq!(gadget.Count(), 0);
    gadget.Poke(3);
    assert!(
        !gadget
            .Check(true, None, &comidl_runtime::WideString::from("label"))
            .as_bool()
    );
    assert_not_implemented(gadget.GetName());
    let widget: IWidget = gadget.cast().expect("a base of IGadget");
    assert_not_implemented(widget.SetEnabled(true));
    let widgets: IEnumWidgets = gadget.cast().expect("listed in implements");
    let mut fetched = 0;
    assert_not_implemented(widgets.Next(&mut [None, None], &mut fetched));
}

#[test]
fn every_kind_of_return_value_gets_a_placeholder() {
    use comidl_golden::returns::returns::{IReturns, SHADE, SPOT};
    use comidl_golden::returns::wtypes::HWND;
    let returns: IReturns = returns::Returner::default().into();
    assert_eq!(returns.Count(), 0);
    assert_eq!(returns.Ratio(), 0.0);
    assert!(!returns.Ready().as_bool());
    assert!(returns.Context().is_null());
    assert!(returns.Label().is_null());
    assert!(returns.Name().is_null());
    assert_eq!(returns.Shade(), SHADE::default());
    assert_eq!(returns.Window(), HWND::default());
    assert_eq!(returns.Id(), windows_core::GUID::zeroed());
    assert!(returns.Visitor().is_none());
    returns.Reset(1);
    // `todo!()` (a struct has no placeholder): the panic stays in the
    // thunk, and the caller gets zeroes.
    assert_eq!(returns.Spot(), SPOT { x: 0, y: 0 });
}
