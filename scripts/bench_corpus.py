#!/usr/bin/env python3
"""Times `comidl check` over Wine's IDL corpus against Debian's widl.

widl runs once per file, as build systems run it (generating the C header);
comidl checks every file in one process, sharing imported files, first on
one thread, then on all cores. Rounds alternate between the tools so machine
noise hits both alike; medians are printed, with the ratio comidl/widl and
comidl's peak resident memory.

Usage: scripts/bench_corpus.py [--rounds N]   (after `cargo build --release`)
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "target/corpus/wine"
COMIDL = ROOT / "target/release/comidl"
WIDL = "x86_64-w64-mingw32-widl"


def corpus_files():
    include = CORPUS / "include"
    return sorted(str(p) for p in include.glob("*.idl")) + sorted(
        str(p) for p in (include / "windows").glob("*.idl")
    )


def include_args():
    return ["-I", str(CORPUS / "include/windows"), "-I", str(CORPUS / "include")]


def run_comidl(files, jobs):
    """Seconds and peak RSS (KiB) of one `comidl check` over all files."""
    start = time.perf_counter()
    proc = subprocess.run(
        [str(COMIDL), "check", "--color", "never", "--jobs", str(jobs), *include_args(), *files],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "(no output)"
    return seconds, summary


def run_widl(files, out_dir):
    """Seconds for one widl process per file."""
    start = time.perf_counter()
    for f in files:
        header = Path(out_dir) / (Path(f).stem + ".h")
        subprocess.run(
            [WIDL, "-h", *include_args(), "-o", str(header), f],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def peak_rss_mib(files):
    """comidl's peak resident memory for the whole corpus, measured by
    wait4 on a fresh child (ru_maxrss of that child alone)."""
    proc = subprocess.Popen(
        [str(COMIDL), "check", "--color", "never", *include_args(), *files],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not COMIDL.exists():
        sys.exit(f"{COMIDL} is missing: run `cargo build --release` first")
    if not (CORPUS / ".complete").exists():
        sys.exit(f"no corpus in {CORPUS}: run tests/corpus/fetch-wine-idl.sh first")
    files = corpus_files()
    cores = os.cpu_count() or 1
    one, many, widl = [], [], []
    with tempfile.TemporaryDirectory() as out_dir:
        for round_number in range(args.rounds):
            seconds, summary = run_comidl(files, 1)
            one.append(seconds)
            many.append(run_comidl(files, cores)[0])
            widl.append(run_widl(files, out_dir))
            print(
                f"round {round_number + 1}: comidl -j1 {one[-1]:.3f} s, "
                f"-j{cores} {many[-1]:.3f} s, widl {widl[-1]:.3f} s",
                flush=True,
            )
    w = statistics.median(widl)
    c1 = statistics.median(one)
    cn = statistics.median(many)
    print(f"corpus: {len(files)} files; comidl says: {summary}")
    print(f"widl, one process per file:    {w:8.3f} s")
    print(f"comidl check, 1 thread:        {c1:8.3f} s   ratio comidl/widl = {c1 / w:.3f}")
    print(f"comidl check, {cores} threads:       {cn:8.3f} s   ratio comidl/widl = {cn / w:.3f}")
    print(f"comidl peak memory (whole corpus): {peak_rss_mib(files):.1f} MiB (target < 300)")
    print("target: ratio <= 0.25")


if __name__ == "__main__":
    main()
