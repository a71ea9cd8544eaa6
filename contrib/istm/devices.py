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

from impacket.dcerpc.v5.dtypes import GUID, NULL
from impacket.dcerpc.v5.ndr import NDRENUM, NDRUniFixedArray

from istm import wire
from istm.base import IstmObject, DCERPCSessionError  # noqa: F401
from istm.base import CLSID_LocalDeviceMgr, S_OK, S_FALSE, hresult_of
from istm.hosts import IEnumPortal
from istm.wire import (IID_IDirectoryEnum, IID_IEnumDisk, IID_IEnumDisk2,  # noqa: F401
                       IID_IEnumResourceGroup, IID_IEnumVolume, IID_IEnumVolume2,
                       IID_ILocalDeviceMgr, IID_ILocalDeviceMgr2, IID_ILocalDeviceMgr3)

ERROR_NO_MORE_FILES = 0x80070012


def wstr(v):
    """A WCHAR[] member as a Python string (up to the first NUL)."""
    b = bytes(v) if not isinstance(v, (bytes, bytearray)) else v
    return b.decode('utf-16-le', 'replace').split('\0', 1)[0]


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


# The requests this module sends, by the names it has always used; the
# classes and their parameters are istm/wire.py's, generated from the IDL.
CreateDiffWtFile = wire.ILocalDeviceMgr3_CreateDiffWtFile
CreateVolume = wire.ILocalDeviceMgr_CreateVolume
CreateWtFile = wire.ILocalDeviceMgr_CreateWtFile
DeleteWtFile = wire.ILocalDeviceMgr_DeleteWtFile
DeviceManagerRescan = wire.ILocalDeviceMgr_DeviceManagerRescan
DoesFileExist = wire.ILocalDeviceMgr_DoesFileExist
EnumDirectory = wire.ILocalDeviceMgr_EnumDirectory
EnumDisks = wire.ILocalDeviceMgr_EnumDisks
EnumDisks2 = wire.ILocalDeviceMgr2_EnumDisks2
EnumLocalPortals = wire.ILocalDeviceMgr2_EnumLocalPortals
EnumLocalResourceGroup = wire.ILocalDeviceMgr2_EnumLocalResourceGroup
EnumPortals = wire.ILocalDeviceMgr_EnumPortals
EnumResourceGroup = wire.ILocalDeviceMgr2_EnumResourceGroup
EnumVolumes = wire.ILocalDeviceMgr_EnumVolumes
EnumVolumes2 = wire.ILocalDeviceMgr2_EnumVolumes2
GetDriveInfo = wire.ILocalDeviceMgr_GetDriveInfo
GetPortal = wire.ILocalDeviceMgr_GetPortal
GetProcessors = wire.ILocalDeviceMgr_GetProcessors
GetResourceGroupFromPath = wire.ILocalDeviceMgr2_GetResourceGroupFromPath
GetResourceGroupGuid = wire.ILocalDeviceMgr2_GetResourceGroupGuid
GetResourceGroupOwner = wire.ILocalDeviceMgr2_GetResourceGroupOwner
GetVolumeInfo = wire.ILocalDeviceMgr2_GetVolumeInfo
GrowWtFile = wire.ILocalDeviceMgr_GrowWtFile
IsDiskPartAvailable = wire.ILocalDeviceMgr_IsDiskPartAvailable
IsPathNtfs = wire.ILocalDeviceMgr_IsPathNtfs
IsPathValid = wire.ILocalDeviceMgr_IsPathValid
IsValidWtDevice = wire.ILocalDeviceMgr_IsValidWtDevice
RenameResourceGroup = wire.ILocalDeviceMgr2_RenameResourceGroup
SetPortalConfig = wire.ILocalDeviceMgr_SetPortalConfig


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
        return S_OK, self._wrap(cls, resp[resp.structure[0][0]])   # the one [out]


class _Enum(_Obj):
    """IEnum*: Next, Skip, Reset, Clone."""
    PFX = None          # the interface: its requests are wire.<PFX>_Next, ...

    def _request(self, op):
        return getattr(wire, '%s_%s' % (self.PFX, op))()

    def next(self, n=1):
        """(HRESULT, element dict or None, pNumElementsReturned)."""
        req = self._request('Next')
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
        req = self._request('Skip')
        req['ulNumElements'] = n
        return self._hr(req)

    def reset(self):
        return self._hr(self._request('Reset'))

    def clone(self):
        req = self._request('Clone')
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
    PFX = 'IEnumVolume'


class IEnumVolume2(_Enum):
    IID = IID_IEnumVolume2
    PFX = 'IEnumVolume2'


class IEnumDisk(_Enum):
    IID = IID_IEnumDisk
    PFX = 'IEnumDisk'


class IEnumDisk2(_Enum):
    IID = IID_IEnumDisk2
    PFX = 'IEnumDisk2'


class IEnumResourceGroup(_Enum):
    IID = IID_IEnumResourceGroup
    PFX = 'IEnumResourceGroup'


class IDirectoryEnum(_Obj):
    IID = IID_IDirectoryEnum

    def get_drive_string(self):
        return self._hr(wire.IDirectoryEnum_GetDriveString())

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
        req = wire.IDirectoryEnum_FindFirst()
        req['bstrSearchPath']['asData'] = path
        return self._find(req)

    def find_next(self):
        return self._find(wire.IDirectoryEnum_FindNext())

    def find_close(self):
        return self._hr(wire.IDirectoryEnum_FindClose())

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
        """(HRESULT, IEnumResourceGroup): the cluster's resource groups."""
        return self._mip_call(EnumResourceGroup(), IEnumResourceGroup)

    def enum_local_resource_group(self):
        """(HRESULT, IEnumResourceGroup): the groups this node owns."""
        return self._mip_call(EnumLocalResourceGroup(), IEnumResourceGroup)

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
