# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/sessions.py: the session interfaces of [MS-ISTM] for impacket's DCOM
# client: ISessionManager (3.34), ISessionManager2 (3.35), IEnumSession
# (3.13), IEnumSession2 (3.14), IEnumConnection (3.5).  The wire (requests,
# answers, SESSION, SESSION2, CONNECTION) is istm/wire.py, generated from
# the IDL of section 6 by the build; this module turns it into Python values.
#
# Wrappers return plain Python values (dicts for the structures) and raise
# DCERPCSessionError for a failing HRESULT (hresult_of(exc) gives it);
# enumerators' next() returns (hresult, [elements]) since S_FALSE is
# normal.  The manager is always called through ISessionManager2, whose
# method table includes ISessionManager's.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.


from istm import wire
from istm.base import (IstmObject, IstmEnum, CLSID_SessionManager, DCERPCSessionError, S_FALSE, S_OK,  # noqa: F401
                       hresult_of)
from istm.wire import (CONNECTION, IID_IEnumConnection, IID_IEnumSession,  # noqa: F401
                       IID_IEnumSession2, IID_ISessionManager, IID_ISessionManager2, SESSION,
                       SESSION2)

# 2.2.3.7 SessionType, 2.2.3.1 AuthenticationMethod
SESSION_TYPES = {wire.SessionType_Invalid: 'invalid', wire.SessionType_Discovery: 'discovery',
                 wire.SessionType_Normal: 'normal'}
AUTH_METHODS = {wire.AuthenticationMethod_None: 'none', wire.AuthenticationMethod_Chap: 'chap'}


def _wget(raw):
    raw = bytes(raw)
    for i in range(0, len(raw) - 1, 2):
        if raw[i] == 0 and raw[i + 1] == 0:
            raw = raw[:i]
            break
    return raw.decode('utf-16-le')


def _enum_value(v):
    return v if isinstance(v, int) else v['Data']


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
    PFX = 'IEnumSession'
    ELEM = SESSION

    def _elem(self, e):
        return session_value(e)


class IEnumSession2(_Enum):
    IID = IID_IEnumSession2
    PFX = 'IEnumSession2'
    ELEM = SESSION2

    def _elem(self, e):
        return session_value(e)


class IEnumConnection(_Enum):
    IID = IID_IEnumConnection
    PFX = 'IEnumConnection'
    ELEM = CONNECTION

    def _elem(self, e):
        return connection_value(e)


class ISessionManager(_Object):
    """ISessionManager2 (which includes ISessionManager)."""
    IID = IID_ISessionManager2

    def enum_sessions(self):
        return self._wrap(self._req(wire.ISessionManager_EnumSessions())['ppEnumSession'], IEnumSession)

    def enum_sessions2(self):
        return self._wrap(self._req(wire.ISessionManager2_EnumSessions2())['ppEnumSession'], IEnumSession2)

    def enum_connections(self, tsih):
        req = wire.ISessionManager2_EnumConnections()
        req['TSIH'] = tsih
        return self._wrap(self._req(req)['ppEnumConnection'], IEnumConnection)

    def get_session(self, tsih):
        req = wire.ISessionManager2_GetSession()
        req['TSIH'] = tsih
        return session_value(self._req(req)['pSessionInfo'])

    def get_connection(self, tsih, cid):
        req = wire.ISessionManager2_GetConnection()
        req['TSIH'] = tsih
        req['CID'] = cid
        return connection_value(self._req(req)['pConnectionInfo'])


def activate_session_mgr(dcom, iid=IID_ISessionManager2):
    """ISessionManager through activation (IID_ISessionManager2 reaches
    every opnum)."""
    mgr = ISessionManager(dcom.CoCreateInstanceEx(CLSID_SessionManager, iid))
    mgr._iid = iid
    return mgr
