use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

#[derive(ComObject)]
#[com(implements(comidl_objects_tests::IPing), progid = "Contoso.Handler.1")]
struct Handler;

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(1)
    }
}

fn main() {}
