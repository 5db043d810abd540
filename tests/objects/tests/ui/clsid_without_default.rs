use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

// A class created by CLSID is made with `Default`.
#[derive(ComObject)]
#[com(implements(comidl_objects_tests::IPing), clsid = "4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d2e")]
struct Handler {
    answer: u32,
}

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        Ok(self.answer)
    }
}

fn main() {}
