//! Generates the bindings of `objects.idl` into OUT_DIR with comidl's Builder.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=objects.idl");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let output = comidl::Builder::new()
        .idl("objects.idl")
        .generate()
        .unwrap_or_else(|errors| {
            for error in &errors {
                eprintln!("{}", error.render(false));
            }
            panic!("objects.idl has errors");
        });
    output.write_to(&out).expect("writing the bindings");
    // Generated modules carry inner attributes, which `include!` refuses:
    // they are reached through a `#[path]` module instead.
    let module = format!("#[path = {:?}]\npub mod bindings;\n", out.join("mod.rs"));
    std::fs::write(out.join("bindings.rs"), module).expect("writing bindings.rs");
}
