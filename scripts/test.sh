#!/usr/bin/env bash
# Runs every test of comidl on a fresh Debian machine: installs what the tests
# need, then runs the unit, snapshot, corpus and oracle tests (widl and
# Microsoft's metadata), the project template (rendered, built and tested),
# the handlers under Wine's COM runtime, the corpus codegen test, the COM
# object tests under Miri and valgrind, a
# fuzzing smoke run and the benchmarks. Prints how long each stage took.
#
# Usage: scripts/test.sh        (FUZZ_SECONDS=N to fuzz longer; default 45)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzz_seconds=${FUZZ_SECONDS:-45}
stage_names=()
stage_seconds=()
stage() {
    local name=$1
    shift
    echo
    echo "==== $name"
    local start=$SECONDS
    "$@"
    stage_names+=("$name")
    stage_seconds+=($((SECONDS - start)))
    echo "==== $name: $((SECONDS - start)) s"
}

install_tools() {
    # widl (the oracle) and the Wine corpus come from Debian packages.
    bash tests/corpus/fetch-wine-idl.sh
    bash scripts/apt-install.sh valgrind
    if ! cargo +nightly --version >/dev/null 2>&1; then
        rustup toolchain install nightly --profile minimal
    fi
    rustup component add miri rust-src --toolchain nightly
    # Windows DLLs: the target's standard library and the MinGW linker.
    rustup target add x86_64-pc-windows-gnu
    bash scripts/apt-install.sh gcc-mingw-w64-x86-64
    # Wine, for the end-to-end COM test of the handlers.
    bash scripts/apt-install.sh wine
    # cargo-generate, for the template test. Its lock file asks for a newer
    # rustc than stable 1.95, so nightly builds it (--locked keeps the
    # versions it was tested with). Without its default features (git
    # templates, the interactive UI) it builds in 3 minutes instead of 16;
    # the test renders a local folder, non-interactively.
    if ! command -v cargo-generate >/dev/null 2>&1; then
        local start=$SECONDS
        cargo +nightly install --locked --no-default-features cargo-generate
        echo "cargo-generate installed in $((SECONDS - start)) s"
    fi
    if ! command -v cargo-fuzz >/dev/null 2>&1; then
        cargo install --locked cargo-fuzz
    fi
}

# The tests that play a C client against COM objects made by the derive.
object_tests=(--test client --test threads --test server)

objects_under_miri() {
    # Strict provenance: interface pointers are derived from the object's
    # allocation, never made from integers.
    MIRIFLAGS=-Zmiri-strict-provenance \
        cargo +nightly miri test -p comidl-objects-tests "${object_tests[@]}"
    # Generated thunks of every reading, called through raw vtables.
    MIRIFLAGS=-Zmiri-strict-provenance \
        cargo +nightly miri test -p comidl-golden --test implement
    MIRIFLAGS=-Zmiri-strict-provenance cargo +nightly miri test -p comidl-runtime --lib
}

objects_under_valgrind() {
    local binaries
    binaries=$(cargo test --release -p comidl-objects-tests "${object_tests[@]}" --no-run \
        --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    # The test binaries only (cargo also builds the crate'"'"'s benchmark binary).
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and message["target"]["kind"] == ["test"]:
        print(message["executable"])')
    for binary in $binaries; do
        echo "valgrind $(basename "$binary")"
        valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --error-exitcode=1 "$binary" --test-threads=1
    done
}

fuzz_smoke() {
    # Seeds: the malformed-input cases, regressions found earlier, a few real files.
    local seeds=target/fuzz-seeds
    rm -rf "$seeds" && mkdir -p "$seeds"
    cp tests/diagnostics/*.idl fuzz/regressions/*.idl "$seeds"/
    cp target/corpus/wine/include/windows/unknwn.idl "$seeds"/
    local log=target/fuzz-smoke.log
    if ! (cd fuzz && cargo +nightly fuzz run preprocess_parse "../$seeds" -- \
        -max_total_time="$fuzz_seconds" -max_len=16384 -print_final_stats=1) >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzzing failed: see the input above and fuzz/artifacts/preprocess_parse/"
        return 1
    fi
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log"
}

stage "install tools and corpus" install_tools
stage "build (release)" cargo build --workspace --release --all-targets
stage "tests" cargo test --workspace --release -- --nocapture --skip corpus_codegen
# Renders templates/project with cargo-generate and `comidl new` outside the
# repository, then builds and tests both projects.
stage "project template: cargo-generate and comidl new, built and tested" \
    bash scripts/test-template.sh
# The handlers as Windows DLLs under Wine: regsvr32, registry keys, a Windows
# client through the COM runtime, regsvr32 /u, and the faults that must fail.
stage "Wine: real COM end to end" bash scripts/test-wine.sh
# The corpus codegen test (Rust for the whole Wine corpus, compiled) takes
# minutes and ~2.5 GB: it runs, and is timed, apart.
stage "corpus codegen: generate and cargo check" \
    cargo test --release -p comidl-tests --test corpus_codegen -- --nocapture
stage "COM objects under Miri" objects_under_miri
stage "COM objects under valgrind (leaks, invalid accesses)" objects_under_valgrind
stage "fuzz smoke (${fuzz_seconds} s)" fuzz_smoke
stage "benchmark: comidl vs widl" python3 scripts/bench_corpus.py --rounds 1
stage "benchmark: generate and build vs windows-bindgen" python3 scripts/bench_codegen.py --rounds 3
stage "benchmark: COM objects vs windows-core #[implement]" \
    cargo run --release -p comidl-objects-tests --bin bench_objects

echo
echo "==== stage times"
for i in "${!stage_names[@]}"; do
    printf '%6d s  %s\n' "${stage_seconds[$i]}" "${stage_names[$i]}"
done
