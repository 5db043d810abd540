//! Generates the bindings of `objects.idl` into OUT_DIR with comidl's Builder.

use std::path::PathBuf;

fn main() -> Result<(), comidl::CompileError> {
    comidl::Builder::new().idl("objects.idl").compile()?;
    // Generated modules carry inner attributes, which `include!` refuses:
    // they are reached through a `#[path]` module instead.
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let module = format!("#[path = {:?}]\npub mod bindings;\n", out.join("mod.rs"));
    std::fs::write(out.join("bindings.rs"), module).expect("writing bindings.rs");
    Ok(())
}
