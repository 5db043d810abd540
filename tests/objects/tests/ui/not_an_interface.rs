use comidl_runtime::ComObject;

#[derive(ComObject)]
#[com(implements(String))]
struct Handler;

fn main() {}
