#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# rpcclient.py: impacket's DCE/RPC client (transport + rpcrt.DCERPC_v5)
# driving istmd's test interface (--test-interface), used by the
# test-istmd-rpc-*.sh scripts.  Usage: rpcclient.py PORT SCENARIO [ARGS].
# Each scenario prints what it observed and exits 0 when it matches what
# the scenario expects, 1 otherwise.
import struct
import sys

from impacket import ntlm
from impacket.dcerpc.v5 import rpcrt, transport
from impacket.uuid import uuidtup_to_bin

TESTIF = uuidtup_to_bin(('3f6d2a7c-8b1e-4c5d-9a0f-7e2b4c6d8e10', '1.0'))
NDR64 = ('71710533-BEBA-4937-8319-B5DBEF9CCC36', '1.0')
USER, PASSWORD, DOMAIN = 'alice', 'Passw0rd!', 'ISTMD'


def connect(port, user=USER, password=PASSWORD, level=rpcrt.RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
            auth=True, frag=0):
    t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%d]' % port)
    if auth:
        t.set_credentials(user, password, DOMAIN)
    t.set_connect_timeout(10)
    dce = t.get_dce_rpc()
    if auth:
        dce.set_auth_type(rpcrt.RPC_C_AUTHN_WINNT)
        dce.set_auth_level(level)
    if frag:
        dce.set_max_fragment_size(frag)
    dce.connect()
    return dce


def call(dce, opnum, data=b''):
    dce.call(opnum, data)
    return dce.recv()


def expect_refused(fn, what):
    """FN must raise; returns the exception text."""
    try:
        fn()
    except Exception as e:  # impacket raises DCERPCException or socket errors
        print('%s: refused: %s' % (what, e))
        return str(e)
    print('%s: NOT refused' % what)
    sys.exit(1)


def executed(port):
    dce = connect(port)
    dce.bind(TESTIF)
    n = struct.unpack('<Q', call(dce, 7))[0]
    dce.disconnect()
    return n


def refused_call(dce, what, expect):
    e = expect_refused(lambda: call(dce, 0, b'must not run'), what)
    assert expect in e, 'expected %s, got %s' % (expect, e)
    # the server closed the connection (impacket's recv loops on EOF, so
    # look at the socket itself)
    sock = dce.get_rpc_transport().get_socket()
    sock.settimeout(10)
    try:
        rest = sock.recv(100)
    except ConnectionResetError:
        rest = b''
    assert rest == b'', 'connection not closed after refusal: %r' % rest
    print('%s: connection closed' % what)


def wrong_password(port):
    dce = connect(port, password='wrong')
    dce.bind(TESTIF)
    refused_call(dce, 'wrong password', 'rpc_s_access_denied')


def unknown_user(port):
    dce = connect(port, user='mallory')
    dce.bind(TESTIF)
    refused_call(dce, 'unknown user', 'rpc_s_access_denied')


def level_none(port):
    dce = connect(port, auth=False)
    dce.bind(TESTIF)
    refused_call(dce, 'auth level none', 'rpc_s_access_denied')


def level_connect(port):
    dce = connect(port, level=rpcrt.RPC_C_AUTHN_LEVEL_CONNECT)
    dce.bind(TESTIF)
    refused_call(dce, 'auth level connect', 'rpc_s_access_denied')


def ntlmv1(port):
    ntlm.USE_NTLMv2 = False
    try:
        dce = connect(port)
        dce.bind(TESTIF)
    finally:
        ntlm.USE_NTLMv2 = True
    refused_call(dce, 'NTLMv1', 'rpc_s_access_denied')


class Tamper:
    """Wraps a transport's send: MODE 'sig' flips a bit of the next
    request's signature, 'replay' sends the previous request again."""
    def __init__(self, t, mode):
        self.t, self.mode, self.armed, self.last = t, mode, False, None
        self.orig = t.send
        t.send = self.send

    def send(self, data, forceWriteAndx=0, forceRecv=0):
        if data[2] == 0 and self.armed:
            if self.mode == 'sig':
                data = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]
            else:
                data = self.last
        if data[2] == 0:
            self.last = data
        return self.orig(data, forceWriteAndx, forceRecv)


def tampered(port, mode):
    dce = connect(port)
    tp = Tamper(dce.get_rpc_transport(), mode)
    dce.bind(TESTIF)
    assert len(call(dce, 7)) == 8  # works before tampering (opnum 7 is not counted)
    tp.armed = True
    refused_call(dce, mode, '00000721')  # RPC_S_SEC_PKG_ERROR


def rebind_wrong_password(port):
    """A re-bind (new NTLM handshake on the same auth_context_id) with a
    wrong password: the old keys are gone, nothing passes."""
    dce = connect(port)
    dce.bind(TESTIF)
    assert len(call(dce, 7)) == 8
    dce.set_credentials(USER, 'wrong', DOMAIN)
    dce.set_auth_level(rpcrt.RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
    dce.bind(TESTIF)
    refused_call(dce, 'rebind with a wrong password', 'rpc_s_access_denied')


REFUSALS = {
    'wrong-password': wrong_password,
    'unknown-user': unknown_user,
    'level-none': level_none,
    'level-connect': level_connect,
    'ntlmv1': ntlmv1,
    'tampered-signature': lambda port: tampered(port, 'sig'),
    'replayed-sequence': lambda port: tampered(port, 'replay'),
    'rebind-wrong-password': rebind_wrong_password,
}


def main():
    port = int(sys.argv[1])
    scen = sys.argv[2]
    if scen == 'echo':
        level = {'privacy': 6, 'integrity': 5}[sys.argv[3]]
        dce = connect(port, level=level)
        dce.bind(TESTIF)
        for n in (0, 1, 15, 16, 17, 1000):
            data = bytes((i * 13) & 0xff for i in range(n))
            r = call(dce, 0, data)
            assert r == data, 'echo of %d bytes came back as %d bytes' % (n, len(r))
        who = call(dce, 6)
        lvl, lport = struct.unpack('<LL', who[:8])
        assert (lvl, lport, who[8:]) == (level, port, b'alice'), who
        print('echo ok at level %d: user %r port %d' % (lvl, who[8:], lport))
    elif scen == 'fragments':
        # replies larger than max_xmit and requests larger than the fragment size
        dce = connect(port, frag=1500)
        dce.bind(TESTIF)
        for n in (4000, 100000, 1 << 20):
            r = call(dce, 1, struct.pack('<L', n))
            assert len(r) == n and r == bytes((i * 7 + 3) & 0xff for i in range(n)), n
        big = bytes((i * 31) & 0xff for i in range(200000))
        assert call(dce, 0, big) == big
        print('fragments ok')
    elif scen == 'alter':
        # a second presentation context and a NEW security context on the
        # same connection (as impacket's DCOM layer does)
        dce = connect(port)
        dce.bind(TESTIF)
        dce2 = dce.alter_ctx(TESTIF)
        assert call(dce2, 0, b'second') == b'second'
        assert call(dce, 0, b'first') == b'first'
        assert call(dce2, 0, b'again') == b'again'
        print('alter_context ok')
    elif scen == 'rebind':
        # a second bind on a bound connection, with a new NTLM handshake on
        # the same auth_context_id (impacket's DCOMConnection does this for
        # every activation); then an alter_context on top
        dce = connect(port)
        dce.bind(TESTIF)
        assert call(dce, 0, b'before') == b'before'
        for i in range(3):
            dce.bind(TESTIF)
            assert call(dce, 0, b'after %d' % i) == b'after %d' % i
        who = call(dce, 6)
        assert who[8:] == b'alice', who
        dce2 = dce.alter_ctx(TESTIF)
        assert call(dce2, 0, b'altered') == b'altered'
        assert call(dce, 0, b'first') == b'first'
        print('rebind ok')
    elif scen == 'fault':
        dce = connect(port)
        dce.bind(TESTIF)
        e = expect_refused(lambda: call(dce, 2, struct.pack('<L', 0x80070057)), 'fault')
        assert 'E_INVALIDARG' in e or '80070057' in e, e
        e = expect_refused(lambda: call(dce, 99), 'opnum 99')
        assert 'nca_s_op_rng_error' in e, e
        assert call(dce, 0, b'still') == b'still'
        print('faults ok, connection still usable')
    elif scen == 'server-info':
        dce = connect(port)
        dce.bind(TESTIF)
        r = call(dce, 3)
        print('guid=%s host=%s' % (r[:16].hex(), r[16:].split(b'\0')[0].decode()))
    elif scen == 'schedule':
        dce = connect(port)
        dce.bind(TESTIF)
        if sys.argv[3] == 'set':
            r = call(dce, 4, struct.pack('<LLQ', 1, 3, 132000000000000000))
            assert struct.unpack('<l', r)[0] == 0, r
            r = call(dce, 4, struct.pack('<LLQ', 1, 9, 0))
            assert struct.unpack('<l', r)[0] < 0, r
        r = call(dce, 5)
        print('schedule=%d,%d,%d' % struct.unpack('<LLQ', r))
    elif scen == 'ndr64':
        dce = connect(port)
        e = expect_refused(lambda: dce.bind(TESTIF, transfer_syntax=NDR64), 'NDR64-only bind')
        assert 'proposed_transfer_syntaxes_not_supported' in e, e
        print('ndr64 refused')
    elif scen == 'unknown-if':
        dce = connect(port)
        other = uuidtup_to_bin(('11111111-2222-3333-4444-555555555555', '1.0'))
        e = expect_refused(lambda: dce.bind(other), 'unknown interface')
        assert 'abstract_syntax_not_supported' in e, e
    elif scen in REFUSALS:
        before = executed(port)
        REFUSALS[scen](port)
        after = executed(port)
        assert after == before, 'a refused call was executed (%d -> %d)' % (before, after)
        dce = connect(port)
        dce.bind(TESTIF)
        assert call(dce, 0, b'others') == b'others'
        print('%s refused, nothing executed, others still served' % scen)
    elif scen == 'login':
        # login USER PASSWORD: one call as that user; exit 1 when refused
        dce = connect(port, user=sys.argv[3], password=sys.argv[4])
        dce.bind(TESTIF)
        try:
            who = call(dce, 6)
        except Exception as e:
            print('login %s refused: %s' % (sys.argv[3], e))
            sys.exit(1)
        print('login %s ok' % who[8:].decode())
    elif scen == 'bench':
        # bench LEVEL CALLS SIZE: echo SIZE bytes CALLS times, print calls/s
        import time
        level = {'privacy': 6, 'integrity': 5}[sys.argv[3]]
        n, size = int(sys.argv[4]), int(sys.argv[5])
        dce = connect(port, level=level)
        dce.bind(TESTIF)
        data = bytes(size)
        t0 = time.monotonic()
        for i in range(n):
            call(dce, 0, data)
        dt = time.monotonic() - t0
        print('%.1f' % (n / dt))
    elif scen == 'many':
        dce = connect(port)
        dce.bind(TESTIF)
        for i in range(int(sys.argv[3])):
            data = struct.pack('<L', i) * (i % 50)
            assert call(dce, 0, data) == data
        print('many ok')
    elif scen == 'executed':
        print(executed(port))
    else:
        print('unknown scenario', scen)
        sys.exit(2)


if __name__ == '__main__':
    main()
