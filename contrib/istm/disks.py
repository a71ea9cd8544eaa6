# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/disks.py: the virtual disk interfaces of [MS-ISTM] for impacket's
# DCOM client, from the IDL of section 6: IWTDiskMgr/2/3/4 (3.46-3.51),
# IWTDisk/2/3 (3.43-3.45), IEnumWTDisk (3.19), IEnumLMMountPoint (3.10).
#
# The wire is istm/wire.py, generated from the IDL by the build; this
# module turns it into Python values.  The wrapper classes return plain
# Python values and raise DCERPCSessionError for a non-zero HRESULT, except
# where a method's name ends in _hr (the HRESULT and the value) or returns
# a status (S_FALSE matters: enumerators).
#
# Calls on an object use its most derived IID (IWTDisk3, IWTDiskMgr4):
# one binding per object kind.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.dcomrt import PMInterfacePointer
from impacket.dcerpc.v5.dtypes import GUID, LONG, LONGLONG, NULL
from impacket.dcerpc.v5.rpcrt import DCERPCException

from istm import wire
from istm.base import IstmObject, DCERPCSessionError  # noqa: F401
from istm.base import CLSID_WTDiskMgr, S_OK, S_FALSE, hresult_of
from istm.wire import (IID_IEnumLMMountPoint, IID_IEnumWTDisk, IID_IWTDisk,  # noqa: F401
                       IID_IWTDisk2, IID_IWTDisk3, IID_IWTDiskMgr, IID_IWTDiskMgr2,
                       IID_IWTDiskMgr3, IID_IWTDiskMgr4, LUN_STATUS)

# 2.2.3.10 WTDType, 2.2.3.9 VhdType, 2.2.3.6 MountType, 2.2.3.3 DeviceStatus
WTDTypeVolumeBased, WTDTypeFileBased, WTDTypeRamBased = 0, 1, 2
InvalidVhd, FixedVhd, DifferencingVhd, DynamicVhd = 0, 1, 2, 3
DoNotMount, MountSnapshot, MountDirect = 0, 1, 2
Idle, InUse, Reverting = 0, 1, 2
# 3.1.1.4 Flags, and istmd's read-only bit
WTDFlagEnableLunMapping, WTDFlagShadowLun, WTDFlagReadOnly = 0x1, 0x2, 0x100
WTD_ANY = 0xffffffff


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


def _disk_method(name):
    """IWTDisk's (or IWTDisk2's, IWTDisk3's) request for NAME, as this
    module has always named them: a property ('Guid'), 'Put' + a property
    ('PutFlags') or a method ('Save', 'GetLunStatus')."""
    wanted = ('put_' + name[3:],) if name.startswith('Put') else ('get_' + name, name)
    for w in wanted:
        for iface in ('IWTDisk', 'IWTDisk2', 'IWTDisk3'):
            cls = getattr(wire, '%s_%s' % (iface, w), None)
            if cls is not None:
                return cls
    raise KeyError(name)


def _only(structure):
    """(name, type) of a structure's one parameter, or (None, None)."""
    params = [p for p in structure if p[0] != 'ErrorCode']
    return params[0] if params else (None, None)


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
        cls = _disk_method(name)
        req = cls()
        fin, tin = _only(cls.structure)
        if tin is BSTR:
            _put_bstr(req, fin, value)
        elif tin is PMInterfacePointer:
            req[fin] = NULL
        elif tin is wire.VDS_LUN_INFORMATION:
            from istm.snapshots import blank_lun_info
            blank_lun_info(req)
        elif tin is LONG:       # ResourceState: a DWORD to callers
            req[fin] = value - (1 << 32) if value > 0x7fffffff else value
        elif tin is not None:
            req[fin] = value
        resp = self._req(req)
        fout, tout = _only(getattr(wire, cls.__name__ + 'Response').structure)
        if tout is None:
            return None
        if tout is BSTR:
            return _bstr(resp, fout)
        if tout is GUID:
            return _guid(resp[fout])
        if tout is PMInterfacePointer:
            return self._wrap(resp[fout], IEnumLMMountPoint)
        if tout is LUN_STATUS:
            s = resp[fout]
            return (s['dwLun'], s['eStatus'], s['dwProgressPercent'], s['dwCompletionError'])
        v = resp[fout]
        if tout is LONG:
            return v & 0xffffffff
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
    PFX = None          # the interface: its requests are wire.<PFX>_Next, ...

    def _request(self, op):
        return getattr(wire, '%s_%s' % (self.PFX, op))()

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
        req = self._request('Skip')
        req['ulNumElements'] = n
        return hr_of(lambda: self._req(req))[0]

    def reset(self):
        return hr_of(lambda: self._req(self._request('Reset')))[0]

    def clone(self):
        req = self._request('Clone')
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
    PFX = 'IEnumWTDisk'

    def _next_req(self, n):
        req = self._request('Next')
        req['ulNumElements'] = n
        req['pElements'] = NULL
        return req

    def _element(self, resp):
        return self._wrap(resp['pElements'], IWTDisk)


class IEnumLMMountPoint(_Enum):
    IID = IID_IEnumLMMountPoint
    PFX = 'IEnumLMMountPoint'

    def _next_req(self, n):
        req = self._request('Next')
        req['ulNumElements'] = n
        req['pElements']['szPath'] = b'\0' * 1024
        return req

    def _element(self, resp):
        return _wchars(resp['pElements']['szPath'])


class IWTDiskMgr(_Object):
    """IWTDiskMgr/2/3/4."""
    IID = IID_IWTDiskMgr4

    def enum_wtdisks(self):
        return self._wrap(self._req(wire.IWTDiskMgr_EnumWTDisks())['ppEnumWTDisk'], IEnumWTDisk)

    def enum_all_cluster_wtdisks(self):
        req = wire.IWTDiskMgr4_EnumAllClusterWTDisks()
        return self._wrap(self._req(req)['EnumWTDisk'], IEnumWTDisk)

    def create_wtdisk(self, path, description='', device_type=WTDTypeFileBased, clear=False,
                      force=False):
        req = wire.IWTDiskMgr_CreateWTDisk()
        req['eDeviceType'] = device_type
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['bClearPartTable'] = int(clear)
        req['bForceDismount'] = int(force)
        return self._req(req)['pWTD']

    def create_shadow_wtdisk(self, path, description='', snapshot=b'\0' * 16):
        req = wire.IWTDiskMgr_CreateShadowWTDisk()
        req['eDeviceType'] = WTDTypeFileBased
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['SnapshotId'] = _guid_value(snapshot)
        return self._req(req)['pWTD']

    def delete_wtdisk(self, wtd):
        req = wire.IWTDiskMgr_DeleteWTDisk()
        req['nWTD'] = wtd
        self._req(req)

    def get_wtdisk(self, wtd):
        req = wire.IWTDiskMgr_GetWTDisk()
        req['nWTD'] = wtd
        return self._wrap(self._req(req)['ppWTDisk'], IWTDisk)

    def enum_same_volume_by_path(self, path):
        req = wire.IWTDiskMgr_EnumWTDisksOnSameVolumeByPath()
        _put_bstr(req, 'Path', path)
        return self._wrap(self._req(req)['ppEnumWTDisk'], IEnumWTDisk)

    def enum_same_volume(self, wtd):
        req = wire.IWTDiskMgr_EnumWTDisksOnSameVolume()
        req['nWTD'] = wtd
        return self._wrap(self._req(req)['ppEnumWTDisk'], IEnumWTDisk)

    def dv_mount_selected_snapshot_now(self):
        self._req(wire.IWTDiskMgr_DVMountSelectedWTDisksSnapshotNow())

    def import_wtdisk(self):
        req = wire.IWTDiskMgr_ImportWTDisk()
        req['pWTDisk'] = NULL
        self._req(req)

    def create_wtdisk_nonpersistent(self, path, description='', wtd=WTD_ANY,
                                    device_type=WTDTypeFileBased, resource='', clear=False):
        req = wire.IWTDiskMgr2_CreateWTDiskNonPersistent()
        req['nWTD'] = wtd
        req['eDeviceType'] = device_type
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['bClearPartTable'] = int(clear)
        req['bForceDismount'] = 0
        _put_bstr(req, 'ResourceName', resource)
        return self._wrap(self._req(req)['ppWTDisk'], IWTDisk)

    def create_shadow_wtdisk_nonpersistent(self, path, description='', snapshot=b'\0' * 16,
                                           device_type=WTDTypeFileBased):
        req = wire.IWTDiskMgr2_CreateShadowWTDiskNonPersistent()
        req['nWTD'] = WTD_ANY
        req['eDeviceType'] = device_type
        _put_bstr(req, 'DevicePath', path)
        _put_bstr(req, 'Description', description)
        req['SnapshotId'] = _guid_value(snapshot)
        _put_bstr(req, 'ResourceName', '')
        return self._wrap(self._req(req)['ppWTDisk'], IWTDisk)

    def open_wtdisk(self):
        req = wire.IWTDiskMgr2_OpenWTDisk()
        req['pStream'] = NULL
        _put_bstr(req, 'ResourceName', '')
        return self._wrap(self._req(req)['ppWTDisk'], IWTDisk)

    def close_wtdisk(self, wtd):
        req = wire.IWTDiskMgr2_CloseWTDisk()
        req['nWTD'] = wtd
        self._req(req)

    def cluster_notify_deletion(self, wtd):
        req = wire.IWTDiskMgr3_ClusterNotifyWTDiskDeletion()
        req['nWTD'] = wtd
        self._req(req)

    def cluster_notify_deletion2(self, wtd, shadow=False):
        req = wire.IWTDiskMgr4_ClusterNotifyWTDiskDeletion2()
        req['nWTD'] = wtd
        req['bShadowDisk'] = int(shadow)
        self._req(req)


def activate_disk_mgr(dcom, iid=IID_IWTDiskMgr4):
    """CoCreateInstanceEx of the LUN manager class ([MS-ISTM] 1.9)."""
    return IWTDiskMgr(dcom.CoCreateInstanceEx(CLSID_WTDiskMgr, iid))
