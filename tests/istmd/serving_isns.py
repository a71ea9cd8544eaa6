#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# serving_isns.py: ISnsMgr's iSNS servers and IEnumSnsServer ([MS-ISTM]
# 3.37, 3.5) for test-istmd-serving-isns.sh, one call per run:
#   add NAME | remove NAME   AddSnsServer / RemoveSnsServer; prints the
#                            HRESULT's name
#   list                     EnumSnsServers; prints each name with its
#                            DHCP flag ("NAME 0"), then checks count-only
#                            Next, Reset and Clone agree
#   target NAME INITIATOR    a target NAME with a fixed disk for INITIATOR
#   delete NAME              DeleteHost
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm import access as A, base, disks, devices, hosts, hresults, wire  # noqa: E402
from impacket.dcerpc.v5.dtypes import NULL  # noqa: E402
from istm_client import args, connected  # noqa: E402


class IEnumSnsServer(base.IstmEnum):
    IID = wire.IID_IEnumSnsServer
    PFX = 'IEnumSnsServer'
    ELEM = wire.SNS_SERVER

    def _elem(self, e):
        raw = bytes(e['szName'])
        end = next((i for i in range(0, len(raw), 2) if raw[i:i + 2] == b'\0\0'), len(raw))
        return '%s %d' % (raw[:end].decode('utf-16-le'), e['bDHCPDiscovered'])


class ISnsMgr(base.IstmObject):
    IID = wire.IID_ISnsMgr

    def server_call(self, cls, name):
        req = cls()
        if name is None:
            req['SnsServerName'] = NULL
        else:
            req['SnsServerName']['asData'] = name
        return self._hr(req)


def main():
    def add(p):
        p.add_argument('op', choices=('add', 'remove', 'list', 'target', 'delete'))
        p.add_argument('args', nargs='*')
    a = args(add)
    with connected(a) as dcom:
        mgr = ISnsMgr(dcom.CoCreateInstanceEx(base.CLSID_SnsMgr, wire.IID_ISnsMgr))
        if a.op in ('add', 'remove'):
            cls = wire.ISnsMgr_AddSnsServer if a.op == 'add' else wire.ISnsMgr_RemoveSnsServer
            print(hresults.name(mgr.server_call(cls, a.args[0] if a.args else None)))
        elif a.op == 'list':
            enum = mgr._wrap(mgr._req(wire.ISnsMgr_EnumSnsServers())['ppEnumSnsServer'],
                             IEnumSnsServer)
            n = enum.count()
            got = enum.all()
            enum.reset()
            copy = enum.clone()
            if n != len(got) or copy.all() != got:
                raise SystemExit('count-only Next %d, Clone and Next disagree: %s' % (n, got))
            for g in got:
                print(g)
        elif a.op == 'target':
            name, ini = a.args
            devices.activate_local_device(dcom).create_wt_file('C:\\%s.vhd' % name, 16 << 20,
                                                               False)
            wtd = A.create_wtdisk(disks.activate_disk_mgr(dcom), 'C:\\%s.vhd' % name, name)
            h = hosts.activate_host_mgr(dcom).new_host(name)
            h.put_target_iqn('iqn.2026-11.org.vhdtarget.test:' + name)
            h.add_id(4, ini)
            h.add_wtdisk(wtd)
            h.save()
        else:
            hosts.activate_host_mgr(dcom).delete_host(a.args[0])
    return 0


if __name__ == '__main__':
    sys.exit(main())
