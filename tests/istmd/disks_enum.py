#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# disks_enum.py: IEnumWTDisk over N virtual disks registered through
# CreateWTDisk (tests/istmd/test-istmd-disks-enum.sh makes the VHDs):
# Next(1) and Next(50) walks, the count-only Next(0), Skip (0, inside, past
# the end), Reset, Clone (an independent cursor), a disk deleted and one
# added during a walk, the per-volume enumerators, a disk deleted after the
# enumeration handed it out (istmctl's listing leaves it out).
#
#   disks_enum.py [--port ...] STORAGE N
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import S_OK, S_FALSE, E_INVALIDARG  # noqa: E402
from istm_client import args, connected  # noqa: E402
from istm.disks import activate_disk_mgr  # noqa: E402


def check(cond, what):
    if not cond:
        raise SystemExit('FAIL: ' + what)


def walk(e, n):
    """Next(n) until S_FALSE: the WTD indexes, and each call's count."""
    out = []
    while True:
        hr, d, count = e.next(n)
        if hr == S_FALSE:
            check(count == 0 and d is None, 'S_FALSE carries nothing')
            return out
        check(hr == S_OK and count == 1 and d is not None,
              'Next(%d): hr 0x%x count %d' % (n, hr, count))
        out.append(d.get('WTD'))


def left(e):
    hr, d, count = e.next(0)
    check(hr == S_OK and d is None, 'count-only Next(0): hr 0x%x' % hr)
    return count


def main():
    def add(ap):
        ap.add_argument('storage')
        ap.add_argument('n', type=int)
    a = args(add)
    with connected(a) as dcom:
        mgr = activate_disk_mgr(dcom)
        made = [mgr.create_wtdisk('C:\\many\\d%03d.vhd' % i, 'disk %d' % i) for i in range(a.n)]
        check(made == sorted(made) and len(set(made)) == a.n, 'indexes in creation order')

        e = mgr.enum_wtdisks()
        check(left(e) == a.n, 'Next(0) counts %d' % a.n)
        got = walk(e, 1)
        check(got == made, 'Next(1) walk returned %d disks in order' % len(got))
        check(left(e) == 0, 'nothing left at the end')
        check(e.reset() == S_OK, 'Reset')
        got = walk(e, 50)
        check(got == made, 'Next(50) walk: one element per call, every disk once')

        e.reset()
        check(e.skip(0) == E_INVALIDARG, 'Skip(0) is E_INVALIDARG')
        check(e.skip(a.n // 2) == S_OK, 'Skip inside')
        check(left(e) == a.n - a.n // 2, 'count after Skip')
        c = e.clone()
        check(c is not None, 'Clone')
        first = walk(e, 1)
        check(first == made[a.n // 2:], 'after Skip the rest')
        check(left(c) == a.n - a.n // 2, 'the clone kept its own position')
        hr, d, _ = c.next(1)
        check(hr == S_OK and d.get('WTD') == made[a.n // 2], 'the clone continues where it was')
        check(c.skip(10 * a.n) == S_FALSE, 'Skip past the end is S_FALSE')
        check(left(c) == 0, 'clone at the end')

        # changes during a walk: deleted disks are not returned, new ones at the end
        e.reset()
        for _ in range(10):
            e.next(1)
        mgr.delete_wtdisk(made[20])
        mgr.delete_wtdisk(made[5])
        late = mgr.create_wtdisk('C:\\many\\late.vhd', 'late')
        rest = walk(e, 1)
        check(made[20] not in rest and rest[-1] == late and
              rest == [w for w in made[10:] if w != made[20]] + [late],
              'a walk sees deletions and additions')

        want = [w for w in made if w not in (made[5], made[20])] + [late]
        check(walk(mgr.enum_same_volume(made[0]), 1) == want, 'EnumWTDisksOnSameVolume')
        check(walk(mgr.enum_same_volume_by_path('C:\\many'), 1) == want,
              'EnumWTDisksOnSameVolumeByPath')
        check(walk(mgr.enum_all_cluster_wtdisks(), 1) == want, 'EnumAllClusterWTDisks')

        # a disk deleted between the enumeration and its reading (another
        # client's delete): reading what changes says ERROR_FILE_NOT_FOUND,
        # and istmctl's listing leaves it out instead of failing
        from istm import access as A
        istmctl = load_istmctl()
        handed = A.items(mgr.enum_wtdisks())
        gone = made[7]
        mgr.delete_wtdisk(gone)
        try:
            A.get([d for d in handed if A.get(d, 'WTD') == gone][0], 'Assigned')
            check(False, 'reading a deleted disk succeeded')
        except Exception as e:      # impacket's DCERPC exception
            check(istmctl.hr_of(e) == 0x80070002, 'reading a deleted disk: %s' % e)
        rows = istmctl.present(handed, lambda d: istmctl.disk_summary(d, 'read disk'))
        want.remove(gone)
        check([r['index'] for r in rows] == want,
              'istmctl lists the disks still there (%d), not the one deleted' % len(rows))
        print('enumerated %d disks: Next(1), Next(50), Next(0), Skip, Reset, Clone, changes'
              % a.n)


def load_istmctl():
    """contrib/istmctl (a script, not a module) as a module."""
    import importlib.machinery
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib',
                        'istmctl')
    loader = importlib.machinery.SourceFileLoader('istmctl', path)
    spec = importlib.util.spec_from_loader('istmctl', loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


if __name__ == '__main__':
    main()
