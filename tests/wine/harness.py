#!/usr/bin/env python3
"""The Wine test's registry and binary tools (scripts/test-wine.sh).

  harness.py check PLAN.reg EXPORT.reg   every key and value of the plan is in the export
  harness.py same BEFORE.reg AFTER.reg  two exports hold the same keys and values
  harness.py clsids PLAN.reg             the CLSIDs the plan registers a server for
  harness.py iid BINDINGS.rs INTERFACE   the IID of a generated interface
  harness.py patch-iid DLL OUT IID       OUT: DLL with every copy of the IID's 16 bytes altered

.reg files are read as regedit writes them: UTF-16 with a byte order mark,
or UTF-8; values continued over lines with a trailing backslash.
"""

import re
import sys
import uuid


def read_reg(path):
    """{key: {value name ('@' for the default): data as written, hex normalized}}."""
    raw = open(path, "rb").read()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8-sig")
    keys, key, pending = {}, None, ""
    for line in text.splitlines():
        line = pending + line.strip()
        if line.endswith("\\") and key is not None and "=" in line:
            pending = line[:-1]
            continue
        pending = ""
        if not line or line.startswith(";") or line.startswith("Windows Registry Editor"):
            continue
        if line.startswith("[") and line.endswith("]"):
            key = line[1:-1].upper()
            keys.setdefault(key, {})
            continue
        if key is None:
            raise SystemExit(f"{path}: a value outside any key: {line}")
        match = re.match(r'^(@|"(?:[^"\\]|\\.)*")=(.*)$', line)
        if not match:
            raise SystemExit(f"{path}: not a value line: {line}")
        name, data = match.groups()
        if data.startswith("hex"):  # hex lists: case and spacing are free
            data = data.replace(" ", "").lower()
        keys[key][name.lower()] = data
    return keys


def check(plan_path, export_path):
    plan, export = read_reg(plan_path), read_reg(export_path)
    problems, values = [], 0
    for key, wanted in plan.items():
        if key.startswith("-"):
            raise SystemExit(f"{plan_path}: a removal, not a registration: [{key}]")
        if key not in export:
            problems.append(f"missing key [{key}]")
            continue
        for name, data in wanted.items():
            values += 1
            found = export[key].get(name)
            if found != data:
                problems.append(f"[{key}] {name}: expected {data}, found {found}")
    for key in plan:
        print(f"  key [{key}]: {'MISSING' if key not in export else f'{len(plan[key])} values ok'}")
    if problems:
        raise SystemExit("registry check failed:\n  " + "\n  ".join(problems))
    print(f"registry check: {len(plan)} keys, {values} values as the plan promises")


def same(before_path, after_path):
    """Two exports hold the same keys with the same values."""
    before, after = read_reg(before_path), read_reg(after_path)
    lines = [f"only before: [{k}]" for k in sorted(before.keys() - after.keys())]
    lines += [f"only after: [{k}]" for k in sorted(after.keys() - before.keys())]
    lines += [
        f"changed: [{k}]: {before[k]} -> {after[k]}"
        for k in sorted(before.keys() & after.keys())
        if before[k] != after[k]
    ]
    if lines:
        raise SystemExit(f"{after_path} differs from {before_path}:\n  " + "\n  ".join(lines))
    print(f"{after_path}: the same {len(after)} keys as {before_path}")


def clsids(plan_path):
    for key in read_reg(plan_path):
        match = re.search(r"\\CLSID\\(\{[0-9A-F-]{36}\})\\INPROCSERVER32$", key)
        if match:
            print(match.group(1))


def iid(bindings_path, interface):
    text = open(bindings_path, encoding="utf-8").read()
    pattern = r"impl windows_core::Interface for " + re.escape(interface) + r" \{.*?from_u128\(\s*0x([0-9a-f_]+)"
    match = re.search(pattern, text, re.S)
    if not match:
        raise SystemExit(f"{bindings_path}: no interface {interface}")
    print(uuid.UUID(match.group(1).replace("_", "")))


def patch_iid(dll_path, out_path, iid):
    data = bytearray(open(dll_path, "rb").read())
    needle = uuid.UUID(iid).bytes_le  # a GUID's layout in memory
    count = data.count(needle)
    if count == 0:
        raise SystemExit(f"{dll_path}: IID {iid} not found")
    altered = bytes(needle[:15]) + bytes([needle[15] ^ 0xFF])
    data = data.replace(needle, altered)
    open(out_path, "wb").write(data)
    print(f"{out_path}: {count} copies of IID {iid} altered in their last byte")


COMMANDS = {"check": check, "same": same, "clsids": clsids, "iid": iid, "patch-iid": patch_iid}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except TypeError:
        raise SystemExit(__doc__)
