#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# disks_mount.py: IWTDisk::DVMountDirect, DVDismount, EnumLMMountPoints and
# the L* properties against a real istmd and vhdfs
# (tests/istmd/test-istmd-disks-mount.sh prepares the VHDs).
#
#   disks_mount.py [--port ...] first STORAGE DATA.RAW EXPECTED.RAW
#       mount data.vhd: the mount shows DATA.RAW's bytes; write through it
#       (EXPECTED.RAW: what the VHD must now hold); refusals while mounted
#       and while assigned to a target; a parent mounts read-only; leaves
#       data.vhd mounted
#   disks_mount.py [--port ...] restarted STORAGE
#       after an istmd restart the mount is still recorded and live;
#       dismount it; mount it again (the test then kills its vhdfs)
#   disks_mount.py [--port ...] gone STORAGE
#       the vanished mount's record is cleared; the disk can be deleted
#   disks_mount.py [--port ...] apply STORAGE
#       IWTDisk::Save of a disk mapped to a target re-applies the target in
#       tgtd (Enable, the read-only flag); the base rule through the
#       interface (a child under a writable mapped parent, a mapped parent
#       made writable, deleting a mapped disk or a parent)
import hashlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import S_OK, S_FALSE  # noqa: E402
from istm.disks import (activate_disk_mgr, hr_of, MountDirect, DoNotMount, InUse, Idle,  # noqa: E402
                        WTDFlagEnableLunMapping, WTDFlagReadOnly)
from istm.hosts import activate_host_mgr  # noqa: E402
from istm_client import (args, connected, E_FAIL, ERROR_SHARING_VIOLATION,  # noqa: E402
                         ERROR_INVALID_OPERATION, ERROR_INVALID_FUNCTION,
                         ERROR_DELETE_PENDING, ERROR_DRIVE_LOCKED,
                         ERROR_DEPENDENT_RESOURCE_EXISTS)

MiB = 1 << 20


def check(cond, what):
    if not cond:
        raise SystemExit('FAIL: ' + what)


def expect(got, want, what):
    check(got == want, '%s: HRESULT 0x%08x, expected 0x%08x' % (what, got or 0, want))


def mount_points(d):
    return d.get('EnumLMMountPoints').all()


def sha(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def by_path(mgr, name):
    for d in mgr.enum_wtdisks().all():
        if d.get('DevicePath') == 'C:\\m\\' + name:
            return d
    raise SystemExit('FAIL: no disk for ' + name)


def first(dcom, mgr, storage, raw, expected):
    data = mgr.create_wtdisk('C:\\m\\data.vhd', 'data')
    base = mgr.create_wtdisk('C:\\m\\base.vhd', 'base')
    mgr.create_wtdisk('C:\\m\\child.vhd', 'child of base')
    child = mgr.get_wtdisk(base + 1)
    d = mgr.get_wtdisk(data)
    check(d.get('LMStatus') == DoNotMount and mount_points(d) == [], 'not mounted at first')

    expect(d.hr('DVMountDirect'), S_OK, 'DVMountDirect')
    check(d.get('LMStatus') == MountDirect and d.get('LMType') == MountDirect, 'LMStatus MountDirect')
    check(d.get('Status') == InUse, 'a mounted disk is in use')
    mps = mount_points(d)
    check(len(mps) == 1 and d.get('LMMountPoint') == mps[0], 'one mount point: %r' % mps)
    mp = mps[0]
    check(os.path.ismount(mp), '%s is a mount' % mp)
    files = os.listdir(mp)
    check(files == ['data'], 'the mount shows the disk as one file: %r' % files)
    flat = os.path.join(mp, 'data')
    check(os.path.getsize(flat) == d.get('Size'), 'the file has the disk size')
    check(sha(flat) == sha(raw), 'the mount shows the bytes the VHD was made from')

    # mounting again remounts (3.43.4.35: dismount first)
    expect(d.hr('DVMountDirect'), S_OK, 'DVMountDirect while mounted')
    check(mount_points(d) == [mp] and os.path.ismount(mp), 'mounted again at the same place')

    # read-write: write through the mount
    patch = os.urandom(8192)
    with open(flat, 'r+b') as f:
        f.seek(3 * MiB + 512)
        f.write(patch)
        f.flush()
        os.fsync(f.fileno())
    with open(raw, 'rb') as f:
        img = bytearray(f.read())
    img[3 * MiB + 512:3 * MiB + 512 + len(patch)] = patch
    with open(expected, 'wb') as f:
        f.write(img)

    # refusals while mounted
    expect(hr_of(lambda: mgr.delete_wtdisk(data))[0], ERROR_SHARING_VIOLATION, 'delete a mounted disk')
    hm = activate_host_mgr(dcom)
    h = hm.new_host('disksmount')
    h.save()
    expect(hr_of(lambda: h.add_wtdisk(data))[0], ERROR_DELETE_PENDING, 'assign a mounted disk')
    expect(d.hr('DVDismount'), S_OK, 'DVDismount')
    check(not os.path.ismount(mp) and d.get('LMStatus') == DoNotMount and mount_points(d) == [],
          'dismounted')
    expect(d.hr('DVDismount'), ERROR_INVALID_OPERATION, 'DVDismount twice')

    # assigned: no local mount
    h.add_wtdisk(data)
    h.save()
    check(d.get('Assigned') == 1 and d.get('Status') == InUse, 'assigned')
    expect(d.hr('DVMountDirect'), ERROR_SHARING_VIOLATION, 'DVMountDirect of an assigned disk')
    check(d.get('LMStatus') == DoNotMount, 'refused mount left nothing')
    h.remove_wtdisk(data)
    h.save()
    hm.delete_host('disksmount')
    check(d.get('Assigned') == 0 and d.get('Status') == Idle, 'unassigned')

    # a parent is only ever read: mounted read-only
    b = mgr.get_wtdisk(base)
    expect(b.hr('DVMountDirect'), S_OK, 'DVMountDirect of a parent')
    bmp = mount_points(b)[0]
    try:
        with open(os.path.join(bmp, 'base'), 'r+b') as f:
            f.write(b'x')
        check(False, 'a parent mount is writable')
    except OSError:
        pass
    expect(child.hr('DVMountDirect'), ERROR_INVALID_FUNCTION, 'DVMountDirect of a differencing disk')
    expect(b.hr('DVDismount'), S_OK, 'DVDismount of the parent')

    # a disabled disk is not mounted; disabling dismounts
    expect(d.hr('DVMountDirect'), S_OK, 'DVMountDirect again')
    d.put('Enable', 0)
    d.call('Save')
    check(not os.path.ismount(mp) and d.get('LMStatus') == DoNotMount, 'Save of Enable=0 dismounted')
    expect(d.hr('DVMountDirect'), E_FAIL, 'DVMountDirect of a disabled disk')
    d.put('Enable', 1)
    d.call('Save')
    expect(d.hr('DVMountDirect'), S_OK, 'mounted for the restart')
    print('mounted at %s: bytes as made, written through, refusals checked' % mp)


def restarted(mgr):
    d = by_path(mgr, 'data.vhd')
    check(d.get('LMStatus') == MountDirect, 'the mount is still recorded after the restart')
    mp = mount_points(d)
    check(len(mp) == 1 and os.path.ismount(mp[0]), 'and live')
    expect(d.hr('DVDismount'), S_OK, 'DVDismount after a restart')
    check(not os.path.ismount(mp[0]), 'dismounted')
    expect(d.hr('DVMountDirect'), S_OK, 'DVMountDirect after a restart')
    print(mount_points(d)[0])


def gone(mgr):
    d = by_path(mgr, 'data.vhd')
    check(d.get('LMStatus') == DoNotMount and mount_points(d) == [],
          'a vanished mount is no longer recorded')
    check(d.get('LMMountPoint') == '', 'no mount point')
    mgr.delete_wtdisk(d.get('WTD'))
    print('the vanished mount was forgotten; the disk deleted')


def tgt_lus(port):
    """{backing store path: readonly} of every LU tgtd serves."""
    out = subprocess.run(['tgtadm', '-C', str(port), '--lld', 'iscsi', '--mode', 'target',
                          '--op', 'show'], check=True, capture_output=True, text=True).stdout
    lus, ro = {}, None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith('Readonly:'):
            ro = line.split(':', 1)[1].strip() == 'Yes'
        elif line.startswith('Backing store path:'):
            path = line.split(':', 1)[1].strip()
            if path.startswith('/'):
                lus[path] = ro
    return lus


def apply(dcom, mgr, storage, port):
    """Saving a mapped disk re-applies its target in tgtd; the base rule."""
    path = os.path.realpath(os.path.join(storage, 'm', 'apply.vhd'))
    w = mgr.create_wtdisk('C:\\m\\apply.vhd', 'mapped')
    hm = activate_host_mgr(dcom)
    h = hm.new_host('disksapply')
    h.save()
    h.add_wtdisk(w)
    h.save()
    check(tgt_lus(port).get(path) is False, 'tgtd serves the mapped disk writable')
    d = mgr.get_wtdisk(w)
    expect(hr_of(lambda: mgr.delete_wtdisk(w))[0], ERROR_DRIVE_LOCKED, 'delete a mapped disk')
    expect(hr_of(lambda: mgr.create_wtdisk('C:\\m\\apply-child.vhd', 'child'))[0],
           ERROR_SHARING_VIOLATION, 'a child under a parent served writable')
    d.put('Enable', 0)
    d.call('Save')
    check(path not in tgt_lus(port), 'disabling a mapped disk takes its LU away')
    d.put('Enable', 1)
    d.call('Save')
    check(tgt_lus(port).get(path) is False, 'enabling it brings the LU back')
    d.put('Flags', WTDFlagEnableLunMapping | WTDFlagReadOnly)
    d.call('Save')
    check(tgt_lus(port).get(path) is True, 'the read-only flag makes the LU read-only')
    c = mgr.create_wtdisk('C:\\m\\apply-child.vhd', 'child')
    d.put('Flags', WTDFlagEnableLunMapping)
    expect(d.hr('Save'), ERROR_SHARING_VIOLATION, 'making a mapped parent writable')
    check(tgt_lus(port).get(path) is True, 'the parent stays read-only in tgtd')
    check(mgr.get_wtdisk(w).get('Flags') & WTDFlagReadOnly, 'and in the store')
    expect(hr_of(lambda: mgr.delete_wtdisk(w))[0], ERROR_DRIVE_LOCKED, 'delete a mapped parent')
    h.remove_wtdisk(w)
    h.save()
    check(path not in tgt_lus(port), 'unmapped')
    expect(hr_of(lambda: mgr.delete_wtdisk(w))[0], ERROR_DEPENDENT_RESOURCE_EXISTS,
           'delete an unmapped parent')
    mgr.delete_wtdisk(c)
    mgr.delete_wtdisk(w)
    hm.delete_host('disksapply')
    print('Save re-applies the target: enable, disable, read-only; the base rule holds')


def main():
    def add(ap):
        ap.add_argument('mode')
        ap.add_argument('storage')
        ap.add_argument('files', nargs='*')
    a = args(add)
    with connected(a) as dcom:
        mgr = activate_disk_mgr(dcom)
        if a.mode == 'first':
            first(dcom, mgr, a.storage, a.files[0], a.files[1])
        elif a.mode == 'restarted':
            restarted(mgr)
        elif a.mode == 'gone':
            gone(mgr)
        elif a.mode == 'apply':
            apply(dcom, mgr, a.storage, a.portal.rsplit(':', 1)[1])
        else:
            raise SystemExit('unknown mode ' + a.mode)


if __name__ == '__main__':
    main()
