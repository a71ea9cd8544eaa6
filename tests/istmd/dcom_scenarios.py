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
    when no interface was used on the connection, and, with the short pings
    of short_pings(), over its ping thread: a ping running at that moment
    has made a new timer and not yet started it, and joining that one
    raises RuntimeError.  Either way the connection is done with."""
    try:
        dcom.disconnect()
    except KeyError:
        pass
    except RuntimeError as e:
        if 'before it is started' not in str(e):
            raise


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
    check(g.is_snapshots_supported() == ic.S_OK, 'IsSnapshotsSupported S_OK')
    check(g.register_notification(7) == ic.E_INVALIDARG, 'RegisterNotification(NULL) E_INVALIDARG')
    check(g.unregister_notification() == ic.E_INVALIDARG, 'UnregisterNotification(NULL) E_INVALIDARG')
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


def integrity(port, state_dir):
    """[MS-ISTM] 5.1: activation at packet integrity works (DCOM
    infrastructure), every IWTGeneral call at integrity is refused with an
    access fault and changes nothing; the same calls at privacy work."""
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    g = ic.activate_general(dcom)
    before_name, before_sched = g.get_name(), g.get_schedule()
    close(dcom)
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, auth_level=5, port=port)
    g = ic.activate_general(dcom)
    check(g.get_iPid() is not None, 'activation at packet integrity')
    for what, fn in (('put_Name', lambda: g.put_name('integrity-%d' % os.getpid())),
                     ('DVSetSnapshotSchedule', lambda: g.set_schedule(1, 5, 1234)),
                     ('get_Name', g.get_name)):
        try:
            fn()
            check(False, '%s at packet integrity refused' % what)
        except DCERPCException as e:
            check('access_denied' in str(e) or 'ACCESS_DENIED' in str(e),
                  '%s at packet integrity refused: %s' % (what, e))
    close(dcom)
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    g = ic.activate_general(dcom)
    check(g.get_name() == before_name, 'name unchanged: %r' % before_name)
    check(g.get_schedule() == before_sched, 'schedule unchanged: %r' % (before_sched,))
    g.put_name('privacy-%d' % os.getpid())
    check(g.get_name() == 'privacy-%d' % os.getpid(), 'put_Name at packet privacy works')
    close(dcom)


def sec_bindings(dsa):
    """The (authn, authz, principal) security bindings of a DUALSTRINGARRAY."""
    words = list(dsa['aStringArray'])[dsa['wSecurityOffset']:]
    out = []
    while words and words[0] != 0:
        authn, authz = words[0], words[1]
        end = words.index(0, 2)
        out.append((authn, authz, ''.join(chr(w) for w in words[2:end])))
        words = words[end + 1:]
    return out


def remote_activation(port):
    """IRemoteActivation::RemoteActivation ([MS-DCOM] 3.1.2.5.2.3.1) through
    impacket's IActivation: an IWTGeneral comes back and answers; an
    unknown class, a class without the interface and a persistent
    activation are answered in phr.  The OXID bindings it returns, and
    ServerAlive2's and ResolveOxid2's, advertise Negotiate (9) and NTLM (10)."""
    from impacket.dcerpc.v5.dtypes import NULL
    from impacket.uuid import generate
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    dce = dcom.get_dce_rpc()
    iface = dcomrt.IActivation(dce).RemoteActivation(ic.CLSID_WTGeneral, ic.IID_IWTGeneral)
    g = ic.IWTGeneral(iface)
    check(len(g.get_guid()) == 16, 'RemoteActivation: IWTGeneral get_Guid answers')
    check(len(g.get_name()) > 0, 'RemoteActivation: IWTGeneral get_Name answers')

    def raw(clsid, iid, name=NULL):
        req = dcomrt.RemoteActivation()
        req['ORPCthis']['version']['MajorVersion'] = 5
        req['ORPCthis']['version']['MinorVersion'] = 7
        req['ORPCthis']['cid'] = generate()
        req['ORPCthis']['extensions'] = NULL
        req['Clsid'] = clsid
        req['pwszObjectName'] = name
        req['pObjectStorage'] = NULL
        req['ClientImpLevel'] = 2
        req['Mode'] = 0
        req['Interfaces'] = 1
        i = dcomrt.IID()
        i['Data'] = iid
        req['pIIDs'].append(i)
        req['cRequestedProtseqs'] = 1
        req['aRequestedProtseqs'].append(7)
        dce.bind(dcomrt.IID_IActivation)
        return dce.request(req)
    resp = raw(ic.CLSID_WTGeneral, ic.IID_IWTGeneral2)
    check(resp['phr'] == 0 and resp['pResults'][0]['Data'] == 0 and resp['pAuthnHint'] == 6,
          'RemoteActivation IWTGeneral2: S_OK, authnHint 6')
    secs = sec_bindings(resp['ppdsaOxidBindings'])
    check([s[0] for s in secs] == [9, 10], 'RemoteActivation OXID bindings name 9, 10: %r' % secs)
    oxid = resp['pOxid']
    resp = raw(ic.CLSID_WTGeneral, ic.IID_IHostMgr)
    check(resp['phr'] & 0xffffffff == ic.E_NOINTERFACE and
          resp['pResults'][0]['Data'] & 0xffffffff == ic.E_NOINTERFACE,
          'RemoteActivation of an interface the class lacks: E_NOINTERFACE')
    resp = raw(ic.string_to_bin('11111111-2222-3333-4444-555555555555'), ic.IID_IWTGeneral)
    check(resp['phr'] & 0xffffffff == 0x80040154, 'RemoteActivation of an unknown class: '
          'REGDB_E_CLASSNOTREG')
    resp = raw(ic.CLSID_WTGeneral, ic.IID_IWTGeneral, 'C:\\x.dat\0')
    check(resp['phr'] & 0xffffffff == ic.E_NOTIMPL, 'persistent RemoteActivation: E_NOTIMPL')
    close(dcom)
    dcom = ic.connect('127.0.0.1', USER, PASSWORD, port=port)
    dce = dcom.get_dce_rpc()
    dce.bind(dcomrt.IID_IObjectExporter)
    resp = dce.request(dcomrt.ServerAlive2())
    secs = sec_bindings(resp['ppdsaOrBindings'])
    check([s[0] for s in secs] == [9, 10], 'ServerAlive2 names 9, 10: %r' % secs)
    req = dcomrt.ResolveOxid2()
    req['pOxid'] = oxid
    req['cRequestedProtseqs'] = 1
    req['arRequestedProtseqs'].append(7)
    resp = dce.request(req)
    secs = sec_bindings(resp['ppdsaOxidBindings'])
    check([s[0] for s in secs] == [9, 10], 'ResolveOxid2 names 9, 10: %r' % secs)
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
    """impacket pings every 120 s; make its ping thread use PERIOD.

    Its timers are made daemon threads.  impacket's disconnect() cancels and
    joins the timer it sees, but a ping running at that moment arms a new
    one after it, which then re-arms itself for ever: a non-daemon timer
    keeps the process from exiting after its last check, until the test's
    timeout kills it.  With 1-second pings that race is no longer rare (a
    CI run under load failed the ping test so, with no traceback; 2 of 12
    runs of `ping 1 1` hung here).  close() takes the other side of it."""
    real = threading.Timer

    def timer(interval, fn):
        t = real(float(period), fn)
        t.daemon = True
        return t
    dcomrt.Timer = timer


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
     'calls': calls, 'integrity': integrity,
     'remote_activation': remote_activation}[scenario](port, *args)
