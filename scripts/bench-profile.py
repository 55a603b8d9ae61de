#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a bench-profile.sh results directory into time per message.

The directory holds `windows` (one line per interval that ipcbench
measured: mechanism, what, size or N, CLOCK_MONOTONIC start and end,
messages; IPCBENCH_WINDOWS in ipcbench(1)) and, for the K-th line,
`win-K.script`: `perf script -F comm,pid,cpu,period,ip,sym` of the samples
inside that interval only, of the CPUs where ipcbench ran. Intervals of the same row (the repetitions of
one mechanism, what and size) are added up.

For every row it prints the sampled time per message, busy and idle, and
the symbols that cost the most per message: "self" where the sample was
taken, "incl" with everything called from there (any frame of the
sample's call chain). A profile is cpu-clock samples: their periods add up
to time, so a symbol's ns/msg is the sum of the periods of its samples
over the row's messages; its error is about its value over the square
root of its sample count, which the table prints. With --compare A B (rows named MECH:WHAT:N) it
prints the symbols whose time per message differs most between two rows;
with --callees SYMBOL, what SYMBOL's inclusive time was spent in, one
level down.
"""
import argparse
import collections
import json
import os
import sys

IDLE_COMMS = ('swapper',)


class Row:
    def __init__(self, key):
        self.key = key
        self.msgs = 0
        self.wall_ns = 0
        self.samples = 0
        self.busy_ns = 0
        self.idle_ns = 0
        self.self_ns = collections.Counter()
        self.self_n = collections.Counter()
        self.incl_ns = collections.Counter()
        self.stacks = []	# (period, [symbols, innermost first])

    def name(self):
        return '%s:%s:%s' % self.key

    def per_msg(self, ns):
        return ns / self.msgs if self.msgs else float('nan')


def samples(path):
    """Yield (comm, pid, cpu, period_ns, [symbols, innermost first])."""
    head, stack = None, []
    with open(path, errors='replace') as f:
        for line in f:
            if not line.strip():
                if head:
                    yield head + (stack,)
                head, stack = None, []
            elif line[0] in ' \t':
                parts = line.split(None, 1)
                sym = parts[1].strip() if len(parts) > 1 else '[unknown]'
                stack.append(sym)
            else:
                # "comm pid [cpu] period" (comm may contain spaces)
                f_ = line.split()
                try:
                    cpu_at = max(i for i, w in enumerate(f_) if w.startswith('['))
                    head = (' '.join(f_[:cpu_at - 1]), int(f_[cpu_at - 1]),
                            int(f_[cpu_at].strip('[]')),
                            int(f_[cpu_at + 1].rstrip(':')))
                except (ValueError, IndexError):
                    head = None
                stack = []
    if head:
        yield head + (stack,)


def load(d):
    rows = collections.OrderedDict()
    with open(os.path.join(d, 'windows')) as f:
        lines = [ln.split() for ln in f if ln.strip()]
    for k, w in enumerate(lines, 1):
        if len(w) != 6:
            sys.exit('bench-profile: %s/windows line %d: expected 6 fields' % (d, k))
        key = (w[0], w[1], w[2])
        r = rows.setdefault(key, Row(key))
        t0, t1 = float(w[3]), float(w[4])
        r.msgs += int(w[5])
        r.wall_ns += int((t1 - t0) * 1e9)
        path = os.path.join(d, 'win-%d.script' % k)
        if not os.path.exists(path):
            sys.exit('bench-profile: %s missing' % path)
        win = list(samples(path))
        # Only the CPUs the benchmark ran on: the others' idle (or
        # unrelated) time is not what a message costs.
        cpus = {s[2] for s in win if s[0] == 'ipcbench'}
        for comm, pid, cpu, period, stack in win:
            if cpu not in cpus:
                continue
            r.samples += 1
            if pid == 0 or comm in IDLE_COMMS:
                r.idle_ns += period
                continue
            r.busy_ns += period
            syms = [s for s in stack if s != '[unknown]'] or ['[unknown]']
            r.stacks.append((period, syms))
            r.self_ns[syms[0]] += period
            r.self_n[syms[0]] += 1
            for s in set(syms):
                r.incl_ns[s] += period
    return rows


def find(rows, name):
    for r in rows.values():
        if r.name() == name:
            return r
    sys.exit('bench-profile: no row %s (rows: %s)' %
             (name, ', '.join(r.name() for r in rows.values())))


def print_row(r, top):
    print('== %s: %d messages, %.0f ns/msg wall; sampled %.0f ns/msg busy, '
          '%.0f idle (%d samples) ==' %
          (r.name(), r.msgs, r.per_msg(r.wall_ns), r.per_msg(r.busy_ns),
           r.per_msg(r.idle_ns), r.samples))
    print('%10s %10s %8s  %s' % ('self ns', 'incl ns', 'samples', 'symbol (per message)'))
    for s, ns in r.self_ns.most_common(top):
        print('%10.0f %10.0f %8d  %s' % (r.per_msg(ns), r.per_msg(r.incl_ns[s]),
                                        r.self_n[s], s))
    print()


def print_compare(a, b, top):
    print('== %s against %s: ns per message ==' % (b.name(), a.name()))
    print('%10s %10s %10s  %s' % ('self A', 'self B', 'B - A', 'symbol (self)'))
    syms = set(a.self_ns) | set(b.self_ns)
    diff = sorted(syms, key=lambda s: -abs(b.per_msg(b.self_ns[s]) -
                                             a.per_msg(a.self_ns[s])))
    for s in diff[:top]:
        x, y = a.per_msg(a.self_ns[s]), b.per_msg(b.self_ns[s])
        print('%10.0f %10.0f %+10.0f  %s' % (x, y, y - x, s))
    print('%10.0f %10.0f %+10.0f  (all busy time)' %
          (a.per_msg(a.busy_ns), b.per_msg(b.busy_ns),
           b.per_msg(b.busy_ns) - a.per_msg(a.busy_ns)))
    print()
    print('%10s %10s %10s  %s' % ('incl A', 'incl B', 'B - A', 'symbol (inclusive)'))
    syms = set(a.incl_ns) | set(b.incl_ns)
    diff = sorted(syms, key=lambda s: -abs(b.per_msg(b.incl_ns[s]) -
                                             a.per_msg(a.incl_ns[s])))
    for s in diff[:top]:
        x, y = a.per_msg(a.incl_ns[s]), b.per_msg(b.incl_ns[s])
        print('%10.0f %10.0f %+10.0f  %s' % (x, y, y - x, s))
    print()


def print_callees(r, sym, top):
    """@sym's inclusive time in @r, split by the function it was in next."""
    split = collections.Counter()
    for period, syms in r.stacks:
        if sym not in syms:
            continue
        i = len(syms) - 1 - syms[::-1].index(sym)	# outermost frame of @sym
        split[syms[i - 1] if i > 0 else '(self)'] += period
    total = sum(split.values())
    print('== %s: %s, %.0f ns/msg inclusive, by callee ==' % (r.name(), sym, r.per_msg(total)))
    for callee, ns in split.most_common(top):
        print('%10.0f  %s' % (r.per_msg(ns), callee))
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dir')
    ap.add_argument('--top', type=int, default=25)
    ap.add_argument('--compare', nargs=2, action='append', metavar=('A', 'B'),
                    default=[], help='rows MECH:WHAT:N, e.g. mbox-rw:epoll:1')
    ap.add_argument('--callees', action='append', metavar='SYMBOL', default=[],
                    help="split SYMBOL's inclusive time by its direct callees, per row")
    ap.add_argument('--json', metavar='FILE')
    o = ap.parse_args()
    if o.top < 1:
        ap.error('--top must be at least 1')
    rows = load(o.dir)
    if not rows:
        sys.exit('bench-profile: %s/windows is empty: no measured interval' % o.dir)
    for r in rows.values():
        print_row(r, o.top)
    for a, b in o.compare:
        print_compare(find(rows, a), find(rows, b), o.top)
    missing = []
    for sym in o.callees:
        found = [r for r in rows.values() if r.incl_ns[sym]]
        for r in found:
            print_callees(r, sym, o.top)
        if not found:
            missing.append(sym)
    if o.json:
        out = [{'row': r.name(), 'messages': r.msgs, 'samples': r.samples,
                'wall_ns_per_msg': r.per_msg(r.wall_ns),
                'busy_ns_per_msg': r.per_msg(r.busy_ns),
                'idle_ns_per_msg': r.per_msg(r.idle_ns),
                'self_ns_per_msg': {s: r.per_msg(n) for s, n in r.self_ns.items()},
                'incl_ns_per_msg': {s: r.per_msg(n) for s, n in r.incl_ns.items()}}
               for r in rows.values()]
        with open(o.json, 'w') as f:
            json.dump(out, f, indent=1, sort_keys=True)
            f.write('\n')
    if missing:
        sys.exit('bench-profile: no sample in any row has %s' % ', '.join(missing))


if __name__ == '__main__':
    main()
