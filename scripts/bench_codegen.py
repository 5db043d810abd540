#!/usr/bin/env python3
"""Times comidl's code generation for Sync Center and the build of its output against windows-bindgen's.

1. `comidl generate` of the Sync Center bindings from idl/ (Syncmgr.idl and
   mobsync.idl): median and minimum of --generate-runs runs.
2. `cargo build` and `cargo check` (debug) of comidl's generated crate
   (generated/, or --generated DIR) against the peer: windows-bindgen 0.66.0's
   bindings for the same API, written by bench/ (its own Cargo workspace) from
   the Win32 metadata that windows-bindgen ships. The peer's filter starts from
   the names in bench/syncmgr-api.txt and grows until windows-bindgen skips no
   method for want of a type. windows-bindgen writes the implementor side of
   every Win32 interface (X_Impl traits, X_Vtbl::new) whatever its options,
   as comidl does, so the whole peer is the like-for-like row; it is also
   built without that side ("consumer side only"), for scale.

Every crate is built for x86_64-pc-windows-gnu (windows-core's string and
handle types are Windows-only; an rlib needs no linker), with the same
toolchain, each in its own fresh target folder. Dependencies are built once
first; each round then touches the crate's lib.rs and times the rebuild of
that crate alone (CARGO_INCREMENTAL=0, so it is a full compile of the crate).
Rounds alternate between the crates so machine noise hits all alike; medians
are printed, with the ratio comidl/peer and non-blank lines of .rs files.
A row whose input is missing says "not available"; targets are reported, not
asserted. The exit status is non-zero only when something fails to run or
build.

Usage: scripts/bench_codegen.py [--rounds N] [--generate-runs N] [--generated DIR]
       (after `cargo build --release`; needs rustup, rustfmt and crates.io)
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMIDL = ROOT / "target/release/comidl"
BENCH = ROOT / "bench"
WORK = ROOT / "target/bench"
TARGET = "x86_64-pc-windows-gnu"
IDL_FILES = ["idl/Syncmgr.idl", "idl/mobsync.idl"]
GENERATE_TARGET_MS = 50
BUILD_ENV = {**os.environ, "CARGO_INCREMENTAL": "0", "CARGO_TERM_COLOR": "never"}


class Failure(Exception):
    """Something that should have run or built did not."""


def run(cmd, cwd=ROOT, env=None):
    """Runs cmd quietly; raises Failure with its output when it fails."""
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.strip().splitlines()[-40:])
        raise Failure(f"`{' '.join(str(c) for c in cmd)}` failed (exit {proc.returncode}):\n{tail}")
    return proc.stdout


def rs_lines(path):
    """Files and non-blank lines of the .rs files under path (target folders left out)."""
    files = lines = 0
    for f in Path(path).rglob("*.rs"):
        if "target" in f.relative_to(path).parts:
            continue
        files += 1
        with open(f, encoding="utf-8", errors="replace") as text:
            lines += sum(1 for line in text if line.strip())
    return files, lines


# ---- 1. comidl generate


def generate_available():
    """None when `comidl generate` can run, else why not."""
    if not COMIDL.exists():
        return f"{COMIDL.relative_to(ROOT)} is missing (run `cargo build --release`)"
    probe = subprocess.run([str(COMIDL), "generate", "--help"], capture_output=True)
    if probe.returncode != 0:
        return f"{COMIDL.relative_to(ROOT)} has no `generate` subcommand"
    missing = [f for f in IDL_FILES if not (ROOT / f).exists()]
    if missing:
        return f"missing {', '.join(missing)}"
    return None


def time_generate(runs):
    """Seconds of each of `runs` runs of comidl generate (after one untimed run),
    and the size of what it writes."""
    with tempfile.TemporaryDirectory() as out_dir:
        cmd = [COMIDL, "generate", "-I", "idl", *IDL_FILES, "-o", out_dir]
        run(cmd)
        size = rs_lines(out_dir)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.run(
                [str(c) for c in cmd], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise Failure(f"`comidl generate` failed (exit {proc.returncode}) on a timed run")
    return times, size


# ---- 2. the crates


class Crate:
    def __init__(self, label, manifest):
        self.label = label
        self.manifest = Path(manifest)
        self.dir = self.manifest.parent
        toml = tomllib.loads(self.manifest.read_text())
        self.package = toml["package"]["name"]
        self.lib_rs = self.dir / toml.get("lib", {}).get("path", "src/lib.rs")
        self.target_dir = WORK / "build" / self.package
        self.times = {"build": [], "check": []}

    def cargo(self, command):
        cmd = ["cargo", command, "--manifest-path", self.manifest, "-p", self.package]
        cmd += ["--target", TARGET, "--target-dir", self.target_dir, "--quiet"]
        return cmd

    def warm_up(self):
        """Fresh target folder; builds and checks everything once."""
        shutil.rmtree(self.target_dir, ignore_errors=True)
        for command in ("build", "check"):
            run(self.cargo(command), env=BUILD_ENV)

    def time(self, command):
        self.lib_rs.touch()
        start = time.perf_counter()
        run(self.cargo(command), env=BUILD_ENV)
        seconds = time.perf_counter() - start
        self.times[command].append(seconds)
        return seconds

    def median(self, command):
        return statistics.median(self.times[command])


def write_peer():
    """Builds bench/ and has it write the peer crates; returns them."""
    tool_dir = WORK / "tool"
    run(["cargo", "build", "--release", "--locked", "--quiet", "--manifest-path", BENCH / "Cargo.toml",
         "--target-dir", tool_dir])
    peer, consumer = WORK / "peer", WORK / "peer-consumer"
    for d in (peer, consumer):
        shutil.rmtree(d, ignore_errors=True)
    out = run([tool_dir / "release/peer-bindgen", "--names", BENCH / "syncmgr-api.txt",
               "--out", peer, "--consumer-out", consumer])
    for line in out.strip().splitlines():
        if "failed to format" in line:
            print("  warning: rustfmt is missing, so the peer's line counts are not comparable")
        print(f"  {line.replace(str(ROOT) + '/', '')}")
    for d in (peer, consumer):
        # Pinned versions of windows-core's own dependencies (cargo keeps them).
        shutil.copy(BENCH / "peer.Cargo.lock", d / "Cargo.lock")
    return [
        Crate("peer: windows-bindgen 0.66.0", peer / "Cargo.toml"),
        Crate("peer, consumer side only", consumer / "Cargo.toml"),
    ]


def ensure_target():
    installed = run(["rustup", "target", "list", "--installed"]).split()
    if TARGET not in installed:
        print(f"installing the {TARGET} standard library (rustup target add)", flush=True)
        run(["rustup", "target", "add", TARGET])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=3, help="timed builds per crate and command (default 3)"
    )
    parser.add_argument(
        "--generate-runs", type=int, default=20, help="timed runs of comidl generate (default 20)"
    )
    parser.add_argument("--generated", type=Path, default=ROOT / "generated",
                        help="comidl's generated crate (default: generated/)")
    args = parser.parse_args()
    failures = []

    rustc = run(["rustc", "-vV"]).splitlines()[0]
    print(f"toolchain: {rustc}; {run(['cargo', '--version']).strip()}")

    # 1. comidl generate
    print(f"\n== comidl generate: Sync Center bindings from {' '.join(IDL_FILES)}", flush=True)
    generate_line = None
    why_not = generate_available()
    if why_not:
        generate_line = f"comidl generate: not available: {why_not}"
    else:
        try:
            times, (files, lines) = time_generate(args.generate_runs)
            median_ms, min_ms = 1000 * statistics.median(times), 1000 * min(times)
            generate_line = (
                f"comidl generate: median {median_ms:.1f} ms, min {min_ms:.1f} ms "
                f"over {len(times)} runs (target < {GENERATE_TARGET_MS} ms); "
                f"writes {files} .rs files, {lines} non-blank lines"
            )
        except Failure as failure:
            failures.append(str(failure))
            generate_line = "comidl generate: FAILED (see above)"
            print(failure)
    print(generate_line, flush=True)

    # 2. builds
    print(f"\n== cargo build/check (debug) for {TARGET}, {args.rounds} rounds", flush=True)
    crates = []
    generated = args.generated.resolve()
    ours = None
    if (generated / "Cargo.toml").exists():
        shown = generated.relative_to(ROOT) if generated.is_relative_to(ROOT) else generated
        label = f"comidl: {shown}/"
        try:
            ours = Crate(label, generated / "Cargo.toml")
            crates.append(ours)
        except (KeyError, tomllib.TOMLDecodeError) as error:
            failures.append(f"{generated}/Cargo.toml: no [package] name ({error})")
            print(failures[-1])
    else:
        print(f"comidl's generated crate: not available: no {generated}/Cargo.toml")
    try:
        ensure_target()
        print("writing the peer (windows-bindgen 0.66.0, via bench/):", flush=True)
        crates += write_peer()
    except Failure as failure:
        failures.append(str(failure))
        print(failure)
    ready = []
    for crate in crates:
        print(f"warm-up (dependencies): {crate.label}", flush=True)
        try:
            crate.warm_up()
            ready.append(crate)
        except Failure as failure:
            failures.append(str(failure))
            print(failure)
    crates = ready
    for round_number in range(args.rounds):
        figures = []
        for crate in list(crates):
            try:
                build = crate.time("build")
                check = crate.time("check")
                figures.append(f"{crate.label} build {build:.3f} s, check {check:.3f} s")
            except Failure as failure:
                failures.append(str(failure))
                print(failure)
                crates.remove(crate)
        print(f"round {round_number + 1}: " + "; ".join(figures), flush=True)
    if ours and ours not in crates:
        ours, ours_failed = None, True
    else:
        ours_failed = False

    # Summary
    print("\n== summary")
    print(generate_line)
    if crates:
        print(f"{'crate':<34} {'files':>5} {'lines':>7} {'build (s)':>10} {'check (s)':>10}")
        for crate in crates:
            files, lines = rs_lines(crate.dir)
            print(f"{crate.label:<34} {files:>5} {lines:>7} {crate.median('build'):>10.3f} "
                  f"{crate.median('check'):>10.3f}")
        peers = [c for c in crates if c is not ours]
        if ours and peers:
            _, our_lines = rs_lines(ours.dir)
            for peer in peers:
                _, peer_lines = rs_lines(peer.dir)
                build = ours.median("build") / peer.median("build")
                check = ours.median("check") / peer.median("check")
                print(
                    f"ratio comidl/({peer.label}): build {build:.3f}, check {check:.3f}, "
                    f"lines {our_lines / peer_lines:.3f}   (target <= 1.0)"
                )
        elif not ours:
            why = "comidl's crate failed to build" if ours_failed else "no generated crate"
            print(f"ratio comidl/peer: not available ({why})")
    print(f"medians of {args.rounds} rounds; {rustc}; --target {TARGET}; CARGO_INCREMENTAL=0")
    if failures:
        print(f"\n{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
