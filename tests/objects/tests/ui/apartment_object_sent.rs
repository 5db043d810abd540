use std::cell::Cell;

use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

// An apartment object may hold a Cell, but stays on its thread.
#[derive(ComObject)]
#[com(implements(comidl_objects_tests::IPing), threading = "Apartment")]
struct Handler {
    pings: Cell<u32>,
}

impl IPing_Impl for Handler {
    fn Ping(&self) -> windows_core::Result<u32> {
        self.pings.set(self.pings.get() + 1);
        Ok(self.pings.get())
    }
}

fn main() {
    let object = ComObject::new(Handler { pings: Cell::new(0) });
    std::thread::spawn(move || object.Ping());
}
