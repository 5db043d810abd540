use comidl_objects_tests::IPing;
use comidl_runtime::ComObject;

// Lists IPing but has no `impl IPing_Impl for Handler`.
#[derive(ComObject)]
#[com(implements(IPing))]
struct Handler;

fn main() {}
