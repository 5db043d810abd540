use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

#[derive(ComObject)]
#[com(implements(comidl_objects_tests::IPing), threadingmodel = "Both")]
struct Handler;

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(1)
    }
}

fn main() {}
