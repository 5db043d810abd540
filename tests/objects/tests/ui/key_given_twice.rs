use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

#[derive(Default, ComObject)]
#[com(implements(comidl_objects_tests::IPing), clsid = "4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d2e")]
#[com(clsid = "5e2f1d8c-3b40-4c6d-8e9f-0a1b2c3d4e5f")]
struct Handler;

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(1)
    }
}

fn main() {}
