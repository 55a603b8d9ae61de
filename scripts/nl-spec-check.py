#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nl-spec-check.py [SPEC [UAPI_DIR]]: the uapi header follows the YNL spec.

Renders every name and value the kernel's ynl-gen-c would put in a uapi
header for Documentation/netlink/specs/ipcchan.yaml (enums, attribute
sets, commands, family and group names) as C static assertions, and
compiles them against uapi/linux/ipcchan.h. A name missing from the
header, a value that differs or a wrong __*_MAX fails. Prints TAP; run by
`make host-test`.
"""
import os
import subprocess
import sys
import tempfile

import yaml

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec_path = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(top, 'Documentation/netlink/specs/ipcchan.yaml')
uapi = sys.argv[2] if len(sys.argv) > 2 else os.path.join(top, 'uapi')


def c_name(s):
    return s.upper().replace('-', '_')


spec = yaml.safe_load(open(spec_path))
fam = spec['name']
checks = []  # (what, C expression)


def eq(name, value):
    checks.append((f'{name} == {value}', f'({name}) == ({value})'))


for d in spec.get('definitions', []):
    if d['type'] not in ('enum', 'flags'):
        continue
    prefix = d.get('name-prefix', f"{fam}-{d['name']}-")
    v = d.get('value-start', 0)
    for e in d['entries']:
        e = e if isinstance(e, dict) else {'name': e}
        v = e.get('value', v)
        eq(c_name(prefix + e['name']), (1 << v) if d['type'] == 'flags' else v)
        v += 1

for aset in spec['attribute-sets']:
    prefix = aset.get('name-prefix', f"{fam}-a-{aset['name']}-")
    v = 1
    for a in aset['attributes']:
        v = a.get('value', v)
        eq(c_name(prefix + a['name']), v)
        v += 1
    base = c_name(prefix.rstrip('-'))
    eq(f'__{base}_MAX', v)
    eq(f'{base}_MAX', v - 1)

v = 1
for op in spec['operations']['list']:
    v = op.get('value', v)
    eq(c_name(f"{fam}-cmd-{op['name']}"), v)
    v += 1
eq(f'__{c_name(fam)}_CMD_MAX', v)

strs = [(f'{c_name(fam)}_FAMILY_NAME', fam)]
for g in spec['mcast-groups']['list']:
    strs.append((c_name(f"{fam}-mcgrp-{g['name']}"), g['name']))
eq(f'{c_name(fam)}_FAMILY_VERSION', spec.get('version', 1))

src = ['#include <linux/ipcchan.h>', '#include <string.h>']
for i, (_, expr) in enumerate(checks):
    src.append(f'_Static_assert({expr}, "check {i}");')
src.append('int main(void) { int bad = 0;')
for name, val in strs:
    src.append(f'bad |= strcmp({name}, "{val}") != 0;')
src.append('return bad; }')

n = 0
fails = 0
with tempfile.TemporaryDirectory() as tmp:
    c = os.path.join(tmp, 'check.c')
    exe = os.path.join(tmp, 'check')
    open(c, 'w').write('\n'.join(src) + '\n')
    r = subprocess.run(['gcc', '-std=gnu11', '-I', uapi, '-o', exe, c],
                       capture_output=True, text=True)
    n += 1
    if r.returncode:
        fails += 1
        print(f'not ok {n} - {len(checks)} names and values of the spec in the header')
        for line in r.stderr.splitlines():
            if 'error' in line:
                idx = line.split('"check ')[-1].split('"')[0]
                what = checks[int(idx)][0] if idx.isdigit() else line
                print(f'# {what}: {line.strip()}' if idx.isdigit() else f'# {line}')
    else:
        print(f'ok {n} - {len(checks)} names and values of the spec in the header')
    n += 1
    if r.returncode or subprocess.run([exe]).returncode:
        fails += 1
        print(f'not ok {n} - family and group names')
    else:
        print(f'ok {n} - family and group names')
print(f'1..{n}')
sys.exit(1 if fails else 0)
