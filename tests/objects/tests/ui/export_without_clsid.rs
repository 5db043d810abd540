use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

// Only classes with a CLSID can be served by a DLL.
#[derive(ComObject)]
#[com(implements(comidl_objects_tests::IPing))]
struct Handler;

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(1)
    }
}

comidl_runtime::dll_exports!(scope = User, classes = [Handler]);

fn main() {}
