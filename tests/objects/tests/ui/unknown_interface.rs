use comidl_runtime::ComObject;

#[derive(ComObject)]
#[com(implements(IDoesNotExist))]
struct Handler;

fn main() {}
