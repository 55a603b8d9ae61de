#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kmod-deps.py DIR: the module's link-time dependency graph, from nm.

Reads the object files DIR/*.o of one module build (not the linked
ipcchan.o), takes the global symbols each defines and uses, and draws an
edge a -> b when a.o uses a symbol b.o defines. Prints the edges and the
strongly connected components, and exits 1 when a cycle holds any file
other than the one pair that is inherent to the design: the object core
and netlink (objects send events; netlink walks objects).
"""
import os
import subprocess
import sys

ALLOWED = {frozenset({"object", "netlink"})}


def symbols(path):
    out = subprocess.run(["nm", path], check=True, capture_output=True,
                         text=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
    return defined, used


def sccs(nodes, edges):
    """Tarjan's algorithm; returns components with more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: kmod-deps.py DIR")
    d = sys.argv[1]
    objs = sorted(f[:-2] for f in os.listdir(d)
                  if f.endswith(".o") and f != "ipcchan.o"
                  and not f.startswith(".")
                  and not f.endswith(".mod.o"))
    if not objs:
        sys.exit(f"kmod-deps: no object files in {d}")
    syms = {o: symbols(os.path.join(d, o + ".o")) for o in objs}
    owner = {s: o for o in objs for s in syms[o][0]}
    edges = {o: {owner[s] for s in syms[o][1] if s in owner} - {o}
             for o in objs}
    for o in objs:
        print(f"{o} -> {' '.join(sorted(edges[o])) or '(nothing)'}")
    bad = [c for c in sccs(objs, edges) if frozenset(c) not in ALLOWED]
    for c in bad:
        print(f"cycle: {' <-> '.join(sorted(c))}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
