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
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm import access as A, base, hosts, disks, devices, hresults  # noqa: E402
from istm.disks import hr_of  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--user', required=True)
    p.add_argument('--password', required=True)
    p.add_argument('--portal')
    p.add_argument('op', choices=('setup', 'set', 'get', 'list'))
    p.add_argument('args', nargs='*')
    a = p.parse_args()
    dcom = base.connect('127.0.0.1', a.user, a.password, port=a.port)
    try:
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
        else:
            hr, pe = ld.open_enum_portals()
            for pt in sorted('%s:%d' % (x['address'], x['port']) for x in pe.all()):
                print(pt)
    finally:
        try:
            dcom.disconnect()
        except KeyError:
            pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
