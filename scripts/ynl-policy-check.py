#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl-policy-check.py YNL_DIR SPEC: compare the attribute policies the
# loaded module registered (nlctrl GETPOLICY, read with the kernel's own
# YNL library and nlctrl spec) with what SPEC says each operation accepts:
# the same attributes, the same types, the same range checks. Needs the
# module loaded; prints one line per mismatch and exits non-zero on any.
import os
import sys

ynl_dir, spec_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, ynl_dir)
from lib import YnlFamily  # noqa: E402

ksrc = os.path.abspath(os.path.join(ynl_dir, '..', '..', '..'))
nlctrl = YnlFamily(os.path.join(ksrc, 'Documentation/netlink/specs/nlctrl.yaml'))
fam = YnlFamily(spec_path, os.path.join(ksrc, 'Documentation/netlink/genetlink.yaml'))

TYPES = {'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64',
         's32': 's32', 's64': 's64', 'flag': 'flag', 'nest': 'nested',
         'string': 'nul-string', 'binary': 'binary'}

errors = []
replies = nlctrl.dump('getpolicy', {'family-name': fam.yaml['name']})
op_policy = {}     # cmd -> {'do': index, 'dump': index}
policies = {}      # index -> {attr: {...}}
for r in replies:
    if 'op-policy' in r:
        p = dict(r['op-policy'])
        op_policy[p.pop('op-id')] = p
    if 'policy' in r:
        p = dict(r['policy'])
        policies.setdefault(p.pop('policy-id'), {})[p.pop('attr-id')] = p

for name, op in fam.ops.items():
    if not op.is_call:
        continue
    want = {}
    for mode in ('do', 'dump'):
        for a in op.yaml.get(mode, {}).get('request', {}).get('attributes', []):
            want[a] = op.attr_set[a]
    p = op_policy.get(op.req_value)
    got = {}
    if p and 'do' in p:
        got = policies.get(p['do'], {})
    if p and 'dump' in p and p['dump'] != p.get('do'):
        errors.append(f'{name}: do and dump policies differ, spec has one set')
    for a, spec in want.items():
        pol = got.get(spec.value)
        if pol is None:
            errors.append(f'{name}: {a} ({spec.value}) is in the spec, not in the kernel policy')
            continue
        if pol.get('type') != TYPES.get(spec.type, spec.type):
            errors.append(f'{name}: {a}: kernel {pol.get("type")}, spec {spec.type}')
        checks = spec.yaml.get('checks', {})
        for key, kkey in (('min', 'min-value-u'), ('max', 'max-value-u')):
            if key in checks and pol.get(kkey) != checks[key]:
                errors.append(f'{name}: {a}: kernel {kkey} {pol.get(kkey)}, spec {key} {checks[key]}')
    names = {s.value: n for n, s in op.attr_set.items()}
    for v in got:
        if v not in {s.value for s in want.values()}:
            errors.append(f'{name}: kernel accepts {names.get(v, v)}, spec does not')
    print(f'{name}: {len(got)} attributes checked')

for e in errors:
    print('MISMATCH', e)
sys.exit(1 if errors else 0)
