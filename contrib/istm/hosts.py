# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/hosts.py: the target interfaces of [MS-ISTM] for impacket's DCOM
# client, from the IDL of section 6: IHostMgr/2/3 (3.25, 3.27, 3.29),
# IHost/2/3 (3.21, 3.23, 3.24), IEnumHost (3.8), IEnumIDMethod (3.9),
# IEnumWTDiskLunMapping (3.20), IEnumPortal (3.11).
#
# Wrappers return plain Python values and raise DCERPCSessionError for a
# failing HRESULT (hresult_of(exc) gives it; call_status(fn) returns it);
# enumerators' next() returns (hresult, [elements]) since S_FALSE is normal.
# Objects are always called through the most derived interface (IHostMgr3,
# IHost3), whose method tables include their bases'.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

import re

from impacket.dcerpc.v5.dcomrt import INTERFACE, IRemUnknown2, PMInterfacePointer
from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.dtypes import BOOL, BOOLEAN, DWORD, GUID, LONG, LONGLONG, NULL, ULONG
from impacket.dcerpc.v5.ndr import NDRENUM, NDRSTRUCT, NDRUniConformantArray, NDRUniFixedArray
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

from istm.base import (IstmObject, IstmEnum, CLSID_HostMgr, DCERPCSessionError, S_FALSE, S_OK,  # noqa: F401
                       _answer, _call, call_status, hresult_of)



IID_IHostMgr = uuidtup_to_bin(('b06a64e3-814e-4ff9-afac-597ad32517c7', '0.0'))
IID_IHostMgr2 = uuidtup_to_bin(('dd6f0a28-248f-4dd3-afe9-71aed8f685c4', '0.0'))
IID_IHostMgr3 = uuidtup_to_bin(('01454b97-c6a5-4685-bea8-9779c88ab990', '0.0'))
IID_IHost = uuidtup_to_bin(('b0076fec-a921-4034-a8ba-090bc6d03bde', '0.0'))
IID_IHost2 = uuidtup_to_bin(('b4fa8e86-2517-4a88-bd67-75447219eee4', '0.0'))
IID_IHost3 = uuidtup_to_bin(('fe7f99f9-1dfb-4afb-9d00-6a8dd0aabf2c', '0.0'))
IID_IEnumHost = uuidtup_to_bin(('e141fd54-b79e-4938-a6bb-d523c3d49ff1', '0.0'))
IID_IEnumIDMethod = uuidtup_to_bin(('345b026b-5802-4e38-ac75-795e08b0b83f', '0.0'))
IID_IEnumWTDiskLunMapping = uuidtup_to_bin(('1396de6f-a794-4b11-b93f-6b69a5b47bae', '0.0'))
IID_IEnumPortal = uuidtup_to_bin(('1995785d-2a1e-492f-8923-e621eaca39d9', '0.0'))

# 2.2.3.5 IDMethod
IDNetBIOSNames, IDDNSNames, IDIPAddress, IDMACAddress, IDIQN, IDIPv6Address = range(6)
ID_METHODS = {'netbios': IDNetBIOSNames, 'dns': IDDNSNames, 'ip': IDIPAddress,
              'mac': IDMACAddress, 'iqn': IDIQN, 'ipv6': IDIPv6Address}
HostStatusIdle, HostStatusConnected = 0, 1


def _wchars(n):
    class W(NDRUniFixedArray):
        align = 2

        def getDataLen(self, data, offset=0):
            return n * 2
    W.__name__ = 'WCHAR_%d' % n
    return W


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


class IDMethod(NDRENUM):
    pass


class ID(NDRSTRUCT):            # 2.2.4.7
    structure = (('eMethod', IDMethod), ('szValue', _wchars(512)))


class LUN_MAPPING(NDRSTRUCT):   # 2.2.4.10
    structure = (('dwLun', DWORD), ('dwWTD', DWORD))


class PORTAL(NDRSTRUCT):        # 2.2.4.13, MAX_IP_ADDRESS_LEN = 127
    structure = (('Guid', GUID), ('szIpAddress', _wchars(128)), ('dwPort', DWORD),
                 ('bListen', BOOL), ('bSecure', BOOL), ('bValid', BOOL))


class CHAR_ARRAY(NDRUniConformantArray):
    item = 'c'


class HostStatus(NDRENUM):
    pass


def _def(name, opnum, params=(), answer=()):
    """Request NAME and answer NAME + 'Response', as module attributes
    (impacket looks the answer class up by name in this module)."""
    globals()[name] = _call(name, opnum, params)
    globals()[name + 'Response'] = _answer(name + 'Response', answer)


_MIP = PMInterfacePointer

# 3.25 IHostMgr (3..7), 3.27 IHostMgr2 (8..11), 3.29 IHostMgr3 (12)
_def('EnumHosts', 3, (), (('ppEnumHost', _MIP),))
_def('NewHost', 4, (('HostName', BSTR),), (('ppNewHost', _MIP),))
_def('GetHost', 5, (('HostName', BSTR),), (('ppHost', _MIP),))
_def('GetHostByTargetIQN', 6, (('TargetIQN', BSTR),), (('ppHost', _MIP),))
_def('DeleteHost', 7, (('HostName', BSTR),))
_def('NewHost2', 8, (('HostName', BSTR), ('ResourceGroup', BSTR)), (('ppNewHost', _MIP),))
_def('NewHostNonPersistent', 9, (('HostName', BSTR), ('ResourceName', BSTR)),
     (('ppNewHost', _MIP),))
_def('OpenHost', 10, (('pStream', _MIP), ('ResourceName', BSTR)), (('ppHost', _MIP),))
_def('CloseHost', 11, (('HostName', BSTR),))
_def('EnumAllClusterHosts', 12, (), (('EnumHost', _MIP),))

# 3.21 IHost properties: (name, opnum of get, wire type); put is get + 1
_PROPS = (
    ('Enable', 4, BOOLEAN), ('Name', 6, BSTR), ('Description', 8, BSTR),
    ('TargetIQN', 10, BSTR), ('Status', 12, HostStatus), ('LastLogIn', 14, LONGLONG),
    ('EnableCHAP', 16, BOOLEAN), ('CHAPUserName', 18, BSTR), ('CHAPSecret', 20, BSTR),
    ('EnableReverseCHAP', 22, BOOLEAN), ('ReverseCHAPUserName', 24, BSTR),
    ('ReverseCHAPSecret', 26, BSTR), ('TargetMaxRecvDataSegmentLength', 28, ULONG),
    ('TargetFirstBurstLength', 30, ULONG), ('TargetMaxBurstLength', 32, ULONG),
    ('NumRecvBuffers', 34, ULONG), ('EnforceIdleTimeoutDetection', 36, BOOLEAN),
    ('ListenAllNetworkAdapters', 38, BOOLEAN), ('Processor', 40, ULONG),
    # IHost2 (60..63), IHost3 (66..67)
    ('ResourceName', 60, BSTR), ('ResourceGroupName', 62, BSTR), ('ResourceState', 66, LONG),
)
for _name, _op, _t in _PROPS:
    _def('IHost_get_' + _name, _op, (), (('p', _t),))
    _def('IHost_put_' + _name, _op + 1, (('v', _t),))
_def('IHost_get_Guid', 3, (), (('pGuid', GUID),))
_def('EnumIDs', 42, (), (('ppEnumIDMethod', _MIP),))
_def('AddID', 43, (('pIDMethod', ID),))
_def('RemoveID', 44, (('pIDMethod', ID),))
_def('RemoveAllIDs', 45)
_def('EnumWTDiskLunMappings', 46, (), (('ppEnumWTDiskLunMapping', _MIP),))
_def('AddWTDisk', 47, (('nWTD', ULONG),))
_def('RemoveWTDisk', 48, (('nWTD', ULONG),))
_def('RemoveAllWTDisks', 49)
_def('SetWTDiskLunMapping', 50, (('nWTD', ULONG), ('nNewLun', ULONG)))
_def('EnumPortals', 51, (), (('ppEnumPortal', _MIP),))
_def('AddPortal', 52, (('IpAddress', BSTR),))
_def('RemovePortal', 53, (('IpAddress', BSTR),))
_def('RemoveAllPortals', 54)
_def('SetCHAPInfoByBlob', 55, (('nBlobSize', ULONG), ('Blob', CHAR_ARRAY)))
_def('Save', 56)
_def('ValidateChapSecret', 57, (('Secret', BSTR),))
_def('ValidateReverseChapSecret', 58, (('Secret', BSTR),))
_def('CheckTargetRedirect', 59, (('LocalConnectAddr', BSTR),), (('pRedirectAddr', BSTR),))
_def('SaveToStream', 64, (('pStream', _MIP),))
_def('EnumSessions', 65, (), (('ppEnumSession', _MIP),))

# IEnum*: Next (3), Skip (4), Reset (5), Clone (6)
for _pfx, _elem in (('EnumHost', _MIP), ('EnumIDMethod', ID),
                    ('EnumWTDiskLunMapping', LUN_MAPPING), ('EnumPortal', PORTAL)):
    _def(_pfx + '_Next', 3, (('ulNumElements', ULONG), ('pElements', _elem)),
         (('pElements', _elem), ('pNumElementsReturned', ULONG)))
    _def(_pfx + '_Skip', 4, (('ulNumElements', ULONG),))
    _def(_pfx + '_Reset', 5)
    _def(_pfx + '_Clone', 6, (('ppNewEnum', _MIP),), (('ppNewEnum', _MIP),))


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
        v = self._req(globals()['IHost_get_' + prop]())['p']
        if isinstance(v, int):
            return v
        for key in ('asData', 'Data'):
            try:
                return v[key]
            except Exception:
                pass
        return None

    def put(self, prop, value):
        req = globals()['IHost_put_' + prop]()
        if isinstance(value, str) or value is None:
            _bstr(req, 'v', value)
        else:
            req['v'] = int(value)
        self._req(req)

    def guid(self):
        g = self._req(IHost_get_Guid())['pGuid']
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
    for prop, _op, _t in _PROPS:
        snake = _snake(prop)
        setattr(IHost, 'get_' + snake, lambda self, p=prop: self.get(p))
        setattr(IHost, 'put_' + snake, lambda self, v, p=prop: self.put(p, v))


_accessors()
IHost.get_guid = IHost.guid
IHost.enum_wtdisk_lun_mappings = IHost.enum_lun_mappings


_Enum = IstmEnum


class IEnumHost(_Enum):
    IID = IID_IEnumHost
    PFX = 'EnumHost'

    def _blank(self, req):
        req['pElements'] = NULL

    def _elem(self, e):
        return self._wrap(e, IHost)


class IEnumIDMethod(_Enum):
    IID = IID_IEnumIDMethod
    PFX = 'EnumIDMethod'

    def _blank(self, req):
        req['pElements']['eMethod'] = 0
        req['pElements']['szValue'] = _wset('', 512)

    def _elem(self, e):
        m = e['eMethod']
        return (m if isinstance(m, int) else m['Data'], _wget(e['szValue']))


class IEnumWTDiskLunMapping(_Enum):
    IID = IID_IEnumWTDiskLunMapping
    PFX = 'EnumWTDiskLunMapping'

    def _blank(self, req):
        req['pElements']['dwLun'] = 0
        req['pElements']['dwWTD'] = 0

    def _elem(self, e):
        return (e['dwWTD'], e['dwLun'])    # (disk index, LUN)


class IEnumPortal(_Enum):
    IID = IID_IEnumPortal
    PFX = 'EnumPortal'

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
