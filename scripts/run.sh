#!/usr/bin/env bash
# comidl's main job on a fresh machine: build comidl, then check every file of
# Wine's real-world IDL corpus (fetched and set up on first run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tests/corpus/fetch-wine-idl.sh
cargo build --release --bin comidl
corpus=target/corpus/wine/include
target/release/comidl check -I "$corpus/windows" -I "$corpus" "$corpus"/*.idl "$corpus"/windows/*.idl
