#!/usr/bin/env bash
# Real COM end to end under Wine: the example handlers built as Windows DLLs,
# registered with `wine regsvr32` (their own DllRegisterServer), their
# registry keys checked against the plan `comidl reg` reads from each DLL,
# driven by a Windows client (tests/wine/client) through Wine's COM runtime,
# and unregistered with `regsvr32 /u`, after which the registry is what it was.
# Then it shows the test fails when it should: a wrong IID in a vtable, a
# missing registry key and a leaked reference each make it fail.
# Prints what it exercised and how long each step took.
#
# Runs headless in a fresh WINEPREFIX under target/wine. Harness-only
# workarounds for Debian's Wine 8.0 (never in the product):
# - bcryptprimitives.dll is missing; Rust's standard library imports its
#   ProcessPrng. A stand-in (tests/wine/bcryptprimitives.c) goes into system32.
# - Wine's COM reads classes from HKLM\Software\Classes only, not the per-user
#   HKCU\Software\Classes that Windows merges into HKCR; the handlers register
#   per user. After the keys are checked, the class's CLSID key is copied to
#   HKLM for the client's run and deleted again before `regsvr32 /u`.
#
# Usage: scripts/test-wine.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}

# shellcheck source=steps.sh
source "$root/scripts/steps.sh"

work=$target_dir/wine
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
# This prefix's wineserver only (it serves WINEPREFIX), whatever the outcome.
trap 'wineserver -k 2>/dev/null || true' EXIT
windows=$target_dir/x86_64-pc-windows-gnu/debug
comidl=$target_dir/release/comidl
harness() { python3 "$root/tests/wine/harness.py" "$@"; }
# Where the DLLs and the client live inside the prefix, as Windows and Unix paths.
install_dir=$WINEPREFIX/drive_c/comidl
install_win='C:\comidl'
handlers=(sync_center_handler:sync-center mobsync_handler:mobsync)
keys_checked=0
summaries=()

install() {
    bash scripts/apt-install.sh wine gcc-mingw-w64-x86-64
    rustup target add x86_64-pc-windows-gnu
}

build() {
    cargo build --target x86_64-pc-windows-gnu \
        -p sync-center-handler -p mobsync-handler -p comidl-wine-client
    cargo build --release --bin comidl # a no-op after test.sh's build
    mkdir -p "$work"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
        tests/wine/bcryptprimitives.c tests/wine/bcryptprimitives.def -ladvapi32
}

fresh_prefix() {
    wineserver -k 2>/dev/null || true
    rm -rf "$WINEPREFIX"
    wine wineboot -i >"$work/wineboot.log" 2>&1 || { cat "$work/wineboot.log"; return 1; }
    cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
    mkdir -p "$install_dir"
    cp "$windows"/{sync_center_handler,mobsync_handler}.dll "$windows/comidl-wine-client.exe" "$install_dir/"
}

export_hives() { # NAME: exports HKCU and HKLM to $work/NAME-hkcu.reg, -hklm.reg
    wine reg export HKCU "$work/$1-hkcu.reg" /y >/dev/null
    wine reg export HKLM "$work/$1-hklm.reg" /y >/dev/null
}

clsid_of() { # DLL: the one CLSID its plan registers a server for
    "$comidl" reg "$install_dir/$1.dll" -o "$work/$1.plan.reg"
    harness clsids "$work/$1.plan.reg"
}

# The workaround for Wine's COM: the per-user class made visible machine-wide.
bridge() { wine reg copy "HKCU\\Software\\Classes\\CLSID\\$1" "HKLM\\Software\\Classes\\CLSID\\$1" /s /f >/dev/null; }
unbridge() { wine reg delete "HKLM\\Software\\Classes\\CLSID\\$1" /f >/dev/null; }

register() { # DLL [DIR]: regsvr32 from DIR (default: the install folder)
    wine regsvr32 "${2:-$install_win}\\$1.dll"
}

check_keys() { # DLL: the keys the plan promises, in its scope (and nothing in HKLM)
    # Chained: expect_failure runs it where `set -e` does not apply.
    "$comidl" reg "$install_dir/$1.dll" --path "$install_win\\$1.dll" -o "$work/$1.check.reg" &&
        wine reg export HKCU "$work/registered-hkcu.reg" /y >/dev/null &&
        wine reg export HKLM "$work/registered-hklm.reg" /y >/dev/null &&
        harness check "$work/$1.check.reg" "$work/registered-hkcu.reg" &&
        harness same "$work/before-hklm.reg" "$work/registered-hklm.reg"
}

client() { # KIND CLSID [FLAGS]: the client's run, its output in $work/client.log
    wine "$install_win\\comidl-wine-client.exe" "$@" >"$work/client.log" 2>&1
}

handler_end_to_end() { # DLL:KIND
    local dll=${1%%:*} kind=${1#*:} clsid
    clsid=$(clsid_of "$dll")
    echo "$dll: CLSID $clsid"
    register "$dll"
    check_keys "$dll"
    keys_checked=$((keys_checked + $(grep -c '^\[' "$work/$dll.check.reg")))
    bridge "$clsid"
    if ! client "$kind" --clsid "$clsid"; then
        cat "$work/client.log"
        echo "the $kind client failed"
        return 1
    fi
    cat "$work/client.log"
    summaries+=("$kind: $(sed -n 's/^summary: //p' "$work/client.log")")
    unbridge "$clsid"
    wine regsvr32 /u "$install_win\\$dll.dll"
}

registry_restored() {
    export_hives after
    harness same "$work/before-hkcu.reg" "$work/after-hkcu.reg"
    harness same "$work/before-hklm.reg" "$work/after-hklm.reg"
}

expect_failure() { # REASON COMMAND...: COMMAND must fail, saying REASON
    local reason=$1 output
    shift
    if output=$("$@" 2>&1); then
        echo "$output"
        echo "expected a failure ($reason), but it passed"
        return 1
    fi
    local said
    said=$(grep -F -- "$reason" <<<"$output" | head -n 1) || true
    if [[ -z $said ]]; then
        echo "$output"
        echo "it failed, but not with: $reason"
        return 1
    fi
    echo "   failed as it should: $said"
}

client_fails() { # KIND CLSID FLAGS...: the client's run, failing, its error shown
    rm -f "$work/client.log"
    client "$@" || { cat "$work/client.log" >&2; return 1; }
}

faults() {
    local clsid iid
    clsid=$(clsid_of sync_center_handler)
    # 1. A wrong IID in a vtable: ISyncMgrHandler's IID altered in a copy of
    # the DLL, so its QueryInterface no longer answers it.
    iid=$(harness iid generated/src/bindings/syncmgr.rs ISyncMgrHandler)
    mkdir -p "$install_dir/faulty"
    harness patch-iid "$install_dir/sync_center_handler.dll" "$install_dir/faulty/sync_center_handler.dll" "$iid"
    register sync_center_handler "$install_win\\faulty" >/dev/null
    bridge "$clsid"
    echo "fault: wrong IID of ISyncMgrHandler in the DLL"
    expect_failure "BindToHandler(FolderMirror, ISyncMgrHandler) failed: HRESULT(0x80004002)" \
        client_fails sync-center --clsid "$clsid"
    unbridge "$clsid"
    wine regsvr32 /u "$install_win\\faulty\\sync_center_handler.dll" >/dev/null

    # 2. A missing registry key: InprocServer32 deleted after registration.
    register sync_center_handler >/dev/null
    wine reg delete "HKCU\\Software\\Classes\\CLSID\\$clsid\\InprocServer32" /f >/dev/null
    echo "fault: InprocServer32 key deleted after regsvr32"
    expect_failure "missing key [HKEY_CURRENT_USER\\SOFTWARE\\CLASSES\\CLSID\\$clsid\\INPROCSERVER32]" \
        check_keys sync_center_handler
    bridge "$clsid"
    expect_failure "CoCreateInstance($clsid, ISyncMgrHandlerCollection) failed: HRESULT(0x80040154)" \
        client_fails sync-center --clsid "$clsid"
    unbridge "$clsid"
    wine reg delete "HKCU\\Software\\Classes\\CLSID\\$clsid" /f >/dev/null

    # 3. A leaked reference: DllCanUnloadNow must not answer S_OK.
    register sync_center_handler >/dev/null
    bridge "$clsid"
    echo "fault: the client keeps one reference to the handler"
    expect_failure "DllCanUnloadNow answered HRESULT(0x00000001), not S_OK" \
        client_fails sync-center --clsid "$clsid" --leak-reference
    unbridge "$clsid"
    wine regsvr32 /u "$install_win\\sync_center_handler.dll" >/dev/null
}

step "install Wine, MinGW and the Windows target" install
step "build the DLLs, the client and the bcryptprimitives stand-in" build
step "fresh Wine prefix" fresh_prefix
step "export the registry before" export_hives before
for handler in "${handlers[@]}"; do
    step "${handler#*:}: regsvr32, keys, client, regsvr32 /u" handler_end_to_end "$handler"
done
step "registry after regsvr32 /u: as before" registry_restored
step "faults: wrong IID, missing key, leaked reference" faults

echo
echo "Wine end to end: $keys_checked registry keys checked (and HKLM untouched by registration)"
printf '  %s\n' "${summaries[@]}"
print_steps
