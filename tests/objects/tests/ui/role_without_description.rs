use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

#[derive(Default, ComObject)]
#[com(implements(comidl_objects_tests::IPing), clsid = "4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d2e")]
#[com(sync_center_collection(icon = -101))]
struct Handler;

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(1)
    }
}

fn main() {}
