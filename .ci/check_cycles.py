#!/usr/bin/env python3
"""Fail on import cycles in src/ (ARCHITECTURE.md: dependencies point one way).

Reads every `crate::…`, `super::…` and `self::…` path in src/**/*.rs (use
statements, inline paths and doc links; test modules excluded) and every
`use child::…` of a module's own child, maps it to the module file it names, and
reports the strongly connected components with more than one member at two
levels: top-level modules (src/auth, src/oidc, …) and files.

    python3 .ci/check_cycles.py [--report]

Exit status 1 when a cycle exists; --report prints the graph summary too.
"""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(
    r"\b(crate|super|self)::((?:[A-Za-z_][A-Za-z0-9_]*::)*)\{([^;]*?)\}", re.S
)
# `use child::Item;` in a module names its own child module.
BARE_USE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([A-Za-z_][A-Za-z0-9_]*)::", re.M)


def module_files():
    """Module path (tuple) -> file path, for every .rs file under src/."""
    modules = {}
    for dirpath, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            modules[tuple(parts)] = rel
    return modules


def without_tests(text):
    """Drop `#[cfg(test)] mod … { … }` blocks (tests may use anything)."""
    out, i = [], 0
    while True:
        at = text.find("#[cfg(test)]", i)
        if at < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:at])
        brace = text.find("{", at)
        semi = text.find(";", at)
        if brace < 0 or (0 <= semi < brace):
            i = semi + 1 if semi >= 0 else len(text)
            continue
        depth, j = 0, brace
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        i = j + 1


def absolute(root, rest, mod):
    """`crate::a`, `super::a`, `self::a` as a path from the crate root."""
    parts = [p for p in rest if p]
    if root == "crate":
        base = []
    elif root == "self":
        base = list(mod)
    else:
        base = list(mod[:-1])
    while parts and parts[0] == "super":
        parts = parts[1:]
        base = base[:-1]
    return tuple(base + [p for p in parts if p != "self"])


def referenced_paths(text, mod, modules):
    paths = [
        absolute(m.group(1), m.group(2).strip(":").split("::"), mod)
        for m in PATH.finditer(text)
        # The prefix of a `use a::{…}` group is not itself used.
        if not text.startswith("::{", m.end())
    ]
    # `use crate::a::{b, c::d}` names a::b and a::c::d as well.
    for m in GROUP.finditer(text):
        prefix = m.group(2).split("::")
        for item in re.split(r",", m.group(3)):
            item = item.strip().split(" as ")[0].strip()
            if not item or item.startswith("{"):
                continue
            paths.append(absolute(m.group(1), prefix + item.split("::"), mod))
    for m in BARE_USE.finditer(text):
        child = mod + (m.group(1),)
        if child in modules:
            paths.append(child)
    return paths


def resolve(path, modules):
    """The longest module path that `path` starts with."""
    for n in range(len(path), 0, -1):
        if path[:n] in modules:
            return path[:n]
    return None


def sccs(graph):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return [sorted(c) for c in out if len(c) > 1]


def main():
    modules = module_files()
    files, tops = {}, {}
    for mod, rel in modules.items():
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            text = without_tests(f.read())
        # Doc links count too: documentation that points up is a
        # dependency a reader follows.
        for path in referenced_paths(text, mod, modules):
            target = resolve(path, modules)
            if target is None or target == mod:
                continue
            files.setdefault(modules[mod], set()).add(modules[target])
            if mod and target and mod[0] != target[0]:
                tops.setdefault(mod[0], set()).add(target[0])
    failed = False
    for level, graph in (("top-level modules", tops), ("files", files)):
        for comp in sccs(graph):
            failed = True
            print(f"import cycle between {level}: " + " -> ".join(comp))
    if "--report" in sys.argv:
        for top in sorted(tops):
            print(f"{top} -> {', '.join(sorted(tops[top]))}")
    if failed:
        print("dependencies must point one way (ARCHITECTURE.md)")
        return 1
    print("no import cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
