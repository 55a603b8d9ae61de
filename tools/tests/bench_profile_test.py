#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench_profile_test.py: ipcbench's measured intervals and their profile (TAP).

IPCBENCH_WINDOWS (ipcbench(1)) on the host's ipcbench, pipe only:

  ping-pong, stream  one line per repetition, six fields, the row's name,
                     size and message count; start < end; the intervals of
                     one run do not overlap and fall inside the run; a
                     ping-pong interval's messages equal the CSV's
                     n_per_rep (one repetition), a stream's are at least
                     as many as the rate times the interval's length
                     allows within a factor of two
  --epoll            one line per N, named "epoll" with the channel count
  unset or empty     no file written
  unwritable         ipcbench says so on stderr and still succeeds

scripts/bench-profile.py, on a made-up results directory whose samples
are known, as one timed samples file and as one file per interval:
per-message self and inclusive times, idle split out, samples outside
every interval ignored, CPUs where ipcbench never ran ignored,
repetitions of a row added up, --compare's differences, --callees's
split, and a malformed windows file refused.

Needs python3 and $IPCBENCH (make host-test sets it).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ipcbench = os.path.abspath(os.environ.get('IPCBENCH', os.path.join(top, 'build/host/bin/ipcbench')))
profile_py = os.path.join(top, 'scripts/bench-profile.py')

n = 0
failed = False


def ok(cond, what, why=''):
    global n, failed
    n += 1
    print(('ok %d %s' if cond else 'not ok %d %s') % (n, what))
    if not cond:
        for line in str(why).splitlines():
            print('#   ' + line)
        failed = True
    return cond


def bench(args, windows, **kw):
    env = dict(os.environ)
    env.pop('IPCBENCH_WINDOWS', None)
    if windows is not None:
        env['IPCBENCH_WINDOWS'] = windows
    return subprocess.run([ipcbench] + args, env=env, capture_output=True,
                          text=True, timeout=120, **kw)


def read_windows(path):
    with open(path) as f:
        return [ln.split() for ln in f if ln.strip()]


def test_intervals(tmp):
    win = os.path.join(tmp, 'windows')
    csv_path = os.path.join(tmp, 'out.csv')
    mono0 = time.clock_gettime(time.CLOCK_MONOTONIC)
    r = bench(['-m', 'pipe', '-M', 'pingpong,stream', '-s', '64', '-r', '2',
               '-t', '0.1', '-w', '0.02', '--quiet', '--csv', csv_path], win)
    mono1 = time.clock_gettime(time.CLOCK_MONOTONIC)
    ok(r.returncode == 0, 'ipcbench with IPCBENCH_WINDOWS succeeds', r.stderr)
    lines = read_windows(win) if os.path.exists(win) else []
    ok(all(len(w) == 6 for w in lines) and len(lines) == 4,
       'one line of six fields per repetition (2 modes x 2 reps)', lines)
    got = sorted((w[0], w[1], w[2]) for w in lines)
    ok(got == [('pipe', 'pingpong', '64')] * 2 + [('pipe', 'stream', '64')] * 2,
       'lines name the mechanism, what and size', got)
    spans = sorted((float(w[3]), float(w[4])) for w in lines if len(w) == 6)
    ok(all(a < b for a, b in spans), 'every interval has start < end', spans)
    ok(all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1)),
       'intervals do not overlap', spans)
    ok(bool(spans) and mono0 <= spans[0][0] and spans[-1][1] <= mono1,
       'intervals are CLOCK_MONOTONIC times inside the run',
       '%s not in [%f, %f]' % (spans, mono0, mono1))
    ok(all(abs(b - a - 0.1) < 0.08 for a, b in spans),
       'each interval lasts about the measured time (-t 0.1)', spans)

    # One repetition: the CSV's n_per_rep is that repetition's count.
    os.unlink(win)
    r = bench(['-m', 'pipe', '-M', 'pingpong,stream', '-s', '64', '-r', '1',
               '-t', '0.1', '-w', '0.02', '--quiet', '--csv', csv_path], win)
    lines = {w[1]: w for w in read_windows(win)}
    with open(csv_path) as f:
        rows = {row['mode']: row for row in csv.DictReader(f)}
    pp, st = lines.get('pingpong'), lines.get('stream')
    ok(pp is not None and int(pp[5]) == float(rows['pingpong']['n_per_rep']),
       'ping-pong: messages equal the CSV n_per_rep', (pp, rows.get('pingpong')))
    if st is not None:
        rate = float(rows['stream']['msgs_per_s'])
        expect = rate * (float(st[4]) - float(st[3]))
        ok(expect / 2 <= int(st[5]) <= expect * 2,
           'stream: messages agree with rate x interval', (st, rate))
    else:
        ok(False, 'stream: messages agree with rate x interval', lines)

    os.unlink(win)
    r = bench(['--epoll', '-m', 'pipe', '-n', '1,3', '-r', '1', '-t', '0.1',
               '-w', '0.02', '--quiet'], win)
    lines = read_windows(win) if os.path.exists(win) else []
    got = [(w[0], w[1], w[2]) for w in lines]
    ok(r.returncode == 0 and got == [('pipe', 'epoll', '1'), ('pipe', 'epoll', '3')],
       '--epoll: one line per N, named epoll', (r.returncode, got, r.stderr))
    ok(all(int(w[5]) > 0 for w in lines), '--epoll: message counts are positive', lines)

    os.unlink(win)
    for val, what in ((None, 'unset'), ('', 'empty')):
        before = sorted(os.listdir(tmp))
        r = bench(['-m', 'pipe', '-M', 'stream', '-s', '64', '-r', '1', '-t',
                   '0.05', '-w', '0.01', '--quiet'], val, cwd=tmp)
        ok(r.returncode == 0 and sorted(os.listdir(tmp)) == before,
           'IPCBENCH_WINDOWS %s: nothing written' % what, (r.returncode, r.stderr))

    bad = os.path.join(tmp, 'no/such/dir/windows')
    r = bench(['-m', 'pipe', '-M', 'stream', '-s', '64', '-r', '1', '-t', '0.05',
               '-w', '0.01', '--quiet'], bad)
    ok(r.returncode == 0 and 'IPCBENCH_WINDOWS: ' + bad in r.stderr,
       'an unwritable IPCBENCH_WINDOWS is reported, the run still succeeds',
       (r.returncode, r.stderr))


def sample(comm, pid, cpu, period, *stack, t=None):
    return '%s %d [%03d] %s%d \n%s\n\n' % (
        comm, pid, cpu, '' if t is None else '%.9f: ' % t, period,
        ''.join('\t    ffffffff%08x %s\n' % (i, s) for i, s in enumerate(stack)))


def write_samples(d, timed):
    """The made-up samples, per interval files or one timed file."""
    w1 = [('ipcbench', 7, 0, 4000, 'copy', 'recv', 'syscall'),
          ('ipcbench', 7, 0, 4000, 'recv', 'syscall'),
          ('swapper', 0, 0, 2000, 'halt', 'idle'),
          # CPU 1 never ran ipcbench: left out, busy or not.
          ('kworker/1:1', 40, 1, 8000, 'work'),
          ('swapper', 0, 1, 8000, 'halt')]
    w2 = [('ipcbench', 8, 0, 4000, 'copy', 'recv', 'syscall'),
          ('kworker/0:2', 41, 0, 4000, 'work')]
    w3 = [('ipcbench', 9, 0, 6000, 'copy', 'recv', 'syscall'),
          ('ipcbench', 9, 0, 2000, 'lookup', 'recv', 'syscall')]
    if not timed:
        for k, w in enumerate((w1, w2, w3), 1):
            with open(os.path.join(d, 'win-%d.script' % k), 'w') as f:
                f.write(''.join(sample(*x) for x in w))
        return
    with open(os.path.join(d, 'samples.script'), 'w') as f:
        # Setup, before any interval, and a gap between two: left out.
        f.write(sample('ipcbench', 7, 0, 90000, 'setup', t=0.5))
        for start, w in ((1.0, w1), (3.0, w2), (5.0, w3)):
            for i, x in enumerate(w):
                f.write(sample(*x, t=start + 0.1 * (i + 1)))
        f.write(sample('ipcbench', 7, 0, 90000, 'between', t=2.5))


def profile(d, *args):
    return subprocess.run([sys.executable, profile_py, d] + list(args),
                          capture_output=True, text=True, timeout=60)


def test_profile(tmp, timed):
    d = os.path.join(tmp, 'prof-timed' if timed else 'prof')
    os.mkdir(d)
    # Row A: two repetitions of 10 + 30 messages; row B: one of 20.
    with open(os.path.join(d, 'windows'), 'w') as f:
        f.write('mb stream 64 1.0 2.0 10\nmb stream 64 3.0 4.0 30\n'
                'mb epoll 1000 5.0 6.0 20\n')
    write_samples(d, timed)
    js = os.path.join(tmp, 'p.json')
    r = profile(d, '--json', js, '--compare', 'mb:stream:64', 'mb:epoll:1000')
    how = 'one timed file' if timed else 'a file per interval'
    ok(r.returncode == 0, 'bench-profile.py runs on ' + how, r.stderr)
    with open(js) as f:
        rows = {x['row']: x for x in json.load(f)}
    a, b = rows.get('mb:stream:64'), rows.get('mb:epoll:1000')
    ok(a is not None and b is not None, 'one row per mechanism:what:N', list(rows))
    if a is None or b is None:
        return
    # A: 40 messages; busy 4000+4000+4000+4000 (kworker on CPU 0 counts), idle 2000.
    ok(a['messages'] == 40 and a['samples'] == 5,
       'repetitions add up; other CPUs are left out', a)
    ok(a['busy_ns_per_msg'] == 400 and a['idle_ns_per_msg'] == 50,
       'busy and idle time per message', a)
    ok(a['self_ns_per_msg'] == {'copy': 200, 'recv': 100, 'work': 100},
       'self time per message, by innermost symbol', a['self_ns_per_msg'])
    ok(a['incl_ns_per_msg']['recv'] == 300 and a['incl_ns_per_msg']['syscall'] == 300,
       'inclusive time credits every frame once', a['incl_ns_per_msg'])
    ok(b['self_ns_per_msg'] == {'copy': 300, 'lookup': 100},
       'second row on its own', b['self_ns_per_msg'])
    ok('+100  copy' in r.stdout and '+100  lookup' in r.stdout and
       '+0  (all busy time)' in r.stdout,
       '--compare prints the differences per symbol', r.stdout)
    r = profile(d, '--callees', 'recv')
    part = r.stdout[r.stdout.find('mb:stream:64: recv'):]
    ok(r.returncode == 0 and '300 ns/msg inclusive' in part.split('\n')[0] and
       '200  copy' in part and '100  (self)' in part,
       '--callees splits a symbol by what it called', r.stdout)
    r = profile(d, '--callees', 'nosuch')
    ok(r.returncode != 0 and 'no sample in any row has nosuch' in r.stderr,
       '--callees of a symbol no sample has fails by name', r.stderr)
    r = profile(d, '--compare', 'mb:stream:64', 'nosuch:row:1')
    ok(r.returncode != 0 and 'no row nosuch:row:1' in r.stderr,
       '--compare with an unknown row fails by name', r.stderr)
    with open(os.path.join(d, 'windows'), 'a') as f:
        f.write('truncated line\n')
    r = profile(d)
    ok(r.returncode != 0 and 'line 4: expected 6 fields' in r.stderr,
       'a malformed windows line is refused with its number', r.stderr)


def main():
    print('TAP version 13')
    with tempfile.TemporaryDirectory() as tmp:
        test_intervals(tmp)
    for timed in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            test_profile(tmp, timed)
    print('1..%d' % n)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
