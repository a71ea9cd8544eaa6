#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# vds_lun_info.py PHASE ...: [MS-VDS] VDS_LUN_INFORMATION as istmd answers
# it (IWTDisk::GetVdsLunInfo, ISnapshot::GetVdsLunInfo,
# ISnapshot::ExportAsWTDisk), for test-istmd-vds-lun-info.sh.
#
# The structure is written here by hand with impacket's NDR classes from
# [MS-VDS] 2.2.1.3.13-15 (16-bit enums, BOOL a long, unique embedded
# pointers), and the three requests with their opnums from [MS-ISTM]
# section 6: nothing comes from istmd's IDL generator, so a mistake there
# shows as a decoding failure or a wrong field here.
#
#   setup            disk d0 on a target (ISTM LUN 0), a snapshot of it
#                    exported (ExportAsWTDisk: pWTD is ExportedWTD; its
#                    pVdsLunInfo, the new disk's identity before any target
#                    maps it, is written to the file named by --export-info),
#                    the export mapped at ISTM LUN 1; prints
#                    "IQN D0 EXPORTED SNAPSHOT-ID"
#   info WTD         GetVdsLunInfo of disk WTD as JSON
#   snapinfo ID      ISnapshot::GetVdsLunInfo of snapshot ID as JSON
#   bad D0 ID        a disk on no target is described (its identity), the
#                    refusals: a snapshot never exported, an export again
#                    (E_ABORT)
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from impacket.dcerpc.v5.dcomrt import DCOMANSWER, DCOMCALL  # noqa: E402
from impacket.dcerpc.v5.dtypes import BYTE, GUID, LONG, LPSTR, NULL, ULONG, USHORT  # noqa: E402
from impacket.dcerpc.v5.ndr import NDRPOINTER, NDRSTRUCT, NDRUniConformantArray  # noqa: E402

from istm.base import connect, DCERPCSessionError, S_OK  # noqa: E402,F401  (impacket looks it up here)
from istm.disks import activate_disk_mgr, hr_of  # noqa: E402
from istm.hosts import activate_hostmgr, IID_IHostMgr3  # noqa: E402
from istm.snapshots import activate_snapshot_mgr, guid_bytes, guid_text  # noqa: E402

from istm_client import args, E_ABORT, E_FAIL  # noqa: E402
VDS_BUS_TYPE_ISCSI = 9
VDS_CODE_SET_ASCII, VDS_ID_TYPE_VENDOR_ID = 2, 1


# ---- [MS-VDS] 2.2.1.3.13-15, by hand ----

class Bytes(NDRUniConformantArray):
    item = 'c'


class PBytes(NDRPOINTER):
    referent = (('Data', Bytes),)


class StorageIdentifier(NDRSTRUCT):           # VDS_STORAGE_IDENTIFIER
    structure = (('CodeSet', USHORT), ('Type', USHORT), ('cbIdentifier', ULONG),
                 ('rgbIdentifier', PBytes))


class StorageIdentifiers(NDRUniConformantArray):
    item = StorageIdentifier


class PStorageIdentifiers(NDRPOINTER):
    referent = (('Data', StorageIdentifiers),)


class DeviceIdDescriptor(NDRSTRUCT):          # VDS_STORAGE_DEVICE_ID_DESCRIPTOR
    structure = (('version', ULONG), ('cIdentifiers', ULONG),
                 ('rgIdentifiers', PStorageIdentifiers))


class Interconnect(NDRSTRUCT):                # VDS_INTERCONNECT
    structure = (('addressType', USHORT), ('cbPort', ULONG), ('pbPort', PBytes),
                 ('cbAddress', ULONG), ('pbAddress', PBytes))


class Interconnects(NDRUniConformantArray):
    item = Interconnect


class PInterconnects(NDRPOINTER):
    referent = (('Data', Interconnects),)


class LunInformation(NDRSTRUCT):              # VDS_LUN_INFORMATION
    structure = (('version', ULONG), ('DeviceType', BYTE), ('DeviceTypeModifier', BYTE),
                 ('bCommandQueueing', LONG), ('BusType', USHORT),
                 ('szVendorId', LPSTR), ('szProductId', LPSTR), ('szProductRevision', LPSTR),
                 ('szSerialNumber', LPSTR), ('diskSignature', GUID),
                 ('deviceIdDescriptor', DeviceIdDescriptor),
                 ('cInterconnects', ULONG), ('rgInterconnects', PInterconnects))


# ---- the three requests ([MS-ISTM] section 6 opnums) ----

class DiskGetVdsLunInfo(DCOMCALL):           # IWTDisk, opnum 40
    opnum = 40
    structure = (('pVdsLunInfo', LunInformation),)


class DiskGetVdsLunInfoResponse(DCOMANSWER):
    structure = (('pVdsLunInfo', LunInformation), ('ErrorCode', ULONG))


class SnapExportAsWTDisk(DCOMCALL):          # ISnapshot, opnum 18
    opnum = 18
    structure = (('pVdsLunInfo', LunInformation),)


class SnapExportAsWTDiskResponse(DCOMANSWER):
    structure = (('pWTD', ULONG), ('pVdsLunInfo', LunInformation), ('ErrorCode', ULONG))


class SnapGetVdsLunInfo(DCOMCALL):           # ISnapshot, opnum 19
    opnum = 19
    structure = (('pVdsLunInfo', LunInformation),)


class SnapGetVdsLunInfoResponse(DCOMANSWER):
    structure = (('pVdsLunInfo', LunInformation), ('ErrorCode', ULONG))


def blank(req):
    """An empty VDS_LUN_INFORMATION as [in]: zeros and NULL pointers."""
    info = LunInformation()
    for f in ('szVendorId', 'szProductId', 'szProductRevision', 'szSerialNumber',
              'rgInterconnects'):
        info[f] = NULL
    info['deviceIdDescriptor']['rgIdentifiers'] = NULL
    info['diskSignature'] = b'\0' * 16
    req['pVdsLunInfo'] = info
    return req


def deref(st, field):
    """The pointee of unique pointer FIELD of ST, None for NULL (impacket
    unwraps a pointer's Data when the field is read, and gives b'' for
    NULL, so the referent id is looked at on the pointer itself)."""
    if st.fields[field]['ReferentID'] == 0:
        return None
    return st[field]


def text(st, field):
    """An LPSTR's string (None for NULL), without its terminator."""
    s = deref(st, field)
    if s is None:
        return None
    s = s.decode('latin-1') if isinstance(s, bytes) else s
    return s[:-1] if s.endswith('\0') else s


def raw(b):
    return b if isinstance(b, bytes) else b''.join(x if isinstance(x, bytes) else x.encode('latin-1')
                                                   for x in b)


def decode(info):
    ids = []
    d = info['deviceIdDescriptor']
    for e in deref(d, 'rgIdentifiers') or []:
        b = raw(deref(e, 'rgbIdentifier') or b'')
        check(len(b) == e['cbIdentifier'], 'an identifier of %d bytes says %d'
              % (len(b), e['cbIdentifier']))
        ids.append({'codeset': e['CodeSet'], 'type': e['Type'], 'hex': b.hex()})
    sig = info['diskSignature']
    return {'version': info['version'], 'device_type': info['DeviceType'],
            'modifier': info['DeviceTypeModifier'], 'queueing': info['bCommandQueueing'],
            'bus': info['BusType'], 'vendor': text(info, 'szVendorId'),
            'product': text(info, 'szProductId'),
            'revision': text(info, 'szProductRevision'),
            'serial': text(info, 'szSerialNumber'), 'signature': raw(sig).hex(),
            'id_version': info['deviceIdDescriptor']['version'],
            'id_count': info['deviceIdDescriptor']['cIdentifiers'], 'ids': ids,
            'interconnects': info['cInterconnects']}


def check(cond, what):
    if not cond:
        raise SystemExit('FAIL: ' + what)


def expect(got, want, what):
    check(got == want, '%s: HRESULT 0x%08x, expected 0x%08x' % (what, got or 0, want))


def main():
    def add(p):
        p.add_argument('--export-info', help='setup: where to write the export\'s pVdsLunInfo')
        p.add_argument('phase')
        p.add_argument('args', nargs='*')
    a = args(add, portal_required=True)
    dcom = connect('127.0.0.1', a.user, a.password, port=a.port)
    disks = activate_disk_mgr(dcom)
    snaps = activate_snapshot_mgr(dcom)
    if a.phase == 'setup':
        d0 = disks.create_wtdisk('C:\\d0.vhd', 'vds lun info')
        hosts = activate_hostmgr(dcom, IID_IHostMgr3)
        h = hosts.new_host('VdsTarget')
        h.add_id('iqn', 'iqn.2000-01.com.example:vds-init')
        h.save()
        h.add_wtdisk(d0)
        sid = snaps.create(d0)
        snap = snaps.get(sid)
        ans = snap._req(blank(SnapExportAsWTDisk()))
        wtd = ans['pWTD']
        check(wtd == snap.get('ExportedWTD') and wtd != d0, 'ExportAsWTDisk pWTD %d, ExportedWTD %d'
              % (wtd, snap.get('ExportedWTD')))
        info = decode(ans['pVdsLunInfo'])
        print('export: %s' % json.dumps(info), file=sys.stderr)
        # the new disk is on no target yet, and has its identity already
        check(info['version'] == 1 and info['bus'] == VDS_BUS_TYPE_ISCSI and
              info['vendor'] and info['serial'] and info['id_count'] == 2,
              'ExportAsWTDisk LUN information %r' % info)
        with open(a.export_info, 'w') as f:
            f.write(json.dumps(info) + '\n')
        h.add_wtdisk(wtd)
        h.save()
        print(h.get('TargetIQN'), d0, wtd, guid_text(sid))
    elif a.phase == 'info':
        d = disks.get_wtdisk(int(a.args[0]))
        print(json.dumps(decode(d._req(blank(DiskGetVdsLunInfo()))['pVdsLunInfo'])))
    elif a.phase == 'snapinfo':
        s = snaps.get(guid_bytes(a.args[0]))
        print(json.dumps(decode(s._req(blank(SnapGetVdsLunInfo()))['pVdsLunInfo'])))
    elif a.phase == 'bad':
        d0, sid = int(a.args[0]), guid_bytes(a.args[1])
        lone = disks.create_wtdisk('C:\\lone.vhd', 'on no target')
        d = disks.get_wtdisk(lone)
        hr, ans = hr_of(lambda: d._req(blank(DiskGetVdsLunInfo())))
        expect(hr, S_OK, 'GetVdsLunInfo of a disk on no target')
        info = decode(ans['pVdsLunInfo'])
        check(info['serial'] == d.get('SerialNumber') and info['id_count'] == 2,
              'GetVdsLunInfo of a disk on no target: %r' % info)
        other = snaps.get(snaps.create(d0))
        expect(hr_of(lambda: other._req(blank(SnapGetVdsLunInfo())))[0], E_FAIL,
               'GetVdsLunInfo of a snapshot never exported (3.36.4.17)')
        s = snaps.get(sid)
        before = s.get('ExportedWTD')
        expect(hr_of(lambda: s._req(blank(SnapExportAsWTDisk())))[0], E_ABORT,
               'ExportAsWTDisk of an exported snapshot')
        check(s.get('ExportedWTD') == before, 'a refused export changed ExportedWTD')
    else:
        raise SystemExit('unknown phase ' + a.phase)


if __name__ == '__main__':
    main()
