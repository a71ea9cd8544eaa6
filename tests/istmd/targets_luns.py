#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# targets_luns.py PHASE DISKS: LUN mappings through IHost (AddWTDisk,
# RemoveWTDisk, RemoveAllWTDisks, SetWTDiskLunMapping,
# EnumWTDiskLunMappings) for test-istmd-targets-luns.sh.  DISKS is
# NAME=WTD,... from targets-disk-row.
#   assign   LunTarget (saved) gets d0 at LUN 0, d1 moved to LUN 5, the
#            child of base, the read-only base; every refusal checked;
#            a pending target reaches the 128-mapping limit; prints its IQN
#   bad      refusals only (the shell compares tgtd before and after)
#   clear    RemoveAllWTDisks, then DeleteHost of a target with a mapping
from targets_common import args, session, expect, check

a = args(lambda p: (p.add_argument('phase'), p.add_argument('disks')))
D = {k: int(v) for k, v in (x.split('=') for x in a.disks.split(','))}
dcom, mgr = session(a)


def maps(h):
    return sorted(h.enum_lun_mappings().all(), key=lambda m: m[1])


if a.phase == 'assign':
    h = mgr.new_host('LunTarget')
    h.add_id('iqn', 'iqn.2000-01.com.example:lun-init')
    h.save()
    h.add_wtdisk(D['d0'])
    check(maps(h) == [(D['d0'], 0)], 'd0 at LUN 0: %r' % maps(h))
    h.add_wtdisk(D['d0'])                       # already assigned: S_OK, no change
    h.add_wtdisk(D['d1'])
    check(maps(h) == [(D['d0'], 0), (D['d1'], 1)], 'd1 at the next LUN: %r' % maps(h))
    h.set_wtdisk_lun_mapping(D['d1'], 5)
    h.set_wtdisk_lun_mapping(D['d1'], 5)        # where it is: S_OK
    expect('LUN taken', lambda: h.set_wtdisk_lun_mapping(D['d0'], 5), 'ERROR_FILE_EXISTS')
    expect('LUN 255', lambda: h.set_wtdisk_lun_mapping(D['d1'], 255), 'E_INVALIDARG')
    h.add_wtdisk(D['child'])                    # a differencing disk, writable
    expect('a writable base with children', lambda: h.add_wtdisk(D['base']), 'ERROR_DELETE_PENDING')
    h.add_wtdisk(D['robase'])                   # a read-only base is fine
    expect('a disk mounted locally', lambda: h.add_wtdisk(D['mounted']), 'ERROR_DELETE_PENDING')
    expect('no such disk', lambda: h.add_wtdisk(9999), 'ERROR_FILE_NOT_FOUND')
    expect('a missing file', lambda: h.add_wtdisk(D['missing']), 'ERROR_FILE_NOT_FOUND')
    # a file that is no VHD: tgtd refuses the LU, the mapping is undone
    before = maps(h)
    expect('not a VHD', lambda: h.add_wtdisk(D['garbage']), None)
    check(maps(h) == before, 'a refused assignment changed the mappings')
    # a disk registered over ISTM (IWTDiskMgr::CreateWTDisk) maps the same way
    from istm.disks import activate_disk_mgr
    wtd = activate_disk_mgr(dcom).create_wtdisk('C:\\istm.vhd', 'made over ISTM')
    h.add_wtdisk(wtd)
    h.save()
    want = [(D['d0'], 0), (D['child'], 1), (D['robase'], 2), (wtd, 3), (D['d1'], 5)]
    check(maps(h) == want, 'mappings %r' % maps(h))
    g = mgr.get_host('LunTarget')
    check(maps(g) == want, 'the same from GetHost')
    # the limit: 128 mappings per target (<35>), on a placeholder
    p = mgr.new_host('LunLimit')
    for i in range(128):
        p.add_wtdisk(D['fake0'] + i)
    expect('the 129th mapping', lambda: p.add_wtdisk(D['fake0'] + 128), 'ERROR_HANDLE_EOF')
    check(len(maps(p)) == 128, '128 mappings')
    p.remove_all_wtdisks()
    check(maps(p) == [], 'all removed from the placeholder')
    print(h.get('TargetIQN'))
elif a.phase == 'bad':
    h = mgr.get_host('LunTarget')
    for what, fn, want in (
            ('AddWTDisk unknown', lambda: h.add_wtdisk(9999), 'ERROR_FILE_NOT_FOUND'),
            ('AddWTDisk 2^32-1', lambda: h.add_wtdisk(0xffffffff), 'ERROR_FILE_NOT_FOUND'),
            ('AddWTDisk writable base', lambda: h.add_wtdisk(D['base']), 'ERROR_DELETE_PENDING'),
            ('AddWTDisk mounted', lambda: h.add_wtdisk(D['mounted']), 'ERROR_DELETE_PENDING'),
            ('RemoveWTDisk unassigned', lambda: h.remove_wtdisk(D['base']), 'ERROR_FILE_NOT_FOUND'),
            ('RemoveWTDisk unknown', lambda: h.remove_wtdisk(9999), 'ERROR_FILE_NOT_FOUND'),
            ('SetWTDiskLunMapping taken', lambda: h.set_wtdisk_lun_mapping(D['d0'], 5),
             'ERROR_FILE_EXISTS'),
            ('SetWTDiskLunMapping 255', lambda: h.set_wtdisk_lun_mapping(D['d0'], 255), 'E_INVALIDARG'),
            ('SetWTDiskLunMapping unassigned', lambda: h.set_wtdisk_lun_mapping(D['base'], 7),
             'ERROR_FILE_NOT_FOUND')):
        expect(what, fn, want)
elif a.phase == 'clear':
    h = mgr.get_host('LunTarget')
    h.remove_wtdisk(D['d0'])
    expect('RemoveWTDisk again', lambda: h.remove_wtdisk(D['d0']), 'ERROR_FILE_NOT_FOUND')
    h.remove_all_wtdisks()
    check(maps(h) == [], 'no mappings left')
    h.remove_all_wtdisks()                      # none: S_OK
    h.add_wtdisk(D['d0'])
    mgr.delete_host('LunTarget')
dcom.disconnect()
