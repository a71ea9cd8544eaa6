#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# disks_basic.py: every IWTDiskMgr/2/3/4 and IWTDisk/2/3 method against a
# real istmd (tests/istmd/test-istmd-disks-basic.sh prepares the VHDs).
#
#   disks_basic.py [--port ...] create STORAGE OUT.json
#       register the VHDs, check every property and method, record what
#       must survive a restart in OUT.json
#   disks_basic.py [--port ...] check STORAGE IN.json
#       after an istmd restart: the saved disks are back, unchanged; the
#       non-persistent one is gone; the base rule still holds
#   disks_basic.py [--port ...] badinput STORAGE
#       bad paths, indexes, flags and types: a clear HRESULT, no change
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.devices import activate_local_device  # noqa: E402
from istm.base import S_OK, S_FALSE, E_NOTIMPL, E_INVALIDARG  # noqa: E402
from istm.disks import (activate_disk_mgr, hr_of, IWTDiskMgr, IID_IWTDisk3,  # noqa: E402
                        FixedVhd, DynamicVhd, DifferencingVhd, WTDTypeFileBased,
                        WTDFlagEnableLunMapping, WTDFlagReadOnly, DoNotMount, Idle)
from istm_client import (args, connected, E_POINTER, E_ACCESSDENIED, E_FAIL,  # noqa: E402
                         ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_INVALID_FUNCTION,
                         ERROR_ALREADY_EXISTS, ERROR_DEPENDENT_RESOURCE_EXISTS,
                         ERROR_INVALID_OPERATION, ERROR_NOT_SUPPORTED,
                         ERROR_DIRECTORY)

VSS_E_VOLUME_NOT_SUPPORTED = 0x8004230c
MiB = 1 << 20


def check(cond, what):
    if not cond:
        raise SystemExit('FAIL: ' + what)


def expect_hr(got, want, what):
    """WANT: an HRESULT, or a tuple of acceptable ones."""
    ok = got in want if isinstance(want, tuple) else got == want
    check(ok, '%s: HRESULT 0x%08x, expected %s' % (what, got or 0, want))


def hr(fn):
    return hr_of(fn)[0]


def wtds(mgr):
    return sorted(d.get('WTD') for d in mgr.enum_wtdisks().all())


def create(dcom, mgr, storage, out):
    base = mgr.create_wtdisk('C:\\disks\\base.vhd', 'the base')
    dyn = mgr.create_wtdisk(os.path.join(storage, 'disks', 'dyn.vhd'), 'posix path, dynamic')
    child = mgr.create_wtdisk('c:/disks/child.vhd', 'differencing')
    check(len({base, dyn, child}) == 3, 'distinct indexes')
    check(wtds(mgr) == sorted([base, dyn, child]), 'EnumWTDisks lists the three disks')

    d = mgr.get_wtdisk(base)
    i = d.info()
    check(i['wtd'] == base, 'WTD')
    check(i['path'] == 'C:\\disks\\base.vhd', 'DevicePath in client form: %r' % i['path'])
    check(i['description'] == 'the base', 'Description')
    check(i['size'] == 64 * MiB, 'Size of the fixed base: %d' % i['size'])
    check(i['vhd_type'] == FixedVhd, 'VhdType fixed')
    check(i['type'] == WTDTypeFileBased, 'Type file based')
    check(i['enabled'] == 1, 'enabled')
    # registering the child made the base read-only (the base rule)
    check(i['flags'] == WTDFlagEnableLunMapping | WTDFlagReadOnly,
          'flags of a parent: 0x%x' % i['flags'])
    check(i['assigned'] == 0 and i['status'] == Idle and i['lm_status'] == DoNotMount,
          'unassigned, idle, not mounted')
    check(i['parent'] is None, 'no ParentPath for a fixed disk')
    check(i['allocated'] == 64 * MiB, 'AllocatedSize of a fixed disk is its size')
    check(len(i['guid']) == 16 and any(i['guid']), 'a GUID')
    check(i['serial'], 'a serial number')

    c = mgr.get_wtdisk(child)
    check(c.get('VhdType') == DifferencingVhd, 'VhdType differencing')
    check(c.get('ParentPath') == 'C:\\disks\\base.vhd', 'ParentPath: %r' % c.get('ParentPath'))
    check(c.get('Size') == 64 * MiB, 'child size is the parent size')
    check(c.get('AllocatedSize') == os.path.getsize(os.path.join(storage, 'disks', 'child.vhd')),
          'AllocatedSize of a differencing disk is its file size')
    y = mgr.get_wtdisk(dyn)
    check(y.get('VhdType') == DynamicVhd and y.get('Size') == 32 * MiB, 'dynamic disk')
    check(y.get('Flags') == WTDFlagEnableLunMapping, 'plain disk is writable')

    # RemQueryInterface to IWTDisk3 works on a disk object
    q = y.RemQueryInterface(1, (IID_IWTDisk3,))
    check(q is not None, 'RemQueryInterface IWTDisk3')

    # propputs take effect at Save
    expect_hr(y.hr('PutDescription', 'renamed'), S_OK, 'put Description')
    check(y.get('Description') == 'renamed', 'object shows its edit')
    check(mgr.get_wtdisk(dyn).get('Description') == 'posix path, dynamic', 'unsaved edit not stored')
    expect_hr(y.hr('PutEnable', 0), S_OK, 'put Enable')
    expect_hr(y.hr('PutFlags', WTDFlagEnableLunMapping | WTDFlagReadOnly), S_OK, 'put Flags')
    expect_hr(y.hr('Save'), S_OK, 'Save')
    z = mgr.get_wtdisk(dyn)
    check(z.get('Description') == 'renamed' and z.get('Enable') == 0 and
          z.get('Flags') == WTDFlagEnableLunMapping | WTDFlagReadOnly, 'saved edits stored')
    expect_hr(z.hr('GetLunStatus'), E_FAIL, 'GetLunStatus of a disabled disk')
    expect_hr(z.hr('DVMountDirect'), E_FAIL, 'DVMountDirect of a disabled disk')
    z.put('Enable', 1)
    z.put('Flags', WTDFlagEnableLunMapping)
    z.call('Save')
    check(mgr.get_wtdisk(dyn).get('Enable') == 1, 'enabled again')
    lun = mgr.get_wtdisk(dyn).get('GetLunStatus')
    check(lun == (dyn, Idle, 0, 0), 'GetLunStatus %r' % (lun,))

    # the methods the spec lets a server leave out, and cluster ones
    for name, value in (('PutWTD', 7), ('PutType', 0), ('PutStatus', 1), ('PutAssigned', 1),
                        ('PutDevicePath', 'C:\\x.vhd'), ('PutLMType', 2),
                        ('LMWTManageMountPoint', None), ('PutLMWTManageMountPoint', 1),
                        ('PutLMMountPoint', 'C:\\m'), ('PutLMCurrMountDeviceId', 'x'),
                        ('PutResourceGroupName', 'g'), ('PutResourceState', 1)):
        expect_hr(z.hr(name, value), E_NOTIMPL, name)
    # a disk has its LU identity before any target maps it (the details are
    # test-istmd-vds-lun-info's and test-istmd-lu-identity's)
    expect_hr(z.hr('GetVdsLunInfo'), 0, 'GetVdsLunInfo of a disk on no target')
    expect_hr(z.hr('PutFlags', 0x2), E_INVALIDARG, 'put Flags WTDFlagShadowLun')
    expect_hr(z.hr('PutFlags', 0x80), E_INVALIDARG, 'put Flags unknown bit')
    expect_hr(z.hr('PutSnapshotStoragePath', 'C:\\snap'), E_INVALIDARG,
              'SnapshotStoragePath of a dynamic disk')
    b = mgr.get_wtdisk(base)
    expect_hr(b.hr('PutSnapshotStoragePath', 'C:\\snap'), VSS_E_VOLUME_NOT_SUPPORTED,
              'SnapshotStoragePath of a fixed disk')
    expect_hr(b.hr('PutSnapshotStorageSize', 1 << 30), VSS_E_VOLUME_NOT_SUPPORTED,
              'SnapshotStorageSize of a fixed disk')
    # snapshot storage: the layer folder beside the disk, empty until a snapshot
    check(b.get('SnapshotStoragePath') == 'C:\\disks\\.istmd-layers' and
          b.get('SnapshotStorageSize') > 0 and b.get('SnapshotStorageUsedSize') == 0,
          'snapshot storage before any snapshot: %r' % (b.get('SnapshotStoragePath'),))
    check(b.get('LMTimeStamp') == 0 and b.get('LMSnapshotId') == b'\0' * 16, 'LM snapshot fields')
    check(b.get('LMMountPoint') == '' and b.get('LMCurrMountDeviceId') == '', 'not mounted')
    check(b.get('ResourceName') == '' and b.get('ResourceGroupName') == '', 'no cluster names')
    check(b.get('ResourceState') == 2, 'ClusterResourceOnline')
    expect_hr(b.hr('PutResourceName', ''), S_OK, 'empty resource name')
    expect_hr(b.hr('PutResourceName', 'res'), E_INVALIDARG, 'resource name, not clustered')
    expect_hr(b.hr('IsAlive'), S_OK, 'IsAlive')
    expect_hr(b.hr('SaveToStream'), E_ACCESSDENIED, 'SaveToStream from a remote caller')
    expect_hr(b.hr('PutCacheParent', 1), E_INVALIDARG, 'CacheParent of a fixed disk')
    expect_hr(c.hr('PutCacheParent', 1), S_OK, 'CacheParent of a differencing disk')
    check(c.get('CacheParent') == 1, 'CacheParent kept')
    expect_hr(c.hr('DVMountDirect'), ERROR_INVALID_FUNCTION, 'DVMountDirect of a differencing disk')
    expect_hr(c.hr('DVDismount'), ERROR_INVALID_FUNCTION, 'DVDismount of a differencing disk')
    expect_hr(b.hr('DVDismount'), ERROR_INVALID_OPERATION, 'DVDismount of an unmounted disk')
    vg = b.get('GetDeviceVolumeGuid')
    check(len(vg) == 16 and vg == y.get('GetDeviceVolumeGuid'), 'one volume GUID per root')
    vols = activate_local_device(dcom).enum_volumes()
    want = '\\\\?\\Volume{%s}\\' % str(uuid.UUID(bytes_le=vg))
    check([v['guid'].lower() for v in vols if v['mount_point'].startswith('C:')] == [want.lower()],
          'GetDeviceVolumeGuid %s is the VOLUME szGuid of C: %r' % (want, vols))
    e = b.get('EnumLMMountPoints')
    hr0, elem, n = e.next(1)
    check(hr0 == S_FALSE and n == 0, 'no mount points')

    # the base rule: a parent cannot be deleted, nor made writable... then
    # deleting the child frees it
    expect_hr(hr(lambda: mgr.delete_wtdisk(base)), ERROR_DEPENDENT_RESOURCE_EXISTS, 'delete a parent')
    expect_hr(hr(lambda: mgr.delete_wtdisk(123456)), S_OK, 'delete an unknown index')
    check(wtds(mgr) == sorted([base, dyn, child]), 'nothing deleted')

    # a child registered before its parent: registering the parent links them
    lc = mgr.create_wtdisk('C:\\disks\\late-child.vhd', 'child first')
    check(mgr.get_wtdisk(lc).get('ParentPath') == 'C:\\disks\\late-base.vhd',
          'ParentPath of a child whose parent is not a disk')
    lb = mgr.create_wtdisk('C:\\disks\\late-base.vhd', 'parent second')
    check(mgr.get_wtdisk(lb).get('Flags') == WTDFlagEnableLunMapping | WTDFlagReadOnly,
          'a parent registered after its child is read-only')
    expect_hr(hr(lambda: mgr.delete_wtdisk(lb)), ERROR_DEPENDENT_RESOURCE_EXISTS,
              'delete a parent registered after its child')
    mgr.delete_wtdisk(lc)
    mgr.delete_wtdisk(lb)

    # per-volume enumerations
    check(sorted(x.get('WTD') for x in mgr.enum_same_volume(base).all()) ==
          sorted([base, dyn, child]), 'EnumWTDisksOnSameVolume')
    check(sorted(x.get('WTD') for x in mgr.enum_same_volume_by_path('C:\\').all()) ==
          sorted([base, dyn, child]), 'EnumWTDisksOnSameVolumeByPath')
    check(sorted(x.get('WTD') for x in mgr.enum_all_cluster_wtdisks().all()) ==
          sorted([base, dyn, child]), 'EnumAllClusterWTDisks')

    # non-persistent disks: a placeholder until Save
    np = mgr.create_wtdisk_nonpersistent('C:\\disks\\np.vhd', 'not kept')
    npw = np.get('WTD')
    check(npw in wtds(mgr), 'a non-persistent disk is listed')
    np2 = mgr.create_wtdisk_nonpersistent('C:\\disks\\np2.vhd', 'kept by Save')
    np2.call('Save')
    np3 = mgr.create_wtdisk_nonpersistent('C:\\disks\\np3.vhd', 'closed')
    np3w = np3.get('WTD')
    mgr.close_wtdisk(np3w)
    check(np3w not in wtds(mgr), 'CloseWTDisk removed it')
    expect_hr(hr(lambda: mgr.close_wtdisk(base)), ERROR_INVALID_OPERATION, 'CloseWTDisk of a saved disk')
    expect_hr(hr(lambda: mgr.create_wtdisk_nonpersistent('C:\\disks\\np3.vhd', wtd=base)),
              ERROR_ALREADY_EXISTS, 'NonPersistent with an index in use')
    expect_hr(hr(lambda: mgr.create_wtdisk_nonpersistent('C:\\disks\\np3.vhd', wtd=999)),
              E_INVALIDARG, 'NonPersistent with a chosen free index')
    expect_hr(hr(lambda: mgr.create_wtdisk_nonpersistent('C:\\disks\\np3.vhd', resource='r')),
              E_INVALIDARG, 'NonPersistent with a cluster resource name')

    # not implemented / not clustered / remote
    expect_hr(hr(lambda: mgr.create_shadow_wtdisk('C:\\disks\\np3.vhd')), E_NOTIMPL, 'CreateShadowWTDisk')
    expect_hr(hr(lambda: mgr.create_shadow_wtdisk_nonpersistent('C:\\disks\\np3.vhd')),
              0x80070002, 'CreateShadowWTDiskNonPersistent of no snapshot: ERROR_FILE_NOT_FOUND')
    expect_hr(hr(mgr.dv_mount_selected_snapshot_now), S_OK,
              'DVMountSelectedWTDisksSnapshotNow (3.46.4.8: S_OK, no side effect)')
    expect_hr(hr(mgr.import_wtdisk), E_NOTIMPL, 'ImportWTDisk')
    expect_hr(hr(mgr.open_wtdisk), E_ACCESSDENIED, 'OpenWTDisk')
    expect_hr(hr(lambda: mgr.cluster_notify_deletion(base)), E_NOTIMPL, 'ClusterNotifyWTDiskDeletion')
    expect_hr(hr(lambda: mgr.cluster_notify_deletion2(base)), ERROR_INVALID_OPERATION,
              'ClusterNotifyWTDiskDeletion2')

    keep = {}
    for w in wtds(mgr):
        x = mgr.get_wtdisk(w).info()
        x['guid'] = x['guid'].hex()
        keep[str(w)] = x
    json.dump({'disks': keep, 'base': base, 'dyn': dyn, 'child': child, 'np': npw,
               'np2': np2.get('WTD')}, open(out, 'w'))
    print('created and checked disks %s' % sorted(keep))


def after_restart(mgr, storage, path):
    saved = json.load(open(path))
    now = wtds(mgr)
    want = sorted(int(w) for w in saved['disks'] if int(w) != saved['np'])
    check(now == want, 'after the restart: %r, expected %r' % (now, want))
    for w in want:
        x = mgr.get_wtdisk(w).info()
        x['guid'] = x['guid'].hex()
        check(x == saved['disks'][str(w)], 'disk %d changed across the restart: %r vs %r'
              % (w, x, saved['disks'][str(w)]))
    expect_hr(hr(lambda: mgr.delete_wtdisk(saved['base'])), ERROR_DEPENDENT_RESOURCE_EXISTS,
              'delete a parent after the restart')
    expect_hr(hr(lambda: mgr.get_wtdisk(saved['np'])), ERROR_FILE_NOT_FOUND,
              'the non-persistent disk is gone')
    # a new disk gets a new index: indexes are never reused
    n = mgr.create_wtdisk('C:\\disks\\np.vhd', 'again')
    check(n > max(int(w) for w in saved['disks']), 'index %d reused' % n)
    # delete the child, then the base can go; an object of a deleted disk
    # answers ERROR_FILE_NOT_FOUND where it asks the server
    stale = mgr.get_wtdisk(saved['child'])
    mgr.delete_wtdisk(saved['child'])
    for name in ('Save', 'Assigned', 'Status', 'IsAlive', 'GetLunStatus', 'LMStatus'):
        expect_hr(stale.hr(name), ERROR_FILE_NOT_FOUND, '%s of a deleted disk' % name)
    expect_hr(hr(lambda: mgr.get_wtdisk(saved['child'])), ERROR_FILE_NOT_FOUND,
              'GetWTDisk of a deleted disk')
    mgr.delete_wtdisk(saved['base'])
    check(saved['base'] not in wtds(mgr) and saved['child'] not in wtds(mgr), 'deleted')
    check(os.path.exists(os.path.join(storage, 'disks', 'base.vhd')),
          'DeleteWTDisk leaves the file (DeleteWtFile removes it)')
    print('after the restart: disks %s as saved; base and child deleted' % want)


def badinput(mgr, storage):
    before = wtds(mgr)
    files_before = sorted(os.listdir(os.path.join(storage, 'disks')))
    cases = [
        ('C:\\disks\\..\\..\\..\\etc\\passwd', E_ACCESSDENIED),
        ('/etc/passwd', E_ACCESSDENIED),
        ('D:\\x.vhd', E_ACCESSDENIED),
        ('C:\\disks\\out-link.vhd', E_ACCESSDENIED),     # symlink to a VHD outside the root
        ('C:\\disks\\dev-null', E_ACCESSDENIED),         # a character device
        ('C:\\disks\\fifo', E_ACCESSDENIED),
        ('C:\\disks\\outchild.vhd', E_ACCESSDENIED),     # parent outside the root
        ('C:\\disks\\missing.vhd', ERROR_FILE_NOT_FOUND),
        ('C:\\nodir\\x.vhd', (ERROR_PATH_NOT_FOUND, ERROR_FILE_NOT_FOUND)),
        ('C:\\disks', ERROR_DIRECTORY),
        ('C:\\disks\\garbage.vhd', E_INVALIDARG),        # not a VHD
        ('C:\\disks\\orphan.vhd', ERROR_FILE_NOT_FOUND),  # its parent is missing
        ('disks\\x.vhd', E_INVALIDARG),
        ('C:disks\\x.vhd', E_INVALIDARG),
        ('\\\\server\\share\\x.vhd', E_INVALIDARG),
        ('C:\\disks\\CON', E_INVALIDARG),
        ('C:\\disks\\a,b.vhd', E_INVALIDARG),
        ('C:\\disks\\x.vhd\0y', E_INVALIDARG),
        ('', E_INVALIDARG),
        ('C:\\' + 'a' * 300 + '.vhd', E_INVALIDARG),
        ('C:\\disks\\base.vhd', ERROR_ALREADY_EXISTS),   # registered already
        (None, E_POINTER),
    ]
    for path, want in cases:
        expect_hr(hr(lambda: mgr.create_wtdisk(path, 'bad')), want, 'CreateWTDisk %r' % path)
        expect_hr(hr(lambda: mgr.create_wtdisk_nonpersistent(path, 'bad')), want,
                  'CreateWTDiskNonPersistent %r' % path)
    expect_hr(hr(lambda: mgr.create_wtdisk('C:\\disks\\new.vhd', None)), E_POINTER, 'NULL Description')
    expect_hr(hr(lambda: mgr.create_wtdisk('C:\\disks\\new.vhd', 'bad\x01')), E_INVALIDARG,
              'control character in Description')
    expect_hr(hr(lambda: mgr.create_wtdisk('C:\\disks\\new.vhd', 'd' * 2000)), E_INVALIDARG,
              'Description too long')
    expect_hr(hr(lambda: mgr.create_wtdisk('C:\\disks\\new.vhd', 'x', device_type=0)),
              ERROR_NOT_SUPPORTED, 'volume-based disk')
    expect_hr(hr(lambda: mgr.create_wtdisk('C:\\disks\\new.vhd', 'x', device_type=2)),
              ERROR_NOT_SUPPORTED, 'RAM disk')
    expect_hr(hr(lambda: mgr.create_wtdisk('C:\\disks\\new.vhd', 'x', device_type=7)),
              E_INVALIDARG, 'unknown WTDType')
    for w in (0xffffffff, 0x7fffffff, 99999):
        expect_hr(hr(lambda: mgr.get_wtdisk(w)), ERROR_FILE_NOT_FOUND, 'GetWTDisk %d' % w)
        expect_hr(hr(lambda: mgr.enum_same_volume(w)), ERROR_FILE_NOT_FOUND,
                  'EnumWTDisksOnSameVolume %d' % w)
        expect_hr(hr(lambda: mgr.delete_wtdisk(w)), S_OK, 'DeleteWTDisk %d' % w)
        expect_hr(hr(lambda: mgr.close_wtdisk(w)), ERROR_FILE_NOT_FOUND, 'CloseWTDisk %d' % w)
    for path, want in (('/etc', E_ACCESSDENIED), ('Q:\\', E_ACCESSDENIED), ('', E_INVALIDARG),
                       (None, E_INVALIDARG), ('C:\\..\\..', E_ACCESSDENIED)):
        expect_hr(hr(lambda: mgr.enum_same_volume_by_path(path)), want,
                  'EnumWTDisksOnSameVolumeByPath %r' % path)
    d = mgr.get_wtdisk(before[0])
    desc = d.get('Description')
    for flags in (0x2, 0x4, 0x80000000, 0xffffffff):
        expect_hr(d.hr('PutFlags', flags), E_INVALIDARG, 'put Flags 0x%x' % flags)
    expect_hr(d.hr('PutDescription', 'x' * 1024), E_INVALIDARG, 'put a long Description')
    expect_hr(d.hr('PutDescription', 'a\nb'), E_INVALIDARG, 'put a Description with a newline')
    d.call('Save')
    check(mgr.get_wtdisk(before[0]).get('Description') == desc, 'refused edits not saved')
    check(wtds(mgr) == before, 'enumeration changed: %r, was %r' % (wtds(mgr), before))
    check(sorted(os.listdir(os.path.join(storage, 'disks'))) == files_before, 'files changed')
    print('bad input: %d paths refused with the expected HRESULTs, nothing changed' % len(cases))


def main():
    def add(ap):
        ap.add_argument('mode')
        ap.add_argument('storage')
        ap.add_argument('file', nargs='?')
    a = args(add)
    with connected(a) as dcom:
        mgr = activate_disk_mgr(dcom)
        check(isinstance(mgr, IWTDiskMgr), 'activation')
        if a.mode == 'create':
            create(dcom, mgr, a.storage, a.file)
        elif a.mode == 'check':
            after_restart(mgr, a.storage, a.file)
        elif a.mode == 'badinput':
            badinput(mgr, a.storage)
        else:
            raise SystemExit('unknown mode ' + a.mode)


if __name__ == '__main__':
    main()
