#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# samba_client.py: Samba's DCE/RPC client stack (python3-samba, an
# implementation nobody here wrote) against istmd's test interface, which
# serves Samba's rpcecho AddOne/EchoData.  Also a one-connection TCP proxy
# that flips one byte of one client PDU, to show tampering is refused.
#   samba_client.py call PORT BINDING_OPTS [USER PASSWORD]
#       (BINDING_OPTS with krb5: Kerberos with the tickets of KRB5CCNAME,
#       in the realm ISTMD_REALM; USER and PASSWORD are not used)
#       AddOne(41) == 42 and a 10240-byte EchoData (fragmented, sealed or
#       signed as BINDING_OPTS says, e.g. spnego,seal); prints 'ok' or the
#       NTSTATUS the client got, exit 0 / 1
#   samba_client.py proxy PORT_FILE TARGET_PORT WHERE
#       listen on an ephemeral port (written to PORT_FILE), forward one
#       connection to TARGET_PORT, corrupting WHERE: 'mic' (last byte of the
#       SPNEGO mechListMIC in the client's alter_context), 'ntproof' (a byte
#       of NTProofStr in the NTLM AUTHENTICATE), 'stub' (a byte of the first
#       request's sealed stub)
import os
import socket
import struct
import sys
import threading

USER, PASSWORD = 'alice', 'Passw0rd!'


def call(port, opts, user=USER, password=PASSWORD):
    from samba import NTSTATUSError, credentials, param
    from samba.dcerpc import echo
    conf = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'istmd-samba-%d.conf' % os.getpid())
    with open(conf, 'w') as f:
        if 'krb5' in opts.split(','):
            f.write('[global]\n  workgroup = WORKGROUP\n  realm = %s\n'
                    '  client use kerberos = required\n' % os.environ['ISTMD_REALM'])
        else:
            f.write('[global]\n  workgroup = WORKGROUP\n  client use kerberos = off\n')
    lp = param.LoadParm(conf)
    os.unlink(conf)
    creds = credentials.Credentials()
    creds.guess(lp)
    if 'krb5' in opts.split(','):
        # Kerberos with the tickets of KRB5CCNAME (the test's own KDC)
        creds.set_kerberos_state(credentials.MUST_USE_KERBEROS)
        creds.set_named_ccache(os.environ['KRB5CCNAME'], credentials.SPECIFIED, lp)
    else:
        creds.set_username(user)
        creds.set_password(password)
        creds.set_kerberos_state(credentials.DONT_USE_KERBEROS)
    try:
        c = echo.rpcecho('ncacn_ip_tcp:127.0.0.1[%s,%s]' % (port, opts), lp, creds)
        got = c.AddOne(41)
        data = c.EchoData(list(range(256)) * 40)
    except NTSTATUSError as e:
        print('refused: 0x%08x %s' % (e.args[0] & 0xffffffff, e.args[1]))
        return 1
    if got != 42 or bytes(data) != bytes(range(256)) * 40:
        print('wrong answer: AddOne %r, EchoData %d bytes' % (got, len(data)))
        return 1
    print('ok: %s as %s: AddOne and a 10240-byte EchoData' % (opts, user))
    return 0


def read_pdu(s):
    hdr = b''
    while len(hdr) < 16:
        chunk = s.recv(16 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    frag_len = struct.unpack_from('<H', hdr, 8)[0]
    body = b''
    while len(hdr) + len(body) < frag_len:
        chunk = s.recv(frag_len - 16 - len(body))
        if not chunk:
            return None
        body += chunk
    return bytearray(hdr + body)


def corrupt(pdu, where, done):
    ptype, auth_len = pdu[2], struct.unpack_from('<H', pdu, 10)[0]
    auth = len(pdu) - auth_len
    if where == 'mic' and ptype == 14 and auth_len:
        pdu[-1] ^= 0x01
    elif where == 'ntproof' and ptype in (14, 16) and auth_len:
        i = pdu.find(b'NTLMSSP\0', auth)
        if i < 0 or struct.unpack_from('<I', pdu, i + 8)[0] != 3:
            return False
        nt_off = struct.unpack_from('<I', pdu, i + 24)[0]
        pdu[i + nt_off + 3] ^= 0x01
    elif where == 'stub' and ptype == 0 and auth_len:
        pdu[24 + 2] ^= 0x01
    else:
        return False
    done.append(where)
    return True


def proxy(port_file, target, where):
    ls = socket.socket()
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    with open(port_file + '.tmp', 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(port_file + '.tmp', port_file)
    cs, _ = ls.accept()
    ss = socket.create_connection(('127.0.0.1', int(target)))
    done = []

    def back():
        while True:
            try:
                d = ss.recv(65536)
                if not d:
                    break
                cs.sendall(d)
            except OSError:
                break
        cs.shutdown(socket.SHUT_RDWR)
    threading.Thread(target=back, daemon=True).start()
    while True:
        try:
            pdu = read_pdu(cs)
            if pdu is None:
                break
            if not done:
                corrupt(pdu, where, done)
            ss.sendall(pdu)
        except OSError:      # either side closed
            break
    ss.close()
    print('proxy: corrupted %s' % (done[0] if done else 'nothing'))
    return 0 if done else 1


if __name__ == '__main__':
    if sys.argv[1] == 'call':
        sys.exit(call(*sys.argv[2:]))
    sys.exit(proxy(*sys.argv[2:]))
