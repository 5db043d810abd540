use std::cell::Cell;

use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

// COM may call a `Both` object (the default) from any thread: a Cell is not
// enough. (With `threading = "Apartment"` it would be.)
#[derive(ComObject)]
#[com(implements(comidl_objects_tests::IPing))]
struct Handler {
    pings: Cell<u32>,
}

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        self.pings.set(self.pings.get() + 1);
        Ok(self.pings.get())
    }
}

fn main() {}
