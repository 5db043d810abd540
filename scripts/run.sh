#!/usr/bin/env bash
# comidl's main job: build comidl, then generate the Sync Center bindings of
# generated/ from idl/Syncmgr.idl and idl/mobsync.idl, with the arguments
# listed in generated/generate.args, and build the generated crate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --bin comidl
mapfile -t args < <(grep -v '^#' generated/generate.args)
target/release/comidl generate "${args[@]}" -o generated/src/bindings
cargo build --release -p comidl-syncmgr
