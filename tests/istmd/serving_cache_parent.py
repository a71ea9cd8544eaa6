#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# serving_cache_parent.py: IWTDisk3::CacheParent ([MS-ISTM] 3.45) against
# istmd, in phases for test-istmd-serving-cache-parent.sh:
#   make PREFIX ON  three CreateDiffWtFile children PREFIXn.vhd of
#                   C:\base.vhd, CreateWTDisk, CacheParent=ON, each on its
#                   own target PREFIXn (initiator rPREFIXn, LUN 0)
#   badinput        CacheParent of a fixed disk (E_INVALIDARG) and of an
#                   assigned child (ERROR_SHARING_VIOLATION) change nothing
#   check PREFIX ON the children still answer CacheParent=ON
# Exits 1 with the call and its HRESULT on the first difference.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm import access as A, hresults  # noqa: E402
from istm_client import args, run_phase, E_INVALIDARG, ERROR_SHARING_VIOLATION  # noqa: E402

IQN = 'iqn.2026-11.org.vhdtarget.test:'


def check(cond, what):
    print('%-64s %s' % (what, 'ok' if cond else 'FAIL'))
    if not cond:
        sys.exit(1)


def expect(got, want, what):
    check(got == want, '%s: %s' % (what, hresults.describe(got)))


def disk_at(dm, path):
    for d in A.items(dm.enum_wtdisks()):
        if A.get(d, 'DevicePath') == path:
            return dm.get_wtdisk(A.get(d, 'WTD'))
    raise SystemExit('no disk at ' + path)


def phase_make(a, hm, dm, ld):
    on = int(a.on)
    for i in (1, 2, 3):
        path = 'C:\\%s%d.vhd' % (a.prefix, i)
        ld.create_diff_wt_file(path, 'C:\\base.vhd')
        wtd = A.create_wtdisk(dm, path, 'child %d' % i)
        d = dm.get_wtdisk(wtd)
        expect(d.hr('PutCacheParent', on), 0, 'CacheParent=%d of %s' % (on, path))
        check(d.get('CacheParent') == on, 'CacheParent reads back %d' % on)
        h = hm.new_host('%s%d' % (a.prefix, i))
        h.put_target_iqn(IQN + '%s%d' % (a.prefix, i))
        h.add_id(4, IQN + 'r%s%d' % (a.prefix, i))   # IDIQN: the test's reader
        h.add_wtdisk(wtd)
        h.save()


def phase_badinput(a, hm, dm, ld):
    b = disk_at(dm, 'C:\\base.vhd')
    expect(b.hr('PutCacheParent', 1), E_INVALIDARG, 'CacheParent of a fixed disk')
    check(b.get('CacheParent') == 0, 'the fixed disk is unchanged')
    c = disk_at(dm, 'C:\\%s1.vhd' % a.prefix)
    was = c.get('CacheParent')
    expect(c.hr('PutCacheParent', 1 - was), ERROR_SHARING_VIOLATION,
           'CacheParent of an assigned disk')
    check(c.get('CacheParent') == was, 'the assigned disk is unchanged')
    expect(c.hr('PutCacheParent', was), 0, 'CacheParent as it is, assigned')


def phase_check(a, hm, dm, ld):
    for i in (1, 2, 3):
        d = disk_at(dm, 'C:\\%s%d.vhd' % (a.prefix, i))
        check(d.get('CacheParent') == int(a.on), 'CacheParent of %s%d after a restart'
              % (a.prefix, i))


def main():
    def add(p):
        p.add_argument('phase', choices=('make', 'badinput', 'check'))
        p.add_argument('prefix')
        p.add_argument('on', nargs='?', default='1')
    a = args(add)
    return run_phase(a, globals()['phase_' + a.phase])


if __name__ == '__main__':
    sys.exit(main())
