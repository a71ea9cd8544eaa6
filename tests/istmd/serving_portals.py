#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# serving_portals.py: ILocalDeviceMgr's portal methods ([MS-ISTM] 3.30)
# for test-istmd-serving-portals.sh, one call per run:
#   setup NAME INITIATOR   a fixed disk C:\NAME.vhd on target NAME (IQN
#                          iqn.2026-11.org.vhdtarget.test:NAME) for INITIATOR
#   set ADDRESS PORT USE   SetPortalConfig; prints the HRESULT's name
#   get ADDRESS            GetPortal; prints "HRESULT PORT"
#   list                   EnumPortals; prints ADDRESS:PORT lines, sorted
# and IHost's own portals ([MS-ISTM] 3.21) of target NAME:
#   hadd NAME ADDRESS      AddPortal; prints the HRESULT's name
#   hremove NAME ADDRESS   RemovePortal; prints the HRESULT's name
#   hremoveall NAME        RemoveAllPortals; prints the HRESULT's name
#   hlist NAME             IHost::EnumPortals; prints ADDRESS:PORT lines, sorted
#   hdelete NAME           DeleteHost; prints the HRESULT's name
#   hstale ADDRESS         a target made, then deleted while its IHost is
#                          held: prints the three methods' HRESULTs on it
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm import access as A, hosts, disks, devices, hresults  # noqa: E402
from istm.disks import hr_of  # noqa: E402
from istm_client import args, connected  # noqa: E402


def main():
    def add(p):
        p.add_argument('op', choices=('setup', 'set', 'get', 'list', 'hadd', 'hremove',
                                      'hremoveall', 'hlist', 'hdelete', 'hstale'))
        p.add_argument('args', nargs='*')
    a = args(add)
    with connected(a) as dcom:
        ld = devices.activate_local_device(dcom)
        if a.op == 'setup':
            name, ini = a.args
            ld.create_wt_file('C:\\%s.vhd' % name, 16 << 20, False)
            dm = disks.activate_disk_mgr(dcom)
            wtd = A.create_wtdisk(dm, 'C:\\%s.vhd' % name, name)
            h = hosts.activate_host_mgr(dcom).new_host(name)
            h.put_target_iqn('iqn.2026-11.org.vhdtarget.test:' + name)
            h.add_id(4, ini)
            h.add_wtdisk(wtd)
            h.save()
        elif a.op == 'set':
            hr = hr_of(lambda: ld.set_portal_config(a.args[0], int(a.args[1]),
                                                    a.args[2] == '1'))[0]
            print(hresults.name(hr))
        elif a.op == 'get':
            hr, pt = ld.get_portal(a.args[0])
            print(hresults.name(hr), pt['dwPort'] if pt else 0)
        elif a.op in ('hadd', 'hremove', 'hremoveall', 'hlist'):
            h = hosts.activate_host_mgr(dcom).get_host(a.args[0])
            if a.op == 'hlist':
                for pt in sorted('%s:%d' % (x['address'], x['port'])
                                 for x in h.enum_portals().all()):
                    print(pt)
            else:
                fn = {'hadd': lambda: h.add_portal(a.args[1]),
                      'hremove': lambda: h.remove_portal(a.args[1]),
                      'hremoveall': h.remove_all_portals}[a.op]
                print(hresults.name(hr_of(fn)[0]))
        elif a.op == 'hdelete':
            hm = hosts.activate_host_mgr(dcom)
            print(hresults.name(hr_of(lambda: hm.delete_host(a.args[0]))[0]))
        elif a.op == 'hstale':
            hm = hosts.activate_host_mgr(dcom)
            h = hm.new_host('stale')
            h.save()
            hm.delete_host('stale')
            print(' '.join(hresults.name(hr_of(fn)[0]) for fn in (
                lambda: h.add_portal(a.args[0]), lambda: h.remove_portal(a.args[0]),
                h.remove_all_portals)))
        else:
            hr, pe = ld.open_enum_portals()
            for pt in sorted('%s:%d' % (x['address'], x['port']) for x in pe.all()):
                print(pt)
    return 0


if __name__ == '__main__':
    sys.exit(main())
