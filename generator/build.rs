//! Embeds the base SDK IDL files of `../idl` in the compiler, so that
//! `import "objidl.idl"` works without a Windows SDK.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let idl = Path::new(env!("CARGO_MANIFEST_DIR")).join("../idl");
    println!("cargo:rerun-if-changed={}", idl.display());
    let mut names: Vec<String> = std::fs::read_dir(&idl)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|name| name.ends_with(".idl"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut table = String::from("&[\n");
    for name in &names {
        let path = idl.join(name).canonicalize().expect("listed file exists");
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            table,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to String");
    }
    table.push(']');
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_idl.rs");
    std::fs::write(out, table).expect("write to OUT_DIR");
}
