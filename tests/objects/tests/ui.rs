//! Misuse of `#[derive(ComObject)]` and `dll_exports!` is a compile error
//! with a plain message at the cause: each `tests/ui/*.rs` fails to compile
//! with exactly the error in its `.stderr` (`TRYBUILD=overwrite` rewrites them).

#[test]
fn misuse_is_a_compile_error() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
