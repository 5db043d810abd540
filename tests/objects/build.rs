//! Generates the bindings of `objects.idl` into OUT_DIR with comidl's Builder.

fn main() -> Result<(), comidl::CompileError> {
    comidl::Builder::new().idl("objects.idl").compile()
}
