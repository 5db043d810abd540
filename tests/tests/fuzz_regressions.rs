//! Hostile inputs and those the fuzzer once crashed on (`fuzz/regressions/`),
//! replayed through the fuzz target's own code, so a fixed crash stays fixed.

#[test]
fn saved_fuzz_inputs_no_longer_crash() {
    let folder = comidl_tests::repo_root().join("fuzz/regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&folder).expect("fuzz/regressions") {
        let path = entry.expect("folder entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = std::fs::read(&path).expect("read input");
        comidl_tests::fuzz_input::run(&data);
        replayed += 1;
    }
    println!("replayed {replayed} saved fuzz inputs");
    assert!(replayed > 0, "no inputs in {}", folder.display());
}
