#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ynl-policy-check.py YNL_DIR SPEC: compare the attribute policies the
# loaded module registered (nlctrl GETPOLICY, read with the kernel's own
# YNL library and nlctrl spec) with what SPEC says each operation accepts:
# the same attributes, the same types, the same range checks; and the ops'
# admin flags and the group names (nlctrl GETFAMILY). Needs the module
# loaded; prints one line per mismatch and exits non-zero on any.
import os
import sys

import yaml

ynl_dir, spec_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, ynl_dir)
from lib import YnlFamily  # noqa: E402

ksrc = os.path.abspath(os.path.join(ynl_dir, '..', '..', '..'))
nlctrl = YnlFamily(os.path.join(ksrc, 'Documentation/netlink/specs/nlctrl.yaml'))
with open(spec_path) as f:
    proto = yaml.safe_load(f)['protocol']
fam = YnlFamily(spec_path, os.path.join(ksrc, f'Documentation/netlink/{proto}.yaml'))

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

# Privilege: the ops' admin flags and the group names, as nlctrl reports
# them. (It does not report a group's flags: ring_security_test checks that
# joining monitor-admin needs CAP_NET_ADMIN, as the spec's admin-perm says.)
ADMIN = {'admin-perm', 'uns-admin-perm'}
info = nlctrl.do('getfamily', {'family-name': fam.yaml['name']})
kops = {}
for item in info.get('ops', []):
    for o in item.values():
        kops[o['id']] = set(o.get('flags', ())) & ADMIN
for name, op in fam.ops.items():
    if not op.is_call:
        continue
    want = set(op.yaml.get('flags', ())) & ADMIN
    if kops.get(op.req_value) != want:
        errors.append(f'{name}: kernel flags {sorted(kops.get(op.req_value, ()))}, spec {sorted(want)}')
kgrps = {g['name'] for item in info.get('mcast-groups', []) for g in item.values()}
sgrps = {g['name'] for g in fam.yaml.get('mcast-groups', {}).get('list', [])}
if kgrps != sgrps:
    errors.append(f'groups: kernel {sorted(kgrps)}, spec {sorted(sgrps)}')
print(f'{len(kops)} ops and {len(kgrps)} groups checked')

for e in errors:
    print('MISMATCH', e)
sys.exit(1 if errors else 0)
