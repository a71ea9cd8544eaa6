#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# targets_enum.py: IEnumHost over 200 saved targets (Next(1), Next(50),
# count-only Next(0), Skip, Reset, Clone; changes while enumerating), and
# IEnumIDMethod, IEnumPortal, IEnumWTDiskLunMapping, for
# test-istmd-targets-enum.sh.
import time
from targets_common import args, session, check, hr_name, HR, S_OK, S_FALSE

N = 200
a = args()
dcom, mgr = session(a)
t0 = time.time()
for i in range(N):
    h = mgr.new_host('enum-%03d' % i)
    h.save()
    h.release()
print('created %d targets in %.1f s' % (N, time.time() - t0))
pending = mgr.new_host('enum-pending')      # a placeholder: never listed


def name(h):
    n = h.get('Name')
    h.release()
    return n


def step(e, want_name):
    hr, items = e.next(1)
    check(hr == S_OK and len(items) == 1, 'Next(1) gave %s, %d items' % (hr_name(hr), len(items)))
    got = name(items[0])
    check(got == want_name, 'Next(1) gave %s, not %s' % (got, want_name))


e = mgr.enum_hosts()
check(e.count() == N, 'count-only Next(0) is %d' % e.count())
for i in range(3):
    step(e, 'enum-%03d' % i)
check(e.count() == N - 3, 'count after three is %d' % e.count())
# a batch: one element per call (the IDL's element is single), S_OK
hr, items = e.next(50)
check(hr == S_OK and len(items) == 1 and name(items[0]) == 'enum-003', 'Next(50)')
check(e.skip(10) == S_OK, 'Skip(10)')
step(e, 'enum-014')
c = e.clone()
step(c, 'enum-015')            # the clone goes on from the same place
step(e, 'enum-015')            # independently of the original
step(c, 'enum-016')
check(e.skip(0) == HR['E_INVALIDARG'], 'Skip(0) is E_INVALIDARG')
check(e.skip(1000) == S_FALSE, 'Skip past the end is S_FALSE')
hr, items = e.next(1)
check(hr == S_FALSE and items == [], 'Next at the end is S_FALSE, nothing')
check(e.count() == 0, 'nothing left')
e.reset()
step(e, 'enum-000')
check(e.count() == N - 1, 'count after Reset and one')

# a whole walk: all of them, in order, once; a target deleted during the
# walk is not returned, one saved during it comes at the end
e.reset()
seen = []
t0 = time.time()
while True:
    hr, items = e.next(1)
    if hr == S_FALSE:
        break
    check(hr == S_OK and len(items) == 1, 'walk: Next gave %s' % hr_name(hr))
    seen.append(name(items[0]))
    if len(seen) == 100:
        mgr.delete_host('enum-150')
        late = mgr.new_host('enum-late')
        late.save()
want = ['enum-%03d' % i for i in range(N) if i != 150] + ['enum-late']
check(seen == want, 'walk gave %d names, first difference at %s' % (
    len(seen), next((i for i, (x, y) in enumerate(zip(seen, want)) if x != y), None)))
print('walked %d targets in %.1f s' % (len(seen), time.time() - t0))
check('enum-pending' not in seen and pending.get('Name') == 'enum-pending', 'placeholder unlisted')

# IEnumIDMethod: five IDs
h = mgr.get_host('enum-000')
ids = [('iqn', 'iqn.2000-01.com.example:i%d' % i) for i in range(3)] + \
      [('ip', '10.0.0.1'), ('ipv6', 'fe80::1')]
for m, v in ids:
    h.add_id(m, v)
ie = h.enum_ids()
check(ie.count() == 5, 'five IDs')
hr, first = ie.next(1)
check(hr == S_OK and first == [(4, 'iqn.2000-01.com.example:i0')], 'first ID %r' % first)
check(ie.skip(2) == S_OK, 'Skip(2) IDs')
ic = ie.clone()
hr, four = ie.next(5)
check(four == [(2, '10.0.0.1')], 'fourth ID %r' % four)
check(ic.all() == [(2, '10.0.0.1'), (5, 'fe80::1')], 'clone of the ID enumerator')
check(ie.skip(5) == S_FALSE, 'Skip past the last ID')
ie.reset()
check(len(ie.all()) == 5, 'all IDs after Reset')
check(ie.skip(0) == HR['E_INVALIDARG'], 'Skip(0) of IDs is E_INVALIDARG')

# IEnumPortal: the portal tgtd listens on
pe = h.enum_portals()
check(pe.count() == 1, 'one portal')
portals = pe.all()
addr, port = a.portal.rsplit(':', 1)
check(portals[0]['address'] == addr and portals[0]['port'] == int(port) and
      portals[0]['listen'] == 1 and len(portals[0]['guid']) == 16, 'portal %r' % portals)
pe.reset()
check(pe.all()[0]['guid'] == portals[0]['guid'], 'the same portal GUID each time')

# IEnumWTDiskLunMapping: none assigned
le = h.enum_lun_mappings()
check(le.count() == 0 and le.next(1) == (S_FALSE, []), 'no LUN mappings')
check(le.clone().count() == 0, 'clone of an empty enumerator')
print('enumerations ok')
dcom.disconnect()
