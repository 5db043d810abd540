#!/usr/bin/env bash
# Tests the project template as users meet it: renders templates/project with
# the real cargo-generate and with `comidl new`, each into a folder outside the
# repository, checks that the two renderings differ in their CLSIDs only (and
# that every run makes fresh ones), then builds and tests both projects (and
# one inside the repository's own target/, another workspace's folder),
# lints one with clippy (warnings denied) and builds its DLL for Windows,
# whose registration `comidl reg` renders.
# Prints how long each step took.
#
# Needs cargo-generate (scripts/test.sh installs it). The projects share one
# target folder, target/template-projects, and build --offline: the
# workspace's build has fetched every crate they use.
#
# Usage: scripts/test-template.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# shellcheck source=steps.sh
source "$root/scripts/steps.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# comidl builds where the workspace's builds go; the projects build apart.
comidl=${CARGO_TARGET_DIR:-$root/target}/release/comidl
projects_target=$root/target/template-projects
project_cargo() {
    CARGO_TARGET_DIR=$projects_target cargo "$@"
}
name=demo-sync
crate=demo_sync

generate() { # DEST: cargo-generate's rendering into DEST/$name
    mkdir -p "$1"
    # cargo-generate stops when it cannot name the user (CI may not set USER).
    USER=${USER:-$(id -un)} cargo generate --path "$root/templates/project" --name "$name" --destination "$1" \
        --vcs none --silent --allow-commands --define "comidl_path=$root" >"$work/generate.log" 2>&1 ||
        { cat "$work/generate.log"; return 1; }
}

# The CLSIDs a project was rendered with: the collection's, then the handler's.
clsids() {
    sed -n 's/.*clsid = "\([0-9a-f-]*\)".*/\1/p' "$1/src/collection.rs" "$1/src/handler.rs"
}

check_renderings() {
    local generated=$work/generate/$name made=$work/new/$name again=$work/again/$name
    local all=("$(clsids "$generated")" "$(clsids "$made")" "$(clsids "$again")")
    printf '%s\n' "${all[@]}" | python3 -c '
import re, sys
guids = sys.stdin.read().split()
v4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
bad = [g for g in guids if not v4.match(g)]
if len(guids) != 6 or bad or len(set(guids)) != 6:
    sys.exit(f"expected 6 distinct version 4 CLSIDs (two per rendering), got {guids}")
print("CLSIDs: 6 fresh version 4 GUIDs over three renderings")'
    # The same text once each rendering's own CLSIDs are named back.
    for project in "$generated" "$made"; do
        local masked=$work/masked/$(basename "$(dirname "$project")")
        mkdir -p "$masked"
        cp -r "$project/." "$masked"
        local ids
        mapfile -t ids < <(clsids "$project")
        grep -rl -e "${ids[0]}" -e "${ids[1]}" "$masked" |
            xargs sed -i -e "s/${ids[0]}/COLLECTION_CLSID/g" -e "s/${ids[1]}/HANDLER_CLSID/g"
    done
    diff -r "$work/masked/generate" "$work/masked/new"
    echo "cargo-generate and comidl new rendered the same files but for the CLSIDs"
}

inside_repository() { # a project in the repository's target/ is a workspace of its own
    local dir=$root/target/template-inside
    rm -rf "$dir"
    "$comidl" new "$name" --path "$dir" --comidl-path "$root" >/dev/null
    (cd "$dir/$name" && project_cargo build --offline)
    rm -rf "$dir"
}

build_and_test() { # PROJECT
    (cd "$1" && project_cargo build --offline && project_cargo test --offline)
}

lint() { # PROJECT: formatted as rustfmt does, no clippy or rustc warning
    (cd "$1" && cargo fmt --check && project_cargo clippy --offline --all-targets -- -D warnings)
}

windows_dll() { # PROJECT: the DLL for Windows exports what COM calls
    (cd "$1" && project_cargo build --offline --target x86_64-pc-windows-gnu)
    local dll=$projects_target/x86_64-pc-windows-gnu/debug/$crate.dll
    local exports
    exports=$(x86_64-w64-mingw32-objdump -p "$dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p')
    for export in DllCanUnloadNow DllGetClassObject DllRegisterServer DllUnregisterServer; do
        grep -q "\] $export\$" <<<"$exports" || { echo "$dll does not export $export"; return 1; }
    done
    echo "$dll exports the four COM entry points"
    # comidl reg reads the registration the DLL carries.
    local reg collection
    reg=$("$comidl" reg "$dll" --path "C:\\Users\\me\\$crate.dll")
    collection=$(clsids "$1" | head -n 1 | tr a-f A-F)
    grep -qF "\\SyncMgr\\HandlerCollections\\{$collection}]" <<<"$reg" ||
        { echo "$reg"; echo "comidl reg: no Sync Center collection {$collection}"; return 1; }
    echo "comidl reg renders its registration, the collection under Sync Center's"
}

step "build comidl (release; a no-op after test.sh's build)" cargo build --release --bin comidl
generate_twice() { # the second run only to see fresh CLSIDs
    generate "$work/generate" && generate "$work/again"
}

step "cargo generate (twice)" generate_twice
step "comidl new" "$comidl" new "$name" --path "$work/new" --comidl-path "$root"
step "compare the renderings" check_renderings
step "build and test the cargo-generate project" build_and_test "$work/generate/$name"
step "build and test the comidl new project" build_and_test "$work/new/$name"
step "build a project inside the repository's target/" inside_repository
step "rustfmt and clippy the project" lint "$work/new/$name"
step "build the DLL for x86_64-pc-windows-gnu" windows_dll "$work/new/$name"

echo
print_steps
