use comidl_runtime::ComObject;

#[derive(ComObject)]
#[com(implements())]
struct Handler;

fn main() {}
