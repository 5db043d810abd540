use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

#[derive(ComObject)]
#[com(implements(comidl_objects_tests::IPing))]
struct Handler<T: Send + Sync + 'static>(T);

impl<T: Send + Sync + 'static> IPing_Impl for Handler<T> {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(1)
    }
}

fn main() {}
