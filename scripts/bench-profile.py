#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a bench-profile.sh results directory into time per message.

The directory holds `windows` (one line per interval that ipcbench
measured: mechanism, what, size or N, CLOCK_MONOTONIC start and end,
messages; IPCBENCH_WINDOWS in ipcbench(1)) and `samples.script`, the
output of `perf script --ns -F comm,pid,cpu,time,period,ip,sym` of a
`perf record -k mono` run, whose sample times are on the same clock.
(Alternatively, `win-K.script` for the K-th line: the same without the
time field, cut to that interval with `perf script --time`.) Samples
outside every interval (setup, warm-up, teardown) are left out, and so
are CPUs where ipcbench did not run during an interval. Intervals of the
same row (the repetitions of one mechanism, what and size) are added up.

For every row it prints the sampled time per message, busy and idle, and
the symbols that cost the most per message: "self" where the sample was
taken, "incl" with everything called from there (any frame of the
sample's call chain). A profile is cpu-clock samples: their periods add up
to time, so a symbol's ns/msg is the sum of the periods of its samples
over the row's messages; its error is about its value over the square
root of its sample count, which the table prints. With --compare A B
(rows named MECH:WHAT:N) it prints the symbols whose time per message
differs most between two rows; with --callees SYMBOL, what SYMBOL's
inclusive time was spent in, one level down.
"""
import argparse
import bisect
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
    """Yield (comm, pid, cpu, time or None, period_ns, [symbols, innermost first])."""
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
                # "comm pid [cpu] [time:] period" (comm may contain spaces)
                w = line.split()
                try:
                    at = max(i for i, x in enumerate(w) if x.startswith('['))
                    t = None
                    rest = w[at + 1:]
                    if rest[0].endswith(':'):
                        t = float(rest[0].rstrip(':'))
                        rest = rest[1:]
                    head = (' '.join(w[:at - 1]), int(w[at - 1]),
                            int(w[at].strip('[]')), t, int(rest[0]))
                except (ValueError, IndexError):
                    head = None
                stack = []
    if head:
        yield head + (stack,)


def by_window(d, spans):
    """Yield (window index, its samples) for every interval of @spans."""
    path = os.path.join(d, 'samples.script')
    if os.path.exists(path):
        win = [[] for _ in spans]
        starts = [a for a, _ in spans]
        for smp in samples(path):
            t = smp[3]
            if t is None:
                sys.exit('bench-profile: %s has no sample times (perf script -F time)' % path)
            k = bisect.bisect_right(starts, t) - 1
            if k >= 0 and t <= spans[k][1]:
                win[k].append(smp)
        yield from enumerate(win)
        return
    for k in range(len(spans)):
        p = os.path.join(d, 'win-%d.script' % (k + 1))
        if not os.path.exists(p):
            sys.exit('bench-profile: neither %s nor %s' % (path, p))
        yield k, list(samples(p))


def load(d):
    rows = collections.OrderedDict()
    with open(os.path.join(d, 'windows')) as f:
        lines = [ln.split() for ln in f if ln.strip()]
    spans, keys = [], []
    for k, w in enumerate(lines, 1):
        if len(w) != 6:
            sys.exit('bench-profile: %s/windows line %d: expected 6 fields' % (d, k))
        try:
            t0, t1, msgs = float(w[3]), float(w[4]), int(w[5])
        except ValueError:
            sys.exit('bench-profile: %s/windows line %d: not a number' % (d, k))
        if spans and t0 < spans[-1][1] or t1 < t0:
            sys.exit('bench-profile: %s/windows line %d: intervals out of order' % (d, k))
        key = (w[0], w[1], w[2])
        r = rows.setdefault(key, Row(key))
        r.msgs += msgs
        r.wall_ns += int((t1 - t0) * 1e9)
        spans.append((t0, t1))
        keys.append(key)
    for k, win in by_window(d, spans):
        r = rows[keys[k]]
        # Only the CPUs the benchmark ran on: the others' idle (or
        # unrelated) time is not what a message costs.
        cpus = {smp[2] for smp in win if smp[0] == 'ipcbench'}
        for comm, pid, cpu, _, period, stack in win:
            if cpu not in cpus:
                continue
            r.samples += 1
            if pid == 0 or comm in IDLE_COMMS:
                r.idle_ns += period
                continue
            r.busy_ns += period
            syms = [x for x in stack if x != '[unknown]'] or ['[unknown]']
            r.stacks.append((period, syms))
            r.self_ns[syms[0]] += period
            r.self_n[syms[0]] += 1
            for x in set(syms):
                r.incl_ns[x] += period
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


def print_diff(a, b, attr, what, top):
    """The symbols whose @attr time per message differs most, B - A."""
    x_ns, y_ns = getattr(a, attr), getattr(b, attr)
    print('%10s %10s %10s  %s' % (what + ' A', what + ' B', 'B - A', 'symbol (%s)' % what))
    diff = sorted(set(x_ns) | set(y_ns),
                  key=lambda s: -abs(b.per_msg(y_ns[s]) - a.per_msg(x_ns[s])))
    for s in diff[:top]:
        x, y = a.per_msg(x_ns[s]), b.per_msg(y_ns[s])
        print('%10.0f %10.0f %+10.0f  %s' % (x, y, y - x, s))


def print_compare(a, b, top):
    print('== %s against %s: ns per message ==' % (b.name(), a.name()))
    print_diff(a, b, 'self_ns', 'self', top)
    print('%10.0f %10.0f %+10.0f  (all busy time)' %
          (a.per_msg(a.busy_ns), b.per_msg(b.busy_ns),
           b.per_msg(b.busy_ns) - a.per_msg(a.busy_ns)))
    print()
    print_diff(a, b, 'incl_ns', 'incl', top)
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
