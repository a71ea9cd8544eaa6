# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/isns.py: ISnsMgr ([MS-ISTM] 3.37) and IEnumSnsServer (3.5) for
# impacket's DCOM client: the iSNS servers a target server registers its
# targets with.  The wire is istm/wire.py, generated from the IDL.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

from impacket.dcerpc.v5.dtypes import NULL

from istm import wire
from istm.base import IstmEnum, IstmObject, CLSID_SnsMgr


def _wchars(raw):
    raw = bytes(raw)
    end = next((i for i in range(0, len(raw), 2) if raw[i:i + 2] == b'\0\0'), len(raw))
    return raw[:end].decode('utf-16-le')


class IEnumSnsServer(IstmEnum):
    IID = wire.IID_IEnumSnsServer
    PFX = 'IEnumSnsServer'
    ELEM = wire.SNS_SERVER

    def _elem(self, e):
        return {'name': _wchars(e['szName']), 'dhcp': bool(e['bDHCPDiscovered'])}


class ISnsMgr(IstmObject):
    IID = wire.IID_ISnsMgr

    def _server(self, cls, name):
        req = cls()
        if name is None:
            req['SnsServerName'] = NULL
        else:
            req['SnsServerName']['asData'] = name
        return self._req(req)

    def add_sns_server(self, name):
        self._server(wire.ISnsMgr_AddSnsServer, name)

    def remove_sns_server(self, name):
        self._server(wire.ISnsMgr_RemoveSnsServer, name)

    def sns_servers(self):
        """[{name, dhcp}] of the configured iSNS servers."""
        resp = self._req(wire.ISnsMgr_EnumSnsServers())
        enum = self._wrap(resp['ppEnumSnsServer'], IEnumSnsServer)
        return enum.all() if enum is not None else []


def activate_sns_mgr(dcom):
    return ISnsMgr(dcom.CoCreateInstanceEx(CLSID_SnsMgr, wire.IID_ISnsMgr))

