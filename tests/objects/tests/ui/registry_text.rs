use comidl_objects_tests::IPing_Impl;
use comidl_runtime::ComObject;

#[derive(Default, ComObject)]
#[com(implements(comidl_objects_tests::IPing), clsid = "4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d2e")]
#[com(description = "Two\nlines")]
struct LineBreak;

#[derive(Default, ComObject)]
#[com(implements(comidl_objects_tests::IPing), clsid = "4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d2f")]
#[com(sync_center_collection(description = "Handlers", icon = "-101"))]
struct IndexAsText;

#[derive(Default, ComObject)]
#[com(implements(comidl_objects_tests::IPing), clsid = "4d1e0c7b-2a3f-4b5c-9d8e-7f6a5b4c3d30")]
#[com(mobsync_handler(description = "One"), mobsync_handler(description = "Two"))]
struct RoleTwice;

macro_rules! ping {
    ($($name:ident),+) => {$(
        impl IPing_Impl for $name {
            fn Ping(&self) -> windows_core::Result<u32> {
                Ok(1)
            }
        }
    )+};
}
ping!(LineBreak, IndexAsText, RoleTwice);

fn main() {}
