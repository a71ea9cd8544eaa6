# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/disks.py: the virtual disk interfaces of [MS-ISTM] for impacket's
# DCOM client, from the IDL of section 6: IWTDiskMgr/2/3/4 (3.46-3.51),
# IWTDisk/2/3 (3.43-3.45), IEnumWTDisk (3.19), IEnumLMMountPoint (3.10).
#
# Request/answer classes live at module level (impacket looks the answer
# class and DCERPCSessionError up in the request's module).  The wrapper
# classes return plain Python values and raise DCERPCSessionError for a
# non-zero HRESULT, except where a method's name ends in _hr (the HRESULT
# and the value) or returns a status (S_FALSE matters: enumerators).
#
# Calls on an object use its most derived IID (IWTDisk3, IWTDiskMgr4):
# one binding per object kind.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

from impacket.dcerpc.v5.dcomrt import INTERFACE, IRemUnknown2, PMInterfacePointer
from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.dtypes import BOOLEAN, GUID, LONGLONG, NULL, ULONG, USHORT
from impacket.dcerpc.v5.ndr import NDRSTRUCT, NDRUniFixedArray
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

from istm.base import IstmObject, DCERPCSessionError  # noqa: F401  (impacket looks it up here)
from istm.base import CLSID_WTDiskMgr, S_OK, S_FALSE, _answer, _call, hresult_of
# impacket makes a new security context on every interface switch; hosts.py
# keeps one per interface instead (shared, installed once)



IID_IWTDiskMgr = uuidtup_to_bin(('52ba97e7-9364-4134-b9cb-f8415213bdd8', '0.0'))
IID_IWTDiskMgr2 = uuidtup_to_bin(('592381e5-8d3c-42e9-b7de-4e77a1f75ae4', '0.0'))
IID_IWTDiskMgr3 = uuidtup_to_bin(('d6bd6d63-e8cb-4905-ab34-8a278c93197a', '0.0'))
IID_IWTDiskMgr4 = uuidtup_to_bin(('703e6b03-7ad1-4ded-ba0d-e90496ebc5de', '0.0'))
IID_IWTDisk = uuidtup_to_bin(('866a78bc-a2fb-4ac4-94d5-db3041b4ed75', '0.0'))
IID_IWTDisk2 = uuidtup_to_bin(('348a0821-69bb-4889-a101-6a9bde6fa720', '0.0'))
IID_IWTDisk3 = uuidtup_to_bin(('1822a95e-1c2b-4d02-ab25-cc116dd9dbde', '0.0'))
IID_IEnumWTDisk = uuidtup_to_bin(('56e65ea5-cdff-4391-ba76-006e42c2d746', '0.0'))
IID_IEnumLMMountPoint = uuidtup_to_bin(('100da538-3f4a-45ab-b852-709148152789', '0.0'))

# 2.2.3.10 WTDType, 2.2.3.9 VhdType, 2.2.3.6 MountType, 2.2.3.3 DeviceStatus
WTDTypeVolumeBased, WTDTypeFileBased, WTDTypeRamBased = 0, 1, 2
InvalidVhd, FixedVhd, DifferencingVhd, DynamicVhd = 0, 1, 2, 3
DoNotMount, MountSnapshot, MountDirect = 0, 1, 2
Idle, InUse, Reverting = 0, 1, 2
# 3.1.1.4 Flags, and istmd's read-only bit
WTDFlagEnableLunMapping, WTDFlagShadowLun, WTDFlagReadOnly = 0x1, 0x2, 0x100
WTD_ANY = 0xffffffff


class WCHAR_512(NDRUniFixedArray):
    align = 2

    def getDataLen(self, data, offset=0):
        return 512 * 2


class MOUNT_POINT(NDRSTRUCT):   # 2.2.4.12
    structure = (('szPath', WCHAR_512),)


class LUN_STATUS(NDRSTRUCT):    # 2.2.4.11
    structure = (('dwLun', ULONG), ('eStatus', USHORT), ('dwProgressPercent', ULONG),
                 ('dwCompletionError', ULONG))


def _wchars(raw):
    s = raw.decode('utf-16le') if isinstance(raw, bytes) else str(raw)
    return s.split('\0', 1)[0]


def _bstr(resp, name):
    v = resp[name]
    if v is None or v == NULL or (hasattr(v, 'fields') and v['asData'] is None):
        return None
    try:
        return v['asData']
    except (KeyError, TypeError):
        return None


def _guid(v):
    return bytes(v['Data']) if not isinstance(v, bytes) else v


def _guid_value(raw):
    g = GUID()
    g['Data'] = raw
    return g


def _put_bstr(req, name, value):
    if value is None:
        req[name] = NULL
    else:
        req[name]['asData'] = value


_Out = (('ppOut', PMInterfacePointer),)

# ---- IWTDiskMgr, opnums 3..11 ----
EnumWTDisks, EnumWTDisksResponse = _call('EnumWTDisks', 3), _answer('EnumWTDisksResponse', _Out)
CreateWTDisk = _call('CreateWTDisk', 4, (
    ('eDeviceType', USHORT), ('DevicePath', BSTR), ('Description', BSTR),
    ('bClearPartTable', BOOLEAN), ('bForceDismount', BOOLEAN)))
CreateWTDiskResponse = _answer('CreateWTDiskResponse', (('pWTD', ULONG),))
CreateShadowWTDisk = _call('CreateShadowWTDisk', 5, (
    ('eDeviceType', USHORT), ('DevicePath', BSTR), ('Description', BSTR), ('SnapshotId', GUID)))
CreateShadowWTDiskResponse = _answer('CreateShadowWTDiskResponse', (('pWTD', ULONG),))
DeleteWTDisk = _call('DeleteWTDisk', 6, (('nWTD', ULONG),))
DeleteWTDiskResponse = _answer('DeleteWTDiskResponse')
GetWTDisk = _call('GetWTDisk', 7, (('nWTD', ULONG),))
GetWTDiskResponse = _answer('GetWTDiskResponse', _Out)
EnumWTDisksOnSameVolumeByPath = _call('EnumWTDisksOnSameVolumeByPath', 8, (('Path', BSTR),))
EnumWTDisksOnSameVolumeByPathResponse = _answer('EnumWTDisksOnSameVolumeByPathResponse', _Out)
EnumWTDisksOnSameVolume = _call('EnumWTDisksOnSameVolume', 9, (('nWTD', ULONG),))
EnumWTDisksOnSameVolumeResponse = _answer('EnumWTDisksOnSameVolumeResponse', _Out)
DVMountSelectedWTDisksSnapshotNow = _call('DVMountSelectedWTDisksSnapshotNow', 10)
DVMountSelectedWTDisksSnapshotNowResponse = _answer('DVMountSelectedWTDisksSnapshotNowResponse')
ImportWTDisk = _call('ImportWTDisk', 11, (('pWTDisk', PMInterfacePointer),))
ImportWTDiskResponse = _answer('ImportWTDiskResponse')
# ---- IWTDiskMgr2, opnums 12..15 ----
CreateWTDiskNonPersistent = _call('CreateWTDiskNonPersistent', 12, (
    ('nWTD', ULONG), ('eDeviceType', USHORT), ('DevicePath', BSTR), ('Description', BSTR),
    ('bClearPartTable', BOOLEAN), ('bForceDismount', BOOLEAN), ('ResourceName', BSTR)))
CreateWTDiskNonPersistentResponse = _answer('CreateWTDiskNonPersistentResponse', _Out)
CreateShadowWTDiskNonPersistent = _call('CreateShadowWTDiskNonPersistent', 13, (
    ('nWTD', ULONG), ('eDeviceType', USHORT), ('DevicePath', BSTR), ('Description', BSTR),
    ('SnapshotId', GUID), ('ResourceName', BSTR)))
CreateShadowWTDiskNonPersistentResponse = _answer('CreateShadowWTDiskNonPersistentResponse', _Out)
OpenWTDisk = _call('OpenWTDisk', 14, (('pStream', PMInterfacePointer), ('ResourceName', BSTR)))
OpenWTDiskResponse = _answer('OpenWTDiskResponse', _Out)
CloseWTDisk = _call('CloseWTDisk', 15, (('nWTD', ULONG),))
CloseWTDiskResponse = _answer('CloseWTDiskResponse')
# ---- IWTDiskMgr3, opnum 16; IWTDiskMgr4, opnums 17..18 ----
ClusterNotifyWTDiskDeletion = _call('ClusterNotifyWTDiskDeletion', 16, (('nWTD', ULONG),))
ClusterNotifyWTDiskDeletionResponse = _answer('ClusterNotifyWTDiskDeletionResponse')
EnumAllClusterWTDisks = _call('EnumAllClusterWTDisks', 17)
EnumAllClusterWTDisksResponse = _answer('EnumAllClusterWTDisksResponse', _Out)
ClusterNotifyWTDiskDeletion2 = _call('ClusterNotifyWTDiskDeletion2', 18,
                                     (('nWTD', ULONG), ('bShadowDisk', BOOLEAN)))
ClusterNotifyWTDiskDeletion2Response = _answer('ClusterNotifyWTDiskDeletion2Response')

# ---- IWTDisk, IWTDisk2, IWTDisk3: (name, opnum, [in] type or None, [out] type or None) ----
_DISK_METHODS = (
    ('Guid', 3, None, GUID), ('SerialNumber', 4, None, BSTR),
    ('WTD', 5, None, ULONG), ('PutWTD', 6, ULONG, None),
    ('Type', 7, None, USHORT), ('PutType', 8, USHORT, None),
    ('Flags', 9, None, ULONG), ('PutFlags', 10, ULONG, None),
    ('Status', 11, None, USHORT), ('PutStatus', 12, USHORT, None),
    ('Assigned', 13, None, BOOLEAN), ('PutAssigned', 14, BOOLEAN, None),
    ('Description', 15, None, BSTR), ('PutDescription', 16, BSTR, None),
    ('DevicePath', 17, None, BSTR), ('PutDevicePath', 18, BSTR, None),
    ('Size', 19, None, LONGLONG),
    ('SnapshotStoragePath', 20, None, BSTR), ('PutSnapshotStoragePath', 21, BSTR, None),
    ('SnapshotStorageSize', 22, None, LONGLONG), ('PutSnapshotStorageSize', 23, LONGLONG, None),
    ('SnapshotStorageUsedSize', 24, None, LONGLONG),
    ('LMType', 25, None, USHORT), ('PutLMType', 26, USHORT, None),
    ('LMStatus', 27, None, USHORT), ('LMTimeStamp', 28, None, LONGLONG),
    ('LMWTManageMountPoint', 29, None, BOOLEAN), ('PutLMWTManageMountPoint', 30, BOOLEAN, None),
    ('LMMountPoint', 31, None, BSTR), ('PutLMMountPoint', 32, BSTR, None),
    ('LMCurrMountDeviceId', 33, None, BSTR), ('PutLMCurrMountDeviceId', 34, BSTR, None),
    ('LMSnapshotId', 35, None, GUID),
    ('Save', 36, None, None), ('DVMountDirect', 37, None, None), ('DVDismount', 38, None, None),
    ('EnumLMMountPoints', 39, None, PMInterfacePointer),
    ('GetVdsLunInfo', 40, None, None), ('GetDeviceVolumeGuid', 41, None, GUID),
    ('Enable', 42, None, BOOLEAN), ('PutEnable', 43, BOOLEAN, None),
    ('ResourceName', 44, None, BSTR), ('PutResourceName', 45, BSTR, None),
    ('ResourceGroupName', 46, None, BSTR), ('PutResourceGroupName', 47, BSTR, None),
    ('IsAlive', 48, None, None), ('SaveToStream', 49, PMInterfacePointer, None),
    ('VhdType', 50, None, USHORT), ('ParentPath', 51, None, BSTR),
    ('AllocatedSize', 52, None, LONGLONG),
    ('CacheParent', 53, None, BOOLEAN), ('PutCacheParent', 54, BOOLEAN, None),
    ('ResourceState', 55, None, ULONG), ('PutResourceState', 56, ULONG, None),
    ('GetLunStatus', 57, None, LUN_STATUS),
)
_disk_req = {}
for _name, _op, _in, _out in _DISK_METHODS:
    _cls = 'WTDisk' + _name
    globals()[_cls] = _call(_cls, _op, (('value', _in),) if _in else ())
    globals()[_cls + 'Response'] = _answer(_cls + 'Response', (('value', _out),) if _out else ())
    _disk_req[_name] = (globals()[_cls], _in, _out)

# ---- IEnumWTDisk, IEnumLMMountPoint ----
EnumWTDiskNext = _call('EnumWTDiskNext', 3, (('ulNumElements', ULONG),
                                             ('pElements', PMInterfacePointer)))
EnumWTDiskNextResponse = _answer('EnumWTDiskNextResponse', (
    ('pElements', PMInterfacePointer), ('pNumElementsReturned', ULONG)))
EnumLMMountPointNext = _call('EnumLMMountPointNext', 3, (('ulNumElements', ULONG),
                                                         ('pElements', MOUNT_POINT)))
EnumLMMountPointNextResponse = _answer('EnumLMMountPointNextResponse', (
    ('pElements', MOUNT_POINT), ('pNumElementsReturned', ULONG)))
EnumSkip = _call('EnumSkip', 4, (('ulNumElements', ULONG),))
EnumSkipResponse = _answer('EnumSkipResponse')
EnumReset, EnumResetResponse = _call('EnumReset', 5), _answer('EnumResetResponse')
EnumClone = _call('EnumClone', 6, (('ppNewEnum', PMInterfacePointer),))
EnumCloneResponse = _answer('EnumCloneResponse', (('ppNewEnum', PMInterfacePointer),))


def hr_of(fn):
    """(HRESULT, value) of FN(): impacket raises on every non-zero HRESULT."""
    try:
        return S_OK, fn()
    except DCERPCException as e:
        code = hresult_of(e)
        if code is None:
            raise
        return code, None


_Object = IstmObject


class IWTDisk(_Object):
    """IWTDisk/2/3: get('Description'), put('Description', 'x'), call('Save')."""
    IID = IID_IWTDisk3

    def _do(self, name, value=None):
        cls, tin, tout = _disk_req[name]
        req = cls()
        if tin is BSTR:
            _put_bstr(req, 'value', value)
        elif tin is PMInterfacePointer:
            req['value'] = NULL
        elif tin is not None:
            req['value'] = value
        resp = self._req(req)
        if tout is None:
            return None
        if tout is BSTR:
            return _bstr(resp, 'value')
        if tout is GUID:
            return _guid(resp['value'])
        if tout is PMInterfacePointer:
            return self._wrap(resp['value'], IEnumLMMountPoint)
        if tout is LUN_STATUS:
            s = resp['value']
            return (s['dwLun'], s['eStatus'], s['dwProgressPercent'], s['dwCompletionError'])
        v = resp['value']
        return v & 0xffffffffffffffff if tout is LONGLONG else v

    def get(self, name):
        return self._do(name)

    def put(self, name, value):
        return self._do('Put' + name, value)

    def call(self, name):
        return self._do(name)

    def hr(self, name, value=None):
        """The HRESULT of method NAME (a getter, 'Put...' or a call)."""
        return hr_of(lambda: self._do(name, value))[0]

    def info(self):
        """The main properties as a dict."""
        return {
            'wtd': self.get('WTD'), 'guid': self.get('Guid'), 'serial': self.get('SerialNumber'),
            'path': self.get('DevicePath'), 'description': self.get('Description'),
            'size': self.get('Size'), 'flags': self.get('Flags'), 'type': self.get('Type'),
            'vhd_type': self.get('VhdType'), 'enabled': self.get('Enable'),
            'assigned': self.get('Assigned'), 'status': self.get('Status'),
            'lm_status': self.get('LMStatus'), 'parent': self.get('ParentPath'),
            'allocated': self.get('AllocatedSize'),
        }


class _Enum(_Object):
    NEXT = None

    def _next_req(self, n):
        raise NotImplementedError

    def next(self, n=1):
        """(HRESULT, element or None, count): S_FALSE at the end; n=0 is
        the count-only call (count = items left)."""
        req = self._next_req(n)
        try:
            resp = self._req(req)
        except DCERPCException as e:
            code = hresult_of(e)
            if code is None:
                raise
            if code != S_FALSE:
                return code, None, 0
            return S_FALSE, None, 0
        count = resp['pNumElementsReturned']
        return S_OK, (self._element(resp) if count and n else None), count

    def skip(self, n):
        req = EnumSkip()
        req['ulNumElements'] = n
        return hr_of(lambda: self._req(req))[0]

    def reset(self):
        return hr_of(lambda: self._req(EnumReset()))[0]

    def clone(self):
        req = EnumClone()
        req['ppNewEnum'] = NULL
        return self._wrap(self._req(req)['ppNewEnum'], type(self))

    def all(self):
        out = []
        while True:
            hr, elem, _ = self.next(1)
            if hr == S_FALSE:
                return out
            if hr != S_OK:
                raise DCERPCSessionError(error_code=hr)
            out.append(elem)


class IEnumWTDisk(_Enum):
    IID = IID_IEnumWTDisk

    def _next_req(self, n):
        req = EnumWTDiskNext()
        req['ulNumElements'] = n
        req['pElements'] = NULL
        return req

    def _element(self, resp):
        return self._wrap(resp['pElements'], IWTDisk)


class IEnumLMMountPoint(_Enum):
    IID = IID_IEnumLMMountPoint

    def _next_req(self, n):
        req = EnumLMMountPointNext()
        req['ulNumElements'] = n
        req['pElements']['szPath'] = b'\0' * 1024
        return req

    def _element(self, resp):
        return _wchars(resp['pElements']['szPath'])


class IWTDiskMgr(_Object):
    """IWTDiskMgr/2/3/4."""
    IID = IID_IWTDiskMgr4

    def enum_wtdisks(self):
        return self._wrap(self._req(EnumWTDisks())['ppOut'], IEnumWTDisk)

    def enum_all_cluster_wtdisks(self):
        return self._wrap(self._req(EnumAllClusterWTDisks())['ppOut'], IEnumWTDisk)

    def create_wtdisk(self, path, description='', device_type=WTDTypeFileBased, clear=False,
                      force=False):
        req = CreateWTDisk()
        req['eDeviceType'] = device_type
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['bClearPartTable'] = int(clear)
        req['bForceDismount'] = int(force)
        return self._req(req)['pWTD']

    def create_shadow_wtdisk(self, path, description='', snapshot=b'\0' * 16):
        req = CreateShadowWTDisk()
        req['eDeviceType'] = WTDTypeFileBased
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['SnapshotId'] = _guid_value(snapshot)
        return self._req(req)['pWTD']

    def delete_wtdisk(self, wtd):
        req = DeleteWTDisk()
        req['nWTD'] = wtd
        self._req(req)

    def get_wtdisk(self, wtd):
        req = GetWTDisk()
        req['nWTD'] = wtd
        return self._wrap(self._req(req)['ppOut'], IWTDisk)

    def enum_same_volume_by_path(self, path):
        req = EnumWTDisksOnSameVolumeByPath()
        _put_bstr(req, 'Path', path)
        return self._wrap(self._req(req)['ppOut'], IEnumWTDisk)

    def enum_same_volume(self, wtd):
        req = EnumWTDisksOnSameVolume()
        req['nWTD'] = wtd
        return self._wrap(self._req(req)['ppOut'], IEnumWTDisk)

    def dv_mount_selected_snapshot_now(self):
        self._req(DVMountSelectedWTDisksSnapshotNow())

    def import_wtdisk(self):
        req = ImportWTDisk()
        req['pWTDisk'] = NULL
        self._req(req)

    def create_wtdisk_nonpersistent(self, path, description='', wtd=WTD_ANY,
                                    device_type=WTDTypeFileBased, resource='', clear=False):
        req = CreateWTDiskNonPersistent()
        req['nWTD'] = wtd
        req['eDeviceType'] = device_type
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['bClearPartTable'] = int(clear)
        req['bForceDismount'] = 0
        _put_bstr(req, 'ResourceName', resource)
        return self._wrap(self._req(req)['ppOut'], IWTDisk)

    def create_shadow_wtdisk_nonpersistent(self, path, description=''):
        req = CreateShadowWTDiskNonPersistent()
        req['nWTD'] = WTD_ANY
        req['eDeviceType'] = WTDTypeFileBased
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['SnapshotId'] = _guid_value(b'\0' * 16)
        _put_bstr(req, 'ResourceName', '')
        return self._wrap(self._req(req)['ppOut'], IWTDisk)

    def open_wtdisk(self):
        req = OpenWTDisk()
        req['pStream'] = NULL
        _put_bstr(req, 'ResourceName', '')
        return self._wrap(self._req(req)['ppOut'], IWTDisk)

    def close_wtdisk(self, wtd):
        req = CloseWTDisk()
        req['nWTD'] = wtd
        self._req(req)

    def cluster_notify_deletion(self, wtd):
        req = ClusterNotifyWTDiskDeletion()
        req['nWTD'] = wtd
        self._req(req)

    def cluster_notify_deletion2(self, wtd, shadow=False):
        req = ClusterNotifyWTDiskDeletion2()
        req['nWTD'] = wtd
        req['bShadowDisk'] = int(shadow)
        self._req(req)


def activate_disk_mgr(dcom, iid=IID_IWTDiskMgr4):
    """CoCreateInstanceEx of the LUN manager class ([MS-ISTM] 1.9)."""
    return IWTDiskMgr(dcom.CoCreateInstanceEx(CLSID_WTDiskMgr, iid))
