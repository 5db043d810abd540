// Hand-written in the form the emitter will generate; replaced by the
// generated `_Impl` traits once they land.
#![allow(non_snake_case, non_camel_case_types)]
use super::*;
use core::ffi::c_void;
use comidl_runtime::{Class, thunk, hresult::S_OK};
use windows_core::{GUID, HRESULT, Interface, Result};

pub trait ICounter_Impl {
    fn Add(&self, n: u32) -> Result<()>;
    fn Value(&self) -> Result<u32>;
    fn Boom(&self) -> Result<()>;
}
impl ICounter_Vtbl {
    pub const fn new<C: ICounter_Impl + Class, const SLOT: usize>() -> Self {
        unsafe extern "system" fn Add<C: ICounter_Impl + Class, const SLOT: usize>(this: *mut c_void, n: u32) -> HRESULT {
            thunk::call("ICounter::Add", || {
                let this = unsafe { thunk::value_of::<C, SLOT>(this) };
                <C as ICounter_Impl>::Add(this, n)?;
                Ok(S_OK)
            })
        }
        unsafe extern "system" fn Value<C: ICounter_Impl + Class, const SLOT: usize>(this: *mut c_void, value: *mut u32) -> HRESULT {
            thunk::call("ICounter::Value", || {
                thunk::out(value)?;
                let this = unsafe { thunk::value_of::<C, SLOT>(this) };
                let value__ = <C as ICounter_Impl>::Value(this)?;
                unsafe { value.write(value__) };
                Ok(S_OK)
            })
        }
        unsafe extern "system" fn Boom<C: ICounter_Impl + Class, const SLOT: usize>(this: *mut c_void) -> HRESULT {
            thunk::call("ICounter::Boom", || {
                let this = unsafe { thunk::value_of::<C, SLOT>(this) };
                <C as ICounter_Impl>::Boom(this)?;
                Ok(S_OK)
            })
        }
        Self { base__: comidl_runtime::unknown_vtbl::<C, SLOT>(), Add: Add::<C, SLOT>, Value: Value::<C, SLOT>, Boom: Boom::<C, SLOT> }
    }
    pub fn matches(iid: &GUID) -> bool {
        *iid == <ICounter as Interface>::IID
    }
}

pub trait INamedCounter_Impl: ICounter_Impl {
    fn Name(&self) -> Result<String>;
    fn Reset(&self) -> Result<()>;
}
impl INamedCounter_Vtbl {
    pub const fn new<C: INamedCounter_Impl + Class, const SLOT: usize>() -> Self {
        unsafe extern "system" fn Name<C: INamedCounter_Impl + Class, const SLOT: usize>(this: *mut c_void, name: *mut comidl_runtime::PWSTR) -> HRESULT {
            thunk::call("INamedCounter::Name", || {
                thunk::out(name)?;
                unsafe { name.write(comidl_runtime::PWSTR::null()) };
                let this = unsafe { thunk::value_of::<C, SLOT>(this) };
                let name__ = <C as INamedCounter_Impl>::Name(this)?;
                let name__ = thunk::wide_out(&name__)?;
                unsafe { name.write(comidl_runtime::PWSTR(name__.into_raw())) };
                Ok(S_OK)
            })
        }
        unsafe extern "system" fn Reset<C: INamedCounter_Impl + Class, const SLOT: usize>(this: *mut c_void) -> HRESULT {
            thunk::call("INamedCounter::Reset", || {
                let this = unsafe { thunk::value_of::<C, SLOT>(this) };
                <C as INamedCounter_Impl>::Reset(this)?;
                Ok(S_OK)
            })
        }
        Self { base__: ICounter_Vtbl::new::<C, SLOT>(), Name: Name::<C, SLOT>, Reset: Reset::<C, SLOT> }
    }
    pub fn matches(iid: &GUID) -> bool {
        *iid == <INamedCounter as Interface>::IID || ICounter_Vtbl::matches(iid)
    }
}

pub trait IPing_Impl {
    fn Ping(&self) -> Result<u32>;
}
impl IPing_Vtbl {
    pub const fn new<C: IPing_Impl + Class, const SLOT: usize>() -> Self {
        unsafe extern "system" fn Ping<C: IPing_Impl + Class, const SLOT: usize>(this: *mut c_void, answer: *mut u32) -> HRESULT {
            thunk::call("IPing::Ping", || {
                thunk::out(answer)?;
                let this = unsafe { thunk::value_of::<C, SLOT>(this) };
                let answer__ = <C as IPing_Impl>::Ping(this)?;
                unsafe { answer.write(answer__) };
                Ok(S_OK)
            })
        }
        Self { base__: comidl_runtime::unknown_vtbl::<C, SLOT>(), Ping: Ping::<C, SLOT> }
    }
    pub fn matches(iid: &GUID) -> bool {
        *iid == <IPing as Interface>::IID
    }
}
