# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/devices.py: the local-device interfaces of [MS-ISTM] for impacket's
# DCOM client, from the IDL of section 6: ILocalDeviceMgr/2/3 (3.30, 3.32,
# 3.33), IDirectoryEnum (3.3), IEnumVolume/2 (3.17, 3.18), IEnumDisk/2
# (3.6, 3.7), IEnumResourceGroup (3.12).  Methods return plain Python
# values and raise impacket's exception for a failure HRESULT, except:
# the checks whose HRESULT is the answer (IsValidWtDevice, IsPathValid,
# IsPathNtfs, DoesFileExist) return it; open_enum_*() and get_*_info()
# return (HRESULT, object); enum_volumes() and list_directory() return
# rows (dicts) for istmctl.  contrib/istmctl and tests/istmd use it.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

from impacket.dcerpc.v5.dcomrt import IRemUnknown2, INTERFACE, PMInterfacePointer
from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.dtypes import BOOLEAN, GUID, LONG, LONGLONG, NULL, ULONG
from impacket.dcerpc.v5.ndr import NDRENUM, NDRSTRUCT, NDRUniFixedArray
from impacket.uuid import uuidtup_to_bin

from istm.base import IstmObject, DCERPCSessionError  # impacket looks it up here
from istm.base import CLSID_LocalDeviceMgr, S_OK, S_FALSE, _call, _answer, _status, hresult_of
# impacket makes a new security context on every interface switch (every
# enumerator): keep one per interface, as hosts.py does for every module
from istm.hosts import IEnumPortal



IID_ILocalDeviceMgr = uuidtup_to_bin(('8ad608a4-6c16-4405-8879-b27910a68995', '0.0'))
IID_ILocalDeviceMgr2 = uuidtup_to_bin(('b0d1ac4b-f87a-49b2-938f-d439248575b2', '0.0'))
IID_ILocalDeviceMgr3 = uuidtup_to_bin(('e645744b-cae5-4712-acaf-13057f7195af', '0.0'))
IID_IDirectoryEnum = uuidtup_to_bin(('28bc8d5e-ca4b-4f54-973c-ed9622d2b3ac', '0.0'))
IID_IEnumVolume = uuidtup_to_bin(('81fe3594-2495-4c91-95bb-eb5785614ec7', '0.0'))
IID_IEnumVolume2 = uuidtup_to_bin(('8c58f6b3-4736-432a-891d-389de3505c7c', '0.0'))
IID_IEnumDisk = uuidtup_to_bin(('bb39e296-ad26-42c5-9890-5325333bb11e', '0.0'))
IID_IEnumDisk2 = uuidtup_to_bin(('a5ecfc73-0013-4a9e-951c-59bf9735fdda', '0.0'))
IID_IEnumResourceGroup = uuidtup_to_bin(('640038f1-d626-40d8-b52b-09660601d045', '0.0'))

ERROR_NO_MORE_FILES = 0x80070012


def _wchars(n):
    """A WCHAR[n] member."""
    return type('WCHAR_%d' % n, (NDRUniFixedArray,),
                {'align': 2, 'getDataLen': lambda self, data, offset=0: n * 2})


def wstr(v):
    """A WCHAR[] member as a Python string (up to the first NUL)."""
    b = bytes(v) if not isinstance(v, (bytes, bytearray)) else v
    return b.decode('utf-16-le', 'replace').split('\0', 1)[0]


WCHAR_20, WCHAR_64, WCHAR_128, WCHAR_512 = _wchars(20), _wchars(64), _wchars(128), _wchars(512)


class Type(NDRENUM):
    pass


# 2.2.4.3, 2.2.4.4, 2.2.4.5, 2.2.4.6, 2.2.4.13, 2.2.4.14, 2.2.4.19, 2.2.4.20
class DIRECTORY_DATA(NDRSTRUCT):
    structure = (('szFileName', WCHAR_512), ('szFullPath', WCHAR_512), ('eType', Type))


class DISK(NDRSTRUCT):
    structure = (('dwIndex', ULONG), ('szWin32Path', WCHAR_64), ('hySize', LONGLONG))


class DISK2(NDRSTRUCT):
    structure = (('dwIndex', ULONG), ('szWin32Path', WCHAR_64), ('hySize', LONGLONG),
                 ('szResourceGroup', WCHAR_512))


class DRIVE_INFO(NDRSTRUCT):
    structure = (('szDrive', WCHAR_20), ('hySize', LONGLONG), ('hyFreeSpace', LONGLONG),
                 ('bSupportSparseFiles', BOOLEAN))


class PORTAL(NDRSTRUCT):
    structure = (('Guid', GUID), ('szIpAddress', WCHAR_128), ('dwPort', ULONG),
                 ('bListen', LONG), ('bSecure', LONG), ('bValid', LONG))


class RESOURCE_GROUP(NDRSTRUCT):
    structure = (('szName', WCHAR_512),)


_VOLUME_HEAD = (('dwDiskIndex', ULONG), ('szGuid', WCHAR_64), ('szMountPoint', WCHAR_512),
                ('szLabel', WCHAR_64), ('szFileSystem', WCHAR_64), ('bSystemVolume', BOOLEAN),
                ('bPageFile', BOOLEAN), ('hyOffset', LONGLONG), ('hySize', LONGLONG),
                ('hyTotalVolSize', LONGLONG))
_VOLUME_FLAGS = (('bValidWTVolume', LONG), ('bIsContainedInExtendedPartition', LONG),
                 ('bIsOnDynamicDisk', LONG), ('bUnallocated', LONG))


class VOLUME(NDRSTRUCT):
    structure = _VOLUME_HEAD + _VOLUME_FLAGS


class VOLUME2(NDRSTRUCT):
    structure = (_VOLUME_HEAD + (('hyFreeSpace', LONGLONG),) + _VOLUME_FLAGS +
                 (('bSupportSparseFiles', LONG), ('bIsQuorum', LONG),
                  ('szResourceGroup', WCHAR_512), ('MaxFileSize', LONGLONG)))


def _plain(s):
    """An NDRSTRUCT as a dict of Python values (WCHAR arrays as str)."""
    out = {}
    for name, kind in s.structure:
        v = s[name]
        if isinstance(kind, type) and issubclass(kind, NDRUniFixedArray):
            v = wstr(v)
        elif isinstance(kind, type) and issubclass(kind, NDRENUM):
            v = v if isinstance(v, int) else v['Data']
        elif kind is GUID:
            v = bytes(v['Data']) if not isinstance(v, (bytes, list)) else bytes(v)
        out[name] = v
    return out


def _zero(s):
    """Fill an [in, out] structure with zeros."""
    for name, kind in s.structure:
        if isinstance(kind, type) and issubclass(kind, NDRUniFixedArray):
            s[name] = b'\0' * kind().getDataLen(b'')
        elif kind is GUID:
            s[name] = b'\0' * 16
        else:
            s[name] = 0
    return s


# ---- IEnum* (Next, Skip, Reset, Clone at opnums 3..6) ----
def _enum_calls(prefix, elem):
    return (_call(prefix + 'Next', 3, (('ulNumElements', ULONG), ('pElements', elem))),
            _call(prefix + 'Skip', 4, (('ulNumElements', ULONG),)),
            _call(prefix + 'Reset', 5),
            _call(prefix + 'Clone', 6, (('ppNewEnum', PMInterfacePointer),)))


EnumVolumeNext, EnumVolumeSkip, EnumVolumeReset, EnumVolumeClone = _enum_calls('EnumVolume', VOLUME)
EnumVolumeNextResponse = _answer('EnumVolumeNextResponse',
                                 (('pElements', VOLUME), ('pNumElementsReturned', ULONG)))
EnumVolumeSkipResponse = _answer('EnumVolumeSkipResponse')
EnumVolumeResetResponse = _answer('EnumVolumeResetResponse')
EnumVolumeCloneResponse = _answer('EnumVolumeCloneResponse', (('ppNewEnum', PMInterfacePointer),))
(EnumVolume2Next, EnumVolume2Skip, EnumVolume2Reset,
 EnumVolume2Clone) = _enum_calls('EnumVolume2', VOLUME2)
EnumVolume2NextResponse = _answer('EnumVolume2NextResponse',
                                  (('pElements', VOLUME2), ('pNumElementsReturned', ULONG)))
EnumVolume2SkipResponse = _answer('EnumVolume2SkipResponse')
EnumVolume2ResetResponse = _answer('EnumVolume2ResetResponse')
EnumVolume2CloneResponse = _answer('EnumVolume2CloneResponse', (('ppNewEnum', PMInterfacePointer),))
EnumDiskNext, EnumDiskSkip, EnumDiskReset, EnumDiskClone = _enum_calls('EnumDisk', DISK)
EnumDiskNextResponse = _answer('EnumDiskNextResponse',
                               (('pElements', DISK), ('pNumElementsReturned', ULONG)))
EnumDiskSkipResponse = _answer('EnumDiskSkipResponse')
EnumDiskResetResponse = _answer('EnumDiskResetResponse')
EnumDiskCloneResponse = _answer('EnumDiskCloneResponse', (('ppNewEnum', PMInterfacePointer),))
EnumDisk2Next, EnumDisk2Skip, EnumDisk2Reset, EnumDisk2Clone = _enum_calls('EnumDisk2', DISK2)
EnumDisk2NextResponse = _answer('EnumDisk2NextResponse',
                                (('pElements', DISK2), ('pNumElementsReturned', ULONG)))
EnumDisk2SkipResponse = _answer('EnumDisk2SkipResponse')
EnumDisk2ResetResponse = _answer('EnumDisk2ResetResponse')
EnumDisk2CloneResponse = _answer('EnumDisk2CloneResponse', (('ppNewEnum', PMInterfacePointer),))

# ---- IDirectoryEnum (3.3.4) ----
GetDriveString = _call('GetDriveString', 3)
GetDriveStringResponse = _answer('GetDriveStringResponse', (('pbstrDriveString', BSTR),))
FindFirst = _call('FindFirst', 4, (('bstrSearchPath', BSTR), ('pDirectoryData', DIRECTORY_DATA)))
FindFirstResponse = _answer('FindFirstResponse', (('pDirectoryData', DIRECTORY_DATA),))
FindNext = _call('FindNext', 5, (('pDirectoryData', DIRECTORY_DATA),))
FindNextResponse = _answer('FindNextResponse', (('pDirectoryData', DIRECTORY_DATA),))
FindClose = _call('FindClose', 6)
FindCloseResponse = _answer('FindCloseResponse')

# ---- ILocalDeviceMgr (3.30.4), opnums 3..20 ----
_MIP = (('ppEnum', PMInterfacePointer),)
EnumDisks, EnumDisksResponse = _call('EnumDisks', 3), _answer('EnumDisksResponse', _MIP)
EnumVolumes, EnumVolumesResponse = _call('EnumVolumes', 4), _answer('EnumVolumesResponse', _MIP)
CreateVolume = _call('CreateVolume', 5, (('nDiskIndex', ULONG), ('hyOffset', LONGLONG),
                                         ('hyLength', LONGLONG), ('nVolumeType', ULONG)))
CreateVolumeResponse = _answer('CreateVolumeResponse', (('DevicePath', BSTR),))
IsValidWtDevice = _call('IsValidWtDevice', 6, (('DevicePath', BSTR),))
IsValidWtDeviceResponse = _answer('IsValidWtDeviceResponse')
IsDiskPartAvailable = _call('IsDiskPartAvailable', 7)
IsDiskPartAvailableResponse = _answer('IsDiskPartAvailableResponse', (('bAvail', BOOLEAN),))
CreateWtFile = _call('CreateWtFile', 8, (('FilePath', BSTR), ('hyFileSize', LONGLONG),
                                         ('bSparse', BOOLEAN)))
CreateWtFileResponse = _answer('CreateWtFileResponse')
GrowWtFile = _call('GrowWtFile', 9, (('FilePath', BSTR), ('hyAdditionalSize', LONGLONG)))
GrowWtFileResponse = _answer('GrowWtFileResponse')
DeleteWtFile = _call('DeleteWtFile', 10, (('FilePath', BSTR),))
DeleteWtFileResponse = _answer('DeleteWtFileResponse')
IsPathValid = _call('IsPathValid', 11, (('FilePath', BSTR),))
IsPathValidResponse = _answer('IsPathValidResponse')
IsPathNtfs = _call('IsPathNtfs', 12, (('Path', BSTR),))
IsPathNtfsResponse = _answer('IsPathNtfsResponse')
DoesFileExist = _call('DoesFileExist', 13, (('FilePath', BSTR),))
DoesFileExistResponse = _answer('DoesFileExistResponse')
GetDriveInfo = _call('GetDriveInfo', 14, (('Drive', BSTR), ('pDriveInfo', DRIVE_INFO)))
GetDriveInfoResponse = _answer('GetDriveInfoResponse', (('pDriveInfo', DRIVE_INFO),))
EnumDirectory = _call('EnumDirectory', 15)
EnumDirectoryResponse = _answer('EnumDirectoryResponse', _MIP)
EnumPortals, EnumPortalsResponse = _call('EnumPortals', 16), _answer('EnumPortalsResponse', _MIP)
GetPortal = _call('GetPortal', 17, (('IpAddress', BSTR),))
GetPortalResponse = _answer('GetPortalResponse', (('pPortal', PORTAL),))
SetPortalConfig = _call('SetPortalConfig', 18, (('IpAddress', BSTR), ('nPort', ULONG),
                                                ('bUse', BOOLEAN)))
SetPortalConfigResponse = _answer('SetPortalConfigResponse')
DeviceManagerRescan = _call('DeviceManagerRescan', 19, (('bSynchronous', BOOLEAN),))
DeviceManagerRescanResponse = _answer('DeviceManagerRescanResponse')
GetProcessors = _call('GetProcessors', 20)
GetProcessorsResponse = _answer('GetProcessorsResponse', (('pProcessors', ULONG),))
# ---- ILocalDeviceMgr2 (3.32.4), opnums 21..30 ----
EnumDisks2, EnumDisks2Response = _call('EnumDisks2', 21), _answer('EnumDisks2Response', _MIP)
EnumVolumes2 = _call('EnumVolumes2', 22)
EnumVolumes2Response = _answer('EnumVolumes2Response', _MIP)
GetVolumeInfo = _call('GetVolumeInfo', 23, (('VolumePath', BSTR), ('pVolumeInfo', VOLUME2)))
GetVolumeInfoResponse = _answer('GetVolumeInfoResponse', (('pVolumeInfo', VOLUME2),))
EnumResourceGroup = _call('EnumResourceGroup', 24)
EnumResourceGroupResponse = _answer('EnumResourceGroupResponse', _MIP)
EnumLocalResourceGroup = _call('EnumLocalResourceGroup', 25)
EnumLocalResourceGroupResponse = _answer('EnumLocalResourceGroupResponse', _MIP)
GetResourceGroupGuid = _call('GetResourceGroupGuid', 26, (('ResourceGroup', BSTR),))
GetResourceGroupGuidResponse = _answer('GetResourceGroupGuidResponse', (('pGuid', GUID),))
GetResourceGroupFromPath = _call('GetResourceGroupFromPath', 27, (('FilePath', BSTR),))
GetResourceGroupFromPathResponse = _answer('GetResourceGroupFromPathResponse',
                                           (('pResourceGroup', BSTR),))
RenameResourceGroup = _call('RenameResourceGroup', 28, (('ResourceGroup', BSTR),
                                                        ('NewResourceGroup', BSTR)))
RenameResourceGroupResponse = _answer('RenameResourceGroupResponse')
EnumLocalPortals = _call('EnumLocalPortals', 29, (('ResourceGroup', BSTR),))
EnumLocalPortalsResponse = _answer('EnumLocalPortalsResponse', _MIP)
GetResourceGroupOwner = _call('GetResourceGroupOwner', 30, (('ResourceGroup', BSTR),))
GetResourceGroupOwnerResponse = _answer('GetResourceGroupOwnerResponse', (('pOwner', BSTR),))
# ---- ILocalDeviceMgr3 (3.33.4), opnum 31 ----
CreateDiffWtFile = _call('CreateDiffWtFile', 31, (('FilePath', BSTR), ('ParentPath', BSTR)))
CreateDiffWtFileResponse = _answer('CreateDiffWtFileResponse')


class _Obj(IstmObject):
    """An ISTM object: requests go to its IPID under IID."""

    def _wrap(self, cls, mip):  # this module passes the class first
        return IstmObject._wrap(self, mip, cls)

    def _mip_call(self, req, cls):
        """(HRESULT, wrapped object or None) of a method returning an interface."""
        try:
            resp = self._req(req)
        except Exception as e:  # noqa: BLE001  impacket raises DCERPCException subclasses
            code = hresult_of(e)
            if code is None:
                raise
            return code, None
        return S_OK, self._wrap(cls, resp['ppEnum'] if 'ppEnum' in resp.fields else
                                resp['ppNewEnum'])


class _Enum(_Obj):
    """IEnum*: Next, Skip, Reset, Clone."""
    ELEM = None
    CALLS = None

    def next(self, n=1):
        """(HRESULT, element dict or None, pNumElementsReturned)."""
        req = self.CALLS[0]()
        req['ulNumElements'] = n
        _zero(req['pElements'])
        try:
            resp = self._req(req)
        except Exception as e:  # noqa: BLE001
            code = hresult_of(e)
            if code is None:
                raise
            return code, None, 0
        return S_OK, _plain(resp['pElements']), resp['pNumElementsReturned']

    def count(self):
        """Next(0): the number of elements left."""
        return self.next(0)[2]

    def skip(self, n):
        req = self.CALLS[1]()
        req['ulNumElements'] = n
        return self._hr(req)

    def reset(self):
        return self._hr(self.CALLS[2]())

    def clone(self):
        req = self.CALLS[3]()
        req['ppNewEnum'] = NULL
        return self._mip_call(req, type(self))

    def all(self):
        """Every element left, by Next(1) until S_FALSE."""
        out = []
        while True:
            hr, elem, got = self.next(1)
            if hr == S_FALSE:
                return out
            if hr != S_OK:
                raise DCERPCSessionError(error_code=hr)
            out.append(elem)


class IEnumVolume(_Enum):
    IID = IID_IEnumVolume
    CALLS = (EnumVolumeNext, EnumVolumeSkip, EnumVolumeReset, EnumVolumeClone)


class IEnumVolume2(_Enum):
    IID = IID_IEnumVolume2
    CALLS = (EnumVolume2Next, EnumVolume2Skip, EnumVolume2Reset, EnumVolume2Clone)


class IEnumDisk(_Enum):
    IID = IID_IEnumDisk
    CALLS = (EnumDiskNext, EnumDiskSkip, EnumDiskReset, EnumDiskClone)


class IEnumDisk2(_Enum):
    IID = IID_IEnumDisk2
    CALLS = (EnumDisk2Next, EnumDisk2Skip, EnumDisk2Reset, EnumDisk2Clone)


class IDirectoryEnum(_Obj):
    IID = IID_IDirectoryEnum

    def get_drive_string(self):
        return self._hr(GetDriveString())

    def _find(self, req):
        _zero(req['pDirectoryData'])
        try:
            d = self._req(req)['pDirectoryData']
        except Exception as e:  # noqa: BLE001
            code = hresult_of(e)
            if code is None:
                raise
            return code, None
        d = _plain(d)
        return S_OK, (d['szFileName'], d['szFullPath'], 'dir' if d['eType'] == 0 else 'file')

    def find_first(self, path):
        """(HRESULT, (name, full path, 'dir' | 'file') or None)."""
        req = FindFirst()
        req['bstrSearchPath']['asData'] = path
        return self._find(req)

    def find_next(self):
        return self._find(FindNext())

    def find_close(self):
        return self._hr(FindClose())

    def list(self, path):
        """Every entry of PATH; raises on an error other than the end."""
        out = []
        hr, e = self.find_first(path)
        while hr == S_OK:
            out.append(e)
            hr, e = self.find_next()
        self.find_close()
        if hr != ERROR_NO_MORE_FILES:
            raise DCERPCSessionError(error_code=hr)
        return out


def _bstr_req(cls, **kw):
    req = cls()
    for k, v in kw.items():
        if isinstance(v, str):
            req[k]['asData'] = v
        else:
            req[k] = v
    return req


class ILocalDeviceMgr(_Obj):
    IID = IID_ILocalDeviceMgr

    def open_enum_disks(self):
        return self._mip_call(EnumDisks(), IEnumDisk)

    def open_enum_volumes(self):
        return self._mip_call(EnumVolumes(), IEnumVolume)

    def create_volume(self, disk=0, offset=0, length=0, vtype=0):
        self._req(_bstr_req(CreateVolume, nDiskIndex=disk, hyOffset=offset,
                                  hyLength=length, nVolumeType=vtype))

    def is_valid_wt_device(self, path):
        return self._hr(_bstr_req(IsValidWtDevice, DevicePath=path))

    def is_disk_part_available(self):
        return self._req(IsDiskPartAvailable())['bAvail']

    def create_wt_file(self, path, size, sparse=False):
        self._req(_bstr_req(CreateWtFile, FilePath=path, hyFileSize=size,
                                  bSparse=1 if sparse else 0))

    def grow_wt_file(self, path, add):
        self._req(_bstr_req(GrowWtFile, FilePath=path, hyAdditionalSize=add))

    def delete_wt_file(self, path):
        self._req(_bstr_req(DeleteWtFile, FilePath=path))

    def is_path_valid(self, path):
        return self._hr(_bstr_req(IsPathValid, FilePath=path))

    def is_path_ntfs(self, path):
        return self._hr(_bstr_req(IsPathNtfs, Path=path))

    def does_file_exist(self, path):
        return self._hr(_bstr_req(DoesFileExist, FilePath=path))

    def get_drive_info(self, drive):
        """(HRESULT, dict or None)."""
        req = _bstr_req(GetDriveInfo, Drive=drive)
        _zero(req['pDriveInfo'])
        try:
            return S_OK, _plain(self._req(req)['pDriveInfo'])
        except Exception as e:  # noqa: BLE001
            if hresult_of(e) is None:
                raise
            return hresult_of(e), None

    def open_enum_directory(self):
        return self._mip_call(EnumDirectory(), IDirectoryEnum)

    def list_directory(self, path):
        """Rows {type, name, path} of the directory PATH (raises on failure)."""
        hr, de = self.open_enum_directory()
        if hr != S_OK:
            raise DCERPCSessionError(error_code=hr)
        return [{'type': t, 'name': n, 'path': p} for n, p, t in de.list(path)]

    def open_enum_portals(self):
        """(HRESULT, istm.hosts.IEnumPortal): the portals tgtd listens on."""
        return self._mip_call(EnumPortals(), IEnumPortal)

    def get_portal(self, address):
        """(HRESULT, PORTAL dict or None)."""
        try:
            return S_OK, _plain(self._req(_bstr_req(GetPortal, IpAddress=address))['pPortal'])
        except Exception as e:  # noqa: BLE001
            if hresult_of(e) is None:
                raise
            return hresult_of(e), None

    def set_portal_config(self, address, port, use):
        self._req(_bstr_req(SetPortalConfig, IpAddress=address, nPort=port,
                            bUse=1 if use else 0))

    def device_manager_rescan(self, synchronous=True):
        self._req(_bstr_req(DeviceManagerRescan, bSynchronous=1 if synchronous else 0))

    def get_processors(self):
        self._req(GetProcessors())


class ILocalDeviceMgr2(ILocalDeviceMgr):
    IID = IID_ILocalDeviceMgr2

    def open_enum_disks2(self):
        return self._mip_call(EnumDisks2(), IEnumDisk2)

    def open_enum_volumes2(self):
        return self._mip_call(EnumVolumes2(), IEnumVolume2)

    def enum_volumes(self):
        """Rows {mount_point, label, file_system, size, free, sparse, guid,
        max_file_size} of the volumes (EnumVolumes2; raises on failure)."""
        hr, e = self.open_enum_volumes2()
        if hr != S_OK:
            raise DCERPCSessionError(error_code=hr)
        return [{'mount_point': v['szMountPoint'], 'label': v['szLabel'],
                 'file_system': v['szFileSystem'], 'size': v['hyTotalVolSize'],
                 'free': v['hyFreeSpace'], 'sparse': bool(v['bSupportSparseFiles']),
                 'guid': v['szGuid'], 'max_file_size': v['MaxFileSize']} for v in e.all()]

    def get_volume_info(self, path):
        """(HRESULT, VOLUME2 dict or None)."""
        req = _bstr_req(GetVolumeInfo, VolumePath=path)
        _zero(req['pVolumeInfo'])
        try:
            return S_OK, _plain(self._req(req)['pVolumeInfo'])
        except Exception as e:  # noqa: BLE001
            if hresult_of(e) is None:
                raise
            return hresult_of(e), None

    def enum_resource_group(self):
        self._req(EnumResourceGroup())

    def enum_local_resource_group(self):
        self._req(EnumLocalResourceGroup())

    def get_resource_group_guid(self, name):
        self._req(_bstr_req(GetResourceGroupGuid, ResourceGroup=name))

    def get_resource_group_from_path(self, path):
        """(HRESULT, group name or None)."""
        try:
            resp = self._req(_bstr_req(GetResourceGroupFromPath, FilePath=path))
        except Exception as e:  # noqa: BLE001
            if hresult_of(e) is None:
                raise
            return hresult_of(e), None
        return S_OK, resp['pResourceGroup']['asData']

    def rename_resource_group(self, old, new):
        self._req(_bstr_req(RenameResourceGroup, ResourceGroup=old, NewResourceGroup=new))

    def open_enum_local_portals(self, group=''):
        return self._mip_call(_bstr_req(EnumLocalPortals, ResourceGroup=group), IEnumPortal)

    def get_resource_group_owner(self, name):
        self._req(_bstr_req(GetResourceGroupOwner, ResourceGroup=name))


class ILocalDeviceMgr3(ILocalDeviceMgr2):
    IID = IID_ILocalDeviceMgr3

    def create_diff_wt_file(self, path, parent):
        self._req(_bstr_req(CreateDiffWtFile, FilePath=path, ParentPath=parent))


def activate_local_device(dcom, iid=IID_ILocalDeviceMgr3):
    """Activate the Local Device Management class; the object as ILocalDeviceMgr3
    (or the interface IID names)."""
    cls = {IID_ILocalDeviceMgr: ILocalDeviceMgr, IID_ILocalDeviceMgr2: ILocalDeviceMgr2,
           IID_ILocalDeviceMgr3: ILocalDeviceMgr3}[iid]
    return cls(dcom.CoCreateInstanceEx(CLSID_LocalDeviceMgr, iid))


activate_device_mgr = activate_local_device
