#!/usr/bin/env python3
"""Checks the shape of attain-core that docs/architecture.md promises (issue 12):

- no import circle between core's modules (a module is a top-level file or folder of core/src;
  tests are left out);
- no file in core/src over 500 lines;
- no function over 80 lines;
- every file opens with a `//!` line saying its concern.

Exit 1 with every breach listed; `make test` runs it.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "core", "src")
MAX_FILE, MAX_FN = 500, 80


def rust_files():
    for dirpath, _, names in os.walk(ROOT):
        for n in sorted(names):
            if n.endswith(".rs"):
                path = os.path.join(dirpath, n)
                yield os.path.relpath(path, ROOT), open(path, encoding="utf-8").read()


def code_only(line):
    """The line without string and char literals and comments (enough for brace counting)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    return line.split("//")[0]


def long_functions(rel, text):
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"\s*(pub(\([a-z]+\))?\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)", line)
        if not m:
            continue
        depth, opened = 0, False
        for j in range(i, len(lines)):
            code = code_only(lines[j])
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                break
            if not opened and code.rstrip().endswith(";"):
                break
        if j - i + 1 > MAX_FN:
            yield f"{rel}:{i + 1}: fn {m.group(5)} is {j - i + 1} lines (at most {MAX_FN})"


def imports(rel, text):
    top = rel.split(os.sep)[0].removesuffix(".rs")
    found = set()
    for m in re.finditer(r"crate::(\w+)", text):
        found.add(m.group(1))
    for m in re.finditer(r"use crate::\{([^}]*)\}", text):
        found.update(re.findall(r"(?:^|,)\s*(\w+)", m.group(1)))
    modules = {n.removesuffix(".rs") for n in os.listdir(ROOT) if n != "lib.rs"}
    return top, {f for f in found if f in modules and f != top}


def circles(graph):
    out, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                out.append(" → ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return out


def main():
    breaches, graph = [], {}
    for rel, text in rust_files():
        n = text.count("\n")
        if n > MAX_FILE:
            breaches.append(f"{rel}: {n} lines (at most {MAX_FILE})")
        if not text.startswith("//!"):
            breaches.append(f"{rel}: does not open with a `//!` line saying its concern")
        breaches.extend(long_functions(rel, text))
        # Tests may reach across layers: `tests.rs` files and `#[cfg(test)] mod tests` are left out.
        if rel != "lib.rs" and not rel.endswith("tests.rs"):
            top, used = imports(rel, re.split(r"#\[cfg\(test\)\]\s*mod tests \{", text)[0])
            graph.setdefault(top, set()).update(used)
    breaches.extend(f"import circle: {c}" for c in circles(graph))
    for b in breaches:
        print(b)
    if breaches:
        sys.exit(1)
    print(f"core/src: {sum(1 for _ in rust_files())} files, {len(graph)} modules, no circle, "
          f"no file over {MAX_FILE} lines, no function over {MAX_FN}")


if __name__ == "__main__":
    main()
