#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# notify_client.py PHASE ...: an ISTM client registering an IStatusNotify
# object (served by notify_target.py) through IWTGeneral::RegisterNotification
# for test-istmd-notify.sh.  Arguments after the phase: the target's port,
# its log, the storage root.
#   events   bad pointers refused with nothing changed; then create, assign,
#            disable, unassign, delete of a disk each bring LunListChanged and
#            the right LunStatusUpdate, with the cookie; UnregisterNotification
#            stops them
#   vanish   register, see one notification, then vanish without a word
#            (no release, no pings: impacket's pinger is not started)
#   hang     register a target that never answers, then time management
#            calls while the notifier waits for it (latencies printed), and
#            stay until the call has timed out
#   refused  the same with a target that refuses istmd's callback account:
#            time management calls, stay until the refusal has dropped it
#   plain    the same with a target whose answers are not sealed
#   hold     register, then stay (pinging istmd) for 12 s without a call:
#            only istmd's pings of the target's resolver reach it
import json
import os
import struct
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from targets_common import args, connect, check, activate_hostmgr, hosts  # noqa: E402
import istm_client as ic  # noqa: E402
from impacket.dcerpc.v5 import dcomrt  # noqa: E402
from istm.disks import activate_disk_mgr  # noqa: E402

a = args(lambda p: (p.add_argument('phase'), p.add_argument('target_port', type=int),
                    p.add_argument('log'), p.add_argument('storage'),
                    p.add_argument('--ping', type=float, default=0)))

IID_STATUS_NOTIFY = uuid.UUID('312cc019-d5cd-4ca7-8c10-9e0a661f147e').bytes_le
S_OK, E_INVALIDARG, E_NOINTERFACE = 0, 0x80070057, 0x80004002
IDLE, IN_USE = 0, 1
DISABLED, GONE = 0x80070015, 0x80070002
VHDTOOL = os.environ['VHDTOOL']


def objref(port, iid=IID_STATUS_NOTIFY, ipid=None, oxid=0x1122334455667788, oid=0x99):
    """An OBJREF_STANDARD ([MS-DCOM] 2.2.18.4) naming notify_target.py as resolver."""
    strings = [7] + [ord(c) for c in '127.0.0.1[%d]' % port] + [0, 0]
    arr = strings + [10, 0xffff, 0, 0]
    ipid = ipid or uuid.uuid4().bytes
    return (b'MEOW' + struct.pack('<I', 1) + iid + struct.pack('<IIQQ', 0, 5, oxid, oid) + ipid +
            struct.pack('<HH', len(arr), len(strings)) + struct.pack('<%dH' % len(arr), *arr))


def received(path=None):
    try:
        with open(path or a.log) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def matches(w, e):
    """Entry E is W (a key W maps to None: any value)."""
    return all(k in e and (v is None or e[k] == v) for k, v in w.items())


def wait_for(n_before, want, what, timeout=15):
    """Wait until the log holds the entries WANT after its first N_BEFORE."""
    end = time.time() + timeout
    while time.time() < end:
        got = received()[n_before:]
        if all(any(matches(w, e) for e in got) for w in want):
            print('%s: %s' % (what, got), file=sys.stderr)
            return got
        time.sleep(0.1)
    raise SystemExit('%s: wanted %s, got %s' % (what, want, received()[n_before:]))


def short_pings(period):
    """impacket pings every 120 s; make its ping thread use PERIOD."""
    real = threading.Timer
    dcomrt.Timer = lambda interval, fn: real(float(period), fn)


def vhd(name):
    path = os.path.join(a.storage, name)
    subprocess.run([VHDTOOL, 'create', '-q', '--type', 'dynamic', '--size', '8M', path], check=True)
    return 'C:\\' + name


if a.ping:
    short_pings(a.ping)
dcom = connect('127.0.0.1', a.user, a.password, port=a.port, oxid_resolver=bool(a.ping))
g = ic.activate_general(dcom)
disks = activate_disk_mgr(dcom)
hmgr = activate_hostmgr(dcom, hosts.IID_IHostMgr3)

if a.phase == 'events':
    ref = objref(a.target_port)
    # bad pointers: refused, nothing registered
    check(g.register_notification(1, ref[:40]) == E_INVALIDARG, 'a truncated OBJREF')
    check(g.register_notification(1, b'MEOW' + struct.pack('<I', 4) + ref[8:]) == E_INVALIDARG,
          'a custom OBJREF')
    check(g.register_notification(1, objref(a.target_port, iid=ic.IID_IWTGeneral[:16])) ==
          E_NOINTERFACE, 'an IWTGeneral pointer')
    bad_dsa = bytearray(ref)
    bad_dsa[66] = 0xff                                   # security offset past the end
    check(g.register_notification(1, bytes(bad_dsa)) == E_INVALIDARG, 'a broken DUALSTRINGARRAY')
    check(g.unregister_notification(ref) == E_INVALIDARG, 'unregistering an unknown pointer')
    check(g.register_notification(11, ref) == S_OK, 'RegisterNotification')
    check(g.register_notification(11, ref) == S_OK, 'the same pointer and cookie again')
    path = vhd('notify1.vhd')
    steps = []

    def step(what, fn, status):
        n = len(received())
        t = time.time()
        fn()
        took = time.time() - t
        got = wait_for(n, [{'opnum': 3, 'ipid': ref[48:64].hex(), 'cookie': 11},
                           {'opnum': 4, 'ipid': ref[48:64].hex(), 'cookie': 11, 'status': status}],
                       what)
        # one registration: each notification once (the second Register kept one)
        check(len([e for e in got if e['opnum'] == 3]) == 1, '%s: one LunListChanged' % what)
        steps.append((what, took))

    wtd = []
    step('create', lambda: wtd.append(disks.create_wtdisk(path, 'notified')), None)
    # the status of a new disk: its index, idle
    st = [e for e in received() if e['opnum'] == 4][-1]['status']
    check(st == [wtd[0], IDLE, 0, 0], 'create: status %r' % st)
    h = hmgr.new_host('NotifyTarget')
    h.save()
    step('assign', lambda: h.add_wtdisk(wtd[0]), [wtd[0], IN_USE, 0, 0])
    d = disks.get_wtdisk(wtd[0])

    def disable():
        d.put('Enable', 0)
        d.call('Save')
    step('disable', disable, [wtd[0], IN_USE, 0, DISABLED])
    step('unassign', lambda: h.remove_wtdisk(wtd[0]), [wtd[0], IDLE, 0, DISABLED])
    step('delete', lambda: disks.delete_wtdisk(wtd[0]), [wtd[0], IDLE, 0, GONE])
    for what, took in steps:
        print('%s answered in %.1f ms' % (what, took * 1000))
    # hold the registration until the notifier has pinged the set it made
    # (ComplexPing, then a SimplePing a ping period later), which ends with
    # the registration; the shell test checks the pings the target logged
    end = time.time() + 15
    while time.time() < end and not any(e.get('ping') == 'simple'
                                        for e in received(a.log + '.pings')):
        time.sleep(0.1)
    # unregistered: no more
    check(g.unregister_notification(ref) == S_OK, 'UnregisterNotification')
    check(g.unregister_notification(ref) == E_INVALIDARG, 'UnregisterNotification twice')
    n = len(received())
    disks.delete_wtdisk(disks.create_wtdisk(path, 'after'))
    time.sleep(2)
    check(len(received()) == n, 'notified after UnregisterNotification: %r' % received()[n:])
    hmgr.delete_host('NotifyTarget')
elif a.phase == 'vanish':
    ref = objref(a.target_port, oid=0x77)
    check(g.register_notification(21, ref) == S_OK, 'RegisterNotification')
    n = len(received())
    wtd = disks.create_wtdisk(vhd('vanish.vhd'), 'vanish')
    wait_for(n, [{'opnum': 3, 'ipid': ref[48:64].hex(), 'cookie': 21}], 'before vanishing')
    print(wtd)
    sys.stdout.flush()
    os._exit(0)                                          # no release, no goodbye
elif a.phase == 'hold':
    ref = objref(a.target_port, oid=0x51)
    check(g.register_notification(51, ref) == S_OK, 'RegisterNotification (held)')
    time.sleep(12)
elif a.phase in ('hang', 'refused', 'plain'):
    cookie = {'hang': 31, 'refused': 41, 'plain': 61}[a.phase]
    ref = objref(a.target_port, oid=0x31 if a.phase == "hang" else 0x41)
    check(g.register_notification(cookie, ref) == S_OK, 'RegisterNotification (%s target)' % a.phase)
    path = vhd(a.phase + '.vhd')
    for i in range(5):
        t = time.time()
        w = disks.create_wtdisk(path, 'hang %d' % i)
        t1 = time.time()
        disks.delete_wtdisk(w)
        t2 = time.time()
        print('while the callback %s: CreateWTDisk %.1f ms, DeleteWTDisk %.1f ms'
              % ({'hang': 'hangs', 'refused': 'is refused', 'plain': 'answers in clear'}[a.phase],
                 (t1 - t) * 1000, (t2 - t1) * 1000))
    g.get_guid()
    # stay (and ping) until the notifier's call has timed out, so the
    # registration goes for that reason and not with this client
    time.sleep(8 if a.phase == 'hang' else 3)
else:
    raise SystemExit('unknown phase ' + a.phase)
dcom.disconnect()
