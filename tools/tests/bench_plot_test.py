#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench_plot_test.py: scripts/bench.sh draws its error bars (TAP).

Runs the host's ipcbench (pipe, unix-dgram, and null for streaming; 64 B,
4 KiB and 1 MiB, 3 short repetitions) into a results directory,
renders it with `bench.sh --render`, and reads the SVGs back:

  the CSV        has the min and max columns, min <= median <= max;
                 p999_us is empty below 1000 round trips per repetition
  latency.svg    per mechanism a series titled with its name whose every
                 point (one per size) sits on a vertical bar, non-empty
                 where that size's min < max, from min to max; the next
                 series holds one p99 point, at the CSV's p99, per size
                 with at least 100 round trips per repetition (1 MiB
                 usually has fewer: no point there); a key entry names
                 the p99 series
  throughput.svg the same bars on every streaming series
  the PNGs       written
  an older CSV   (without the min and max columns) is refused by name

Needs python3, gnuplot (its absence is a failure) and $IPCBENCH (make
host-test sets it). The series
order it reads is bench.sh's: each ping-pong series is followed by its
p99 series.
"""
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ipcbench = os.environ.get('IPCBENCH', os.path.join(top, 'build/host/bin/ipcbench'))
bench_sh = os.path.join(top, 'scripts/bench.sh')
SVG = '{http://www.w3.org/2000/svg}'
XLINK_TRANSLATE = re.compile(r'translate\(([-\d.]+),([-\d.]+)\)')
PATH_STEP = re.compile(r'([ML])\s*([-\d.]+),([-\d.]+)')
EPS = 0.05              # pixels

n = 0
failed = False


def ok(cond, what, why=''):
    global n, failed
    n += 1
    if cond:
        print(f'ok {n} {what}')
    else:
        print(f'not ok {n} {what}')
        for line in why.splitlines():
            print(f'#   {line}')
        failed = True
    return cond


def rows(path, mode):
    """The ok rows of @mode, per mechanism, in size order."""
    per = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            if r['mode'] == mode and r['status'] == 'ok':
                per.setdefault(r['mechanism'], []).append(r)
    for m in per:
        per[m].sort(key=lambda r: int(r['size_eff']))
    return per


def series(svg_path):
    """[(title, points, vertical segments)] of the plot's series, in order."""
    out = []
    for g in ET.parse(svg_path).getroot().iter(SVG + 'g'):
        if not g.get('id', '').startswith('gnuplot_plot_'):
            continue
        title = g.find(SVG + 'title')
        pts = []
        for u in g.iter(SVG + 'use'):
            t = XLINK_TRANSLATE.search(u.get('transform', ''))
            if t:
                pts.append((float(t.group(1)), float(t.group(2))))
        vert = []
        for p in g.iter(SVG + 'path'):
            prev = None
            for op, x, y in PATH_STEP.findall(p.get('d', '')):
                x, y = float(x), float(y)
                if op == 'L' and prev and abs(prev[0] - x) < EPS:
                    vert.append((x, min(prev[1], y), max(prev[1], y)))
                prev = (x, y)
        out.append((title.text if title is not None else '', sorted(pts), vert))
    return out


def data_points(pts, count):
    """The @count data points: the key's sample sits right of the plot."""
    return pts[:count]


def bar_at(vert, x, y):
    """The vertical bar through (@x, @y), or None."""
    for vx, lo, hi in vert:
        if abs(vx - x) < EPS and lo - EPS <= y <= hi + EPS:
            return (lo, hi)
    return None


def log_axis(marks):
    """y(v) of the log y axis, from the two (y, value) @marks furthest apart."""
    a = min(marks, key=lambda m: m[1])
    b = max(marks, key=lambda m: m[1])
    if b[1] < 1.5 * a[1]:
        return None
    k = (a[0] - b[0]) / math.log(b[1] / a[1])
    return lambda v: a[0] - k * math.log(v / a[1])


def near(y, want):
    return abs(y - want) <= 1.0 + 0.01 * abs(want)


def check_bars(svg_path, per, col, what, p99=False):
    """Every mechanism's series has a min..max bar through each point;
    with @p99, the next series holds its p99 points."""
    ser = series(svg_path)
    titles = [s[0] for s in ser]
    for mech, rs in per.items():
        if not ok(mech in titles, f'{what}: series {mech}', f'series: {titles}'):
            continue
        i = titles.index(mech)
        pts = data_points(ser[i][1], len(rs))
        v = [[float(r[c]) for c in cols(col)] for r in rs]
        marks = [(p[1], x[0]) for p, x in zip(pts, v)]
        if p99:
            # The p99 points of the sizes with enough round trips.
            tail = [(p, r) for p, r in zip(pts, rs) if float(r['n_per_rep']) >= 100]
            p99s = ser[i + 1][1] if i + 1 < len(ser) else []
            marks += [(p[1], float(r['p99_us'])) for p, (_, r) in zip(p99s, tail)]
        y_of = log_axis(marks)
        bad = []
        for (x, y), r, (med, lo, hi) in zip(pts, rs, v):
            bar = bar_at(ser[i][2], x, y)
            if bar is None or (y_of and not (near(bar[0], y_of(hi)) and near(bar[1], y_of(lo)))):
                bad.append(f"size {r['size_eff']}: min {lo} median {med} max {hi}: "
                           f"bar {bar}, expected " +
                           (f'({y_of(hi):.2f}, {y_of(lo):.2f})' if y_of else 'one'))
        ok(len(pts) == len(rs) and not bad,
           f'{what}: {mech} has a min..max bar at each of {len(rs)} sizes',
           f'{len(pts)} points for {len(rs)} sizes\n' + '\n'.join(bad))
        if not p99:
            continue
        bad = [f"size {r['size_eff']}: p50 at {a} p99 {r['p99_us']} at {b}"
               for (a, r), b in zip(tail, p99s)
               if abs(a[0] - b[0]) > EPS or not y_of or not near(b[1], y_of(float(r['p99_us'])))]
        ok(i + 1 < len(ser) and ser[i + 1][0] not in per and len(p99s) == len(tail) and
           not bad,
           f'{what}: {mech} has a p99 point at each of the {len(tail)} sizes '
           f'with n >= 100 of {len(rs)}',
           f'next series {ser[i + 1][0] if i + 1 < len(ser) else None!r}: '
           f'{len(p99s)} points for {len(tail)} sizes\n' + '\n'.join(bad))
    if p99:
        ok(any('p99' in t for t in titles), f'{what}: the key names the p99 series',
           f'series: {titles}')


def cols(col):
    """The median, min and max column names of @col."""
    base, unit = (col[:-3], '_us') if col.endswith('_us') else (col, '')
    return (col, f'{base}_min{unit}', f'{base}_max{unit}')


def render(d):
    return subprocess.run([bench_sh, '--render', d], capture_output=True, text=True)


def checks(tmp):
    if not ok(shutil.which('gnuplot'), 'gnuplot installed (scripts/deps.sh installs it)'):
        return
    csv_path = os.path.join(tmp, 'sweep.csv')
    with open(os.path.join(tmp, 'sweep.txt'), 'w') as out:
        r = subprocess.run([ipcbench, '--quiet', '-m', 'pipe,unix-dgram,null',
                            '-s', '64,4K,1M', '-r', '3', '-t', '0.02', '-w', '0.01',
                            '-p', 'same', '--csv', csv_path],
                           stdout=out, stderr=subprocess.PIPE, text=True)
    if not ok(r.returncode == 0, 'ipcbench wrote sweep.csv', r.stderr):
        return
    pp, st = rows(csv_path, 'pingpong'), rows(csv_path, 'stream')
    ok(sorted(pp) == ['pipe', 'unix-dgram'] and sorted(st) == ['null', 'pipe', 'unix-dgram'],
       'the run has its ping-pong and streaming rows', f'{sorted(pp)} {sorted(st)}')
    bad = [f"{r['mechanism']} {r['size_eff']} {c}: {[r[x] for x in cols(c)]}"
           for rs, c in ((pp, 'p50_us'), (st, 'mb_per_s'), (st, 'msgs_per_s'))
           for v in rs.values() for r in v
           if not float(r[cols(c)[1]]) <= float(r[c]) <= float(r[cols(c)[2]])]
    ok(not bad, 'CSV: min <= median <= max over the repetitions', '\n'.join(bad))
    bad = [f"{r['mechanism']} {r['size_eff']}: n_per_rep {r['n_per_rep']}, p999_us '{r['p999_us']}'"
           for v in pp.values() for r in v
           if (float(r['n_per_rep']) >= 1000) != (r['p999_us'] != '')]
    ok(not bad, 'CSV: p999_us only from 1000 round trips per repetition up', '\n'.join(bad))

    r = render(tmp)
    if not ok(r.returncode == 0, 'bench.sh --render', r.stderr):
        return
    check_bars(os.path.join(tmp, 'latency.svg'), pp, 'p50_us', 'latency', p99=True)
    check_bars(os.path.join(tmp, 'throughput.svg'), st, 'mb_per_s', 'throughput')
    for name in ('latency.png', 'throughput.png'):
        with open(os.path.join(tmp, name), 'rb') as f:
            ok(f.read(8) == b'\x89PNG\r\n\x1a\n', f'{name} written')

    # A CSV from before the min and max columns: refused by name.
    with open(csv_path) as f:
        lines = [','.join(line.rstrip('\n').split(',')[:25]) for line in f]
    with open(csv_path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    r = render(tmp)
    ok(r.returncode != 0 and 'no p50_min_us column' in r.stderr,
       'an older CSV is refused, naming the missing column', f'exit {r.returncode}: {r.stderr}')


def main():
    tmp = tempfile.mkdtemp()
    try:
        checks(tmp)
    finally:
        shutil.rmtree(tmp)
        print(f'1..{n}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
