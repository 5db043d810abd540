//! The checked-in `generated/` crate is exactly what `scripts/run.sh`
//! produces from `idl/`: regenerate into a scratch folder and compare.

use comidl_tests::repo_root;

#[test]
fn checked_in_bindings_match_a_fresh_generation() {
    let root = repo_root();
    let args_file =
        std::fs::read_to_string(root.join("generated/generate.args")).expect("generate.args");
    let scratch = root.join("target/tmp/generated-check");
    let _ = std::fs::remove_dir_all(&scratch);
    let mut argv = vec![
        "comidl".to_string(),
        "generate".into(),
        "--color".into(),
        "never".into(),
    ];
    argv.extend(
        args_file
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|arg| {
                if arg.ends_with(".idl") || arg == "idl" {
                    root.join(arg).display().to_string()
                } else {
                    arg.to_string()
                }
            }),
    );
    argv.extend(["-o".to_string(), scratch.display().to_string()]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = comidl::cli::run(argv, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));

    let checked_in = root.join("generated/src/bindings");
    let names = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        names.sort();
        names
    };
    let fix = "run `scripts/run.sh` and commit generated/";
    assert_eq!(
        names(&checked_in),
        names(&scratch),
        "generated/ has other files than comidl writes; {fix}"
    );
    for name in names(&scratch) {
        let fresh = std::fs::read_to_string(scratch.join(&name)).expect("fresh file");
        let old = std::fs::read_to_string(checked_in.join(&name)).expect("checked-in file");
        if let Some((line, (a, b))) = old
            .lines()
            .zip(fresh.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
        {
            panic!(
                "generated/src/bindings/{name} differs at line {}:\n  checked in: {a}\n  generated:  {b}\n{fix}",
                line + 1
            );
        }
        assert_eq!(
            old, fresh,
            "generated/src/bindings/{name} differs in length; {fix}"
        );
    }
    println!("{} generated files match", names(&scratch).len());
}
