//! The COM runtime as the client uses it: the apartment, creation by CLSID,
//! the server DLL COM loaded, and the trace of calls and callbacks.

use core::ffi::c_void;
use std::path::Path;

use comidl_runtime::PWSTR;
use comidl_runtime::hresult::S_OK;
use windows_core::{GUID, HRESULT, Interface};

use crate::folders::{Fixture, files_under, names};

windows_link::link!("ole32.dll" "system" fn CoInitializeEx(reserved: *const c_void, coinit: u32) -> HRESULT);
windows_link::link!("ole32.dll" "system" fn CoUninitialize());
windows_link::link!("ole32.dll" "system" fn CoCreateInstance(clsid: *const GUID, outer: *mut c_void, context: u32, iid: *const GUID, object: *mut *mut c_void) -> HRESULT);
windows_link::link!("ole32.dll" "system" fn CoFreeUnusedLibrariesEx(delay: u32, reserved: u32));
windows_link::link!("kernel32.dll" "system" fn GetModuleHandleW(name: *const u16) -> *mut c_void);
windows_link::link!("kernel32.dll" "system" fn GetProcAddress(module: *mut c_void, name: *const u8) -> *mut c_void);

const COINIT_APARTMENTTHREADED: u32 = 0x2;
const CLSCTX_INPROC_SERVER: u32 = 0x1;

/// `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (braces optional).
pub fn parse_clsid(text: &str) -> Result<GUID, String> {
    let bare = text.trim_start_matches('{').trim_end_matches('}');
    GUID::try_from(bare).map_err(|_| format!("`{text}` is no CLSID"))
}

/// The registry's spelling of a GUID: braces, upper case.
pub fn braced(guid: &GUID) -> String {
    format!("{{{guid:?}}}").to_uppercase()
}

/// Counts and prints the calls made and the callbacks received.
#[derive(Default)]
pub struct Trace {
    pub calls: usize,
    pub callbacks: usize,
}

impl Trace {
    /// Records the call `what`, which gave `result`; an error becomes the
    /// client's failure, naming the call.
    pub fn call<T>(&mut self, what: &str, result: windows_core::Result<T>) -> Result<T, String> {
        self.calls += 1;
        match result {
            Ok(value) => {
                println!("call     {what}: ok");
                Ok(value)
            }
            Err(error) => Err(format!(
                "{what} failed: {:?} {}",
                error.code(),
                error.message()
            )),
        }
    }

    /// A result of the call before it, worth showing.
    pub fn detail(&self, text: &str) {
        println!("           {text}");
    }

    pub fn callback(&mut self, text: &str) {
        self.callbacks += 1;
        println!("callback {text}");
    }
}

/// Fails with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message()) }
}

/// A single-threaded apartment for the life of the value: both handlers are
/// then created in it, so every call is direct (no proxies, which Wine has
/// none of for these interfaces).
pub struct Apartment;

impl Apartment {
    pub fn enter(trace: &mut Trace) -> Result<Self, String> {
        // SAFETY: no reserved pointer; called once, before any COM use on this thread.
        let result = unsafe { CoInitializeEx(core::ptr::null(), COINIT_APARTMENTTHREADED) };
        trace.call("CoInitializeEx(APARTMENTTHREADED)", result.ok())?;
        Ok(Self)
    }
}

impl Drop for Apartment {
    fn drop(&mut self) {
        // SAFETY: balances the successful CoInitializeEx of `enter`.
        unsafe { CoUninitialize() }
    }
}

/// `CoCreateInstance` of `clsid` in process, asking for `T`.
pub fn create<T: Interface>(trace: &mut Trace, clsid: &GUID, name: &str) -> Result<T, String> {
    let mut object = core::ptr::null_mut();
    // SAFETY: readable GUIDs, no outer object, a writable out-pointer.
    let result = unsafe {
        CoCreateInstance(
            clsid,
            core::ptr::null_mut(),
            CLSCTX_INPROC_SERVER,
            &T::IID,
            &mut object,
        )
    };
    let what = format!("CoCreateInstance({}, {name})", braced(clsid));
    trace.call(&what, result.ok())?;
    // SAFETY: S_OK: a live `T` pointer, owned here.
    Ok(unsafe { T::from_raw(object) })
}

/// A string a callee handed over in task memory; frees it.
pub fn take_string(string: PWSTR) -> Result<String, String> {
    // SAFETY: a NUL-terminated string in task memory (or null), ours to read.
    let text = unsafe { comidl_runtime::WideStr::from_ptr(string.0) }
        .map(|text| text.to_string_lossy())
        .ok_or("a null string where a string was due");
    // SAFETY: ours to free, once; null is accepted.
    unsafe { comidl_runtime::task_mem::free(string.0.cast()) };
    Ok(text?)
}

/// The server DLL of `clsid` as registered (`Software\Classes\CLSID\{..}\InprocServer32`),
/// per user first, as Windows' merged `HKCR` view reads it (Wine's `HKCR`
/// shows the machine's classes only).
pub fn server_path(trace: &mut Trace, clsid: &GUID) -> Result<String, String> {
    let key = format!(
        "Software\\Classes\\CLSID\\{}\\InprocServer32",
        braced(clsid)
    );
    let read = |root: &windows_registry::Key| root.open(&key).and_then(|key| key.get_string(""));
    let path =
        read(windows_registry::CURRENT_USER).or_else(|_| read(windows_registry::LOCAL_MACHINE));
    let path = trace.call(&format!("RegGetValue(HKCU, then HKLM: {key})"), path)?;
    trace.detail(&format!("server: {path}"));
    Ok(path)
}

/// The module handle of the loaded DLL `path`, or null.
fn loaded_module(path: &str) -> *mut c_void {
    let wide: Vec<u16> = path.encode_utf16().chain([0]).collect();
    // SAFETY: a NUL-terminated path; the handle is only compared and used
    // while COM keeps the DLL loaded (this thread decides when it unloads).
    unsafe { GetModuleHandleW(wide.as_ptr()) }
}

/// Requires the server DLL at `path` to be loaded now (COM loaded it, the client did not).
pub fn ensure_loaded(path: &str) -> Result<(), String> {
    ensure(!loaded_module(path).is_null(), || {
        format!("{path} is not loaded, yet its object was created")
    })
}

/// With every object released: the DLL's `DllCanUnloadNow` must answer
/// `S_OK`, and `CoFreeUnusedLibrariesEx` then unloads it.
pub fn check_unloads(trace: &mut Trace, path: &str) -> Result<(), String> {
    let module = loaded_module(path);
    ensure(!module.is_null(), || format!("{path} is no longer loaded"))?;
    // SAFETY: a loaded module and a NUL-terminated export name.
    let export = unsafe { GetProcAddress(module, c"DllCanUnloadNow".as_ptr().cast()) };
    ensure(!export.is_null(), || {
        format!("{path} does not export DllCanUnloadNow")
    })?;
    // SAFETY: the export's type is COM's `HRESULT DllCanUnloadNow(void)`.
    let can_unload_now: unsafe extern "system" fn() -> HRESULT =
        unsafe { core::mem::transmute(export) };
    // SAFETY: the DLL stays loaded during the call.
    let answer = unsafe { can_unload_now() };
    trace.calls += 1;
    println!("call     DllCanUnloadNow: {answer:?}");
    ensure(answer == S_OK, || {
        format!("DllCanUnloadNow answered {answer:?}, not S_OK: a reference or lock is still held")
    })?;
    // SAFETY: no delay, reserved zero; the client holds nothing from the DLL.
    unsafe { CoFreeUnusedLibrariesEx(0, 0) };
    trace.calls += 1;
    let unloaded = loaded_module(path).is_null();
    println!(
        "call     CoFreeUnusedLibrariesEx: {path} {}",
        if unloaded { "unloaded" } else { "still loaded" }
    );
    ensure(unloaded, || {
        format!("CoFreeUnusedLibrariesEx left {path} loaded")
    })
}

/// Requires `target` to hold exactly the files of `source`; their number.
pub fn ensure_mirrored(source: &Path, target: &Path) -> Result<usize, String> {
    let files = files_under(source);
    ensure(files_under(target) == files, || {
        format!(
            "{} holds {:?}, not the files of {}: {:?}",
            target.display(),
            names(&files_under(target)),
            source.display(),
            names(&files)
        )
    })?;
    Ok(files.len())
}

/// What a run synchronized.
pub struct Summary {
    pub files_synced: usize,
}

/// Points the handlers at `fixture`'s pairs file through the environment,
/// where they look when created by CLSID.
pub fn use_pairs_file(fixture: &Fixture) {
    // SAFETY: called before COM starts, while this is the process's only
    // thread, so nothing reads the environment meanwhile.
    unsafe { std::env::set_var("FOLDER_MIRROR_CONFIG", &fixture.config) };
}
