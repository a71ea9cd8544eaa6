#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# scenarios_seed.py: the seed scenario (a fixed base VHD, differencing disks
# made from it with ILocalDeviceMgr3::CreateDiffWtFile -- the call behind
# WT_Disk.NewDiffWTDisk -- each on its own target for one initiator to boot
# from) from impacket, in phases for test-istmd-seed-scenario.sh:
#   base      CreateWtFile + CreateWTDisk of the fixed base (the shell then
#             puts the "operating system" into it)
#   children  three CreateDiffWtFile + CreateWTDisk, three targets, each
#             allowing one initiator and holding one child at LUN 0
#   guard     the base rule: while children exist the base cannot be mapped
#             to a target (AddWTDisk + Save), nor deleted (DeleteWTDisk,
#             DeleteWtFile); each refusal changes nothing
# Exits 1 with the call and its HRESULT on the first difference.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm import access as A, disks, hresults  # noqa: E402
from istm_client import args, run_phase, Mismatch, S_OK  # noqa: E402

BASE = 'C:\\boot\\base.vhd'
SIZE = 32 << 20
CHILD = 'C:\\boot\\client%d.vhd'
TARGET = 'boot%d'
INITIATOR = 'iqn.2026-11.org.vhdtarget.test:client%d'


def hr_of(fn, *args):
    """(HRESULT, result) of FN(*ARGS)."""
    return disks.hr_of(lambda: fn(*args))


def ok(label, fn, *args):
    hr, r = hr_of(fn, *args)
    print('%-60s %s' % (label, hresults.describe(hr)))
    if hr != S_OK:
        raise Mismatch('%s: %s' % (label, hresults.describe(hr)))
    return r


def refused(label, fn, *args):
    hr, r = hr_of(fn, *args)
    print('%-60s %s' % (label, hresults.describe(hr)))
    if not hr & 0x80000000:
        raise Mismatch('%s was accepted' % label)
    return hr


def state(hm, dm):
    """What the refusals must not change: disks and every target's mappings."""
    ds = sorted((A.get(d, 'WTD'), A.get(d, 'DevicePath')) for d in A.items(dm.enum_wtdisks()))
    ts = sorted((h.get_name(), tuple(A.items(h.enum_wtdisk_lun_mappings())))
                for h in A.items(hm.enum_hosts()))
    return ds, ts


def phase_base(a, hm, dm, ld):
    ok('ILocalDeviceMgr::CreateWtFile(base, fixed)', ld.create_wt_file, BASE, SIZE, False)
    wtd = ok('IWTDiskMgr::CreateWTDisk(base)', A.create_wtdisk, dm, BASE, 'OS base')
    print('base WTDIndex %d' % wtd)


def phase_children(a, hm, dm, ld):
    for i in (1, 2, 3):
        ok('ILocalDeviceMgr3::CreateDiffWtFile(client%d)' % i, ld.create_diff_wt_file,
           CHILD % i, BASE)
        wtd = ok('IWTDiskMgr::CreateWTDisk(client%d)' % i, A.create_wtdisk, dm, CHILD % i,
                 'boot disk of client %d' % i)
        h = ok('IHostMgr::NewHost(%s)' % (TARGET % i), hm.new_host, TARGET % i)
        ok('IHost::[propput]TargetIQN', h.put_target_iqn,
           'iqn.2026-11.org.vhdtarget.test:boot%d' % i)
        ok('IHost::AddID(IDIQN)', h.add_id, 4, INITIATOR % i)
        ok('IHost::AddWTDisk(client%d)' % i, h.add_wtdisk, wtd)
        ok('IHost::Save', h.save)


def base_index(dm):
    for d in A.items(dm.enum_wtdisks()):
        if A.get(d, 'DevicePath') == BASE:
            return A.get(d, 'WTD')
    raise Mismatch('the base is not a virtual disk')


def phase_guard(a, hm, dm, ld):
    wtd = base_index(dm)
    before = state(hm, dm)
    # mapping the base to a target: refused at AddWTDisk or at Save
    h = ok('IHostMgr::GetHost(boot1)', hm.get_host, TARGET % 1)
    hr, _ = hr_of(h.add_wtdisk, wtd)
    print('%-60s %s' % ('IHost::AddWTDisk(base)', hresults.describe(hr)))
    if hr == S_OK:
        refused('IHost::Save with the base mapped', h.save)
    # a new target's name: each run's refused Save leaves its placeholder
    h = ok('IHostMgr::NewHost(basetarget)', hm.new_host, 'basetarget%d' % os.getpid())
    hr, _ = hr_of(h.add_wtdisk, wtd)
    print('%-60s %s' % ('IHost::AddWTDisk(base) on a new target', hresults.describe(hr)))
    if hr == S_OK:
        refused('IHost::Save of a new target with the base', h.save)
    refused('IWTDiskMgr::DeleteWTDisk(base)', dm.delete_wtdisk, wtd)
    refused('ILocalDeviceMgr::DeleteWtFile(base)', ld.delete_wt_file, BASE)
    after = state(hm, dm)
    if before != after:
        raise Mismatch('a refused call changed the configuration:\n%s\n%s' % (before, after))
    print('%-60s ok' % 'configuration unchanged by the refusals')


def main():
    a = args(lambda p: p.add_argument('phase', choices=('base', 'children', 'guard')))
    return run_phase(a, globals()['phase_' + a.phase])


if __name__ == '__main__':
    sys.exit(main())
