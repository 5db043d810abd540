//! The checked-in `generated/` crate is exactly what `scripts/run.sh`
//! produces from `idl/`: regenerate into a scratch folder and compare.

use comidl_tests::{first_difference, generate_args, repo_root, rust_files};

#[test]
fn checked_in_bindings_match_a_fresh_generation() {
    let root = repo_root();
    let scratch = root.join("target/tmp/generated-check");
    let _ = std::fs::remove_dir_all(&scratch);
    let mut argv = vec![
        "comidl".to_string(),
        "generate".into(),
        "--color".into(),
        "never".into(),
    ];
    argv.extend(generate_args());
    argv.extend(["-o".to_string(), scratch.display().to_string()]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = comidl::cli::run(argv, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));

    let fresh = rust_files(&scratch);
    let checked_in = rust_files(&root.join("generated/src/bindings"));
    if let Some(difference) = first_difference("generated/src/bindings", &checked_in, &fresh) {
        panic!("{difference}\nrun `scripts/run.sh` and commit generated/");
    }
    println!("{} generated files match", fresh.len());
}
