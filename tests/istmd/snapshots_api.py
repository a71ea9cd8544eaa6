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
#       shadow disk of a snapshot; then, on other.vhd, each row of
#       istmd/SNAPSHOTS-HRESULTS.md that a client can reach: calls out of
#       order, a disabled disk, a snapshot deleted under its object, an
#       exported one (DeleteSnapshot deletes the export), a mounted one and
#       a mounted disk (ERROR_SHARING_VIOLATION), IWTDisk's snapshot
#       properties, Next/Skip with 0 and huge counts, Clone's position.
#
#   "Nothing changed" is the store's rows (--db), the files under the
#   storage root with their sizes (--storage) and tgtd's targets and LUs
#   (--tgt-control), read before and after each refused call.
import argparse
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import connect, S_OK, S_FALSE, E_NOTIMPL, E_INVALIDARG  # noqa: E402
from istm.disks import activate_disk_mgr  # noqa: E402
from istm.general import activate_general  # noqa: E402
from istm.snapshots import activate_snapshot_mgr, NOT_EXPORTED  # noqa: E402

ERROR_FILE_NOT_FOUND = 0x80070002
ERROR_INVALID_FUNCTION = 0x80070001
ERROR_INVALID_HANDLE = 0x80070006
ERROR_SHARING_VIOLATION = 0x80070020
ERROR_DEPENDENT_RESOURCE_EXISTS = 0x80071389
ERROR_NOT_SUPPORTED = 0x80070032
E_ABORT = 0x80004004
E_FAIL = 0x80004005
E_UNEXPECTED = 0x8000FFFF
VSS_E_BAD_STATE = 0x80042301
VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED = 0x80042317
UNKNOWN = bytes(range(1, 17))
ZERO = b'\0' * 16
ARGS = None


def check(cond, what):
    if not cond:
        raise SystemExit('FAIL: ' + what)


def expect(got, want, what):
    check(got == want, '%s: HRESULT 0x%08x, expected 0x%08x' % (what, got or 0, want))


def world():
    """What a refused call must not change: the store's rows, the files
    under the storage root (name, size) and tgtd's targets and LUs."""
    db = sqlite3.connect('file:%s?mode=ro' % ARGS.db, uri=True)
    try:
        rows = {t: db.execute('SELECT * FROM %s ORDER BY 1' % t).fetchall()
                for t in ('disks', 'snapshots', 'disk_tops', 'layer_journal', 'lun_mappings')}
    finally:
        db.close()
    files = sorted((os.path.relpath(os.path.join(d, f), ARGS.storage),
                    os.path.getsize(os.path.join(d, f)))
                   for d, _, fs in os.walk(ARGS.storage) for f in fs)
    tgt = subprocess.run(['tgtadm', '-C', str(ARGS.tgt_control), '--lld', 'iscsi', '--mode',
                          'target', '--op', 'show'], capture_output=True, text=True,
                         check=True).stdout
    return rows, files, tgt


def unchanged(before, what):
    after = world()
    for name, a, b in zip(('store', 'files', 'tgtd'), before, after):
        if a == b:
            continue
        if isinstance(a, dict):     # only the rows that went or came
            a, b = ({t: [r for r in x[t] if r not in y[t]] for t in x if x[t] != y[t]}
                    for x, y in ((a, b), (b, a)))
        elif isinstance(a, list):
            a, b = [r for r in a if r not in b], [r for r in b if r not in a]
        raise SystemExit('FAIL: %s changed the %s:\n  gone %r\n  new  %r' % (what, name, a, b))


def refused(call, want, what):
    """CALL() answers WANT and changes nothing."""
    w = world()
    got = call()
    expect(got, want, what)
    unchanged(w, what)


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
    w0 = world()

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
    unchanged(w0, 'bad input to ISnapshotMgr')

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
    expect(snap.call_hr('GetVdsLunInfo'), E_FAIL,
           'GetVdsLunInfo of a snapshot not exported (3.36.4.17)')
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
    refused(lambda: mgr.prepare_hr(small)[0], VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
            'the 65th')
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
    out_of_order(disks, mgr, child)
    other_kinds(dcom, disks, mgr)
    enumerator_edges(mgr)
    print('api: every reachable row of SNAPSHOTS-HRESULTS.md checked')


def out_of_order(disks, mgr, child_wtd):
    """The rows of istmd/SNAPSHOTS-HRESULTS.md beyond the first checks, on
    other.vhd (4 MiB, no target)."""
    other = disks.create_wtdisk('C:\\s\\other.vhd', 'other')
    d = disks.get_wtdisk(other)

    def enable(on):
        d.put('Enable', 1 if on else 0)
        d.call('Save')

    # PrepareCreateSnapshot: a disk index that never existed (-1 too)
    for wtd in (0xffffffff, 0x7fffffff):
        refused(lambda: mgr.prepare_hr(wtd)[0], ERROR_FILE_NOT_FOUND,
                'PrepareCreateSnapshot of disk index %#x' % wtd)

    # a prepared snapshot, used before DoCreateSnapshot
    sid = mgr.prepare(other)
    snap = mgr.get(sid)
    check(snap.get('Status') == 0 and not snap.get('Persistent'), 'a prepared snapshot')
    refused(lambda: mgr.do_end_hr(sid), VSS_E_BAD_STATE, 'DoEndSnapshot before DoCreateSnapshot')
    for name, want in (('Rollback', VSS_E_BAD_STATE), ('AbortRollback', VSS_E_BAD_STATE),
                       ('ExportAsWTDisk', E_UNEXPECTED), ('DVMount', VSS_E_BAD_STATE),
                       ('DVDismount', VSS_E_BAD_STATE), ('GetVdsLunInfo', E_FAIL)):
        refused(lambda: snap.call_hr(name), want, 'ISnapshot::%s of a prepared snapshot' % name)
    from istm.disks import hr_of
    refused(lambda: hr_of(lambda: disks.create_shadow_wtdisk_nonpersistent(
        'C:\\s\\shadow-p.vhd', '', sid))[0], VSS_E_BAD_STATE,
        'CreateShadowWTDiskNonPersistent of a prepared snapshot')
    refused(lambda: hr_of(lambda: disks.create_shadow_wtdisk_nonpersistent(
        'C:\\s\\shadow-z.vhd', '', ZERO))[0], ERROR_FILE_NOT_FOUND,
        'CreateShadowWTDiskNonPersistent of the zero snapshot id')
    for wtd_type, want in ((0, ERROR_NOT_SUPPORTED), (2, ERROR_NOT_SUPPORTED), (7, E_INVALIDARG)):
        refused(lambda: hr_of(lambda: disks.create_shadow_wtdisk_nonpersistent(
            'C:\\s\\shadow-t.vhd', '', sid, device_type=wtd_type))[0], want,
            'CreateShadowWTDiskNonPersistent of WTDType %d' % wtd_type)

    # its disk disabled between PrepareCreateSnapshot and DoCreateSnapshot
    enable(False)
    refused(lambda: mgr.do_create_hr(sid), ERROR_FILE_NOT_FOUND,
            'DoCreateSnapshot of a disk disabled since PrepareCreateSnapshot')
    refused(lambda: mgr.prepare_hr(other)[0], ERROR_FILE_NOT_FOUND,
            'PrepareCreateSnapshot of a disabled disk')
    enable(True)
    # its disk mounted writable (vhdfs holds the file): no freeze
    d.call('DVMountDirect')
    refused(lambda: mgr.do_create_hr(sid), ERROR_SHARING_VIOLATION,
            'DoCreateSnapshot of a locally mounted disk')
    d.call('DVDismount')

    # in order; DoCreateSnapshot and DoEndSnapshot again change nothing
    expect(mgr.do_create_hr(sid), S_OK, 'DoCreateSnapshot')
    refused(lambda: mgr.do_create_hr(sid), S_OK, 'DoCreateSnapshot again')
    expect(mgr.do_end_hr(sid), S_OK, 'DoEndSnapshot')
    refused(lambda: mgr.do_end_hr(sid), S_OK, 'DoEndSnapshot again')
    refused(lambda: mgr.prepare_hr(other, sid)[0], E_INVALIDARG,
            'PrepareCreateSnapshot with the id of a taken snapshot')
    check(snap.get('Persistent') and snap.get('TimeStamp') > 0, 'taken')
    # the origin disk cannot go while it has snapshots, so "the origin disk
    # is gone" (E_INVALIDARG of ExportAsWTDisk, AbortRollback) is unreachable
    refused(lambda: hr_of(lambda: disks.delete_wtdisk(other))[0],
            ERROR_DEPENDENT_RESOURCE_EXISTS, 'DeleteWTDisk of a disk with snapshots')

    # IWTDisk's snapshot properties (3.43.4.18/20/22/26/33)
    path = d.get('SnapshotStoragePath')
    check(path.endswith('.istmd-layers'), 'SnapshotStoragePath %r' % path)
    # the first snapshot's layer is the disk's own file: its storage, not the snapshots'
    check(d.get('SnapshotStorageUsedSize') == 0, 'SnapshotStorageUsedSize of one snapshot')
    check(d.get('SnapshotStorageSize') > 0, 'SnapshotStorageSize')
    check(d.get('LMSnapshotId') == ZERO and d.get('LMTimeStamp') == 0,
          'LMSnapshotId / LMTimeStamp while no snapshot is mounted')
    enable(False)
    check(d.hr('SnapshotStoragePath') == S_OK and d.get('SnapshotStoragePath') == '' and
          d.get('SnapshotStorageSize') == 0 and d.get('SnapshotStorageUsedSize') == 0,
          'a disabled disk: S_OK, empty path and zero sizes')
    # ISnapshot on a disabled disk (3.36.4.14/15/18)
    refused(lambda: snap.call_hr('Rollback'), ERROR_INVALID_HANDLE, 'Rollback, disk disabled')
    refused(lambda: snap.call_hr('AbortRollback'), E_INVALIDARG, 'AbortRollback, disk disabled')
    refused(lambda: snap.call_hr('DVMount'), E_FAIL, 'DVMount, disk disabled')
    enable(True)
    child = disks.get_wtdisk(child_wtd)
    check(child.get('SnapshotStoragePath') == '' and child.get('SnapshotStorageUsedSize') == 0 and
          child.get('SnapshotStorageSize') == 0,
          'a differencing disk: S_OK, empty path and zero sizes')

    # exported: a second export is E_ABORT; GetVdsLunInfo of an unmapped export
    r = snap.call('ExportAsWTDisk')
    xwtd = r['pWTD']
    check(snap.get('ExportedWTD') == xwtd and snap.get('Status') & 1, 'exported')
    x = disks.get_wtdisk(xwtd)
    check(x.get('SnapshotStoragePath') == '' and x.get('SnapshotStorageUsedSize') == 0,
          'an export (a shadow of another disk): empty path and zero sizes')
    refused(lambda: snap.call_hr('ExportAsWTDisk'), E_ABORT, 'ExportAsWTDisk again')
    # the exported disk has its identity from its registration on, so it is
    # described before any target maps it (test-istmd-lu-identity checks
    # the values against the LU once mapped)
    expect(snap.call_hr('GetVdsLunInfo'), S_OK, 'GetVdsLunInfo of an export no target maps')
    # deleting the exported disk clears ExportedWTD: not exported again
    disks.delete_wtdisk(xwtd)
    check(snap.get('ExportedWTD') == NOT_EXPORTED and not snap.get('Status') & 1,
          'ExportedWTD after its disk was deleted')
    refused(lambda: snap.call_hr('GetVdsLunInfo'), E_FAIL,
            'GetVdsLunInfo after the exported disk was deleted')

    # mounted: Rollback and DeleteSnapshot refused, DVMount again is S_OK
    expect(snap.call_hr('DVMount'), S_OK, 'DVMount')
    check(snap.get('Status') & 2, 'SnapshotStatusLocallyMounted')
    check(d.get('LMSnapshotId') == sid and d.get('LMTimeStamp') == snap.get('TimeStamp'),
          'LMSnapshotId / LMTimeStamp of the mounted snapshot')
    refused(lambda: snap.call_hr('DVMount'), S_OK, 'DVMount again')
    refused(lambda: snap.call_hr('Rollback'), ERROR_SHARING_VIOLATION, 'Rollback while mounted')
    refused(lambda: mgr.delete_hr(sid), ERROR_SHARING_VIOLATION,
            'DeleteSnapshot while mounted (3.38.4.6)')
    expect(snap.call_hr('DVDismount'), S_OK, 'DVDismount')
    refused(lambda: snap.call_hr('DVDismount'), ERROR_FILE_NOT_FOUND, 'DVDismount again')
    # the disk itself mounted: Rollback refused (3.36.4.14)
    d.call('DVMountDirect')
    refused(lambda: snap.call_hr('Rollback'), ERROR_SHARING_VIOLATION,
            'Rollback while the disk is mounted')
    d.call('DVDismount')
    expect(snap.call_hr('Rollback'), S_OK, 'Rollback of a disk nobody uses')
    refused(lambda: snap.call_hr('AbortRollback'), S_OK, 'AbortRollback after a rollback')
    refused(lambda: hr_of(disks.dv_mount_selected_snapshot_now)[0], S_OK,
            'DVMountSelectedWTDisksSnapshotNow (3.46.4.8: S_OK, no side effect)')

    # DeleteSnapshot of an exported snapshot deletes the export (3.38.4.6 MUST).
    # A second snapshot: its layer is a layer file whose other child is the
    # live top, so the delete merges after a freeze
    sid2 = mgr.create(other)
    enable(False)       # silent: the snapshot's layer is read, not the disabled disk
    xwtd = mgr.get(sid2).call('ExportAsWTDisk')['pWTD']
    enable(True)
    xpath = disks.get_wtdisk(xwtd).get('DevicePath')
    xfile = os.path.join(ARGS.storage, xpath[3:].replace('\\', '/'))
    check(xpath.startswith('C:\\') and os.path.exists(xfile), 'the export is %r' % xpath)
    d.call('DVMountDirect')
    refused(lambda: mgr.delete_hr(sid2), ERROR_SHARING_VIOLATION,
            'DeleteSnapshot of an exported snapshot while its disk is mounted')
    d.call('DVDismount')
    expect(mgr.delete_hr(sid2), S_OK, 'DeleteSnapshot of an exported snapshot')
    expect(hr_of(lambda: disks.get_wtdisk(xwtd))[0], ERROR_FILE_NOT_FOUND,
           'the export of a deleted snapshot')
    check(not os.path.exists(xfile), 'the export\'s file %s stayed' % xfile)
    expect(mgr.delete_hr(sid), S_OK, 'DeleteSnapshot of the first')

    # a snapshot deleted under its object: every method ERROR_FILE_NOT_FOUND
    # but Id, which the object holds; nothing changes
    w = world()
    check(snap.get('Id') == sid, 'Id of a deleted snapshot')
    for name in ('OrigWTD', 'TimeStamp', 'ExportedWTD', 'Persistent', 'Status'):
        expect(snap.get_hr(name)[0], ERROR_FILE_NOT_FOUND, 'ISnapshot::%s, deleted' % name)
    for name in ('Save', 'Rollback', 'AbortRollback', 'ExportAsWTDisk', 'GetVdsLunInfo',
                 'DVMount', 'DVDismount'):
        expect(snap.call_hr(name), ERROR_FILE_NOT_FOUND, 'ISnapshot::%s, deleted' % name)
    for name, call in (('GetSnapshot', lambda: mgr.get_hr(sid)[0]),
                       ('DoCreateSnapshot', lambda: mgr.do_create_hr(sid)),
                       ('DoEndSnapshot', lambda: mgr.do_end_hr(sid))):
        expect(call(), ERROR_FILE_NOT_FOUND, '%s of a deleted snapshot' % name)
    expect(mgr.delete_hr(sid), S_OK, 'DeleteSnapshot again')
    unchanged(w, 'the calls on a deleted snapshot')


def other_kinds(dcom, disks, mgr):
    """A fixed disk: its snapshot-storage setters while disabled, and a
    snapshot prepared before a differencing disk of it was registered; a
    non-persistent disk and a virtual DVD, which have no snapshots."""
    from istm.devices import activate_local_device
    dev = activate_local_device(dcom)
    dev.create_wt_file('C:\\s\\fixed.vhd', 8 << 20, sparse=True)
    fx = disks.create_wtdisk('C:\\s\\fixed.vhd', 'fixed')
    f = disks.get_wtdisk(fx)
    f.put('Enable', 0)
    f.call('Save')
    refused(lambda: f.hr('PutSnapshotStoragePath', 'C:\\snap'), S_OK,
            'put SnapshotStoragePath of a disabled fixed disk (3.43.4.19: S_OK, unchanged)')
    refused(lambda: f.hr('PutSnapshotStorageSize', 1 << 30), S_OK,
            'put SnapshotStorageSize of a disabled fixed disk (3.43.4.21)')
    f.put('Enable', 1)
    f.call('Save')
    sid = mgr.prepare(fx)
    dev.create_diff_wt_file('C:\\s\\fixed-child.vhd', 'C:\\s\\fixed.vhd')
    disks.create_wtdisk('C:\\s\\fixed-child.vhd', 'fixed child')
    refused(lambda: mgr.do_create_hr(sid), ERROR_INVALID_FUNCTION,
            'DoCreateSnapshot of a disk that became a parent since PrepareCreateSnapshot')
    refused(lambda: mgr.prepare_hr(fx)[0], ERROR_INVALID_FUNCTION,
            'PrepareCreateSnapshot of the parent of a differencing disk')
    expect(mgr.delete_hr(sid), S_OK, 'DeleteSnapshot of a prepared snapshot')
    expect(mgr.get_hr(sid)[0], ERROR_FILE_NOT_FOUND, 'a deleted prepared snapshot')

    # a non-persistent disk not yet saved is "not found" until IWTDisk::Save
    dev.create_wt_file('C:\\s\\np.vhd', 8 << 20, sparse=True)
    np = disks.create_wtdisk_nonpersistent('C:\\s\\np.vhd', 'not saved').get('WTD')
    refused(lambda: mgr.prepare_hr(np)[0], ERROR_FILE_NOT_FOUND,
            'PrepareCreateSnapshot of a non-persistent disk')
    disks.close_wtdisk(np)
    # a virtual DVD (an ISO 9660 image: a volume descriptor at 32 KiB) is
    # read-only: nothing to keep
    with open(os.path.join(ARGS.storage, 's', 'dvd.iso'), 'wb') as f:
        f.write(bytes(32768) + (b'\x01CD001\x01').ljust(2048, b'\0') + bytes(2048))
    dvd = disks.create_wtdisk('C:\\s\\dvd.iso', 'dvd')
    refused(lambda: mgr.prepare_hr(dvd)[0], ERROR_INVALID_FUNCTION,
            'PrepareCreateSnapshot of a virtual DVD')


def enumerator_edges(mgr):
    """Next with 0 and huge counts, Skip past the end, Clone's position."""
    total = len(ids_of(mgr))
    e = mgr.enum()
    check(e.next(0) == (S_OK, total), 'Next(0) counts')
    hr, items = e.next(0xffffffff)
    check(hr == S_OK and len(items) == 1, 'Next(0xffffffff): one element per call')
    check(e.next(0) == (S_OK, total - 1), 'Next(0) after one')
    c = e.clone()
    check(c.next(0) == (S_OK, total - 1), 'a clone starts where its source is')
    check(e.skip(0xffffffff) == S_FALSE, 'Skip(0xffffffff)')
    check(e.next(0) == (S_OK, 0), 'Next(0) at the end')
    hr, items = e.next(1)
    check(hr == S_FALSE and items == [], 'Next at the end: S_FALSE, nothing')
    check(e.skip(1) == S_FALSE, 'Skip at the end')
    check(c.next(0) == (S_OK, total - 1), 'the clone kept its own position')
    check(e.clone().next(1)[0] == S_FALSE, 'a clone of an enumerator at its end')
    e.reset()
    check(e.next(0) == (S_OK, total), 'Reset')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=135)
    ap.add_argument('--user', required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--portal')
    ap.add_argument('--db', required=True, help='the store, istmd.db')
    ap.add_argument('--storage', required=True, help='the storage root C:')
    ap.add_argument('--tgt-control', type=int, required=True, help="tgtd's control port")
    ap.add_argument('mode', choices=['api'])
    a = ap.parse_args()
    global ARGS
    ARGS = a
    dcom = connect('127.0.0.1', a.user, a.password, port=a.port)
    try:
        api(dcom)
    finally:
        dcom.disconnect()


if __name__ == '__main__':
    main()
