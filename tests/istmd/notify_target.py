#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# notify_target.py MODE PORTFILE LOG [PASSWORD]: the client side of status
# notifications for test-istmd-notify*.sh, a small DCOM server on
# 127.0.0.1 (an ephemeral port, written to PORTFILE) that answers
# IObjectExporter::ResolveOxid2 ([MS-DCOM] 3.1.2.5.1.7) with its own
# endpoint, ComplexPing and SimplePing (3.1.2.5.1.2-3: each appended to
# LOG.pings as a JSON line), and implements IStatusNotify ([MS-ISTM]
# 3.41): every LunListChanged / LunStatusUpdate is appended to LOG.
#   serve  answer everything (S_OK), unauthenticated
#   anon   as serve, and ResolveOxid2 lists no security binding (an
#          exporter that takes no authentication)
#   hang   accept connections and read, never answer (a client that hangs)
#   auth   IStatusNotify only over NTLM at packet privacy, as the account
#          "callback" with PASSWORD: the NTLMv2 response is verified with
#          impacket's ntlm helpers (an implementation independent of
#          istmd's), and so is the MIC when MsvAvFlags announces one;
#          requests are unsealed and their signatures checked,
#          responses sealed; anything else is refused with a fault
#          (access denied) and the reason appended to LOG.auth
#   plain  as auth, but the responses go back unsealed (a broken or
#          hostile server istmd must not believe)
# Hand-rolled connection-oriented DCE/RPC ([C706] 12.6); the NTLM
# arithmetic is impacket's (impacket.ntlm, Cryptodome's ARC4).
import json
import os
import socket
import struct
import sys
import threading
import time
import uuid

from Cryptodome.Cipher import ARC4
from impacket import ntlm

IID_EXPORTER = uuid.UUID('99fcfec4-5260-101b-bbcb-00aa0021347a').bytes_le
IID_STATUS_NOTIFY = uuid.UUID('312cc019-d5cd-4ca7-8c10-9e0a661f147e').bytes_le
NDR32 = uuid.UUID('8a885d04-1ceb-11c9-9fe8-08002b104860').bytes_le + struct.pack('<I', 2)
REMUNKNOWN_IPID = b'\x01' * 16

mode, portfile, logfile = sys.argv[1:4]
password = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()
ACCESS_DENIED, OR_INVALID_SET = 5, 1915
sets = {}                                      # ping set id -> OIDs


def recvn(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def pdu(ptype, call_id, body, auth=b'', flags=3):
    return struct.pack('<BBBB4sHHI', 5, 0, ptype, flags, b'\x10\0\0\0', 16 + len(body) + len(auth),
                       max(len(auth) - 8, 0), call_id) + body + auth


def log(entry, suffix=''):
    with lock, open(logfile + suffix, 'a') as f:
        f.write(json.dumps(entry) + '\n')


class Ntlm:
    """The server's side of one NTLM security context, on impacket's helpers."""
    FLAGS = (ntlm.NTLMSSP_NEGOTIATE_UNICODE | ntlm.NTLMSSP_NEGOTIATE_SIGN |
             ntlm.NTLMSSP_NEGOTIATE_SEAL | ntlm.NTLMSSP_NEGOTIATE_NTLM |
             ntlm.NTLMSSP_NEGOTIATE_ALWAYS_SIGN | ntlm.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
             ntlm.NTLMSSP_NEGOTIATE_128 | ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH | ntlm.NTLMSSP_NEGOTIATE_56)

    def __init__(self, negotiate):
        neg = ntlm.NTLMAuthNegotiate()
        neg.fromString(negotiate)
        self.flags = (neg['flags'] & self.FLAGS) | ntlm.NTLMSSP_NEGOTIATE_TARGET_INFO | \
            ntlm.NTLMSSP_REQUEST_TARGET
        self.challenge = os.urandom(8)
        self.negotiate = bytes(negotiate)  # the MIC covers it, as sent
        self.ok = False
        self.seq_in = self.seq_out = 0

    def challenge_message(self):
        def av(i, v):
            return struct.pack('<HH', i, len(v)) + v
        name = 'WORKGROUP'.encode('utf-16le')
        now = 116444736000000000 + int(time.time() * 10000000)
        ti = (av(2, name) + av(1, 'NOTIFYCLIENT'.encode('utf-16le')) +
              av(7, struct.pack('<Q', now)) + av(0, b''))
        self.challenge_msg = (b'NTLMSSP\0' +
                              struct.pack('<IHHII', 2, len(name), len(name), 48, self.flags) +
                              self.challenge + b'\0' * 8 +
                              struct.pack('<HHI', len(ti), len(ti), 48 + len(name)) + name + ti)
        return self.challenge_msg

    @staticmethod
    def announces_mic(nt):
        """MsvAvFlags bit 0x2 among the response's AV pairs (44 bytes in)."""
        i = 44
        while i + 4 <= len(nt):
            av_id, n = struct.unpack_from('<HH', nt, i)
            if av_id == 0:
                return False
            if av_id == 6 and n == 4:
                return bool(struct.unpack_from('<I', nt, i + 4)[0] & 2)
            i += 4 + n
        return False

    def authenticate(self, token):
        """Verify AUTHENTICATE: the NTLMv2 proof against the known password."""
        a = ntlm.NTLMAuthChallengeResponse()
        a.fromString(token)
        user = a['user_name'].decode('utf-16le')
        domain = a['domain_name'].decode('utf-16le')
        nt = a['ntlm']
        key = ntlm.NTOWFv2(user, password, domain)
        proof = ntlm.hmac_md5(key, self.challenge + nt[16:])
        if user.lower() != 'callback' or len(nt) <= 24 or proof != nt[:16]:
            log({'refused': 'NTLMv2 response does not verify', 'user': user, 'domain': domain},
                '.auth')
            return
        flags = a['flags']
        base = ntlm.hmac_md5(key, proof)
        # impacket 0.10's fromString places every payload field by its
        # offset except the session key, which it takes in its own field
        # order: read it by offset, as [MS-NLMP] 2.2.1.3 says
        enc = token[a['session_key_offset']:][:a['session_key_len']]
        exported = ntlm.generateEncryptedSessionKey(base, enc) \
            if flags & ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH else base
        # [MS-NLMP] 3.2.5.1.2: the MIC our timestamped CHALLENGE asks for,
        # HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE ||
        # AUTHENTICATE with the MIC field zeroed), spelled out here
        mic = 'absent'
        if self.announces_mic(nt):
            want = ntlm.hmac_md5(exported, self.negotiate + self.challenge_msg + token[:72] +
                                 b'\0' * 16 + token[88:])
            if len(token) < 88 or want != token[72:88]:
                log({'refused': 'MIC does not verify', 'user': user}, '.auth')
                return
            mic = 'verified'
        self.flags = flags
        self.sign_in = ntlm.SIGNKEY(flags, exported, 'Client')
        self.sign_out = ntlm.SIGNKEY(flags, exported, 'Server')
        self.rc4_in = ARC4.new(ntlm.SEALKEY(flags, exported, 'Client')).encrypt
        self.rc4_out = ARC4.new(ntlm.SEALKEY(flags, exported, 'Server')).encrypt
        self.ok = True
        log({'authenticated': user, 'domain': domain, 'mic': mic,
             'flags': flags, 'key_exch': bool(flags & ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH)}, '.auth')

    def unseal(self, hdr, body, trailer, verifier):
        """The plain stub of a sealed request, or None when it does not check."""
        plain = self.rc4_in(body)
        want = ntlm.MAC(self.flags, self.rc4_in, self.sign_in, self.seq_in,
                        hdr + plain + trailer).getData()
        self.seq_in += 1
        return plain if want == verifier else None

    def seal(self, hdr, body, trailer):
        sealed, sig = ntlm.SEAL(self.flags, self.sign_out, None, hdr + body + trailer, body,
                                self.seq_out, self.rc4_out)
        self.seq_out += 1
        return sealed, sig.getData()


def resolve_oxid2(port):
    text = '127.0.0.1[%d]' % port
    strings = [7] + [ord(c) for c in text] + [0, 0]
    arr = strings + ([0, 0] if mode == 'anon' else [10, 0xffff, 0, 0])
    stub = struct.pack('<IIHH', 0x20000, len(arr), len(arr), len(strings))
    stub += struct.pack('<%dH' % len(arr), *arr)
    stub += b'\0' * (-len(stub) % 4)
    return stub + REMUNKNOWN_IPID + struct.pack('<IHHI', 1, 5, 7, 0)


def split_auth(hdr, body):
    """(body without the auth part, sec_trailer, auth value) of a PDU."""
    auth_len = struct.unpack_from('<H', hdr, 10)[0]
    if not auth_len:
        return body, None, None
    t = len(body) - auth_len - 8
    return body[:t], body[t:t + 8], body[t + 8:]


def ping(opnum, stub):
    """ComplexPing / SimplePing: the stub of the answer, and the entry logged."""
    if opnum == 2:
        setid, seq, n_add, n_del = struct.unpack_from('<QHHH', stub, 0)
        add = list(struct.unpack_from('<%dQ' % n_add, stub, 24)) if n_add else []
        if not setid:
            setid = struct.unpack('<Q', os.urandom(8))[0] | 1
        sets.setdefault(setid, set()).update(add)
        log({'ping': 'complex', 'set': setid, 'seq': seq, 'add': add, 'del': n_del}, '.pings')
        return struct.pack('<QHxxI', setid, 0, 0)
    setid = struct.unpack_from('<Q', stub, 0)[0]
    log({'ping': 'simple', 'set': setid, 'known': setid in sets}, '.pings')
    return struct.pack('<I', 0 if setid in sets else OR_INVALID_SET)


def serve(conn, port):
    abstract = None
    ctx = None                                   # Ntlm of this connection (auth mode)
    try:
        while True:
            hdr = recvn(conn, 16)
            ptype, flags = hdr[2], hdr[3]
            frag_len, call_id = struct.unpack_from('<H', hdr, 8)[0], struct.unpack_from('<I', hdr, 12)[0]
            body = recvn(conn, frag_len - 16)
            if mode == 'hang':
                continue
            body, trailer, value = split_auth(hdr, body)
            if ptype == 11:                      # bind
                abstract = body[16:32]
                sec = b'%d\0' % port
                b = struct.pack('<HHIH', 5840, 5840, 0x1234, len(sec)) + sec
                b += b'\0' * (-(16 + len(b)) % 4)
                b += struct.pack('<B3xHH', 1, 0, 0) + NDR32
                auth = b''
                if trailer and mode in ('auth', 'plain') and trailer[0] == 10:
                    ctx = Ntlm(value)
                    auth = trailer[:2] + b'\0\0' + trailer[4:] + ctx.challenge_message()
                conn.sendall(pdu(12, call_id, b, auth))
            elif ptype == 16:                    # auth3
                if ctx and trailer:
                    ctx.authenticate(value)
            elif ptype == 0:                     # request
                opnum = struct.unpack_from('<H', body, 6)[0]
                obj = body[8:24] if flags & 0x80 else None
                head = 24 if obj else 8
                stub = body[head:]
                if abstract == IID_STATUS_NOTIFY and mode in ('auth', 'plain'):
                    why = None
                    if not ctx or not ctx.ok:
                        why = 'no authenticated context'
                    elif not trailer or trailer[0] != 10 or trailer[1] != 6:
                        why = 'not at packet privacy (level %s)' % (trailer[1] if trailer else None)
                    else:
                        stub = ctx.unseal(hdr + body[:head], stub, trailer, value)
                        if stub is None:
                            why = 'bad signature'
                        else:
                            stub = stub[:len(stub) - trailer[2]]
                    if why:
                        log({'refused': why, 'opnum': opnum}, '.auth')
                        conn.sendall(pdu(3, call_id, struct.pack('<IHBBI4x', 0, 0, 0, 0,
                                                                 ACCESS_DENIED)))
                        continue
                if abstract == IID_EXPORTER and opnum == 4:
                    out = resolve_oxid2(port)
                elif abstract == IID_EXPORTER and opnum in (1, 2):
                    out = ping(opnum, stub)
                elif abstract == IID_STATUS_NOTIFY and opnum in (3, 4):
                    e = {'opnum': opnum, 'ipid': obj.hex() if obj else None,
                         'cookie': struct.unpack_from('<I', stub, 32)[0],
                         'sealed': bool(ctx and ctx.ok)}
                    if opnum == 4:
                        lun, st, _, prog, comp = struct.unpack_from('<IHHII', stub, 36)
                        e['status'] = [lun, st, prog, comp]
                    log(e)
                    out = struct.pack('<III', 0, 0, 0)    # ORPCTHAT, S_OK
                else:
                    conn.sendall(pdu(3, call_id, struct.pack('<IHBBI4x', 0, 0, 0, 0, 0x1c010002)))
                    continue
                rhead = struct.pack('<IHBB', len(out), 0, 0, 0)
                if abstract == IID_STATUS_NOTIFY and mode == 'auth':
                    pad = -len(out) % 16
                    out += b'\0' * pad
                    tr = struct.pack('<BBBBI', 10, 6, pad, 0, struct.unpack_from('<I', trailer, 4)[0])
                    rhdr = struct.pack('<BBBB4sHHI', 5, 0, 2, 3, b'\x10\0\0\0',
                                       16 + 8 + len(out) + 8 + 16, 16, call_id)
                    sealed, sig = ctx.seal(rhdr + rhead, out, tr)
                    conn.sendall(rhdr + rhead + sealed + tr + sig)
                    continue
                conn.sendall(pdu(2, call_id, rhead + out))
            else:
                return
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(16)
port = srv.getsockname()[1]
with open(portfile + '.tmp', 'w') as f:
    f.write('%d\n' % port)
os.rename(portfile + '.tmp', portfile)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c, port), daemon=True).start()
