//! Any bytes through decode, preprocess, parse and import resolution must
//! give diagnostics or a tree, never a panic or a hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| comidl_tests::fuzz_input::run(data));
