# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/sessions.py: the session interfaces of [MS-ISTM] for impacket's DCOM
# client, from the IDL of section 6: ISessionManager (3.34),
# ISessionManager2 (3.35), IEnumSession (3.13), IEnumSession2 (3.14),
# IEnumConnection (3.5), with SESSION, SESSION2 and CONNECTION (2.2.4).
#
# Wrappers return plain Python values (dicts for the structures) and raise
# DCERPCSessionError for a failing HRESULT (hresult_of(exc) gives it);
# enumerators' next() returns (hresult, [elements]) since S_FALSE is
# normal.  The manager is always called through ISessionManager2, whose
# method table includes ISessionManager's.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.


from impacket.dcerpc.v5.dcomrt import INTERFACE, IRemUnknown2, PMInterfacePointer
from impacket.dcerpc.v5.dtypes import BOOLEAN, DWORD, NULL, ULONG, ULONGLONG, USHORT
from impacket.dcerpc.v5.ndr import NDRENUM, NDRSTRUCT, NDRUniFixedArray
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

from istm.base import (IstmObject, IstmEnum, CLSID_SessionManager, DCERPCSessionError, S_FALSE, S_OK,  # noqa: F401
                       _answer, _call, hresult_of)

IID_ISessionManager = uuidtup_to_bin(('8d7ae740-b9c5-49fc-a11e-89171907cb86', '0.0'))
IID_ISessionManager2 = uuidtup_to_bin(('c10a76d8-1fe4-4c2f-b70d-665265215259', '0.0'))
IID_IEnumSession = uuidtup_to_bin(('40cc8569-6d23-4005-9958-e37f08ae192b', '0.0'))
IID_IEnumSession2 = uuidtup_to_bin(('442931d5-e522-4e64-a181-74e98a4e1748', '0.0'))
IID_IEnumConnection = uuidtup_to_bin(('6aea6b26-0680-411d-8877-a148df3087d5', '0.0'))

# 2.2.3.7 SessionType, 2.2.3.1 AuthenticationMethod
SESSION_TYPES = {0: 'invalid', 1: 'discovery', 2: 'normal'}
AUTH_METHODS = {0: 'none', 1: 'chap'}




def _wchars(n):
    class W(NDRUniFixedArray):
        align = 2

        def getDataLen(self, data, offset=0):
            return n * 2
    W.__name__ = 'WCHAR_%d' % n
    W.nchars = n
    return W


def _wget(raw):
    raw = bytes(raw)
    for i in range(0, len(raw) - 1, 2):
        if raw[i] == 0 and raw[i + 1] == 0:
            raw = raw[:i]
            break
    return raw.decode('utf-16-le')


def _enum_value(v):
    return v if isinstance(v, int) else v['Data']


class SessionType(NDRENUM):
    pass


class AuthenticationMethod(NDRENUM):
    pass


class SESSION(NDRSTRUCT):       # 2.2.4.15
    structure = (('InitiatorIQN', _wchars(256)), ('HostTargetIQN', _wchars(256)))


class SESSION2(NDRSTRUCT):      # 2.2.4.16
    structure = (('InitiatorIQN', _wchars(256)), ('HostTargetIQN', _wchars(256)),
                 ('HostName', _wchars(512)), ('TSIH', USHORT), ('ISID', ULONGLONG),
                 ('eType', SessionType), ('eAuthMethod', AuthenticationMethod))


class CONNECTION(NDRSTRUCT):    # 2.2.4.2, MAX_IP_ADDRESS_LEN = 127
    structure = (('CID', DWORD), ('InitiatorIpAddress', _wchars(128)), ('InitiatorPort', DWORD),
                 ('TargetIpAddress', _wchars(128)), ('TargetPort', DWORD),
                 ('HeaderDigestEnabled', BOOLEAN), ('DataDigestEnabled', BOOLEAN))


def _def(name, opnum, params=(), answer=()):
    """Request NAME and answer NAME + 'Response', as module attributes
    (impacket looks the answer class up by name in this module)."""
    globals()[name] = _call(name, opnum, params)
    globals()[name + 'Response'] = _answer(name + 'Response', answer)


_MIP = PMInterfacePointer

# 3.34 ISessionManager (3), 3.35 ISessionManager2 (4..7)
_def('EnumSessions', 3, (), (('ppEnumSession', _MIP),))
_def('EnumSessions2', 4, (), (('ppEnumSession', _MIP),))
_def('EnumConnections', 5, (('TSIH', USHORT),), (('ppEnumConnection', _MIP),))
_def('GetSession', 6, (('TSIH', USHORT),), (('pSessionInfo', SESSION2),))
_def('GetConnection', 7, (('TSIH', USHORT), ('CID', DWORD)), (('pConnectionInfo', CONNECTION),))

# IEnumSession, IEnumSession2, IEnumConnection: Next (3), Skip (4), Reset
# (5), Clone (6; ppNewEnum is [in] in the IDL, istmd returns it as [in, out])
for _pfx, _elem in (('EnumSession', SESSION), ('EnumSession2', SESSION2),
                    ('EnumConnection', CONNECTION)):
    _def(_pfx + '_Next', 3, (('ulNumElements', ULONG), ('pElements', _elem)),
         (('pElements', _elem), ('pNumElementsReturned', ULONG)))
    _def(_pfx + '_Skip', 4, (('ulNumElements', ULONG),))
    _def(_pfx + '_Reset', 5)
    _def(_pfx + '_Clone', 6, (('ppNewEnum', _MIP),), (('ppNewEnum', _MIP),))


def session_value(s):
    """SESSION / SESSION2 as a dict: initiator, target_iqn; SESSION2 adds
    target (the target's Name), tsih, isid, type, auth."""
    out = {'initiator': _wget(s['InitiatorIQN']), 'target_iqn': _wget(s['HostTargetIQN'])}
    if 'TSIH' in s.fields:
        out.update({'target': _wget(s['HostName']), 'tsih': s['TSIH'], 'isid': s['ISID'],
                    'type': SESSION_TYPES.get(_enum_value(s['eType']), '?'),
                    'auth': AUTH_METHODS.get(_enum_value(s['eAuthMethod']), '?')})
    return out


def connection_value(c):
    """CONNECTION as a dict."""
    return {'cid': c['CID'], 'initiator_address': _wget(c['InitiatorIpAddress']),
            'initiator_port': c['InitiatorPort'], 'target_address': _wget(c['TargetIpAddress']),
            'target_port': c['TargetPort'], 'header_digest': bool(c['HeaderDigestEnabled']),
            'data_digest': bool(c['DataDigestEnabled'])}


_Object = IstmObject


_Enum = IstmEnum


class IEnumSession(_Enum):
    IID = IID_IEnumSession
    PFX = 'EnumSession'
    ELEM = SESSION

    def _elem(self, e):
        return session_value(e)


class IEnumSession2(_Enum):
    IID = IID_IEnumSession2
    PFX = 'EnumSession2'
    ELEM = SESSION2

    def _elem(self, e):
        return session_value(e)


class IEnumConnection(_Enum):
    IID = IID_IEnumConnection
    PFX = 'EnumConnection'
    ELEM = CONNECTION

    def _elem(self, e):
        return connection_value(e)


class ISessionManager(_Object):
    """ISessionManager2 (which includes ISessionManager)."""
    IID = IID_ISessionManager2

    def enum_sessions(self):
        return self._wrap(self._req(EnumSessions())['ppEnumSession'], IEnumSession)

    def enum_sessions2(self):
        return self._wrap(self._req(EnumSessions2())['ppEnumSession'], IEnumSession2)

    def enum_connections(self, tsih):
        req = EnumConnections()
        req['TSIH'] = tsih
        return self._wrap(self._req(req)['ppEnumConnection'], IEnumConnection)

    def get_session(self, tsih):
        req = GetSession()
        req['TSIH'] = tsih
        return session_value(self._req(req)['pSessionInfo'])

    def get_connection(self, tsih, cid):
        req = GetConnection()
        req['TSIH'] = tsih
        req['CID'] = cid
        return connection_value(self._req(req)['pConnectionInfo'])


def activate_session_mgr(dcom, iid=IID_ISessionManager2):
    """ISessionManager through activation (IID_ISessionManager2 reaches
    every opnum)."""
    mgr = ISessionManager(dcom.CoCreateInstanceEx(CLSID_SessionManager, iid))
    mgr._iid = iid
    return mgr
