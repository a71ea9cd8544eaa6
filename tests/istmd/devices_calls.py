#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# devices_calls.py: ILocalDeviceMgr/2/3 and the enumerators it hands out,
# through contrib/istm/devices.py on impacket, against a running istmd
# whose C: is STORAGE.  Each STEP asserts what the server answers and what
# it did to the files (qemu-img and vhdiinfo, which nobody here wrote, read
# the VHDs).  Run by test-istmd-devices-*.sh through istm_py:
#   devices_calls.py --port P --user U --password W --portal A STEP STORAGE [ARGS]
import json
import os
import subprocess
import sys
import time

from istm.base import S_OK, S_FALSE, E_NOTIMPL, E_INVALIDARG, _status
from istm import devices
from istm.devices import activate_local_device, ERROR_NO_MORE_FILES
from istm_client import (args, connected, E_POINTER, E_FAIL, E_ACCESSDENIED,
                         ERROR_FILE_NOT_FOUND, ERROR_NOT_SUPPORTED, ERROR_PATH_NOT_FOUND,
                         ERROR_INVALID_HANDLE, ERROR_INVALID_DATA, ERROR_INVALID_DRIVE,
                         ERROR_BAD_LENGTH, ERROR_SHARING_VIOLATION, ERROR_FILE_EXISTS,
                         ERROR_UNSUPPORTED_TYPE, ERROR_DEVICE_IN_USE)

MiB = 1 << 20
GiB = 1 << 30

failures = []
PORTAL = ''


def hr_of(fn, *args):
    """The HRESULT of FN(*ARGS): 0, or what impacket raised for."""
    return _status(lambda: fn(*args))


def check(what, got, want):
    if got != want:
        fmt = (lambda v: '0x%08x' % v) if isinstance(want, int) and want > 0xffff else repr
        failures.append('%s: got %s, want %s' % (what, fmt(got), fmt(want)))
        print('FAIL', failures[-1])
    else:
        print('ok  ', what)


def qemu_info(path, chain=False):
    cmd = ['qemu-img', 'info', '--output=json', '-f', 'vpc', path]
    if chain:
        cmd.insert(2, '--backing-chain')
    return json.loads(subprocess.check_output(cmd))


def vhdiinfo(path):
    out = subprocess.run(['vhdiinfo', path], capture_output=True, text=True)
    return out.returncode, out.stdout


# ---- files: CreateWtFile, GrowWtFile, CreateDiffWtFile, DeleteWtFile ----
def step_create(d, storage):
    disk1 = r'C:\iSCSI_target_disks\VirtualDisk1.vhd'
    path1 = os.path.join(storage, 'iSCSI_target_disks', 'VirtualDisk1.vhd')
    # [MS-ISTM] 4.1, call by call
    check('4.1 IsPathValid', d.is_path_valid(disk1), S_OK)
    check('4.1 DoesFileExist before', d.does_file_exist(disk1), E_FAIL)
    check('4.1 CreateWtFile 64 MB', hr_of(d.create_wt_file, disk1, 0x4000000, False), S_OK)
    check('4.1 alternative: DoesFileExist', d.does_file_exist(disk1), S_OK)
    check('4.1 alternative: IsValidWtDevice', d.is_valid_wt_device(disk1), S_OK)
    q = qemu_info(path1)
    check('qemu-img format', q['format'], 'vpc')
    check('qemu-img virtual size', q['virtual-size'], 64 * MiB)
    rc, text = vhdiinfo(path1)
    check('vhdiinfo runs', rc, 0)
    check('vhdiinfo: fixed', 'Fixed' in text, True)
    check('vhdiinfo: media size', '67108864 bytes' in text, True)
    st = os.stat(path1)
    check('file size = data + footer', st.st_size, 64 * MiB + 512)
    check('not sparse: space reserved', st.st_blocks * 512 >= 64 * MiB, True)

    # bSparse: a fixed VHD whose data area is a hole
    check('CreateWtFile sparse 1 GiB', hr_of(d.create_wt_file, r'C:\sparse.vhd', GiB, True), S_OK)
    st = os.stat(os.path.join(storage, 'sparse.vhd'))
    check('sparse: size', st.st_size, GiB + 512)
    check('sparse: almost nothing allocated', st.st_blocks * 512 < MiB, True)
    check('sparse: qemu-img virtual size', qemu_info(os.path.join(storage, 'sparse.vhd'))['virtual-size'], GiB)

    # <62>: truncated to whole MiB; POSIX paths inside the root work
    check('CreateWtFile unaligned 100 MiB + 12345', hr_of(d.create_wt_file,
        os.path.join(storage, 'posix.vhd'), 100 * MiB + 12345, False), S_OK)
    check('truncated to 100 MiB', qemu_info(os.path.join(storage, 'posix.vhd'))['virtual-size'], 100 * MiB)
    check('CreateWtFile c:/a/b style', hr_of(d.create_wt_file, 'c:/slashes/x.vhd', 8 * MiB, True), S_OK)
    check('  exists', os.path.isfile(os.path.join(storage, 'slashes', 'x.vhd')), True)

    # a large fixed VHD is fast (fallocate, nothing written)
    t0 = time.monotonic()
    hr = hr_of(d.create_wt_file, r'C:\big.vhd', 8 * GiB, False)
    took = time.monotonic() - t0
    check('CreateWtFile fixed 8 GiB', hr, S_OK)
    st = os.stat(os.path.join(storage, 'big.vhd'))
    check('8 GiB reserved', st.st_blocks * 512 >= 8 * GiB, True)
    print('     8 GiB fixed VHD created in %.2f s' % took)
    check('8 GiB fixed create under 5 s', took < 5, True)
    check('DeleteWtFile big', hr_of(d.delete_wt_file, r'C:\big.vhd'), S_OK)
    check('  gone', os.path.exists(os.path.join(storage, 'big.vhd')), False)

    # an existing file is never replaced
    before = os.stat(path1)
    check('CreateWtFile over an existing file', hr_of(d.create_wt_file, disk1, 32 * MiB, False), ERROR_FILE_EXISTS)
    after = os.stat(path1)
    check('  file untouched', (after.st_ino, after.st_size, after.st_mtime_ns),
          (before.st_ino, before.st_size, before.st_mtime_ns))
    check('CreateWtFile over a directory', hr_of(d.create_wt_file, r'C:\iSCSI_target_disks', 32 * MiB, False), E_INVALIDARG)

    # GrowWtFile (<63>: below 1 MiB E_INVALIDARG; truncated to MiB)
    check('GrowWtFile +32 MiB', hr_of(d.grow_wt_file, disk1, 32 * MiB), S_OK)
    check('  qemu-img 96 MiB', qemu_info(path1)['virtual-size'], 96 * MiB)
    check('GrowWtFile +1 MiB + 1000', hr_of(d.grow_wt_file, disk1, MiB + 1000), S_OK)
    check('  qemu-img 97 MiB', qemu_info(path1)['virtual-size'], 97 * MiB)
    # libvhdi 20210425 reports the footer's original size (64 MiB, kept by a
    # grow, as the VHD specification says); it must still read the file
    rc, text = vhdiinfo(path1)
    check('  vhdiinfo still reads the grown file', (rc, 'Fixed' in text), (0, True))
    check('GrowWtFile +512 KiB', hr_of(d.grow_wt_file, disk1, 512 * 1024), E_INVALIDARG)
    check('GrowWtFile past 2040 GiB', hr_of(d.grow_wt_file, disk1, 2040 * GiB), ERROR_BAD_LENGTH)
    check('GrowWtFile of a missing file', hr_of(d.grow_wt_file, r'C:\nope.vhd', 8 * MiB), ERROR_FILE_NOT_FOUND)
    check('  size unchanged', qemu_info(path1)['virtual-size'], 97 * MiB)


def step_diff(d, storage):
    base = r'C:\iSCSI_target_disks\VirtualDisk1.vhd'
    base_path = os.path.join(storage, 'iSCSI_target_disks', 'VirtualDisk1.vhd')
    for i in (1, 2, 3):
        check('CreateDiffWtFile child%d' % i,
              hr_of(d.create_diff_wt_file, r'C:\children\child%d.vhd' % i, base), S_OK)
    child = os.path.join(storage, 'children', 'child1.vhd')
    check('IsValidWtDevice child', d.is_valid_wt_device(r'C:\children\child1.vhd'), S_OK)
    rc, text = vhdiinfo(child)
    check('vhdiinfo child runs', rc, 0)
    check('vhdiinfo: differential', 'Differential' in text, True)
    check('vhdiinfo: parent is the base', 'VirtualDisk1.vhd' in text, True)
    q = qemu_info(child)
    check('qemu-img child: vpc, virtual size of the base', (q['format'], q['virtual-size']),
          ('vpc', 97 * MiB))
    check('CreateDiffWtFile over an existing child',
          hr_of(d.create_diff_wt_file, r'C:\children\child1.vhd', base), ERROR_FILE_EXISTS)
    check('CreateDiffWtFile of a differencing parent',
          hr_of(d.create_diff_wt_file, r'C:\children\grandchild.vhd', r'C:\children\child1.vhd'),
          ERROR_UNSUPPORTED_TYPE)
    check('CreateDiffWtFile of a missing parent',
          hr_of(d.create_diff_wt_file, r'C:\children\x.vhd', r'C:\nope.vhd'), ERROR_FILE_NOT_FOUND)
    with open(os.path.join(storage, 'notvhd.bin'), 'wb') as f:
        f.write(os.urandom(4096))
    check('CreateDiffWtFile of a file that is no VHD',
          hr_of(d.create_diff_wt_file, r'C:\children\x.vhd', r'C:\notvhd.bin'), ERROR_INVALID_DATA)
    check('  nothing made', os.path.exists(os.path.join(storage, 'children', 'x.vhd')), False)
    # the base rule: a base with children is neither deleted nor grown
    check('DeleteWtFile of the base', hr_of(d.delete_wt_file, base), ERROR_DEVICE_IN_USE)
    check('GrowWtFile of the base', hr_of(d.grow_wt_file, base, 8 * MiB), ERROR_DEVICE_IN_USE)
    check('  base still there', os.path.isfile(base_path), True)
    check('GrowWtFile of a child', hr_of(d.grow_wt_file, r'C:\children\child1.vhd', 8 * MiB), E_INVALIDARG)


def step_grow_dynamic(d, storage):
    """A dynamic VHD (vhdtool, 999 MiB: a table of 500 2 MiB blocks) grows
    within its block table; past it is ERROR_BAD_LENGTH."""
    path = os.path.join(storage, 'dyn.vhd')
    check('IsValidWtDevice dynamic', d.is_valid_wt_device(r'C:\dyn.vhd'), S_OK)
    check('GrowWtFile dynamic +1 MiB', hr_of(d.grow_wt_file, r'C:\dyn.vhd', MiB), S_OK)
    check('  qemu-img 1000 MiB', qemu_info(path)['virtual-size'], 1000 * MiB)
    rc, text = vhdiinfo(path)
    check('  vhdiinfo reads it, dynamic', (rc, 'Dynamic' in text), (0, True))
    check('GrowWtFile dynamic past its block table',
          hr_of(d.grow_wt_file, r'C:\dyn.vhd', 64 * MiB), ERROR_BAD_LENGTH)
    check('  qemu-img still 1000 MiB', qemu_info(path)['virtual-size'], 1000 * MiB)
    check('DeleteWtFile dynamic', hr_of(d.delete_wt_file, r'C:\dyn.vhd'), S_OK)


def step_locked_parent(d, storage):
    """The base is open for writing (vhdfs, read-write): no new child."""
    check('CreateDiffWtFile of a parent open for writing',
          hr_of(d.create_diff_wt_file, r'C:\children\late.vhd', r'C:\iSCSI_target_disks\VirtualDisk1.vhd'),
          ERROR_SHARING_VIOLATION)
    check('  nothing made', os.path.exists(os.path.join(storage, 'children', 'late.vhd')), False)
    check('DeleteWtFile of a VHD open elsewhere', hr_of(d.delete_wt_file, r'C:\sparse.vhd'),
          ERROR_SHARING_VIOLATION)
    check('  still there', os.path.isfile(os.path.join(storage, 'sparse.vhd')), True)


def step_delete(d, storage):
    for i in (1, 2, 3):
        check('DeleteWtFile child%d' % i, hr_of(d.delete_wt_file, r'C:\children\child%d.vhd' % i), S_OK)
    check('DeleteWtFile of the base, children gone', hr_of(d.delete_wt_file,
        r'C:\iSCSI_target_disks\VirtualDisk1.vhd'), S_OK)
    check('DoesFileExist after delete', d.does_file_exist(r'C:\iSCSI_target_disks\VirtualDisk1.vhd'), E_FAIL)
    check('DeleteWtFile again', hr_of(d.delete_wt_file, r'C:\iSCSI_target_disks\VirtualDisk1.vhd'),
          ERROR_FILE_NOT_FOUND)
    check('DeleteWtFile of a file that is no VHD', hr_of(d.delete_wt_file, r'C:\notvhd.bin'), ERROR_INVALID_DATA)
    check('  still there', os.path.isfile(os.path.join(storage, 'notvhd.bin')), True)
    check('DeleteWtFile of a directory', hr_of(d.delete_wt_file, r'C:\children'), E_INVALIDARG)
    check('  still there', os.path.isdir(os.path.join(storage, 'children')), True)


# ---- volumes, drive information, directories, the rest ----
def free_matches(storage, ask):
    """Free space from ASK() equals statvfs's, taken just before and after
    (other tests share the file system and move it: up to 10 tries)."""
    for _ in range(10):
        vfs = os.statvfs(storage)
        before = vfs.f_bavail * vfs.f_frsize
        got = ask()
        vfs = os.statvfs(storage)
        after = vfs.f_bavail * vfs.f_frsize
        if before == after == got:
            return True
        time.sleep(0.2)
    print('     free space: server %d, statvfs %d / %d' % (got, before, after))
    return False


def step_volumes(d, storage, other):
    vfs = os.statvfs(storage)
    total = vfs.f_blocks * vfs.f_frsize
    hr, e = d.open_enum_volumes()
    check('EnumVolumes', hr, S_OK)
    check('IEnumVolume count-only Next(0)', e.count(), 2)
    vols = e.all()
    check('one VOLUME per root', [v['szMountPoint'] for v in vols], ['C:\\', 'D:\\'])
    v = vols[0]
    check('VOLUME total = statvfs', (v['hySize'], v['hyTotalVolSize']), (total, total))
    check('VOLUME valid for virtual disks', v['bValidWTVolume'], 1)
    check('VOLUME label: root directory name', v['szLabel'], os.path.basename(storage))
    check('VOLUME guid form', v['szGuid'].startswith('\\\\?\\Volume{') and v['szGuid'].endswith('}\\'), True)
    check('VOLUME guids differ', vols[0]['szGuid'] != vols[1]['szGuid'], True)
    check('Next at the end: S_FALSE', e.next(1)[0], S_FALSE)
    check('Reset', e.reset(), S_OK)
    check('Skip 1', e.skip(1), S_OK)
    hr, c = e.clone()
    check('Clone', hr, S_OK)
    check('clone continues where its source is', c.next(1)[1]['szMountPoint'], 'D:\\')
    check('source unaffected by the clone', e.next(1)[1]['szMountPoint'], 'D:\\')
    check('Skip past the end: S_FALSE', e.skip(5), S_FALSE)
    check('Skip 0: E_INVALIDARG', e.skip(0), E_INVALIDARG)

    hr, e2 = d.open_enum_volumes2()
    check('EnumVolumes2', hr, S_OK)
    vols2 = e2.all()
    check('VOLUME2 per root', [v['szMountPoint'] for v in vols2], ['C:\\', 'D:\\'])
    v2 = vols2[0]
    check('VOLUME2 free space = statvfs', free_matches(
        storage, lambda: d.open_enum_volumes2()[1].next(1)[1]['hyFreeSpace']), True)
    check('VOLUME2 sparse files', v2['bSupportSparseFiles'], 1)
    check('VOLUME2 no resource group', v2['szResourceGroup'], '')
    check('VOLUME2 MaxFileSize positive', v2['MaxFileSize'] > 2040 * GiB, True)
    hr, vi = d.get_volume_info('C:\\')
    check('GetVolumeInfo C:\\', (hr, vi and vi['szMountPoint']), (S_OK, 'C:\\'))
    hr, vi = d.get_volume_info(os.path.join(other, 'x'))
    check('GetVolumeInfo of a POSIX path on D:', (hr, vi and vi['szMountPoint']), (S_OK, 'D:\\'))
    check('GetVolumeInfo of Q:', d.get_volume_info('Q:\\')[0], ERROR_FILE_NOT_FOUND)
    check('GetVolumeInfo of /etc', d.get_volume_info('/etc')[0], ERROR_FILE_NOT_FOUND)

    # GetDriveInfo against statvfs (free space moves with other tests: near)
    for drive in ('C:\\', 'C:', 'c', 'C:/'):
        hr, di = d.get_drive_info(drive)
        check('GetDriveInfo %r' % drive, hr, S_OK)
        vfs = os.statvfs(storage)
        check('  szDrive', di['szDrive'], 'C:\\')
        check('  hySize = statvfs f_blocks * f_frsize', di['hySize'], vfs.f_blocks * vfs.f_frsize)
        check('  hyFreeSpace = f_bavail * f_frsize', free_matches(
            storage, lambda: d.get_drive_info(drive)[1]['hyFreeSpace']), True)
        check('  sparse files', di['bSupportSparseFiles'], 1)
    df = subprocess.check_output(['df', '-B1', '--output=size', storage], text=True).split()[-1]
    check('GetDriveInfo size = df', d.get_drive_info('C:')[1]['hySize'], int(df))
    check('GetDriveInfo Q: (no such root)', d.get_drive_info('Q:')[0], ERROR_INVALID_DRIVE)
    check('GetDriveInfo malformed', d.get_drive_info('C:\\a|b')[0], E_INVALIDARG)

    # physical disks: none; clusters: none
    for name, fn in (('EnumDisks', d.open_enum_disks), ('EnumDisks2', d.open_enum_disks2)):
        hr, en = fn()
        check(name, hr, S_OK)
        check(name + ' count-only', en.count(), 0)
        check(name + ' Next: S_FALSE at once', en.next(1)[0], S_FALSE)
        check(name + ' Clone', en.clone()[0], S_OK)
    # not a cluster: one empty list of resource groups, reachable both ways
    for name, fn in (('EnumResourceGroup', d.enum_resource_group),
                     ('EnumLocalResourceGroup', d.enum_local_resource_group)):
        hr, en = fn()
        check(name, hr, S_OK)
        check(name + ' count-only', en.count(), 0)
        check(name + ' Next: S_FALSE at once', en.next(1)[0], S_FALSE)
        check(name + ' Skip(1): S_FALSE', en.skip(1), S_FALSE)
        check(name + ' Clone', en.clone()[0], S_OK)
    check('GetResourceGroupGuid', hr_of(d.get_resource_group_guid, 'grp'), ERROR_INVALID_HANDLE)
    check('GetResourceGroupGuid ""', hr_of(d.get_resource_group_guid, ''), E_INVALIDARG)
    check('GetResourceGroupFromPath', d.get_resource_group_from_path('C:\\x.vhd'), (S_OK, ''))
    check('GetResourceGroupFromPath outside', d.get_resource_group_from_path('/etc/passwd')[0],
          E_ACCESSDENIED)
    check('RenameResourceGroup', hr_of(d.rename_resource_group, 'a', 'b'), ERROR_INVALID_HANDLE)
    check('RenameResourceGroup ""', hr_of(d.rename_resource_group, '', 'b'), E_INVALIDARG)
    check('GetResourceGroupOwner', hr_of(d.get_resource_group_owner, 'a'), ERROR_INVALID_HANDLE)
    check('GetResourceGroupOwner ""', hr_of(d.get_resource_group_owner, ''), E_POINTER)
    check('IsDiskPartAvailable', d.is_disk_part_available(), 0)
    check('CreateVolume', hr_of(d.create_volume, 0, 0, GiB, 0), E_NOTIMPL)
    check('GetProcessors', hr_of(d.get_processors), E_NOTIMPL)
    check('DeviceManagerRescan', hr_of(d.device_manager_rescan, True), S_OK)
    check('IsPathNtfs (ext4/tmpfs root)', d.is_path_ntfs('C:\\x.vhd'), S_FALSE)
    check('IsPathNtfs malformed', d.is_path_ntfs('C:\\a?b'), E_INVALIDARG)
    # portals: the ones tgtd listens on (istm_start: 127.0.0.1:PORT)
    addr, port = PORTAL.rsplit(':', 1)
    port = int(port)
    for name, fn in (('EnumPortals', d.open_enum_portals),
                     ('EnumLocalPortals', lambda: d.open_enum_local_portals(''))):
        hr, pe = fn()
        check(name, hr, S_OK)
        ps = [(p['address'], p['port']) for p in pe.all()]
        check(name + ' lists tgtd\'s portal', (addr, port) in ps, True)
    hr, p = d.get_portal(addr)
    check('GetPortal %s' % addr, (hr, p and p['dwPort'], p and p['bListen']), (S_OK, port, 1))
    check('GetPortal unknown address', d.get_portal('10.9.9.9')[0], ERROR_FILE_NOT_FOUND)
    check('SetPortalConfig as it is', hr_of(d.set_portal_config, addr, port, True), S_OK)
    check('SetPortalConfig port 0', hr_of(d.set_portal_config, addr, 0, True), E_INVALIDARG)
    check('SetPortalConfig port 65536', hr_of(d.set_portal_config, addr, 65536, True), E_INVALIDARG)
    check('SetPortalConfig unknown address', hr_of(d.set_portal_config, '10.9.9.9', 3260, True),
          ERROR_FILE_NOT_FOUND)
    check('SetPortalConfig not an address', hr_of(d.set_portal_config, 'portal.example', port,
                                                   True), E_INVALIDARG)
    check('SetPortalConfig closing the last portal', hr_of(d.set_portal_config, addr, port, False),
          ERROR_NOT_SUPPORTED)


def step_directory(d, storage, expected_json):
    """EnumDirectory lists what ls lists (without symlinks and devices)."""
    expected = json.loads(expected_json)
    hr, de = d.open_enum_directory()
    check('EnumDirectory', hr, S_OK)
    check('FindNext before FindFirst', de.find_next()[0], ERROR_INVALID_HANDLE)
    check('GetDriveString', de.get_drive_string(), E_NOTIMPL)
    for sub, names in sorted(expected.items()):
        client = 'C:\\' + sub.replace('/', '\\') if sub else 'C:\\'
        got = de.list(client)
        check('listing of %r: names' % client, [g[0] for g in got], [n[0] for n in names])
        check('listing of %r: types' % client, [g[2] for g in got], [n[1] for n in names])
        full = [client.rstrip('\\') + '\\' + n[0] for n in names]
        check('listing of %r: full paths' % client, [g[1] for g in got], full)
    got = de.list('C:\\*')
    check('C:\\* lists the root', [g[0] for g in got], [n[0] for n in expected['']])
    got = de.list('C:\\*.VHD')
    check('C:\\*.VHD: VHDs only, case ignored', [g[0] for g in got],
          [n[0] for n in expected[''] if n[0].lower().endswith('.vhd')])
    check('FindFirst of an empty directory', de.find_first('C:\\empty')[0], ERROR_NO_MORE_FILES)
    check('FindFirst of a missing directory', de.find_first('C:\\nothere')[0], ERROR_PATH_NOT_FOUND)
    check('FindFirst outside the roots', de.find_first('/etc')[0], E_ACCESSDENIED)
    check('FindFirst through a symlink out', de.find_first('C:\\link-out')[0], E_ACCESSDENIED)
    check('FindFirst with ..', de.find_first('C:\\..\\..')[0], E_ACCESSDENIED)
    check('FindNext after a failed FindFirst', de.find_next()[0], ERROR_INVALID_HANDLE)
    # FindFirst again restarts; FindClose ends
    hr, first = de.find_first('C:\\')
    check('FindFirst restarts', (hr, first[0]), (S_OK, expected[''][0][0]))
    check('FindClose', de.find_close(), S_OK)
    check('FindNext after FindClose', de.find_next()[0], ERROR_INVALID_HANDLE)


# ---- bad input: every method taking a path or a size ----
BAD_PATHS = [
    # (client path, what it is)
    (r'C:\..\..\etc\passwd', '.. above the root'),
    ('/etc/passwd', 'absolute path outside the roots'),
    (r'C:\link-out\passwd', 'symlink leading out'),
    (r'C:\link-out', 'symlink to a directory outside'),
    (r'C:\link-abs.vhd', 'absolute symlink out'),
    (r'C:\dangling-out.vhd', 'dangling symlink out'),
    (r'C:\dev-null', 'character device in the root'),
    (r'C:\fifo', 'FIFO in the root'),
    (r'\\server\share\x.vhd', 'UNC path'),
    (r'\\?\C:\x.vhd', 'device path'),
    (r'\\.\PhysicalDrive0', 'physical drive'),
    (r'Q:\x.vhd', 'drive letter not configured'),
    (r'C:x.vhd', 'drive-relative'),
    (r'x.vhd', 'relative'),
    (r'\x.vhd', 'rooted without drive'),
    (r'C:\a,b.vhd', 'comma'),
    (r'C:\CON', 'reserved name'),
    (r'C:\NUL.vhd', 'reserved name with extension'),
    (r'C:\x.vhd.', 'trailing dot'),
    (r'C:\x?.vhd', 'wildcard'),
    (r'C:\x' + 'a' * 300 + '.vhd', 'name over 255 bytes'),
    ('', 'empty'),
]


def expect_bad(what, hr, allowed=(E_INVALIDARG, E_ACCESSDENIED)):
    check(what + ' refused (0x%08x)' % hr, hr in allowed, True)


def step_bad(d, storage):
    for path, what in BAD_PATHS:
        expect_bad('CreateWtFile %s' % what, hr_of(d.create_wt_file, path, 64 * MiB, False))
        expect_bad('CreateWtFile sparse %s' % what, hr_of(d.create_wt_file, path, 64 * MiB, True))
        expect_bad('GrowWtFile %s' % what, hr_of(d.grow_wt_file, path, 8 * MiB))
        expect_bad('DeleteWtFile %s' % what, hr_of(d.delete_wt_file, path))
        expect_bad('IsValidWtDevice %s' % what, d.is_valid_wt_device(path))
        expect_bad('IsPathValid %s' % what, d.is_path_valid(path), (E_FAIL, E_ACCESSDENIED))
        expect_bad('DoesFileExist %s' % what, d.does_file_exist(path),
                   (E_INVALIDARG, E_ACCESSDENIED, E_FAIL))
        expect_bad('CreateDiffWtFile child %s' % what,
                   hr_of(d.create_diff_wt_file, path, r'C:\good.vhd'))
        expect_bad('CreateDiffWtFile parent %s' % what,
                   hr_of(d.create_diff_wt_file, r'C:\newchild.vhd', path),
                   (E_INVALIDARG, E_ACCESSDENIED, ERROR_INVALID_DATA))
        expect_bad('IsPathNtfs %s' % what, d.is_path_ntfs(path))
        expect_bad('GetResourceGroupFromPath %s' % what, d.get_resource_group_from_path(path)[0])
    # DoesFileExist must not tell what exists outside the roots
    check('DoesFileExist /etc/passwd', d.does_file_exist('/etc/passwd'), E_ACCESSDENIED)
    check('DoesFileExist through a symlink out', d.does_file_exist(r'C:\link-abs.vhd'), E_ACCESSDENIED)
    # sizes: zero, negative, below the minimum, huge, unaligned
    for size, want, what in ((0, E_INVALIDARG, '0'), (-MiB, E_INVALIDARG, 'negative'),
                             (MiB - 1, E_INVALIDARG, 'below 1 MiB'),
                             (4 * MiB, ERROR_BAD_LENGTH, '4 MiB (below 8)'),
                             (8 * MiB - 1, ERROR_BAD_LENGTH, '8 MiB - 1 (truncates to 7)'),
                             (2041 * GiB, ERROR_BAD_LENGTH, '2041 GiB'),
                             ((1 << 63) - 1, ERROR_BAD_LENGTH, '2^63 - 1')):
        check('CreateWtFile size %s' % what, hr_of(d.create_wt_file, r'C:\size.vhd', size, False), want)
        check('  nothing made', os.path.exists(os.path.join(storage, 'size.vhd')), False)
    for add, want, what in ((0, E_INVALIDARG, '0'), (1000, E_INVALIDARG, '1000 bytes'),
                            (-1, ERROR_BAD_LENGTH, '2^64 - 1 (unsigned)'),
                            (2040 * GiB, ERROR_BAD_LENGTH, '2040 GiB more')):
        check('GrowWtFile +%s' % what, hr_of(d.grow_wt_file, r'C:\good.vhd', add), want)
    check('IsValidWtDevice of the root', d.is_valid_wt_device('C:\\'), ERROR_PATH_NOT_FOUND)
    check('IsValidWtDevice of a directory', d.is_valid_wt_device(r'C:\dir'), ERROR_PATH_NOT_FOUND)
    check('IsValidWtDevice of a missing file', d.is_valid_wt_device(r'C:\missing.vhd'), ERROR_FILE_NOT_FOUND)
    check('IsValidWtDevice in a missing directory', d.is_valid_wt_device(r'C:\nodir\x.vhd'),
          ERROR_PATH_NOT_FOUND)
    check('IsValidWtDevice of a text file', d.is_valid_wt_device(r'C:\text.txt'), ERROR_INVALID_DATA)
    check('IsValidWtDevice of a good VHD', d.is_valid_wt_device(r'C:\good.vhd'), S_OK)
    check('IsPathValid of a directory', d.is_path_valid(r'C:\dir'), E_FAIL)
    check('IsPathValid under a file', d.is_path_valid(r'C:\text.txt\x.vhd'), E_FAIL)
    check('IsPathValid of a mount inside the root', d.is_path_valid(r'C:\mnt\x.vhd'),
          ERROR_INVALID_DRIVE if os.path.ismount(os.path.join(storage, 'mnt')) else S_OK)
    check('DeleteWtFile of a text file', hr_of(d.delete_wt_file, r'C:\text.txt'), ERROR_INVALID_DATA)
    check('DeleteWtFile of a symlink to a VHD in the root', hr_of(d.delete_wt_file, r'C:\link-in.vhd'),
          E_INVALIDARG)
    check('CreateWtFile over a symlink in the root', hr_of(d.create_wt_file, r'C:\link-in.vhd', 64 * MiB,
                                                            False), ERROR_FILE_EXISTS)
    check('CreateWtFile over a dangling symlink in the root',
          hr_of(d.create_wt_file, r'C:\dangling-in.vhd', 64 * MiB, False), ERROR_FILE_EXISTS)
    check('IsValidWtDevice through a symlink in the root', d.is_valid_wt_device(r'C:\link-in.vhd'), S_OK)
    check('CreateWtFile over a directory', hr_of(d.create_wt_file, r'C:\dir', 64 * MiB, False), E_INVALIDARG)
    check('CreateWtFile under a file', hr_of(d.create_wt_file, r'C:\text.txt\x.vhd', 64 * MiB, False),
          ERROR_PATH_NOT_FOUND)
    check('CreateDiffWtFile parent is a directory', hr_of(d.create_diff_wt_file, r'C:\c.vhd', r'C:\dir'),
          E_INVALIDARG)
    check('CreateDiffWtFile parent is the root', hr_of(d.create_diff_wt_file, r'C:\c.vhd', 'C:\\'),
          E_INVALIDARG)


# ---- registered virtual disks (IWTDiskMgr of the disks area) ----
def step_registered(d, storage, dcom):
    from istm import disks
    dm = disks.activate_disk_mgr(dcom)
    vd = r'C:\reg\disk.vhd'
    vd_path = os.path.join(storage, 'reg', 'disk.vhd')
    check('CreateWtFile', hr_of(d.create_wt_file, vd, 64 * MiB, False), S_OK)
    wtd = dm.create_wtdisk(vd, 'registered')
    check('IsPathValid of a registered disk', d.is_path_valid(vd), ERROR_DEVICE_IN_USE)
    check('DeleteWtFile of a registered disk', hr_of(d.delete_wt_file, vd), ERROR_DEVICE_IN_USE)
    check('  still there', os.path.isfile(vd_path), True)
    # a registered disk that is not served may grow: its record follows
    check('GrowWtFile of a registered disk', hr_of(d.grow_wt_file, vd, 16 * MiB), S_OK)
    check('  qemu-img 80 MiB', qemu_info(vd_path)['virtual-size'], 80 * MiB)
    check('  IWTDisk Size follows', dm.get_wtdisk(wtd).get('Size'), 80 * MiB)
    # a registered child: its (unregistered) base is neither deleted nor grown
    check('CreateWtFile base', hr_of(d.create_wt_file, r'C:\reg\base.vhd', 32 * MiB, False), S_OK)
    check('CreateDiffWtFile child', hr_of(d.create_diff_wt_file, r'C:\reg\child.vhd',
                                          r'C:\reg\base.vhd'), S_OK)
    child = dm.create_wtdisk(r'C:\reg\child.vhd', 'child')
    check('DeleteWtFile of a registered child\'s base',
          hr_of(d.delete_wt_file, r'C:\reg\base.vhd'), ERROR_DEVICE_IN_USE)
    check('GrowWtFile of a registered child\'s base',
          hr_of(d.grow_wt_file, r'C:\reg\base.vhd', 8 * MiB), ERROR_DEVICE_IN_USE)
    check('DeleteWtFile of the registered child', hr_of(d.delete_wt_file, r'C:\reg\child.vhd'),
          ERROR_DEVICE_IN_USE)
    # 4.8: the disk goes first, then its file
    dm.delete_wtdisk(child)
    dm.delete_wtdisk(wtd)
    check('DeleteWtFile after DeleteWTDisk', hr_of(d.delete_wt_file, vd), S_OK)
    check('DeleteWtFile of the child after DeleteWTDisk',
          hr_of(d.delete_wt_file, r'C:\reg\child.vhd'), S_OK)
    check('DeleteWtFile of the base, no child left', hr_of(d.delete_wt_file, r'C:\reg\base.vhd'), S_OK)
    check('  all gone', os.listdir(os.path.join(storage, 'reg')), [])


def main():
    def add(ap):
        ap.add_argument('step')
        ap.add_argument('storage')
        ap.add_argument('extra', nargs='*')
    a = args(add)
    global PORTAL
    PORTAL = a.portal or ''
    with connected(a) as dcom:
        d = activate_local_device(dcom)
        extra = [dcom] if a.step == 'registered' else a.extra
        globals()['step_' + a.step.replace('-', '_')](d, a.storage, *extra)
        # the older interfaces reach the same object
        if a.step == 'volumes':
            d1 = activate_local_device(dcom, devices.IID_ILocalDeviceMgr)
            check('ILocalDeviceMgr (v1) DoesFileExist', d1.does_file_exist('C:\\nothing'), E_FAIL)
    if failures:
        print('%d check(s) failed' % len(failures))
        sys.exit(1)


if __name__ == '__main__':
    main()
