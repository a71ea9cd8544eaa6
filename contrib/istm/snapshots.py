# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/snapshots.py: the snapshot interfaces of [MS-ISTM] for impacket's
# DCOM client: ISnapshotMgr (3.38), ISnapshot (3.36), IEnumSnapshot (3.15).
# The wire is istm/wire.py, generated from the IDL; this module turns it
# into Python values.  Methods raise DCERPCSessionError for a non-zero
# HRESULT; the *_hr variants return it instead.
#
# Also next_run(): when the snapshot schedule (IWTGeneral's
# DVGetSnapshotSchedule) runs next, by the rule istmd's parent uses
# (istmd/parent/svc/svc_snapshot_sched.c).
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.
import uuid

from impacket.dcerpc.v5.dtypes import GUID, NULL

from istm import wire
from istm.base import (CLSID_SnapshotMgr, DCERPCSessionError, IstmEnum,  # noqa: F401
                       IstmObject, S_OK, hresult_of)
from istm.wire import IID_IEnumSnapshot, IID_ISnapshot, IID_ISnapshotMgr  # noqa: F401

# 3.1.1.5 Status
SnapshotStatusIdle, SnapshotStatusExported = 0, 1
SnapshotStatusLocallyMounted, SnapshotStatusRollbackInProgress = 2, 4
NOT_EXPORTED = 0xffffffff

FT_SECOND = 10000000
FT_DAY = 86400 * FT_SECOND
FT_UNIX_EPOCH = 116444736000000000


def guid_text(raw):
    """The GUID's usual text form (Data1..3 little-endian on the wire)."""
    return str(uuid.UUID(bytes_le=bytes(raw)))


def guid_bytes(text):
    return uuid.UUID(text).bytes_le


def _guid(raw):
    g = GUID()
    g['Data'] = raw
    return g


def _hr(fn):
    try:
        return S_OK, fn()
    except Exception as e:  # noqa: BLE001  impacket raises for every non-zero HRESULT
        code = hresult_of(e)
        if code is None:
            raise
        return code, None


def blank_lun_info(req):
    """REQ with an empty [MS-VDS] VDS_LUN_INFORMATION as its [in]
    pVdsLunInfo (GetVdsLunInfo, ExportAsWTDisk), zeros and NULL pointers:
    the server fills the [out] one."""
    if 'pVdsLunInfo' not in [f for f, _ in req.structure]:
        return req
    info = wire.VDS_LUN_INFORMATION()
    for f in ('m_version', 'm_DeviceType', 'm_DeviceTypeModifier', 'm_bCommandQueueing',
              'm_BusType', 'm_cInterconnects'):
        info[f] = 0
    for f in ('m_szVendorId', 'm_szProductId', 'm_szProductRevision', 'm_szSerialNumber',
              'm_rgInterconnects'):
        info[f] = NULL
    ids = info['m_deviceIdDescriptor']
    ids['m_version'] = ids['m_cIdentifiers'] = 0
    ids['m_rgIdentifiers'] = NULL
    info['m_diskSignature'] = _guid(b'\0' * 16)
    req['pVdsLunInfo'] = info
    return req


class ISnapshot(IstmObject):
    IID = IID_ISnapshot

    def get(self, name):
        resp = self._req(getattr(wire, 'ISnapshot_get_' + name)())
        v = [resp[f] for f, _ in getattr(wire, 'ISnapshot_get_%sResponse' % name).structure
             if f != 'ErrorCode'][0]
        if name == 'Id':
            return bytes(v['Data']) if not isinstance(v, bytes) else v
        return v

    def call(self, name):
        return self._req(blank_lun_info(getattr(wire, 'ISnapshot_' + name)()))

    def call_hr(self, name):
        return _hr(lambda: self.call(name))[0]

    def get_hr(self, name):
        return _hr(lambda: self.get(name))

    def info(self):
        return {'id': guid_text(self.get('Id')), 'disk': self.get('OrigWTD'),
                'timestamp': self.get('TimeStamp'), 'exported': self.get('ExportedWTD'),
                'persistent': bool(self.get('Persistent')), 'status': self.get('Status')}


class IEnumSnapshot(IstmEnum):
    IID = IID_IEnumSnapshot
    PFX = 'IEnumSnapshot'

    def _blank(self, req):
        req['pElements'] = NULL

    def _elem(self, e):
        return self._wrap(e, ISnapshot)


class ISnapshotMgr(IstmObject):
    IID = IID_ISnapshotMgr

    def enum(self):
        return self._wrap(self._req(wire.ISnapshotMgr_EnumSnapshots())['ppEnumSnapshot'],
                          IEnumSnapshot)

    def get(self, sid):
        req = wire.ISnapshotMgr_GetSnapshot()
        req['SnapshotId'] = _guid(sid)
        return self._wrap(self._req(req)['ppSnapshot'], ISnapshot)

    def get_hr(self, sid):
        return _hr(lambda: self.get(sid))

    def prepare(self, wtd, sid=b'\0' * 16):
        req = wire.ISnapshotMgr_PrepareCreateSnapshot()
        req['nWTD'] = wtd
        req['pSnapshotId'] = _guid(sid)
        g = self._req(req)['pSnapshotId']
        return bytes(g['Data']) if not isinstance(g, bytes) else g

    def prepare_hr(self, wtd, sid=b'\0' * 16):
        return _hr(lambda: self.prepare(wtd, sid))

    def _by_id(self, name, sid):
        req = getattr(wire, 'ISnapshotMgr_' + name)()
        req['SnapshotId'] = _guid(sid)
        return _hr(lambda: self._req(req))[0]

    def do_create_hr(self, sid):
        return self._by_id('DoCreateSnapshot', sid)

    def do_end_hr(self, sid):
        return self._by_id('DoEndSnapshot', sid)

    def delete_hr(self, sid):
        return self._by_id('DeleteSnapshot', sid)

    def import_hr(self):
        req = wire.ISnapshotMgr_ImportSnapshot()
        req['pSnapshot'] = NULL
        return _hr(lambda: self._req(req))[0]

    def create(self, wtd):
        """Prepare, create and wait: the new snapshot's Id (raises on failure)."""
        sid = self.prepare(wtd)
        for name in ('DoCreateSnapshot', 'DoEndSnapshot'):
            hr = self._by_id(name, sid)
            if hr != S_OK:
                raise DCERPCSessionError(error_code=hr)
        return sid


def activate_snapshot_mgr(dcom):
    """CoCreateInstanceEx of the snapshot manager class ([MS-ISTM] 1.9)."""
    return ISnapshotMgr(dcom.CoCreateInstanceEx(CLSID_SnapshotMgr, IID_ISnapshotMgr))


def next_run(every_day, day, start, now):
    """The schedule's next run at or after NOW (FILETIMEs), 0 when none:
    hyStartTime's time of day, every day or on DAY (0 Sunday), never
    before hyStartTime itself."""
    if not start:
        return 0
    frm = max(now, start)
    t = frm - frm % FT_DAY + start % FT_DAY
    if t < frm:
        t += FT_DAY
    for _ in range(8):
        if every_day or (t // FT_DAY + 1) % 7 == day:
            break
        t += FT_DAY
    return t
