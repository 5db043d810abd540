use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

#[derive(Default, ComObject)]
#[com(implements(comidl_objects_tests::IPing), clsid = 0x4d1e0c7b)]
struct Handler;

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(1)
    }
}

fn main() {}
