#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# snapshots_api.py: ISnapshotMgr, ISnapshot and IEnumSnapshot against a real
# istmd (tests/istmd/test-istmd-snapshot.sh makes the VHDs):
#
#   snapshots_api.py [--port ...] api
#       small.vhd (no target) takes 64 snapshots, the 65th is refused with
#       VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED; IEnumSnapshot's Next,
#       Skip, Reset and Clone over them; the properties; bad input for
#       every method gets its HRESULT and changes nothing; a non-persistent
#       shadow disk of a snapshot
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import connect, S_OK, S_FALSE, E_NOTIMPL, E_INVALIDARG  # noqa: E402
from istm.disks import activate_disk_mgr  # noqa: E402
from istm.general import activate_general  # noqa: E402
from istm.snapshots import activate_snapshot_mgr, NOT_EXPORTED  # noqa: E402

ERROR_FILE_NOT_FOUND = 0x80070002
ERROR_NOT_FOUND = 0x80070490
ERROR_INVALID_FUNCTION = 0x80070001
ERROR_INVALID_HANDLE = 0x80070006
VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED = 0x80042317
UNKNOWN = bytes(range(1, 17))


def check(cond, what):
    if not cond:
        raise SystemExit('FAIL: ' + what)


def expect(got, want, what):
    check(got == want, '%s: HRESULT 0x%08x, expected 0x%08x' % (what, got or 0, want))


def ids_of(mgr, wtd=None):
    return [s.get('Id') for s in mgr.enum().all() if wtd is None or s.get('OrigWTD') == wtd]


def api(dcom):
    disks = activate_disk_mgr(dcom)
    mgr = activate_snapshot_mgr(dcom)
    check(activate_general(dcom).is_snapshots_supported() == S_OK, 'IsSnapshotsSupported')
    small = disks.create_wtdisk('C:\\s\\small.vhd', 'small')
    base = disks.create_wtdisk('C:\\s\\base.vhd', 'base')
    child = disks.create_wtdisk('C:\\s\\child.vhd', 'child')
    before = ids_of(mgr)

    # bad input: the HRESULTs of [MS-ISTM] 3.38/3.36, nothing changes
    expect(mgr.get_hr(UNKNOWN)[0], ERROR_FILE_NOT_FOUND, 'GetSnapshot of an unknown id')
    expect(mgr.prepare_hr(9999)[0], ERROR_FILE_NOT_FOUND, 'PrepareCreateSnapshot of no disk')
    expect(mgr.prepare_hr(child)[0], ERROR_INVALID_FUNCTION, 'a differencing disk (<80>)')
    expect(mgr.prepare_hr(base)[0], ERROR_INVALID_FUNCTION, 'the parent of a differencing disk')
    d = disks.get_wtdisk(small)
    d.put('Enable', 0)
    d.call('Save')
    expect(mgr.prepare_hr(small)[0], ERROR_FILE_NOT_FOUND, 'a disabled disk')
    d.put('Enable', 1)
    d.call('Save')
    expect(mgr.do_create_hr(UNKNOWN), ERROR_FILE_NOT_FOUND, 'DoCreateSnapshot of an unknown id')
    expect(mgr.do_end_hr(UNKNOWN), ERROR_FILE_NOT_FOUND, 'DoEndSnapshot of an unknown id')
    expect(mgr.delete_hr(UNKNOWN), S_OK, 'DeleteSnapshot of an unknown id (3.38.4.6)')
    expect(mgr.import_hr(), E_NOTIMPL, 'ImportSnapshot')
    check(ids_of(mgr) == before, 'bad input changed the snapshots')

    # a chosen id is kept; the same id again is E_INVALIDARG
    want = bytes(range(100, 116))
    sid = mgr.prepare(small, want)
    check(sid == want, 'PrepareCreateSnapshot did not keep the chosen id')
    expect(mgr.prepare_hr(small, want)[0], E_INVALIDARG, 'an id taken already')
    snap = mgr.get(sid)
    check(not snap.get('Persistent') and snap.get('TimeStamp') == 0, 'prepared, not taken')
    expect(mgr.do_create_hr(sid), S_OK, 'DoCreateSnapshot')
    expect(mgr.do_end_hr(sid), S_OK, 'DoEndSnapshot')
    check(snap.get('Persistent') and snap.get('TimeStamp') > 0, 'taken: persistent, stamped')
    check(snap.get('OrigWTD') == small and snap.get('ExportedWTD') == NOT_EXPORTED and
          snap.get('Status') == 0, 'the properties of a new snapshot')
    for name in ('put_Id', 'put_VssSnapshotId', 'put_VssSnapshotSetId', 'put_OrigWTD',
                 'put_ExportedWTD', 'put_Status'):
        from istm import wire
        req = getattr(wire, 'ISnapshot_' + name)()
        field = [f for f, _ in req.structure][0]
        if name in ('put_Id', 'put_VssSnapshotId', 'put_VssSnapshotSetId'):
            from impacket.dcerpc.v5.dtypes import GUID
            g = GUID()
            g['Data'] = UNKNOWN
            req[field] = g
        else:
            req[field] = 1
        expect(snap._hr(req), E_NOTIMPL, 'ISnapshot::' + name)
    expect(snap.call_hr('GetVdsLunInfo'), ERROR_NOT_FOUND, 'GetVdsLunInfo of a snapshot not exported')
    expect(snap.call_hr('Save'), S_OK, 'ISnapshot::Save')
    expect(snap.call_hr('AbortRollback'), S_OK, 'AbortRollback with none in progress')
    d.put('Enable', 0)
    d.call('Save')
    expect(snap.call_hr('AbortRollback'), E_INVALIDARG, 'AbortRollback on a disabled disk')
    expect(snap.call_hr('Rollback'), ERROR_INVALID_HANDLE, 'Rollback of a disabled disk')
    d.put('Enable', 1)
    d.call('Save')
    expect(snap.call_hr('DVDismount'), ERROR_FILE_NOT_FOUND, 'DVDismount of what is not mounted')

    # CreateShadowWTDiskNonPersistent: a new disk starting as the snapshot
    shadow = disks.create_shadow_wtdisk_nonpersistent('C:\\s\\shadow.vhd', 'shadow', sid)
    check(shadow.get('VhdType') == 2 and shadow.get('Size') == 4 << 20,
          'the shadow disk: a differencing disk of the snapshot\'s size')
    from istm.disks import hr_of
    expect(hr_of(lambda: disks.create_shadow_wtdisk_nonpersistent('C:\\s\\shadow.vhd', '',
                                                                   sid))[0],
           0x800700b7, 'a shadow at a path in use: ERROR_ALREADY_EXISTS')
    expect(hr_of(lambda: disks.create_shadow_wtdisk_nonpersistent('C:\\s\\shadow2.vhd', '',
                                                                   UNKNOWN))[0],
           ERROR_FILE_NOT_FOUND, 'a shadow of an unknown snapshot')
    expect(hr_of(lambda: disks.create_shadow_wtdisk('C:\\s\\shadow3.vhd', '', sid))[0],
           E_NOTIMPL, 'CreateShadowWTDisk (3.46.4.3: E_NOTIMPL)')
    disks.close_wtdisk(shadow.get('WTD'))

    # 64 per disk, then VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED
    for _ in range(63):
        mgr.create(small)
    mine = ids_of(mgr, small)
    check(len(mine) == 64, '64 snapshots of small.vhd, not %d' % len(mine))
    before = ids_of(mgr)
    expect(mgr.prepare_hr(small)[0], VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, 'the 65th')
    check(ids_of(mgr) == before, 'the refused 65th changed the snapshots')
    used = disks.get_wtdisk(small).get('SnapshotStorageUsedSize')
    check(used > 0, 'SnapshotStorageUsedSize of a disk with snapshots is %d' % used)
    stamps = [mgr.get(i).get('TimeStamp') for i in mine]
    check(stamps == sorted(stamps), 'snapshots enumerate in the order they were taken')

    # IEnumSnapshot: Next(0) counts, Skip, Reset, Clone keeps the position
    total = len(before)
    e = mgr.enum()
    check(e.next(0) == (S_OK, total), 'Next(0) counts %d' % total)
    first = e.next(1)[1][0].get('Id')
    check(e.skip(10) == S_OK, 'Skip(10)')
    twelfth = e.next(1)[1][0].get('Id')
    check(twelfth == before[11], 'Skip moved to the 12th')
    c = e.clone()
    check(c.next(1)[1][0].get('Id') == before[12], 'Clone continues where it was')
    check(e.next(1)[1][0].get('Id') == before[12], 'Clone has its own cursor')
    e.reset()
    check(e.next(1)[1][0].get('Id') == first == before[0], 'Reset starts again')
    check(e.skip(0) == E_INVALIDARG, 'Skip(0)')
    check(e.skip(10000) == S_FALSE, 'Skip past the end')
    check(e.next(1)[0] == S_FALSE, 'Next at the end')

    # deleting one in the middle keeps the others and frees a place
    expect(mgr.delete_hr(mine[30]), S_OK, 'DeleteSnapshot')
    expect(mgr.get_hr(mine[30])[0], ERROR_FILE_NOT_FOUND, 'a deleted snapshot is gone')
    check(len(ids_of(mgr, small)) == 63, '63 left')
    mgr.create(small)
    expect(mgr.prepare_hr(small)[0], VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, '64 again')
    print('api: limit, enumerator, properties and bad input checked')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=135)
    ap.add_argument('--user', required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--portal')
    ap.add_argument('mode', choices=['api'])
    a = ap.parse_args()
    dcom = connect('127.0.0.1', a.user, a.password, port=a.port)
    try:
        api(dcom)
    finally:
        dcom.disconnect()


if __name__ == '__main__':
    main()
