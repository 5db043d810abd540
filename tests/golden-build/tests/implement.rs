//! The implementor side of the `implement` fixture: a Rust object serving
//! `IGadget` (and so `IWidget`) at slot 0 and `IEnumWidgets` at slot 1
//! through the generated `_Vtbl::new` thunks, with a hand-written `Class`.
//! Every method is called through raw vtable pointers, as a C client calls
//! it: values both ways, null pointers, success codes, task memory, panics.

use core::ffi::c_void;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use comidl_golden::implement::implement::{
    IEnumWidgets, IEnumWidgets_Impl, IEnumWidgets_Vtbl, IGadget, IGadget_Impl, IGadget_Vtbl,
    IWidget, IWidget_Impl, IWidget_Vtbl, WIDGET_KIND, WIDGETINFO,
};
use comidl_runtime::hresult::{
    E_FAIL, E_INVALIDARG, E_NOINTERFACE, E_POINTER, E_UNEXPECTED, S_FALSE, S_OK,
};
use comidl_runtime::{
    BSTR, Class, ComObject, PCWSTR, PWSTR, VtablePtr, WideStr, WideString, task_mem,
};
use windows_core::{BOOL, GUID, HRESULT, IUnknown, IUnknown_Vtbl, Interface, Result};

#[derive(Default)]
struct Gadget {
    name: Mutex<String>,
    enabled: AtomicBool,
    pokes: AtomicU32,
    renamed: Mutex<Option<(Option<String>, String)>>,
    tags: Mutex<Option<Vec<GUID>>>,
    /// Interfaces are not `Send`: a `Gadget` is an apartment object, called
    /// on the thread that made it (these tests use one thread).
    children: Mutex<Vec<IWidget>>,
    cursor: AtomicUsize,
}

impl Gadget {
    fn named(name: &str) -> Self {
        Gadget {
            name: Mutex::new(name.into()),
            ..Gadget::default()
        }
    }
}

static GADGET: IGadget_Vtbl = IGadget_Vtbl::new::<Gadget, 0>();
static GADGET_ENUM: IEnumWidgets_Vtbl = IEnumWidgets_Vtbl::new::<Gadget, 1>();

unsafe impl Class for Gadget {
    type Vtables = [VtablePtr; 2];
    const VTABLES: [VtablePtr; 2] = [VtablePtr::new(&GADGET), VtablePtr::new(&GADGET_ENUM)];

    fn slot_of(iid: &GUID) -> Option<usize> {
        if IGadget_Vtbl::matches(iid) {
            Some(0)
        } else if IEnumWidgets_Vtbl::matches(iid) {
            Some(1)
        } else {
            None
        }
    }
}

impl IWidget_Impl for Gadget {
    fn GetName(&self) -> Result<String> {
        Ok(self.name.lock().unwrap().clone())
    }

    fn SetName(&self, name: &WideStr) -> Result<()> {
        *self.name.lock().unwrap() = name.to_string();
        Ok(())
    }

    fn Rename(&self, wide: Option<&WideStr>, ansi: &core::ffi::CStr) -> Result<()> {
        let ansi = ansi.to_str().unwrap().to_string();
        *self.renamed.lock().unwrap() = Some((wide.map(|w| w.to_string()), ansi));
        Ok(())
    }

    fn GetInfo(&self) -> Result<WIDGETINFO> {
        Ok(WIDGETINFO {
            id: 7,
            width: 3,
            height: 4,
        })
    }

    fn GetKind(&self) -> Result<WIDGET_KIND> {
        Ok(WIDGET_KIND::WK_LARGE)
    }

    fn GetSize(&self) -> Result<(i32, i32)> {
        Ok((3, 4))
    }

    fn IsBusy(&self) -> Result<bool> {
        Ok(!self.enabled.load(Ordering::Relaxed))
    }

    fn SetEnabled(&self, enabled: bool) -> Result<()> {
        self.enabled.store(enabled, Ordering::Relaxed);
        Ok(())
    }

    fn IsEnabled(&self) -> Result<bool> {
        Ok(self.enabled.load(Ordering::Relaxed))
    }

    fn Count(&self) -> u32 {
        self.children.lock().unwrap().len() as u32
    }

    fn Poke(&self, times: u32) {
        self.pokes.fetch_add(times, Ordering::Relaxed);
    }

    fn Check(&self, strict: bool, other: Option<&IWidget>, label: PCWSTR) -> bool {
        assert!(!label.is_null(), "Check needs a label");
        !strict || other.is_some()
    }
}

impl IGadget_Impl for Gadget {
    fn GetName(&self) -> Result<String> {
        Ok(format!("gadget {}", self.name.lock().unwrap()))
    }

    fn Attach(&self, widget: &IWidget, parent: Option<&IWidget>) -> Result<()> {
        let mut children = self.children.lock().unwrap();
        children.push(widget.clone());
        children.extend(parent.cloned());
        Ok(())
    }

    fn Adjust(&self, value: &mut i32, limit: Option<&mut i32>) -> Result<()> {
        *value *= 2;
        if let Some(limit) = limit
            && *value > *limit
        {
            *value = *limit;
            *limit = 0;
        }
        Ok(())
    }

    fn Sum(&self, values: &[i32]) -> Result<i32> {
        Ok(values.iter().sum())
    }

    fn Tag(&self, ids: Option<&[GUID]>) -> Result<()> {
        *self.tags.lock().unwrap() = ids.map(<[GUID]>::to_vec);
        Ok(())
    }

    fn Label(&self, names: Vec<&WideStr>) -> Result<u32> {
        Ok(names.iter().map(|n| n.len() as u32).sum())
    }

    fn Scramble(&self, bytes: &mut [u8]) -> Result<()> {
        bytes.reverse();
        Ok(())
    }

    fn Fill(&self, values: &mut [u32]) -> Result<()> {
        assert!(values.iter().all(|&v| v == 0), "out slices arrive zeroed");
        for (i, value) in values.iter_mut().enumerate() {
            *value = (i * i) as u32;
        }
        Ok(())
    }

    fn Find(
        &self,
        id: &GUID,
        hint: &WIDGETINFO,
        fallback: Option<&WIDGETINFO>,
    ) -> Result<WIDGETINFO> {
        Ok(match fallback {
            Some(fallback) if *id == GUID::zeroed() => *fallback,
            _ => *hint,
        })
    }

    fn GetObject(&self) -> Result<IUnknown> {
        let children = self.children.lock().unwrap();
        let first = children.first().ok_or(windows_core::Error::from(E_FAIL))?;
        first.cast()
    }

    fn Shout(&self, text: &BSTR) -> Result<BSTR> {
        if text.is_empty() {
            return Err(E_INVALIDARG.into());
        }
        Ok(text.clone())
    }

    fn Raw(&self, context: *mut c_void, size: u32) -> Result<()> {
        assert!(!context.is_null(), "Raw needs a context");
        // SAFETY: the test passes a u32.
        if unsafe { *context.cast::<u32>() } == size {
            Ok(())
        } else {
            Err(E_INVALIDARG.into())
        }
    }
}

impl IEnumWidgets_Impl for Gadget {
    fn Next(&self, rgelt: &mut [Option<IWidget>]) -> Result<u32> {
        let children = self.children.lock().unwrap();
        let start = self.cursor.load(Ordering::Relaxed).min(children.len());
        let fetched = rgelt.len().min(children.len() - start);
        for (slot, child) in rgelt.iter_mut().zip(&children[start..start + fetched]) {
            *slot = Some(child.clone());
        }
        self.cursor.store(start + fetched, Ordering::Relaxed);
        Ok(fetched as u32)
    }

    fn Skip(&self, celt: u32) -> Result<()> {
        self.cursor.fetch_add(celt as usize, Ordering::Relaxed);
        Ok(())
    }

    fn Reset(&self) -> Result<()> {
        self.cursor.store(0, Ordering::Relaxed);
        Ok(())
    }

    fn Clone(&self) -> Result<IEnumWidgets> {
        let copy = Gadget {
            children: Mutex::new(self.children.lock().unwrap().clone()),
            cursor: AtomicUsize::new(self.cursor.load(Ordering::Relaxed)),
            ..Gadget::default()
        };
        ComObject::new(copy).cast()
    }
}

/// The vtable behind an interface pointer, read as a C client reads it.
fn vtable<'a, V>(this: *mut c_void) -> &'a V {
    // SAFETY: the tests pass live interface pointers whose vtable is a `V`.
    unsafe { &**this.cast::<*const V>() }
}

fn release(this: *mut c_void) -> u32 {
    unsafe { (vtable::<IUnknown_Vtbl>(this).Release)(this) }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// A string handed over in task memory, freed after reading.
fn take_string(pointer: PWSTR) -> String {
    let text = unsafe { WideStr::from_ptr(pointer.0) }
        .expect("a string")
        .to_string();
    unsafe { task_mem::free(pointer.0.cast()) };
    text
}

/// A gadget with two children, "a" and "b", and its `IGadget` pointer.
fn gadget() -> (ComObject<Gadget>, IGadget, [IWidget; 2]) {
    let object = ComObject::new(Gadget::named("g"));
    let children = ["a", "b"].map(|name| ComObject::new(Gadget::named(name)).cast().unwrap());
    object
        .children
        .lock()
        .unwrap()
        .extend(children.iter().cloned());
    let gadget = object.cast().unwrap();
    (object, gadget, children)
}

#[test]
fn strings_go_in_as_wide_strs_and_out_in_task_memory() {
    let (object, gadget, _) = gadget();
    let this = gadget.as_raw();
    let v: &IGadget_Vtbl = vtable(this);
    let w: &IWidget_Vtbl = &v.base__;
    unsafe {
        let mut name = PWSTR::null();
        assert_eq!((w.GetName)(this, &mut name), S_OK);
        assert_eq!(take_string(name), "g");
        // The two `GetName`s are two slots, each calling its own trait's method.
        assert_eq!((v.GetName)(this, &mut name), S_OK);
        assert_eq!(take_string(name), "gadget g");
        assert_eq!((w.GetName)(this, core::ptr::null_mut()), E_POINTER);

        let new = wide("gizmo ✓");
        assert_eq!((w.SetName)(this, PCWSTR(new.as_ptr())), S_OK);
        assert_eq!(*object.name.lock().unwrap(), "gizmo ✓");
        assert_eq!((w.SetName)(this, PCWSTR::null()), E_INVALIDARG);

        let ansi = c"plain";
        assert_eq!((w.Rename)(this, PCWSTR::null(), ansi.as_ptr().cast()), S_OK);
        let renamed = object.renamed.lock().unwrap().clone();
        assert_eq!(renamed, Some((None, "plain".to_string())));
        assert_eq!(
            (w.Rename)(this, PCWSTR(new.as_ptr()), ansi.as_ptr().cast()),
            S_OK
        );
        let renamed = object.renamed.lock().unwrap().clone();
        assert_eq!(renamed, Some((Some("gizmo ✓".into()), "plain".to_string())));
        let no_ansi = core::ptr::null();
        assert_eq!((w.Rename)(this, PCWSTR::null(), no_ansi), E_INVALIDARG);

        let names = [wide("ab"), wide("cde")];
        let pointers = names.each_ref().map(|n| PCWSTR(n.as_ptr()));
        let mut chars = 0;
        let label = v.Label;
        assert_eq!(
            label(this, 2, pointers.as_ptr().cast_mut(), &mut chars),
            S_OK
        );
        assert_eq!(chars, 5);
        let with_null = [pointers[0], PCWSTR::null()];
        let status = label(this, 2, with_null.as_ptr().cast_mut(), &mut chars);
        assert_eq!(status, E_INVALIDARG);
    }
}

// Off Windows a BSTR is its bare pointer, so a test can make one of any
// wide string; on Windows it would have to come from SysAllocString.
#[cfg(not(windows))]
#[test]
fn bstrs_are_borrowed_in_and_handed_over_out() {
    let (_object, gadget, _) = gadget();
    let this = gadget.as_raw();
    let v: &IGadget_Vtbl = vtable(this);
    unsafe {
        let text = wide("hey");
        let mut loud = BSTR::new();
        let bstr = text.as_ptr();
        assert_eq!((v.Shout)(this, bstr, &mut loud), S_OK);
        assert_eq!(WideStr::from_ptr(loud.as_ptr()).unwrap(), "hey");
        assert_eq!((v.Shout)(this, bstr, core::ptr::null_mut()), E_POINTER);
        // A failed call leaves the out-BSTR null, not what the caller had there.
        let mut stale: BSTR = core::mem::transmute(bstr);
        assert_eq!((v.Shout)(this, core::ptr::null(), &mut stale), E_INVALIDARG);
        assert!(stale.is_empty());
    }
}

#[test]
fn values_and_structs_come_back_through_out_pointers() {
    let (object, gadget, _) = gadget();
    let this = gadget.as_raw();
    let v: &IGadget_Vtbl = vtable(this);
    let w: &IWidget_Vtbl = &v.base__;
    unsafe {
        let mut info: *mut WIDGETINFO = core::ptr::null_mut();
        assert_eq!((w.GetInfo)(this, &mut info), S_OK);
        assert_eq!(
            *info,
            WIDGETINFO {
                id: 7,
                width: 3,
                height: 4
            }
        );
        task_mem::free(info.cast());
        assert_eq!((w.GetInfo)(this, core::ptr::null_mut()), E_POINTER);

        let mut kind = WIDGET_KIND::default();
        assert_eq!((w.GetKind)(this, &mut kind), S_OK);
        assert_eq!(kind, WIDGET_KIND::WK_LARGE);

        let (mut width, mut height) = (0, 0);
        assert_eq!((w.GetSize)(this, &mut width, &mut height), S_OK);
        assert_eq!((width, height), (3, 4));
        assert_eq!(
            (w.GetSize)(this, &mut width, core::ptr::null_mut()),
            E_POINTER
        );

        assert_eq!((w.IsBusy)(this), S_OK);
        assert_eq!((w.SetEnabled)(this, BOOL(1)), S_OK);
        assert_eq!((w.IsBusy)(this), S_FALSE);
        let mut enabled = BOOL(0);
        assert_eq!((w.IsEnabled)(this, &mut enabled), S_OK);
        assert_eq!(enabled, BOOL(1));
        assert!(object.enabled.load(Ordering::Relaxed));

        let hint = WIDGETINFO {
            id: 1,
            width: 10,
            height: 20,
        };
        let fallback = WIDGETINFO {
            id: 2,
            width: 30,
            height: 40,
        };
        let some_id = GUID::from_u128(5);
        let mut found = WIDGETINFO::default();
        assert_eq!((v.Find)(this, &some_id, &hint, &fallback, &mut found), S_OK);
        assert_eq!(found, hint);
        let zero = GUID::zeroed();
        assert_eq!((v.Find)(this, &zero, &hint, &fallback, &mut found), S_OK);
        assert_eq!(found, fallback);
        assert_eq!(
            (v.Find)(this, &zero, &hint, core::ptr::null(), &mut found),
            S_OK
        );
        assert_eq!(found, hint);
        let status = (v.Find)(this, &zero, core::ptr::null(), &fallback, &mut found);
        assert_eq!(status, E_INVALIDARG);
        let status = (v.Find)(this, core::ptr::null(), &hint, &fallback, &mut found);
        assert_eq!(status, E_INVALIDARG);

        let (mut value, mut limit) = (5, 8);
        assert_eq!((v.Adjust)(this, &mut value, &mut limit), S_OK);
        assert_eq!((value, limit), (8, 0));
        assert_eq!((v.Adjust)(this, &mut value, core::ptr::null_mut()), S_OK);
        assert_eq!(value, 16);
        let status = (v.Adjust)(this, core::ptr::null_mut(), &mut limit);
        assert_eq!(status, E_POINTER);
    }
}

#[test]
fn arrays_are_slices_of_their_count() {
    let (object, gadget, _) = gadget();
    let this = gadget.as_raw();
    let v: &IGadget_Vtbl = vtable(this);
    unsafe {
        let values = [1, 2, 39];
        let mut sum = 0;
        assert_eq!((v.Sum)(this, 3, values.as_ptr(), &mut sum), S_OK);
        assert_eq!(sum, 42);
        // An empty array may be null; a counted one may not.
        assert_eq!((v.Sum)(this, 0, core::ptr::null(), &mut sum), S_OK);
        assert_eq!(sum, 0);
        assert_eq!((v.Sum)(this, 2, core::ptr::null(), &mut sum), E_INVALIDARG);

        let ids = [GUID::from_u128(1), GUID::from_u128(2)];
        assert_eq!((v.Tag)(this, 2, ids.as_ptr()), S_OK);
        assert_eq!(object.tags.lock().unwrap().as_deref(), Some(&ids[..]));
        assert_eq!((v.Tag)(this, 2, core::ptr::null()), S_OK);
        assert_eq!(*object.tags.lock().unwrap(), None);

        let mut bytes = [1u8, 2, 3];
        assert_eq!((v.Scramble)(this, 3, bytes.as_mut_ptr()), S_OK);
        assert_eq!(bytes, [3, 2, 1]);
        assert_eq!((v.Scramble)(this, 3, core::ptr::null_mut()), E_POINTER);

        let mut squares = [99u32; 4];
        assert_eq!((v.Fill)(this, 4, squares.as_mut_ptr()), S_OK);
        assert_eq!(squares, [0, 1, 4, 9]);
    }
}

#[test]
fn interfaces_go_in_as_references_and_out_as_objects() {
    let (object, gadget, [a, _]) = gadget();
    let this = gadget.as_raw();
    let v: &IGadget_Vtbl = vtable(this);
    let w: &IWidget_Vtbl = &v.base__;
    unsafe {
        let extra: IWidget = ComObject::new(Gadget::named("extra")).cast().unwrap();
        assert_eq!(
            (v.Attach)(this, extra.as_raw(), core::ptr::null_mut()),
            S_OK
        );
        assert_eq!((w.Count)(this), 3);
        assert_eq!((v.Attach)(this, extra.as_raw(), extra.as_raw()), S_OK);
        assert_eq!((w.Count)(this), 5);
        let status = (v.Attach)(this, core::ptr::null_mut(), extra.as_raw());
        assert_eq!(status, E_INVALIDARG);
        assert_eq!(object.children.lock().unwrap()[2], extra);

        // The returned object is queried for the interface asked for.
        let mut ppv = core::ptr::null_mut();
        assert_eq!((v.GetObject)(this, &IWidget::IID, &mut ppv), S_OK);
        assert_eq!(ppv, a.as_raw());
        release(ppv);
        let unknown = GUID::from_u128(0x1234);
        ppv = this;
        assert_eq!((v.GetObject)(this, &unknown, &mut ppv), E_NOINTERFACE);
        assert!(ppv.is_null());
        assert_eq!(
            (v.GetObject)(this, core::ptr::null(), &mut ppv),
            E_INVALIDARG
        );
        let no_out = core::ptr::null_mut();
        assert_eq!((v.GetObject)(this, &IWidget::IID, no_out), E_POINTER);
        // The implementor's error reaches the caller.
        object.children.lock().unwrap().clear();
        ppv = this;
        assert_eq!((v.GetObject)(this, &IWidget::IID, &mut ppv), E_FAIL);
        assert!(ppv.is_null());
    }
}

#[test]
fn next_fills_the_slice_and_answers_s_false_when_short() {
    let (_object, gadget, [a, b]) = gadget();
    let enumerator: IEnumWidgets = gadget.cast().unwrap();
    let this = enumerator.as_raw();
    assert_ne!(this, gadget.as_raw(), "another slot");
    let v: &IEnumWidgets_Vtbl = vtable(this);
    unsafe {
        let mut items = [core::ptr::null_mut::<c_void>(); 3];
        let mut fetched = 0;
        assert_eq!((v.Next)(this, 3, items.as_mut_ptr(), &mut fetched), S_FALSE);
        assert_eq!(fetched, 2);
        assert_eq!(items, [a.as_raw(), b.as_raw(), core::ptr::null_mut()]);
        items[..2].iter().for_each(|&item| _ = release(item));

        // Asking for one element, a caller may leave out the count.
        assert_eq!((v.Reset)(this), S_OK);
        let mut one = core::ptr::null_mut();
        assert_eq!((v.Next)(this, 1, &mut one, core::ptr::null_mut()), S_OK);
        assert_eq!(one, a.as_raw());
        release(one);
        let status = (v.Next)(this, 1, core::ptr::null_mut(), &mut fetched);
        assert_eq!(status, E_POINTER);

        let mut clone = core::ptr::null_mut();
        assert_eq!((v.Clone)(this, &mut clone), S_OK);
        assert_eq!((v.Skip)(this, 1), S_OK);
        assert_eq!((v.Next)(this, 1, &mut one, &mut fetched), S_FALSE);
        assert_eq!(fetched, 0);
        // The clone kept the position it was made at.
        let cloned: &IEnumWidgets_Vtbl = vtable(clone);
        assert_eq!((cloned.Next)(clone, 1, &mut one, &mut fetched), S_OK);
        assert_eq!(one, b.as_raw());
        release(one);
        assert_eq!(release(clone), 0);
    }
    // Every reference handed out was given back.
    drop((enumerator, gadget));
    assert_eq!(
        ComObject::<Gadget>::from_interface(&a)
            .unwrap()
            .reference_count(),
        3
    );
}

/// Fills the caller's array, then fails: what it stored must not leak.
#[derive(comidl_runtime::ComObject)]
#[com(implements(IEnumWidgets), threading = "Apartment")]
struct FailingEnum {
    widget: ComObject<Gadget>,
}

impl IEnumWidgets_Impl for FailingEnum {
    fn Next(&self, rgelt: &mut [Option<IWidget>]) -> Result<u32> {
        rgelt.fill(Some(self.widget.cast()?));
        Err(E_FAIL.into())
    }

    fn Skip(&self, _: u32) -> Result<()> {
        Ok(())
    }

    fn Reset(&self) -> Result<()> {
        Ok(())
    }

    fn Clone(&self) -> Result<IEnumWidgets> {
        Err(E_FAIL.into())
    }
}

#[test]
fn a_failed_next_releases_what_it_stored() {
    let (_object, _gadget, [a, _]) = gadget();
    let count = || {
        ComObject::<Gadget>::from_interface(&a)
            .unwrap()
            .reference_count()
    };
    let before = count();
    let widget = ComObject::<Gadget>::from_interface(&a).unwrap();
    let enumerator: IEnumWidgets = FailingEnum { widget }.into();
    let this = enumerator.as_raw();
    let v: &IEnumWidgets_Vtbl = vtable(this);
    let mut items = [this; 2];
    let mut fetched = 7;
    // SAFETY: a live enumerator, a writable array of two and a count.
    let status = unsafe { (v.Next)(this, 2, items.as_mut_ptr(), &mut fetched) };
    assert_eq!(status, E_FAIL);
    assert_eq!(items, [core::ptr::null_mut(); 2], "the array is null again");
    assert_eq!(fetched, 7, "no count on failure");
    drop(enumerator);
    assert_eq!(count(), before, "the stored references were released");
}

#[test]
fn panics_and_raw_pointers() {
    let (object, gadget, _) = gadget();
    let this = gadget.as_raw();
    let v: &IGadget_Vtbl = vtable(this);
    let w: &IWidget_Vtbl = &v.base__;
    unsafe {
        let mut size = 4u32;
        let context: *mut c_void = (&raw mut size).cast();
        assert_eq!((v.Raw)(this, context, 4), S_OK);
        assert_eq!((v.Raw)(this, context, 5), E_INVALIDARG);
        assert_eq!((v.Raw)(this, core::ptr::null_mut(), 4), E_UNEXPECTED);

        // Methods without an HRESULT: the value, or a zero one on a panic.
        let label = wide("l");
        let label = PCWSTR(label.as_ptr());
        assert_eq!(
            (w.Check)(this, BOOL(1), core::ptr::null_mut(), label),
            BOOL(0)
        );
        assert_eq!((w.Check)(this, BOOL(1), this, label), BOOL(1));
        assert_eq!(
            (w.Check)(this, BOOL(0), core::ptr::null_mut(), PCWSTR::null()),
            BOOL(0)
        );
        (w.Poke)(this, 2);
        (w.Poke)(this, 3);
        assert_eq!(object.pokes.load(Ordering::Relaxed), 5);
    }
    // The object still works after the panics.
    assert_eq!(object.reference_count(), 2);
}

/// The generated methods, called on the Rust object: both sides of each
/// reading meet, and none of these calls needs `unsafe`.
#[test]
fn safe_methods_reach_the_implementation() {
    let (object, gadget, [child, _]) = gadget();
    let widget: &IWidget = &gadget;

    widget.SetName(&WideString::from("bolt")).unwrap();
    assert_eq!(take_string(widget.GetName().unwrap()), "bolt");
    assert_eq!(take_string(gadget.GetName().unwrap()), "gadget bolt");
    widget.Rename(None, c"plain").unwrap();
    assert_eq!(
        *object.renamed.lock().unwrap(),
        Some((None, "plain".into()))
    );
    widget
        .Rename(Some(&WideString::from("wide")), c"ansi")
        .unwrap();
    assert_eq!(
        *object.renamed.lock().unwrap(),
        Some((Some("wide".into()), "ansi".into()))
    );

    // An `[out]` that is not the result is lent as `&mut`.
    let mut width = 0;
    assert_eq!(widget.GetSize(&mut width), Ok(4));
    assert_eq!(width, 3);
    let (mut value, mut limit) = (5, 8);
    gadget.Adjust(&mut value, Some(&mut limit)).unwrap();
    assert_eq!((value, limit), (8, 0));
    let mut value = 5;
    gadget.Adjust(&mut value, None).unwrap();
    assert_eq!(value, 10);

    let (first, second) = (WideString::from("ab"), WideString::from("cde"));
    assert_eq!(gadget.Label(&[&first, &second]), Ok(5));
    let hint = WIDGETINFO {
        id: 1,
        width: 2,
        height: 3,
    };
    let fallback = WIDGETINFO { id: 9, ..hint };
    assert_eq!(
        gadget
            .Find(&GUID::zeroed(), &hint, Some(&fallback))
            .unwrap()
            .id,
        9
    );
    assert_eq!(gadget.Find(&GUID::from_u128(1), &hint, None).unwrap().id, 1);

    let label = WideString::from("label");
    assert!(widget.Check(true, Some(&child), &label).as_bool());
    assert!(!widget.Check(true, None, &label).as_bool());
}

#[test]
fn query_interface_answers_every_base_at_its_slot() {
    let (object, gadget, _) = gadget();
    let this = gadget.as_raw();
    let query = vtable::<IUnknown_Vtbl>(this).QueryInterface;
    let slot = |iid: GUID| -> (HRESULT, *mut c_void) {
        let mut out = core::ptr::null_mut();
        let status = unsafe { query(this, &iid, &mut out) };
        if !out.is_null() {
            release(out);
        }
        (status, out)
    };
    assert_eq!(slot(IGadget::IID), (S_OK, this));
    assert_eq!(slot(IWidget::IID), (S_OK, this));
    assert_eq!(slot(IUnknown::IID), (S_OK, this));
    let (status, enumerator) = slot(IEnumWidgets::IID);
    assert_eq!(status, S_OK);
    assert_eq!(enumerator, this.wrapping_add(size_of::<usize>()));
    assert_eq!(
        slot(GUID::from_u128(9)),
        (E_NOINTERFACE, core::ptr::null_mut())
    );
    assert_eq!(object.reference_count(), 2);
}
