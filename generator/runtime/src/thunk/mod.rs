//! What the thunks of generated `_Impl` vtables call: turning the raw
//! arguments of a COM call into safe Rust ones, the Rust result back into an
//! `HRESULT` and out-parameters, and panics into `E_UNEXPECTED`.
//!
//! A generated thunk is one declarative [`call`]: a tuple of [`Inputs`]
//! (each raw parameter wrapped in what says how to read it), the
//! [`Outputs`] (each `[out]` pointer wrapped in what says how to write it),
//! and a closure calling the trait method. All the logic lives here, once,
//! generic; what each thunk adds is a few wrappers, which keeps the
//! generated crates quick to compile.

/// Implements a trait for tuples of up to [`MAX_ARITY`] elements, given a macro that
/// implements it for one arity: `for_tuples!(m)` calls `m!(A a, B b, ..)`
/// for each arity from 1.
macro_rules! for_tuples {
    ($m:ident) => {
        for_tuples!(@ $m;
            A a, B b, C c, D d, E e, F f, G g, H h, J j, K k, L l, M m,
            N n, O o, P p, Q q, R r, S s, T t, U u, V v, W w, X x, Y y);
    };
    (@ $m:ident; $($t:ident $v:ident),+) => {
        for_tuples!(@@ $m; ; $($t $v),+);
    };
    (@@ $m:ident; $($done:ident $dv:ident),*; $t:ident $v:ident $(, $rest:ident $rv:ident)*) => {
        $m!($($done $dv,)* $t $v);
        for_tuples!(@@ $m; $($done $dv,)* $t $v; $($rest $rv),*);
    };
    (@@ $m:ident; $($done:ident $dv:ident),*;) => {};
}

mod inputs;
mod outputs;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::RwLock;

use windows_core::{HRESULT, Result};

use crate::hresult::{E_FAIL, E_UNEXPECTED};

pub use crate::object::value_of;
pub use inputs::*;
pub use outputs::*;
pub(crate) use outputs::{cleared, query};

/// The most parameters a generated thunk reads or writes: the arities the
/// tuples of [`Inputs`] and [`Outputs`], and [`Method`], come in. The
/// emitter gives no `_Impl` trait to an interface with a longer method.
pub const MAX_ARITY: usize = 24;

/// Runs one COM method on `object`: checks the `outputs` (null
/// out-pointers are `E_POINTER`; pointer results are cleared), reads the
/// `inputs` (null required pointers are `E_INVALIDARG`), calls `method`
/// (the `_Impl` trait method) with them, and writes its `Ok` value to the
/// outputs, all or nothing. A failure anywhere returns its code with no
/// output written; a panic is reported (see [`set_panic_reporter`]) and
/// returns `E_UNEXPECTED`. No unwind crosses into the COM caller.
///
/// # Safety
///
/// Each wrapper's pointer is what its type says (see [`Inputs`] and
/// [`Outputs`]), valid for the whole call.
#[inline]
pub unsafe fn call<'a, C, I: Inputs<'a>, O: Outputs>(
    name: &'static str,
    object: &C,
    inputs: I,
    outputs: O,
    method: impl Method<C, I::Safe, Output = Result<O::Value>>,
) -> HRESULT {
    let code = run(name, || {
        // SAFETY: the wrappers' pointers are valid, by the caller's promise;
        // the inputs are read once.
        unsafe {
            outputs.check()?;
            let value = method.call(object, inputs.read()?)?;
            let ready = outputs.prepare(value)?;
            Ok(outputs.commit(ready))
        }
    });
    if code.is_err() {
        // SAFETY: as above; nothing borrows the inputs any more.
        run(name, || unsafe {
            inputs.abort();
            Ok(code)
        })
    } else {
        code
    }
}

/// A trait method, called with its object and the readings of its
/// parameters as one tuple: implemented by every function of `&C` and as
/// many more arguments as the tuple has elements, so that a thunk passes
/// `<C as IFoo_Impl>::Method` itself.
pub trait Method<C, Args> {
    type Output;

    fn call(self, object: &C, args: Args) -> Self::Output;
}

impl<C, R, F: FnOnce(&C) -> R> Method<C, ()> for F {
    type Output = R;

    fn call(self, object: &C, (): ()) -> R {
        self(object)
    }
}

macro_rules! tuple_method {
    ($($t:ident $v:ident),+) => {
        impl<Object, Ret, Func, $($t),+> Method<Object, ($($t,)+)> for Func
        where
            Func: FnOnce(&Object, $($t),+) -> Ret,
        {
            type Output = Ret;

            fn call(self, object: &Object, ($($v,)+): ($($t,)+)) -> Ret {
                self(object, $($v),+)
            }
        }
    };
}
for_tuples!(tuple_method);

/// Runs a closure that returns an `HRESULT`: `Ok(code)` returns `code`,
/// `Err(e)` returns `e`'s failure code, and a panic is reported and returns
/// `E_UNEXPECTED`. For hand-written methods (the class factory's); generated
/// ones go through [`call`].
pub fn run(method: &'static str, body: impl FnOnce() -> Result<HRESULT>) -> HRESULT {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(code)) => code,
        Ok(Err(error)) => error_code(error),
        Err(payload) => {
            report_panic(method, payload.as_ref());
            E_UNEXPECTED
        }
    }
}

/// The code of a failed call. Cold and out of line: inlined, the optimiser
/// merged it into the success path of every thunk (extra tests and a taken
/// jump), which made a one-load method half as slow again (bench_objects).
#[cold]
#[inline(never)]
fn error_code(error: windows_core::Error) -> HRESULT {
    let code = error.code();
    // An error with a success code would tell the caller to read outputs
    // that were never written.
    if code.is_ok() { E_FAIL } else { code }
}

/// Runs a method that does not return an `HRESULT`, so it cannot report a
/// null pointer: its `inputs` are ones whose reading cannot fail (the
/// emitter passes the others raw). A panic is reported and returns `fallback`.
///
/// # Safety
///
/// As for [`call`].
#[inline]
pub unsafe fn call_or<'a, C, I: Inputs<'a>, R>(
    name: &'static str,
    fallback: R,
    object: &C,
    inputs: I,
    method: impl Method<C, I::Safe, Output = R>,
) -> R {
    // SAFETY: by the caller's promise; the inputs are read once.
    let read = || unsafe { inputs.read() };
    catch_unwind(AssertUnwindSafe(|| {
        read().map(|args| method.call(object, args))
    }))
    .unwrap_or_else(|payload| {
        report_panic(name, payload.as_ref());
        Err(E_UNEXPECTED.into())
    })
    .unwrap_or(fallback)
}

/// Drops `value`, reporting a panic in its `Drop` instead of unwinding.
pub(crate) fn drop_quietly<T>(value: T) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) {
        report_panic(core::any::type_name::<T>(), payload.as_ref());
    }
}

/// Receives a panic caught at the COM boundary: the method (`Interface::Method`)
/// and the panic's message.
pub type PanicReporter = fn(method: &str, message: &str);

static REPORTER: RwLock<PanicReporter> = RwLock::new(print_panic);

fn print_panic(method: &str, message: &str) {
    std::eprintln!("comidl: {method} panicked ({message}); the caller gets E_UNEXPECTED");
}

/// Routes the reports of panics caught at the COM boundary (by default they
/// are printed on stderr, which a DLL in Explorer has not: a handler may
/// send them to its log instead).
pub fn set_panic_reporter(reporter: PanicReporter) {
    *REPORTER.write().unwrap_or_else(|e| e.into_inner()) = reporter;
}

fn report_panic(method: &str, payload: &(dyn core::any::Any + Send)) {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| {
            payload
                .downcast_ref::<std::string::String>()
                .map(|s| s.as_str())
        })
        .unwrap_or("a panic without a message");
    let reporter = *REPORTER.read().unwrap_or_else(|e| e.into_inner());
    // A reporter that panics itself must not unwind either.
    let _ = catch_unwind(|| reporter(method, message));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hresult::{E_NOTIMPL, S_FALSE};

    #[test]
    fn results_become_codes() {
        assert_eq!(run("I::M", || Ok(S_FALSE)), S_FALSE);
        assert_eq!(run("I::M", || Err(E_NOTIMPL.into())), E_NOTIMPL);
        assert_eq!(run("I::M", || Err(windows_core::Error::empty())), E_FAIL);
        assert_eq!(run("I::M", || panic!("boom")), E_UNEXPECTED);
        // SAFETY: no inputs.
        unsafe {
            assert_eq!(call_or("I::M", 7u32, &(), (), |_: &()| panic!("boom")), 7);
            assert_eq!(
                call_or("I::M", 7u32, &2u32, (Raw::new(1u32),), |a: &u32, b| a + b),
                3
            );
        }
    }
}
