# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/general.py: IWTGeneral / IWTGeneral2 ([MS-ISTM] 3.52, 3.54) for
# impacket's DCOM client.  Used by contrib/istmctl (`info`) and, through
# tests/istmd/istm_client.py, by the tests.
#
# The wire (requests, answers, LICENSE, SNAPSHOT_SCHEDULE_SETTINGS) is
# istm/wire.py, generated from the IDL of section 6 by the build.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.
from istm import wire
from istm.base import (CLSID_WTGeneral, DCERPCSessionError, _call, _answer,  # noqa: F401
                       _status)
from istm.wire import (IID_IWTGeneral, IID_IWTGeneral2, LICENSE,  # noqa: F401
                       SNAPSHOT_SCHEDULE_SETTINGS)
from impacket.dcerpc.v5.dcomrt import (IRemUnknown2, IID_ARRAY, IID, DWORD_ARRAY,
                                       PMInterfacePointer_ARRAY, REFIPID)
from impacket.dcerpc.v5.dtypes import NULL, USHORT

# [MS-DCOM] 3.1.1.5.7.1 IRemUnknown2::RemQueryInterface2 (impacket has no client for it)
RemQueryInterface2 = _call('RemQueryInterface2', 6,
                           (('ripid', REFIPID), ('cIids', USHORT), ('iids', IID_ARRAY)))
RemQueryInterface2Response = _answer('RemQueryInterface2Response',
                                     (('phr', DWORD_ARRAY), ('ppMIF', PMInterfacePointer_ARRAY)))


def _set_mip(req, name, objref):
    """An [in] interface pointer: NULL, or an MInterfacePointer of OBJREF's bytes."""
    if objref is None:
        req[name] = NULL
    else:
        req[name]['ulCntData'] = len(objref)
        req[name]['abData'] = list(objref)


class IWTGeneral(IRemUnknown2):
    IID = IID_IWTGeneral

    def __init__(self, interface):
        IRemUnknown2.__init__(self, interface)
        self._iid = self.IID

    def _req(self, req):
        return self.request(req, iid=self._iid, uuid=self.get_iPid())

    def get_guid(self):
        g = self._req(wire.IWTGeneral_get_Guid())['pGuid']
        return bytes(g['Data']) if not isinstance(g, bytes) else g

    def get_name(self):
        return self._req(wire.IWTGeneral_get_Name())['pName']['asData']

    def put_name(self, name):
        req = wire.IWTGeneral_put_Name()
        req['Name']['asData'] = name
        self._req(req)

    def get_license(self):
        return self._req(wire.IWTGeneral_get_License())['pLicense']

    def get_wtclipath(self):
        return self._req(wire.IWTGeneral_get_WTCliPath())['pWtCliPath']['asData']

    def check_access(self):
        return _status(lambda: self._req(wire.IWTGeneral_CheckAccess()))

    def add_license(self, text):
        req = wire.IWTGeneral_AddLicense()
        req['License']['asData'] = text
        return _status(lambda: self._req(req))

    def is_snapshots_supported(self):
        return _status(lambda: self._req(wire.IWTGeneral_IsSnapshotsSupported()))

    def register_notification(self, cookie, objref=None):
        """OBJREF: the bytes of the client's IStatusNotify OBJREF (None: NULL)."""
        req = wire.IWTGeneral_RegisterNotification()
        _set_mip(req, 'pStatusNotify', objref)
        req['lCookie'] = cookie
        return _status(lambda: self._req(req))

    def unregister_notification(self, objref=None):
        req = wire.IWTGeneral_UnregisterNotification()
        _set_mip(req, 'pStatusNotify', objref)
        return _status(lambda: self._req(req))

    def get_schedule(self):
        req = wire.IWTGeneral_DVGetSnapshotSchedule()
        req['pSchedule']['bEveryday'] = 0
        req['pSchedule']['eDay'] = 0
        req['pSchedule']['hyStartTime'] = 0
        s = self._req(req)['pSchedule']
        day = s['eDay']
        return (s['bEveryday'], day if isinstance(day, int) else day['Data'], s['hyStartTime'])

    def set_schedule(self, every_day, day, start_time):
        req = wire.IWTGeneral_DVSetSnapshotSchedule()
        req['Schedule']['bEveryday'] = int(every_day)
        req['Schedule']['eDay'] = day
        req['Schedule']['hyStartTime'] = start_time
        return _status(lambda: self._req(req))

    def query(self, iid, cls):
        """RemQueryInterface for IID; the new interface wrapped in CLS."""
        return cls(self.RemQueryInterface(1, (iid,)))

    def query2(self, iids):
        """RemQueryInterface2: [(hresult, OBJREF bytes or None)] per IID."""
        req = RemQueryInterface2()
        req['ripid'] = self.get_iPid()
        req['cIids'] = len(iids)
        for iid in iids:
            x = IID()
            x['Data'] = iid
            req['iids'].append(x)
        from impacket.dcerpc.v5.dcomrt import IID_IRemUnknown2
        resp = self.request(req, IID_IRemUnknown2, self.get_ipidRemUnknown())
        out = []
        for hr, mif in zip(resp['phr'], resp['ppMIF']):
            if mif['ReferentID'] == 0:
                out.append((hr['Data'], None))
            else:
                out.append((hr['Data'], b''.join(mif['abData'])))
        return out


class IWTGeneral2(IWTGeneral):
    IID = IID_IWTGeneral2

    def is_clustered(self):
        return _status(lambda: self._req(wire.IWTGeneral2_IsClustered()))


def activate_general(dcom, iid=IID_IWTGeneral):
    iface = dcom.CoCreateInstanceEx(CLSID_WTGeneral, iid)
    return IWTGeneral2(iface) if iid == IID_IWTGeneral2 else IWTGeneral(iface)
