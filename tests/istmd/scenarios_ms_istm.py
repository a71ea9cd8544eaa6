#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# scenarios_ms_istm.py: the eight examples of [MS-ISTM] section 4, call by
# call with the parameter values printed there, each HRESULT checked as
# written, from impacket through contrib/istm.  Run by
# test-istmd-scenarios.sh in phases, so the shell can put a real initiator
# and tgtd's own view between them:
#   setup    disks 0-3 (so VirtualDisk1 gets WTDIndex 4 and nWTD 3 exists,
#            as the examples assume), 4.1, 4.2, 4.3, 4.4, 4.5 (the target
#            is named ISTMTarget first: 4.5 renames it back), then CHAP on
#            DatabaseTarget through IHost (for the initiator's login)
#   finish   4.6, 4.7, 4.8, then 4.1's alternative sequence (the VHD file
#            already exists: the shell made it with vhdtool)
# Prints one line per call; exits 1 with the call and its HRESULT on the
# first difference.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from impacket.dcerpc.v5.rpcrt import DCERPCException  # noqa: E402
from istm import access as A, base, hresults  # noqa: E402
from istm_client import args, run_phase, Mismatch, S_OK, S_FALSE, E_FAIL  # noqa: E402

DIR = 'C:\\iSCSI_target_disks'
VD1 = DIR + '\\VirtualDisk1.vhd'
VD1_DESC = 'Virtual Disk Number 1 - 64 MB'
TARGET, OLD_NAME = 'DatabaseTarget', 'ISTMTarget'
NEW_IQN = 'iqn.1991-5.com.contoso:test-server-istmtarget-target'
INITIATOR = 'iqn.1991-05.com.contoso:test-server'
WTDTypeFileBased, IDIQN = 1, 4


def run(label, want, fn, *args):
    """FN(*ARGS) must answer the HRESULT WANT; its result is returned.
    Wrappers raise for a failure HRESULT (and S_FALSE); one that returns
    an HRESULT-only method's code as an int is accepted too."""
    try:
        r = fn(*args)
        hr = S_OK
        if isinstance(r, int) and label.endswith('!hr'):
            hr, r = r, None
    except DCERPCException as e:
        hr = base.hresult_of(e)
        if hr is None:
            raise
        r = None
    label = label.replace('!hr', '')
    print('%-60s %s' % (label, hresults.describe(hr)))
    if hr != want:
        raise Mismatch('%s: %s, expected %s' % (label, hresults.describe(hr),
                                                hresults.describe(want)))
    return r


def run_any(label, wants, fn, *args):
    """FN(*ARGS) must answer one of the HRESULTs WANTS; returns it."""
    try:
        r = fn(*args)
        hr = r if isinstance(r, int) and label.endswith('!hr') else S_OK
    except DCERPCException as e:
        hr = base.hresult_of(e)
        if hr is None:
            raise
    label = label.replace('!hr', '')
    print('%-60s %s' % (label, hresults.describe(hr)))
    if hr not in wants:
        raise Mismatch('%s: %s, expected one of %s' % (label, hresults.describe(hr),
                                                       ', '.join(map(hresults.describe, wants))))
    return hr


def check(cond, what):
    if not cond:
        raise Mismatch(what)
    print('%-60s ok' % what)


def new_disk(dm, ld, path, size, desc):
    run('ILocalDeviceMgr::CreateWtFile(%s)' % path, S_OK, ld.create_wt_file, path, size, False)
    return run('IWTDiskMgr::CreateWTDisk(%s)' % path, S_OK, A.create_wtdisk, dm, path, desc,
               WTDTypeFileBased, False, False)


def setup(a, hm, dm, ld):
    # preconditions: the examples use nWTD 3 as an existing disk and get
    # WTDIndex 4 for the new one (indexes start at 0 in istmd)
    for i in range(4):
        wtd = new_disk(dm, ld, DIR + '\\Existing%d.vhd' % i, 16 << 20, 'existing disk %d' % i)
        check(wtd == i, 'precondition disk %d has WTDIndex %d' % (i, wtd))

    # 4.1 Creating a Virtual Disk
    run('4.1 ILocalDeviceMgr::IsPathValid!hr', S_OK, ld.is_path_valid, VD1)
    run('4.1 ILocalDeviceMgr::DoesFileExist!hr', E_FAIL, ld.does_file_exist, VD1)
    run('4.1 ILocalDeviceMgr::CreateWtFile!hr', S_OK, ld.create_wt_file, VD1, 0x0000000004000000,
        False)
    wtd = run('4.1 IWTDiskMgr::CreateWTDisk', S_OK, A.create_wtdisk, dm, VD1, VD1_DESC,
              WTDTypeFileBased, False, False)
    check(wtd == 4, '4.1 CreateWTDisk returned WTDIndex 0x%08x (0x00000004)' % wtd)

    # 4.2 Creating a Target
    h = run('4.2 IHostMgr::NewHost', S_OK, hm.new_host, TARGET)
    run('4.2 IHost::[propput]Description!hr', S_OK, h.put_description, 'ISTM Test target')
    run('4.2 IHost::Save!hr', S_OK, h.save)

    # 4.3 Assigning a Virtual Disk to a Target
    h = run('4.3 IHostMgr::GetHost', S_OK, hm.get_host, TARGET)
    run('4.3 IHost::AddWTDisk!hr', S_OK, h.add_wtdisk, 0x00000003)
    run('4.3 IHost::Save!hr', S_OK, h.save)

    # 4.4 Enabling an Initiator to Connect to a Target
    h = run('4.4 IHostMgr::GetHost', S_OK, hm.get_host, TARGET)
    run('4.4 IHost::AddID!hr', S_OK, h.add_id, IDIQN, INITIATOR)
    run('4.4 IHost::Save!hr', S_OK, h.save)

    # 4.5 assumes a target named ISTMTarget: the one of 4.2-4.4, renamed
    # (not part of the example), so the example's rename back to
    # DatabaseTarget leaves the disk and the initiator of 4.3 and 4.4 on it
    h = run('precondition IHostMgr::GetHost(DatabaseTarget)', S_OK, hm.get_host, TARGET)
    run('precondition IHost::[propput]Name(ISTMTarget)!hr', S_OK, h.put_name, OLD_NAME)
    run('precondition IHost::Save!hr', S_OK, h.save)

    # 4.5 Modifying Target Properties
    h = run('4.5 IHostMgr::GetHost', S_OK, hm.get_host, OLD_NAME)
    run('4.5 IHost::[propput]Name!hr', S_OK, h.put_name, TARGET)
    run('4.5 IHost::[propput]Description!hr', S_OK, h.put_description, 'ISTM Test target updated')
    # The example's IQN has a one-digit month ("1991-5"): RFC 3720 wants two,
    # Windows accepts one (the example answers S_OK), and so does istmd.
    iqn = NEW_IQN
    run('4.5 IHost::[propput]TargetIQN!hr', S_OK, h.put_target_iqn, NEW_IQN)
    run('4.5 IHost::Save!hr', S_OK, h.save)
    print('TARGET_IQN=%s' % iqn)

    h = run('IHostMgr::GetHost (check)', S_OK, hm.get_host, TARGET)
    check(h.get_description() == 'ISTM Test target updated', 'description after 4.5')
    check(h.get_target_iqn() == iqn, 'TargetIQN after 4.5')
    check(A.items(h.enum_ids()) == [(IDIQN, INITIATOR)], 'IDs after 4.4 and 4.5')
    check(A.items(h.enum_wtdisk_lun_mappings()) == [(3, 0)], 'disk 3 at ISTM LUN 0')
    run('IHostMgr::GetHost(ISTMTarget) after the rename', 0x80070002, hm.get_host, OLD_NAME)

    # CHAP for the initiator's login (IHost, 3.21.4.14-17)
    run('IHost::[propput]CHAPUserName!hr', S_OK, h.put_chap_user_name, a.chap_user)
    run('IHost::[propput]CHAPSecret!hr', S_OK, h.put_chap_secret, a.chap_secret)
    run('IHost::[propput]EnableCHAP!hr', S_OK, h.put_enable_chap, True)
    run('IHost::Save!hr', S_OK, h.save)


def finish(a, hm, dm, ld):
    # 4.6 Enumerating Existing Virtual Disks
    e = run('4.6 IWTDiskMgr::EnumWTDisks', S_OK, dm.enum_wtdisks)
    seen = {}
    while True:
        hr, items = A.next_one(e)
        print('%-60s %s, %d element(s)' % ('4.6 IEnumWTDisk::Next(1)', hresults.describe(hr),
                                          len(items)))
        if hr == S_FALSE:
            check(items == [], '4.6 Next at the end returns no element')
            break
        if hr != S_OK or len(items) != 1:
            raise Mismatch('4.6 IEnumWTDisk::Next: %s with %d elements' %
                           (hresults.describe(hr), len(items)))
        d = items[0]
        wtd = run('4.6 IWTDisk::[propget]WTD', S_OK, A.get, d, 'WTD')
        seen[wtd] = run('4.6 IWTDisk::[propget]DevicePath', S_OK, A.get, d, 'DevicePath')
    check(sorted(seen) == [0, 1, 2, 3, 4], '4.6 enumerated WTDIndexes 0-4 (%s)' % sorted(seen))
    check(seen[4] == VD1, '4.6 DevicePath of disk 4 is %s (%s)' % (VD1, seen[4]))

    # 4.7 Removing a Virtual Disk from a Target
    h = run('4.7 IHostMgr::GetHost', S_OK, hm.get_host, TARGET)
    run('4.7 IHost::RemoveWTDisk!hr', S_OK, h.remove_wtdisk, 0x00000003)
    run('4.7 IHost::Save!hr', S_OK, h.save)
    check(A.items(hm.get_host(TARGET).enum_wtdisk_lun_mappings()) == [], '4.7 no mapping left')

    # 4.8 Deleting a Virtual Disk
    d = run('4.8 IWTDiskMgr::GetWTDisk', S_OK, dm.get_wtdisk, 0x00000004)
    path = run('4.8 IWTDisk::[propget]DevicePath', S_OK, A.get, d, 'DevicePath')
    check(path == VD1, '4.8 DevicePath is %s' % VD1)
    run('4.8 IWTDiskMgr::DeleteWTDisk!hr', S_OK, dm.delete_wtdisk, 0x00000004)
    run('4.8 ILocalDeviceMgr::DoesFileExist!hr', S_OK, ld.does_file_exist, VD1)
    run('4.8 ILocalDeviceMgr::DeleteWtFile!hr', S_OK, ld.delete_wt_file, VD1)
    run('IWTDiskMgr::GetWTDisk(4) after 4.8', 0x80070002, dm.get_wtdisk, 0x00000004)
    run('ILocalDeviceMgr::DoesFileExist after 4.8!hr', E_FAIL, ld.does_file_exist, VD1)


def alternative(a, hm, dm, ld):
    # 4.1, Figure 18: the VHD file exists already (made by vhdtool)
    run('4.1alt ILocalDeviceMgr::IsPathValid!hr', S_OK, ld.is_path_valid, VD1)
    run('4.1alt ILocalDeviceMgr::DoesFileExist!hr', S_OK, ld.does_file_exist, VD1)
    run('4.1alt ILocalDeviceMgr::IsValidWtDevice!hr', S_OK, ld.is_valid_wt_device, VD1)
    wtd = run('4.1alt IWTDiskMgr::CreateWTDisk', S_OK, A.create_wtdisk, dm, VD1, VD1_DESC,
              WTDTypeFileBased, False, False)
    check(wtd == 5, '4.1alt WTDIndex %d (5: indexes are never reused)' % wtd)
    d = dm.get_wtdisk(wtd)
    check(A.get(d, 'DevicePath') == VD1 and A.get(d, 'Size') == 64 << 20,
          '4.1alt the disk is the 64 MiB VHD')


def main():
    def add(p):
        p.add_argument('--chap-user', default='dbinitiator')
        p.add_argument('--chap-secret', default='DbSecret1234')
        p.add_argument('phase', choices=('setup', 'finish', 'alternative'))
    a = args(add)
    return run_phase(a, globals()[a.phase])


if __name__ == '__main__':
    sys.exit(main())
