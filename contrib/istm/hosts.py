# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/hosts.py: the target interfaces of [MS-ISTM] for impacket's DCOM
# client: IHostMgr/2/3 (3.25, 3.27, 3.29), IHost/2/3 (3.21, 3.23, 3.24),
# IEnumHost (3.8), IEnumIDMethod (3.9), IEnumWTDiskLunMapping (3.20),
# IEnumPortal (3.11).  The wire is istm/wire.py, generated from the IDL of
# section 6 by the build; this module turns it into Python values.
#
# Wrappers return plain Python values and raise DCERPCSessionError for a
# failing HRESULT (hresult_of(exc) gives it; call_status(fn) returns it);
# enumerators' next() returns (hresult, [elements]) since S_FALSE is normal.
# Objects are always called through the most derived interface (IHostMgr3,
# IHost3), whose method tables include their bases'.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

import re

from impacket.dcerpc.v5.dtypes import NULL

from istm import wire
from istm.base import (IstmObject, IstmEnum, CLSID_HostMgr, DCERPCSessionError, S_FALSE, S_OK,  # noqa: F401
                       call_status, hresult_of)
from istm.wire import (ID, IID_IEnumHost, IID_IEnumIDMethod, IID_IEnumPortal,  # noqa: F401
                       IID_IEnumWTDiskLunMapping, IID_IHost, IID_IHost2, IID_IHost3, IID_IHostMgr,
                       IID_IHostMgr2, IID_IHostMgr3, LUN_MAPPING, PORTAL)

# 2.2.3.5 IDMethod
IDNetBIOSNames, IDDNSNames, IDIPAddress, IDMACAddress, IDIQN, IDIPv6Address = range(6)
ID_METHODS = {'netbios': IDNetBIOSNames, 'dns': IDDNSNames, 'ip': IDIPAddress,
              'mac': IDMACAddress, 'iqn': IDIQN, 'ipv6': IDIPv6Address}
HostStatusIdle, HostStatusConnected = 0, 1


def _wset(text, n):
    raw = text.encode('utf-16-le')[:(n - 1) * 2]
    return raw + b'\0' * (n * 2 - len(raw))


def _wget(raw):
    raw = bytes(raw)
    for i in range(0, len(raw) - 1, 2):
        if raw[i] == 0 and raw[i + 1] == 0:
            raw = raw[:i]
            break
    return raw.decode('utf-16-le')


# The requests this module sends, by the names it has always used; the
# classes and their parameters are istm/wire.py's, generated from the IDL.
AddID = wire.IHost_AddID
AddPortal = wire.IHost_AddPortal
AddWTDisk = wire.IHost_AddWTDisk
CheckTargetRedirect = wire.IHost_CheckTargetRedirect
CloseHost = wire.IHostMgr2_CloseHost
DeleteHost = wire.IHostMgr_DeleteHost
EnumAllClusterHosts = wire.IHostMgr3_EnumAllClusterHosts
EnumHosts = wire.IHostMgr_EnumHosts
EnumIDs = wire.IHost_EnumIDs
EnumPortals = wire.IHost_EnumPortals
EnumSessions = wire.IHost2_EnumSessions
EnumWTDiskLunMappings = wire.IHost_EnumWTDiskLunMappings
GetHost = wire.IHostMgr_GetHost
GetHostByTargetIQN = wire.IHostMgr_GetHostByTargetIQN
NewHost = wire.IHostMgr_NewHost
NewHost2 = wire.IHostMgr2_NewHost2
NewHostNonPersistent = wire.IHostMgr2_NewHostNonPersistent
OpenHost = wire.IHostMgr2_OpenHost
RemoveAllIDs = wire.IHost_RemoveAllIDs
RemoveAllPortals = wire.IHost_RemoveAllPortals
RemoveAllWTDisks = wire.IHost_RemoveAllWTDisks
RemoveID = wire.IHost_RemoveID
RemovePortal = wire.IHost_RemovePortal
RemoveWTDisk = wire.IHost_RemoveWTDisk
Save = wire.IHost_Save
SaveToStream = wire.IHost2_SaveToStream
SetCHAPInfoByBlob = wire.IHost_SetCHAPInfoByBlob
SetWTDiskLunMapping = wire.IHost_SetWTDiskLunMapping
ValidateChapSecret = wire.IHost_ValidateChapSecret
ValidateReverseChapSecret = wire.IHost_ValidateReverseChapSecret


# The properties IHost.get() / put() and the accessors below know: the
# IDL's [propget]/[propput] pairs of IHost, IHost2 and IHost3 but Guid.
_PROPS = tuple(n[len('IHost_get_'):] if n.startswith('IHost_get_') else n.split('_get_', 1)[1]
               for (iface, _op), (n, _i, _o) in sorted(wire.PARAMS.items())
               if iface in ('IHost', 'IHost2', 'IHost3') and '_get_' in n and
               not n.endswith('_get_Guid'))


def _prop(kind, prop):
    """IHost's (or IHost2's, IHost3's) [prop<kind>] PROP: its request class
    and the name of its one parameter."""
    for iface in ('IHost', 'IHost2', 'IHost3'):
        cls = getattr(wire, '%s_%s_%s' % (iface, kind, prop), None)
        if cls is not None:
            lst = cls.structure if kind == 'put' else getattr(wire, cls.__name__ + 'Response').structure
            return cls, lst[0][0]
    raise KeyError(prop)


def _bstr(req, field, value):
    if value is None:
        req[field] = NULL
    else:
        req[field]['asData'] = value


def _bstr_value(b):
    try:
        return b['asData']
    except Exception:
        return None


_Object = IstmObject


class IHostMgr(_Object):
    IID = IID_IHostMgr3

    def enum_hosts(self):
        return self._wrap(self._req(EnumHosts())['ppEnumHost'], IEnumHost)

    def new_host(self, name):
        req = NewHost()
        _bstr(req, 'HostName', name)
        return self._wrap(self._req(req)['ppNewHost'], IHost)

    def get_host(self, name):
        req = GetHost()
        _bstr(req, 'HostName', name)
        return self._wrap(self._req(req)['ppHost'], IHost)

    def get_host_by_iqn(self, iqn):
        req = GetHostByTargetIQN()
        _bstr(req, 'TargetIQN', iqn)
        return self._wrap(self._req(req)['ppHost'], IHost)

    def delete_host(self, name):
        req = DeleteHost()
        _bstr(req, 'HostName', name)
        self._req(req)

    def new_host2(self, name, group):
        req = NewHost2()
        _bstr(req, 'HostName', name)
        _bstr(req, 'ResourceGroup', group)
        return self._wrap(self._req(req)['ppNewHost'], IHost)

    def new_host_non_persistent(self, name, resource):
        req = NewHostNonPersistent()
        _bstr(req, 'HostName', name)
        _bstr(req, 'ResourceName', resource)
        return self._wrap(self._req(req)['ppNewHost'], IHost)

    def open_host(self, resource):
        req = OpenHost()
        req['pStream'] = NULL
        _bstr(req, 'ResourceName', resource)
        return self._wrap(self._req(req)['ppHost'], IHost)

    def close_host(self, name):
        req = CloseHost()
        _bstr(req, 'HostName', name)
        self._req(req)

    def enum_all_cluster_hosts(self):
        return self._wrap(self._req(EnumAllClusterHosts())['EnumHost'], IEnumHost)


class IHost(_Object):
    IID = IID_IHost3

    def get(self, prop):
        """[propget] PROP (a name from _PROPS)."""
        cls, field = _prop('get', prop)
        v = self._req(cls())[field]
        if isinstance(v, int):
            return v
        for key in ('asData', 'Data'):
            try:
                return v[key]
            except Exception:
                pass
        return None

    def put(self, prop, value):
        cls, field = _prop('put', prop)
        req = cls()
        if isinstance(value, str) or value is None:
            _bstr(req, field, value)
        else:
            req[field] = int(value)
        self._req(req)

    def guid(self):
        g = self._req(wire.IHost_get_Guid())['pGuid']
        return bytes(g['Data']) if not isinstance(g, bytes) else g

    def enum_ids(self):
        return self._wrap(self._req(EnumIDs())['ppEnumIDMethod'], IEnumIDMethod)

    @staticmethod
    def _id(req, method, value):
        req['pIDMethod']['eMethod'] = ID_METHODS.get(method, method)
        req['pIDMethod']['szValue'] = _wset(value, 512)

    def add_id(self, method, value):
        req = AddID()
        self._id(req, method, value)
        self._req(req)

    def remove_id(self, method, value):
        req = RemoveID()
        self._id(req, method, value)
        self._req(req)

    def remove_all_ids(self):
        self._req(RemoveAllIDs())

    def enum_lun_mappings(self):
        return self._wrap(self._req(EnumWTDiskLunMappings())['ppEnumWTDiskLunMapping'],
                          IEnumWTDiskLunMapping)

    def add_wtdisk(self, wtd):
        req = AddWTDisk()
        req['nWTD'] = wtd
        self._req(req)

    def remove_wtdisk(self, wtd):
        req = RemoveWTDisk()
        req['nWTD'] = wtd
        self._req(req)

    def remove_all_wtdisks(self):
        self._req(RemoveAllWTDisks())

    def set_wtdisk_lun_mapping(self, wtd, lun):
        req = SetWTDiskLunMapping()
        req['nWTD'] = wtd
        req['nNewLun'] = lun
        self._req(req)

    def enum_portals(self):
        return self._wrap(self._req(EnumPortals())['ppEnumPortal'], IEnumPortal)

    def add_portal(self, address):
        req = AddPortal()
        _bstr(req, 'IpAddress', address)
        self._req(req)

    def remove_portal(self, address):
        req = RemovePortal()
        _bstr(req, 'IpAddress', address)
        self._req(req)

    def remove_all_portals(self):
        self._req(RemoveAllPortals())

    def set_chap_info_by_blob(self, blob):
        req = SetCHAPInfoByBlob()
        req['nBlobSize'] = len(blob)
        req['Blob'] = [bytes([b]) for b in blob]
        self._req(req)

    def save(self):
        self._req(Save())

    def validate_chap_secret(self, secret):
        req = ValidateChapSecret()
        _bstr(req, 'Secret', secret)
        self._req(req)

    def validate_reverse_chap_secret(self, secret):
        req = ValidateReverseChapSecret()
        _bstr(req, 'Secret', secret)
        self._req(req)

    def check_target_redirect(self, address):
        """HRESULT (S_FALSE: no redirection)."""
        req = CheckTargetRedirect()
        _bstr(req, 'LocalConnectAddr', address)
        return self._req_hr(req)[0]

    def save_to_stream(self):
        req = SaveToStream()
        req['pStream'] = NULL
        self._req(req)

    def enum_sessions(self):
        """The target's sessions, an istm.sessions.IEnumSession2 (iterable)."""
        from istm.sessions import IEnumSession2
        return self._wrap(self._req(EnumSessions())['ppEnumSession'], IEnumSession2)


def _snake(name):
    name = re.sub('(CHAP|IQN)', lambda m: '_' + m.group(1).lower() + '_', name)
    name = re.sub('([a-z0-9])([A-Z])', r'\1_\2', name).lower()
    return re.sub('_+', '_', name).strip('_')


def _accessors():
    """IHost.get_<snake>() / put_<snake>(v) for every property
    (get_target_iqn, put_chap_secret, get_enable_reverse_chap, ...)."""
    for prop in _PROPS:
        snake = _snake(prop)
        setattr(IHost, 'get_' + snake, lambda self, p=prop: self.get(p))
        setattr(IHost, 'put_' + snake, lambda self, v, p=prop: self.put(p, v))


_accessors()
IHost.get_guid = IHost.guid
IHost.enum_wtdisk_lun_mappings = IHost.enum_lun_mappings


_Enum = IstmEnum


class IEnumHost(_Enum):
    IID = IID_IEnumHost
    PFX = 'IEnumHost'

    def _blank(self, req):
        req['pElements'] = NULL

    def _elem(self, e):
        return self._wrap(e, IHost)


class IEnumIDMethod(_Enum):
    IID = IID_IEnumIDMethod
    PFX = 'IEnumIDMethod'

    def _blank(self, req):
        req['pElements']['eMethod'] = 0
        req['pElements']['szValue'] = _wset('', 512)

    def _elem(self, e):
        m = e['eMethod']
        return (m if isinstance(m, int) else m['Data'], _wget(e['szValue']))


class IEnumWTDiskLunMapping(_Enum):
    IID = IID_IEnumWTDiskLunMapping
    PFX = 'IEnumWTDiskLunMapping'

    def _blank(self, req):
        req['pElements']['dwLun'] = 0
        req['pElements']['dwWTD'] = 0

    def _elem(self, e):
        return (e['dwWTD'], e['dwLun'])    # (disk index, LUN)


class IEnumPortal(_Enum):
    IID = IID_IEnumPortal
    PFX = 'IEnumPortal'

    def _blank(self, req):
        req['pElements']['Guid'] = b'\0' * 16
        req['pElements']['szIpAddress'] = _wset('', 128)
        for f in ('dwPort', 'bListen', 'bSecure', 'bValid'):
            req['pElements'][f] = 0

    def _elem(self, e):
        g = e['Guid']
        return {'guid': bytes(g['Data']) if not isinstance(g, bytes) else g,
                'address': _wget(e['szIpAddress']), 'port': e['dwPort'],
                'listen': e['bListen'], 'secure': e['bSecure'], 'valid': e['bValid']}


def activate_host_mgr(dcom, iid=IID_IHostMgr3):
    """IHostMgr through activation (IID_IHostMgr3 reaches every opnum)."""
    mgr = IHostMgr(dcom.CoCreateInstanceEx(CLSID_HostMgr, iid))
    mgr._iid = iid
    return mgr


activate_hostmgr = activate_host_mgr
