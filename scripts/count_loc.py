#!/usr/bin/env python3
"""Counts code, comment and blank lines in C/C++ and Rust sources.

Each physical line gets exactly one class:

  blank    only whitespace (also inside a block comment);
  code     any character outside a comment, on the line, counts: a line
           with code and a trailing comment is code, and so is every line
           of a string literal that spans lines;
  comment  everything else: `//` comments (Rust's `///` and `//!` too) and
           the lines of `/* ... */` blocks, which may span lines (nested in
           Rust, as rustc nests them; flat in C/C++).

Comment markers inside "..." strings and '...' character literals do not
count (backslash escapes are honoured; Rust lifetimes such as 'a are not
taken for literals; Rust raw strings r"..." and r#"..."# are skipped). A C
string ends at the end of its line unless the line ends in a backslash. The
preprocessor is not run: `#if 0` blocks count as code.

Files: .c .cc .cpp .cxx .h .hpp (C/C++) and .rs (Rust); directories are
walked recursively. Rows are sorted by path, so the output is deterministic.

Usage: scripts/count_loc.py FILE_OR_DIR...
       scripts/count_loc.py --self-test
"""

import os
import sys

USAGE = "usage: scripts/count_loc.py FILE_OR_DIR... | --self-test"
C_EXTS = {".c", ".cc", ".cpp", ".cxx", ".h", ".hpp"}
RUST_EXTS = {".rs"}


def classify(text, rust):
    """Returns (code, comment, blank) line counts for source `text`."""
    code = comment = blank = 0
    depth = 0          # open block comments (only ever 0 or 1 for C)
    in_str = False     # inside a "..." string
    raw_hashes = None  # inside a Rust raw string: its number of '#'
    for line in text.splitlines():
        if not line.strip():
            blank += 1
            if not rust and in_str and not line.endswith("\\"):
                in_str = False
            continue
        has_code = in_str or raw_hashes is not None
        has_comment = depth > 0
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if raw_hashes is not None:
                end = '"' + "#" * raw_hashes
                j = line.find(end, i)
                if j < 0:
                    i = n
                else:
                    i = j + len(end)
                    raw_hashes = None
                continue
            if in_str:
                if c == "\\":
                    i += 2
                elif c == '"':
                    in_str = False
                    i += 1
                else:
                    i += 1
                continue
            if depth > 0:
                if line.startswith("*/", i):
                    depth -= 1
                    i += 2
                elif rust and line.startswith("/*", i):
                    depth += 1
                    i += 2
                else:
                    i += 1
                continue
            if c.isspace():
                i += 1
            elif line.startswith("//", i):
                has_comment = True
                break
            elif line.startswith("/*", i):
                has_comment = True
                depth = 1
                i += 2
            elif c == '"':
                has_code = True
                in_str = True
                i += 1
            elif c == "'":
                has_code = True
                i = _skip_char_literal(line, i)
            else:
                has_code = True
                if c.isalnum() or c == "_":
                    # Whole identifiers at once, so that a raw-string
                    # prefix is only seen at the start of a token.
                    j = i
                    while j < n and (line[j].isalnum() or line[j] == "_"):
                        j += 1
                    if rust and line[i:j] in ("r", "br") and _raw_start(line, j):
                        k = j
                        while line[k] == "#":
                            k += 1
                        raw_hashes = k - j
                        j = k + 1
                    i = j
                else:
                    i += 1
        if in_str and not rust and not line.endswith("\\"):
            in_str = False  # unterminated C string: stop at end of line
        if has_code:
            code += 1
        elif has_comment:
            comment += 1
        else:
            blank += 1  # not reached: a non-blank line has code or comment
    return code, comment, blank


def _raw_start(line, j):
    """True if, after an `r` or `br` prefix ending at j, a Rust raw string
    (r"...", r#"..."#, br"...") opens."""
    while j < len(line) and line[j] == "#":
        j += 1
    return j < len(line) and line[j] == '"'


def _skip_char_literal(line, i):
    """Returns the index after a character literal at i, or after the quote
    alone when it opens a Rust lifetime or label ('a, 'static)."""
    n = len(line)
    if i + 1 < n and line[i + 1] == "\\":
        j = i + 2
        while j < n:
            if line[j] == "\\":
                j += 2
            elif line[j] == "'":
                return j + 1
            else:
                j += 1
        return n
    if i + 2 < n and line[i + 2] == "'":
        return i + 3
    return i + 1


def source_files(args):
    found = []
    for arg in args:
        if os.path.isdir(arg):
            for root, dirs, files in os.walk(arg):
                dirs.sort()
                for name in files:
                    if os.path.splitext(name)[1].lower() in C_EXTS | RUST_EXTS:
                        found.append(os.path.join(root, name))
        elif os.path.isfile(arg):
            found.append(arg)
        else:
            sys.exit(f"count_loc: no such file or directory: {arg}")
    return sorted(set(found))


def count_file(path):
    ext = os.path.splitext(path)[1].lower()
    if ext not in C_EXTS | RUST_EXTS:
        sys.exit(f"count_loc: not a C/C++ or Rust file: {path}")
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        text = f.read()
    return classify(text, rust=ext in RUST_EXTS)


def main(args):
    if args == ["--self-test"]:
        return self_test()
    if not args or any(a.startswith("-") for a in args):
        print(USAGE, file=sys.stderr)
        return 2
    rows = [(p, *count_file(p)) for p in source_files(args)]
    width = max([len("file"), len("total")] + [len(r[0]) for r in rows])
    head = f"{'file':<{width}}  {'code':>6}  {'comment':>7}  {'blank':>6}  {'lines':>6}"
    print(head)
    print("-" * len(head))
    totals = [0, 0, 0]
    for path, code, comment, blank in rows:
        print(f"{path:<{width}}  {code:>6}  {comment:>7}  {blank:>6}  {code + comment + blank:>6}")
        totals = [totals[0] + code, totals[1] + comment, totals[2] + blank]
    print("-" * len(head))
    code, comment, blank = totals
    print(f"{'total':<{width}}  {code:>6}  {comment:>7}  {blank:>6}  {code + comment + blank:>6}")
    print(f"{len(rows)} files")
    return 0


SELF_TESTS = [
    # (rust, source, (code, comment, blank))
    (False, "int a;\n\n// c\n", (1, 1, 1)),
    (False, "int a; // trailing\n", (1, 0, 0)),
    (False, "/* one\n\n   two */\nint b; /* x */\n", (1, 2, 1)),
    (False, "/* a */ int c;\n", (1, 0, 0)),
    (False, "x = 1; /* open\n still */ \n", (1, 1, 0)),
    (False, 's = "// not a comment";\n', (1, 0, 0)),
    (False, 's = "/* not";\nint d;\n', (2, 0, 0)),
    (False, "c = '\"'; // q\nint e;\n", (2, 0, 0)),
    (False, "c = '\\''; /* q */\n", (1, 0, 0)),
    (False, 's = "esc \\" // still string";\n', (1, 0, 0)),
    (False, 'bad = "unterminated\n// comment\n', (1, 1, 0)),
    (False, "/* a /* b */ int f;\n", (1, 0, 0)),
    (True, "/// doc\n//! inner\nfn f() {}\n", (1, 2, 0)),
    (True, "/* a /* nested */ still */\nlet x = 1;\n", (1, 1, 0)),
    (True, "/* a /* b */\n c */ let y = 2;\n", (1, 1, 0)),
    (True, 'let s = "two\n// inside string\n";\n', (3, 0, 0)),
    (True, 'let r = r#"he said "//" "#; // c\n', (1, 0, 0)),
    (True, "fn g<'a>(x: &'a str) {} // c\n// d\n", (1, 1, 0)),
    (True, "let q = '\"'; let z = 1;\n// e\n", (1, 1, 0)),
    (True, "let t = b'/'; // c\n", (1, 0, 0)),
    (True, 'let u = br"\\"; // c\n/* d */\n', (1, 1, 0)),
    (True, "let r#type = 1; // r# is a raw identifier\n", (1, 0, 0)),
    (True, "    \t\n", (0, 0, 1)),
]


def self_test():
    failed = 0
    for rust, src, want in SELF_TESTS:
        got = classify(src, rust)
        if got != want:
            failed += 1
            lang = "rust" if rust else "c"
            print(f"FAIL ({lang}) {src!r}: got {got}, want {want}")
    print(f"{len(SELF_TESTS) - failed}/{len(SELF_TESTS)} self-tests passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
