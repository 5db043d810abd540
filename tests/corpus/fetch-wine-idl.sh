#!/usr/bin/env bash
# Make the real-world IDL corpus (Wine's IDL files) and its widl oracle available.
#
# Usage: tests/corpus/fetch-wine-idl.sh [DIR]
#
# DIR defaults to target/corpus/wine under the repository root. Afterwards it holds:
#   DIR/include/            Wine's usr/include/wine/wine/ tree (.idl and .h files)
#   DIR/widl/               widl's C header for every .idl widl accepted (same relative path, .h)
#   DIR/widl-accepted.txt   relative .idl paths widl accepted, one per line, sorted
#   DIR/widl-rejected.txt   relative .idl path, a tab, widl's first error line; sorted
#   DIR/.complete           marker: the corpus is complete, later runs return at once
#
# Meant for a Debian machine: it may run apt-get (update, install mingw-w64-tools, download
# libwine-dev), so it needs root, or sudo. Delete DIR/.complete (or DIR) to rebuild.
set -euo pipefail

started_ns=$(date +%s%N)
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
dir=${1:-$repo_root/target/corpus/wine}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [[ -e $dir/.complete ]]; then
    echo "wine IDL corpus already complete in $dir"
    exit 0
fi

widl=x86_64-w64-mingw32-widl

# widl itself is in mingw-w64-tools; libwine-dev is only downloaded, but needs package lists.
bash "$repo_root/scripts/apt-install.sh" --lists-for libwine-dev mingw-w64-tools
command -v "$widl" >/dev/null || {
    echo "error: $widl not found after installing mingw-w64-tools" >&2
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt drops privileges to _apt while downloading; let it write here, which avoids the
# "Download is performed unsandboxed as root" warning. Harmless if this fails.
if [[ $EUID -eq 0 ]] && id _apt >/dev/null 2>&1; then
    chown _apt "$tmp" || true
fi

echo "downloading libwine-dev"
(cd "$tmp" && apt-get download -q libwine-dev)
debs=("$tmp"/libwine-dev_*.deb)
dpkg -x "${debs[0]}" "$tmp/x"
src=$tmp/x/usr/include/wine/wine
[[ -d $src/windows ]] || {
    echo "error: $src/windows not found in ${debs[0]}" >&2
    exit 1
}

# Start from a clean slate: an earlier, interrupted run may have left partial output.
rm -rf "$dir/include" "$dir/widl" "$dir/widl-accepted.txt" "$dir/widl-rejected.txt"
mkdir -p "$dir/include" "$dir/widl"
cp -a "$src/." "$dir/include/"

# Run widl over every .idl, from inside include/ so that paths (and widl's messages) are
# relative, e.g. "windows/objidl.idl".
echo "running $widl ($("$widl" -V | head -n 1)) over the corpus"
accepted=$tmp/accepted.txt
rejected=$tmp/rejected.txt
: >"$accepted"
: >"$rejected"
cd "$dir/include"
while IFS= read -r rel; do
    out=$dir/widl/${rel%.idl}.h
    mkdir -p "$(dirname "$out")"
    if "$widl" -h -I "$dir/include/windows" -I "$dir/include" -o "$out" "$rel" \
        >"$tmp/widl.log" 2>&1; then
        echo "$rel" >>"$accepted"
    else
        status=$?
        rm -f "$out"
        # The first line mentioning an error; failing that the first line; failing that
        # the exit status.
        first=$(grep -m 1 -i 'error' "$tmp/widl.log" || head -n 1 "$tmp/widl.log" || true)
        printf '%s\t%s\n' "$rel" "${first:-exit status $status}" >>"$rejected"
    fi
done < <(find . -name '*.idl' -type f | sed 's|^\./||' | LC_ALL=C sort)

LC_ALL=C sort "$accepted" >"$dir/widl-accepted.txt"
LC_ALL=C sort "$rejected" >"$dir/widl-rejected.txt"
touch "$dir/.complete"

n_accepted=$(wc -l <"$dir/widl-accepted.txt")
n_rejected=$(wc -l <"$dir/widl-rejected.txt")
elapsed_ms=$((($(date +%s%N) - started_ns) / 1000000))
echo "wine IDL corpus ready in $dir"
echo "  $((n_accepted + n_rejected)) .idl files: $n_accepted accepted by widl, $n_rejected rejected"
printf '  took %d.%03ds\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000))
