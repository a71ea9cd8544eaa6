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
#       request's sealed stub), 'ntlmmic' (one bit of the AUTHENTICATE's
#       MIC), 'ntlmmic-zero' (the MIC zeroed; MsvAvFlags still announces
#       it), 'negflags' (NTLMSSP_NEGOTIATE_OEM flipped in the NEGOTIATE of
#       the bind), 'dropmic' (VERSION and MIC cut out of an auth3's
#       AUTHENTICATE, offsets moved up: CVE-2019-1040's attack), or 'none'
#       (forward as is); for every AUTHENTICATE it
#       prints whether the response's MsvAvFlags announces a MIC
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


def ntlm_message(pdu, start, msg_type):
    """Where the NTLMSSP message of MSG_TYPE starts in PDU (raw, or inside
    SPNEGO's DER, whose offsets are the message's own), or -1."""
    i = pdu.find(b'NTLMSSP\0', start)
    if i < 0 or struct.unpack_from('<I', pdu, i + 8)[0] != msg_type:
        return -1
    return i


def announces_mic(pdu, i):
    """Whether the NTLMv2 response of the AUTHENTICATE at I has MsvAvFlags
    with 0x2 ([MS-NLMP] 2.2.2.1): the pairs start 44 bytes in."""
    nt_len, _, nt_off = struct.unpack_from('<HHI', pdu, i + 20)
    nt = bytes(pdu[i + nt_off:i + nt_off + nt_len])
    j = 44
    while j + 4 <= len(nt):
        av_id, n = struct.unpack_from('<HH', nt, j)
        if av_id == 0:
            break
        if av_id == 6 and n == 4 and struct.unpack_from('<I', nt, j + 4)[0] & 2:
            return True
        j += 4 + n
    return False


def corrupt(pdu, where, done):
    ptype, auth_len = pdu[2], struct.unpack_from('<H', pdu, 10)[0]
    auth = len(pdu) - auth_len
    if ptype in (14, 16) and auth_len:
        i = ntlm_message(pdu, auth, 3)
        if i >= 0:
            print('proxy: AUTHENTICATE %s a MIC' %
                  ('announces' if announces_mic(pdu, i) else 'does not announce'), flush=True)
            if where in ('ntlmmic', 'ntlmmic-zero'):
                if not announces_mic(pdu, i):
                    return False
                if where == 'ntlmmic':
                    pdu[i + 72 + 5] ^= 0x04
                else:
                    pdu[i + 72:i + 88] = bytes(16)
                done.append(where)
                return True
    if where == 'dropmic' and ptype == 16 and auth_len:
        # "drop the MIC" (CVE-2019-1040): cut VERSION and MIC out, move
        # every payload offset up by 24, clear NEGOTIATE_VERSION; the
        # response (and its MsvAvFlags) is left alone, as it must be
        i = ntlm_message(pdu, auth, 3)
        if i < 0 or not announces_mic(pdu, i):
            return False
        for field in (12, 20, 28, 36, 44, 52):
            off = struct.unpack_from('<I', pdu, i + field + 4)[0]
            struct.pack_into('<I', pdu, i + field + 4, off - 24)
        flags = struct.unpack_from('<I', pdu, i + 60)[0] & ~0x02000000
        struct.pack_into('<I', pdu, i + 60, flags)
        del pdu[i + 64:i + 88]
        struct.pack_into('<H', pdu, 8, len(pdu))
        struct.pack_into('<H', pdu, 10, auth_len - 24)
        done.append(where)
        return True
    if where == 'negflags' and ptype == 11 and auth_len:
        i = ntlm_message(pdu, auth, 1)
        if i < 0:
            return False
        pdu[i + 12] ^= 0x02
        done.append(where)
        return True
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
    return 0 if done or where == 'none' else 1


if __name__ == '__main__':
    if sys.argv[1] == 'call':
        sys.exit(call(*sys.argv[2:]))
    sys.exit(proxy(*sys.argv[2:]))
