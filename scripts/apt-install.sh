#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet, as root (or through
# sudo). The package lists are refreshed first when apt knows no candidate for one of
# them, or for a package named with --lists-for (one only downloaded, not installed).
#
# Usage: scripts/apt-install.sh [--lists-for PKG]... [PKG]...
set -euo pipefail

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    else
        sudo "$@"
    fi
}

needed=()
missing=()
while [[ $# -gt 0 ]]; do
    if [[ $1 == --lists-for ]]; then
        needed+=("$2")
        shift 2
        continue
    fi
    dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1")
    shift
done
needed+=("${missing[@]}")

for package in "${needed[@]}"; do
    # (Captured first: with pipefail, `grep -q` closing the pipe early could fail it.)
    policy=$(apt-cache policy "$package" 2>/dev/null || true)
    if ! grep -q 'Candidate: [^(]' <<<"$policy"; then
        echo "running apt-get update"
        as_root apt-get update -q
        break
    fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
