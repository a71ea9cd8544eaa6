# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/general.py: IWTGeneral / IWTGeneral2 ([MS-ISTM] 3.52, 3.54) for
# impacket's DCOM client, described with impacket's own NDR classes.  Used
# by contrib/istmctl (`info`) and, through tests/istmd/istm_client.py, by
# the tests.  Moved here from istm_client.py so the installed istmctl has
# it: one description, not two.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.
from istm.base import (CLSID_WTGeneral, DCERPCSessionError, _call, _answer,  # noqa: F401
                       _status)
from impacket.dcerpc.v5.dcomrt import (IRemUnknown2, IID_ARRAY, IID, DWORD_ARRAY,
                                       PMInterfacePointer_ARRAY, PMInterfacePointer, REFIPID)
from impacket.dcerpc.v5.dtypes import BOOLEAN, GUID, LONGLONG, NULL, ULONG, USHORT
from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.ndr import NDRENUM, NDRSTRUCT, NDRUniFixedArray
from impacket.uuid import uuidtup_to_bin

IID_IWTGeneral = uuidtup_to_bin(('d71b2cae-33e8-4567-ae96-3ccf31620be2', '0.0'))
IID_IWTGeneral2 = uuidtup_to_bin(('3c73848a-a679-40c5-b101-c963e67f9949', '0.0'))


# 2.2.4.8 LICENSE
class WCHAR_10x64(NDRUniFixedArray):
    align = 2

    def getDataLen(self, data, offset=0):
        return 10 * 64 * 2


class LICENSE(NDRSTRUCT):
    structure = (
        ('bDemo', BOOLEAN),
        ('nNumDemoDaysLeft', ULONG),
        ('nNumSeats', ULONG),
        ('nFeatures', ULONG),
        ('LicenseKeys', WCHAR_10x64),
    )


# 2.2.3.2 DayOfWeek, 2.2.4.17 SNAPSHOT_SCHEDULE_SETTINGS
class DayOfWeek(NDRENUM):
    pass


class SNAPSHOT_SCHEDULE_SETTINGS(NDRSTRUCT):
    structure = (
        ('bEveryday', BOOLEAN),
        ('eDay', DayOfWeek),
        ('hyStartTime', LONGLONG),
    )


# 3.52.4 IWTGeneral, opnums 3..14; 3.54.4 IWTGeneral2, opnum 15
GetGuid, GetGuidResponse = _call('GetGuid', 3), _answer('GetGuidResponse', (('pGuid', GUID),))
GetName, GetNameResponse = _call('GetName', 4), _answer('GetNameResponse', (('pName', BSTR),))
PutName, PutNameResponse = _call('PutName', 5, (('Name', BSTR),)), _answer('PutNameResponse')
GetLicense = _call('GetLicense', 6)
GetLicenseResponse = _answer('GetLicenseResponse', (('pLicense', LICENSE),))
GetWTCliPath = _call('GetWTCliPath', 7)
GetWTCliPathResponse = _answer('GetWTCliPathResponse', (('pWtCliPath', BSTR),))
CheckAccess, CheckAccessResponse = _call('CheckAccess', 8), _answer('CheckAccessResponse')
AddLicense = _call('AddLicense', 9, (('License', BSTR),))
AddLicenseResponse = _answer('AddLicenseResponse')
IsSnapshotsSupported = _call('IsSnapshotsSupported', 10)
IsSnapshotsSupportedResponse = _answer('IsSnapshotsSupportedResponse')
RegisterNotification = _call('RegisterNotification', 11,
                             (('pStatusNotify', PMInterfacePointer), ('lCookie', ULONG)))
RegisterNotificationResponse = _answer('RegisterNotificationResponse')
UnregisterNotification = _call('UnregisterNotification', 12,
                               (('pStatusNotify', PMInterfacePointer),))
UnregisterNotificationResponse = _answer('UnregisterNotificationResponse')
DVGetSnapshotSchedule = _call('DVGetSnapshotSchedule', 13,
                              (('pSchedule', SNAPSHOT_SCHEDULE_SETTINGS),))
DVGetSnapshotScheduleResponse = _answer('DVGetSnapshotScheduleResponse',
                                        (('pSchedule', SNAPSHOT_SCHEDULE_SETTINGS),))
DVSetSnapshotSchedule = _call('DVSetSnapshotSchedule', 14,
                              (('Schedule', SNAPSHOT_SCHEDULE_SETTINGS),))
DVSetSnapshotScheduleResponse = _answer('DVSetSnapshotScheduleResponse')
IsClustered, IsClusteredResponse = _call('IsClustered', 15), _answer('IsClusteredResponse')

# [MS-DCOM] 3.1.1.5.7.1 IRemUnknown2::RemQueryInterface2 (impacket has no client for it)
RemQueryInterface2 = _call('RemQueryInterface2', 6,
                           (('ripid', REFIPID), ('cIids', USHORT), ('iids', IID_ARRAY)))
RemQueryInterface2Response = _answer('RemQueryInterface2Response',
                                     (('phr', DWORD_ARRAY), ('ppMIF', PMInterfacePointer_ARRAY)))


class IWTGeneral(IRemUnknown2):
    IID = IID_IWTGeneral

    def __init__(self, interface):
        IRemUnknown2.__init__(self, interface)
        self._iid = self.IID

    def _req(self, req):
        return self.request(req, iid=self._iid, uuid=self.get_iPid())

    def get_guid(self):
        g = self._req(GetGuid())['pGuid']
        return bytes(g['Data']) if not isinstance(g, bytes) else g

    def get_name(self):
        return self._req(GetName())['pName']['asData']

    def put_name(self, name):
        req = PutName()
        req['Name']['asData'] = name
        self._req(req)

    def get_license(self):
        return self._req(GetLicense())['pLicense']

    def get_wtclipath(self):
        return self._req(GetWTCliPath())['pWtCliPath']['asData']

    def check_access(self):
        return _status(lambda: self._req(CheckAccess()))

    def add_license(self, text):
        req = AddLicense()
        req['License']['asData'] = text
        return _status(lambda: self._req(req))

    def is_snapshots_supported(self):
        return _status(lambda: self._req(IsSnapshotsSupported()))

    def register_notification(self, cookie):
        req = RegisterNotification()
        req['pStatusNotify'] = NULL
        req['lCookie'] = cookie
        return _status(lambda: self._req(req))

    def unregister_notification(self):
        req = UnregisterNotification()
        req['pStatusNotify'] = NULL
        return _status(lambda: self._req(req))

    def get_schedule(self):
        req = DVGetSnapshotSchedule()
        req['pSchedule']['bEveryday'] = 0
        req['pSchedule']['eDay'] = 0
        req['pSchedule']['hyStartTime'] = 0
        s = self._req(req)['pSchedule']
        day = s['eDay']
        return (s['bEveryday'], day if isinstance(day, int) else day['Data'], s['hyStartTime'])

    def set_schedule(self, every_day, day, start_time):
        req = DVSetSnapshotSchedule()
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
        return _status(lambda: self._req(IsClustered()))


def activate_general(dcom, iid=IID_IWTGeneral):
    iface = dcom.CoCreateInstanceEx(CLSID_WTGeneral, iid)
    return IWTGeneral2(iface) if iid == IID_IWTGeneral2 else IWTGeneral(iface)
