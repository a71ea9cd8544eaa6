#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# dcom_scenarios.py: impacket DCOM scenarios against istmd, one per test
# script.  Usage: dcom_scenarios.py PORT SCENARIO [ARGS...]; prints what it
# checked and exits non-zero on the first failure.
import os
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import istm_client as ic  # noqa: E402
from impacket.dcerpc.v5 import dcomrt  # noqa: E402
from impacket.dcerpc.v5.rpcrt import DCERPCException  # noqa: E402

USER, PASSWORD = 'alice', 'Passw0rd!'
RPC_E_DISCONNECTED = 0x80010108


def check(cond, what):
    if not cond:
        print('FAIL: ' + what, flush=True)
        sys.exit(1)
    print('ok: ' + what, flush=True)


def faults_disconnected(fn):
    try:
        fn()
    except Exception as e:  # impacket wraps the fault in several ways
        return 'RPC_E_DISCONNECTED' in str(e) or hex(RPC_E_DISCONNECTED) in str(e).lower()
    return False


def close(dcom):
    """DCOMConnection.disconnect(), which trips over its own bookkeeping
    when no interface was used on the connection."""
    try:
        dcom.disconnect()
    except KeyError:
        pass


def general(port, level, state_dir):
    """Every IWTGeneral and IWTGeneral2 method, RemQueryInterface(2), RemRelease."""
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, auth_level=int(level), port=port)
    g = ic.activate_general(dcom)
    guid = g.get_guid()
    db = sqlite3.connect(os.path.join(state_dir, 'istmd.db'))
    stored = bytes.fromhex(db.execute("SELECT value FROM settings WHERE key = 'server_guid'")
                           .fetchone()[0])
    db.close()
    check(guid == stored, 'get_Guid %s is the store\'s setting' % guid.hex())
    name = g.get_name()
    check(len(name) > 0, 'get_Name default %r' % name)
    g.put_name('tgt-%d' % os.getpid())
    check(g.get_name() == 'tgt-%d' % os.getpid(), 'put_Name then get_Name')
    lic = g.get_license()
    keys = bytes(lic['LicenseKeys']).decode('utf-16le').split('\0')[0] \
        if isinstance(lic['LicenseKeys'], (bytes, list)) else ''
    check(lic['bDemo'] == 0 and lic['nNumSeats'] == 0, 'get_License not demo, no seat limit')
    check('GPL' in keys, 'get_License key %r' % keys)
    path = g.get_wtclipath()
    check(path.startswith('/'), 'get_WTCliPath %r' % path)
    check(g.check_access() == ic.S_OK, 'CheckAccess S_OK')
    check(g.add_license('x') == ic.E_NOTIMPL, 'AddLicense E_NOTIMPL')
    check(g.is_snapshots_supported() == ic.S_FALSE, 'IsSnapshotsSupported S_FALSE')
    check(g.register_notification(7) == ic.E_NOTIMPL, 'RegisterNotification E_NOTIMPL')
    check(g.unregister_notification() == ic.E_NOTIMPL, 'UnregisterNotification E_NOTIMPL')
    start = 133000000000000000 + os.getpid()
    check(g.set_schedule(1, 3, start) == ic.S_OK, 'DVSetSnapshotSchedule S_OK')
    check(g.get_schedule() == (1, 3, start), 'DVGetSnapshotSchedule reads it back')
    check(g.set_schedule(0, 9, 0) == ic.E_INVALIDARG, 'DVSetSnapshotSchedule day 9 E_INVALIDARG')
    g.RemAddRef()   # two references now: one release must not end it
    g.RemRelease()
    check(g.get_guid() == guid, 'RemAddRef then RemRelease keeps the interface')
    g2 = g.query(ic.IID_IWTGeneral2, ic.IWTGeneral2)
    check(g2.get_iPid() != g.get_iPid(), 'RemQueryInterface(IWTGeneral2) gives another IPID')
    check(g2.is_clustered() == ic.S_FALSE, 'IWTGeneral2::IsClustered S_FALSE')
    check(g2.get_guid() == guid, 'IWTGeneral2 answers IWTGeneral methods')
    res = g.query2([ic.IID_IWTGeneral2, ic.IID_IHostMgr])
    check(res[0][0] == 0 and res[0][1][:4] == b'MEOW', 'RemQueryInterface2 IWTGeneral2: OBJREF')
    check(res[1][0] == ic.E_NOINTERFACE and res[1][1] is None,
          'RemQueryInterface2 IHostMgr: E_NOINTERFACE')
    try:
        g.query(ic.IID_IHostMgr, ic.IWTGeneral)
        check(False, 'RemQueryInterface(IHostMgr) refused')
    except DCERPCException as e:
        check(ic.hresult_of(e) == ic.E_NOINTERFACE, 'RemQueryInterface(IHostMgr) E_NOINTERFACE')
    # IWTGeneral2 now holds two references (RemQueryInterface and
    # RemQueryInterface2 granted one each): the first release keeps it
    g2.RemRelease()
    check(g2.is_clustered() == ic.S_FALSE, 'IWTGeneral2 IPID kept by its second reference')
    g2.RemRelease()
    check(faults_disconnected(g2.is_clustered), 'IWTGeneral2 IPID gone after its last RemRelease')
    check(g.get_guid() == guid, 'the object lives on through its IWTGeneral IPID')
    g.RemRelease()
    check(faults_disconnected(g.get_guid), 'IWTGeneral IPID gone after RemRelease')
    # impacket binds the activator again on the same connection for every
    # activation, which the transport refuses: a new connection per one
    close(dcom)
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, auth_level=int(level), port=port)
    try:
        dcom.CoCreateInstanceEx(ic.CLSID_HostMgr, ic.IID_IWTGeneral)
        check(False, 'IHostMgr class refuses IWTGeneral')
    except DCERPCException as e:
        check(ic.hresult_of(e) == ic.E_NOINTERFACE, 'IHostMgr class: E_NOINTERFACE')
    close(dcom)


def activations(port):
    """Several activations on one DCOMConnection (impacket binds the
    activator again on the same connection for each): every object
    works, a class without the interface answers E_NOINTERFACE."""
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    g1 = ic.activate_general(dcom)
    gid = g1.get_guid()
    g2 = ic.activate_general(dcom)
    g3 = ic.activate_general(dcom, ic.IID_IWTGeneral2)
    check(g2.get_guid() == gid and g3.get_guid() == gid, 'three activations on one connection')
    try:
        dcom.CoCreateInstanceEx(ic.CLSID_HostMgr, ic.IID_IWTGeneral)
        check(False, 'IHostMgr class refuses IWTGeneral')
    except DCERPCException as e:
        check(ic.hresult_of(e) == ic.E_NOINTERFACE, 'IHostMgr class: E_NOINTERFACE')
    g4 = ic.activate_general(dcom)
    check(g1.get_guid() == gid and g4.get_guid() == gid, 'first and fourth objects still answer')
    close(dcom)


def guid(port):
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    g = ic.activate_general(dcom)
    print(g.get_guid().hex())
    g.RemRelease()
    close(dcom)


def short_pings(period):
    """impacket pings every 120 s; make its ping thread use PERIOD."""
    real = threading.Timer
    dcomrt.Timer = lambda interval, fn: real(float(period), fn)


def ping(port, period, periods):
    """The ping thread keeps an object alive over several GC timeouts."""
    short_pings(period)
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, oxid_resolver=True, port=port)
    g = ic.activate_general(dcom)
    gid = g.get_guid()
    time.sleep(float(periods) * float(period))
    check(g.get_guid() == gid, 'pinged object alive after %s ping periods' % periods)
    g.RemRelease()
    close(dcom)


def collect(port, wait):
    """A client that never pings loses its object after the GC timeout."""
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    g = ic.activate_general(dcom)
    g.get_guid()
    time.sleep(float(wait))
    check(faults_disconnected(g.get_guid), 'unpinged object collected after %ss' % wait)
    close(dcom)


def calls(port, n):
    """One client making N calls (for the concurrency test)."""
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    g = ic.activate_general(dcom)
    gid = g.get_guid()
    for i in range(int(n) - 2):
        if i % 3 == 0:
            ok = g.get_guid() == gid
        elif i % 3 == 1:
            ok = len(g.get_name()) > 0
        else:
            ok = g.check_access() == ic.S_OK
        if not ok:
            check(False, 'call %d answered wrongly' % i)
    g.RemRelease()
    close(dcom)
    print('ok: %s calls' % n, flush=True)


if __name__ == '__main__':
    port, scenario, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    {'general': general, 'activations': activations, 'guid': guid, 'ping': ping, 'collect': collect,
     'calls': calls}[scenario](port, *args)
