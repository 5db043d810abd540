use comidl_runtime::ComObject;

#[derive(ComObject)]
struct Handler;

fn main() {}
