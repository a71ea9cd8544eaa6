#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# notify_target.py MODE PORTFILE LOG: the client side of status
# notifications for test-istmd-notify.sh, a small DCOM server on
# 127.0.0.1 (an ephemeral port, written to PORTFILE) that answers
# IObjectExporter::ResolveOxid2 ([MS-DCOM] 3.1.2.5.1.7) with its own
# endpoint and implements IStatusNotify ([MS-ISTM] 3.41): every
# LunListChanged / LunStatusUpdate is appended to LOG as a JSON line.
#   serve  answer everything (S_OK)
#   hang   accept connections and read, never answer (a client that hangs)
# Hand-rolled connection-oriented DCE/RPC ([C706] 12.6), no authentication:
# what istmd's notifier speaks (istmd/README.md "Status notifications").
import json
import socket
import struct
import sys
import threading
import uuid

IID_EXPORTER = uuid.UUID('99fcfec4-5260-101b-bbcb-00aa0021347a').bytes_le
IID_STATUS_NOTIFY = uuid.UUID('312cc019-d5cd-4ca7-8c10-9e0a661f147e').bytes_le
NDR32 = uuid.UUID('8a885d04-1ceb-11c9-9fe8-08002b104860').bytes_le + struct.pack('<I', 2)
REMUNKNOWN_IPID = b'\x01' * 16

mode, portfile, logfile = sys.argv[1:4]
lock = threading.Lock()


def recvn(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def pdu(ptype, call_id, body):
    return struct.pack('<BBBB4sHHI', 5, 0, ptype, 3, b'\x10\0\0\0', 16 + len(body), 0,
                       call_id) + body


def log(entry):
    with lock, open(logfile, 'a') as f:
        f.write(json.dumps(entry) + '\n')


def resolve_oxid2(port):
    text = '127.0.0.1[%d]' % port
    strings = [7] + [ord(c) for c in text] + [0, 0]
    arr = strings + [10, 0xffff, 0, 0]
    stub = struct.pack('<IIHH', 0x20000, len(arr), len(arr), len(strings))
    stub += struct.pack('<%dH' % len(arr), *arr)
    stub += b'\0' * (-len(stub) % 4)
    return stub + REMUNKNOWN_IPID + struct.pack('<IHHI', 1, 5, 7, 0)


def serve(conn, port):
    abstract = None
    try:
        while True:
            hdr = recvn(conn, 16)
            ptype, flags = hdr[2], hdr[3]
            frag_len, call_id = struct.unpack_from('<H', hdr, 8)[0], struct.unpack_from('<I', hdr, 12)[0]
            body = recvn(conn, frag_len - 16)
            if mode == 'hang':
                continue
            if ptype == 11:                      # bind
                abstract = body[16:32]
                sec = b'%d\0' % port
                b = struct.pack('<HHIH', 5840, 5840, 0x1234, len(sec)) + sec
                b += b'\0' * (-(16 + len(b)) % 4)
                b += struct.pack('<B3xHH', 1, 0, 0) + NDR32
                conn.sendall(pdu(12, call_id, b))
            elif ptype == 0:                     # request
                opnum = struct.unpack_from('<H', body, 6)[0]
                obj = body[8:24] if flags & 0x80 else None
                stub = body[24:] if obj else body[8:]
                if abstract == IID_EXPORTER and opnum == 4:
                    out = resolve_oxid2(port)
                elif abstract == IID_STATUS_NOTIFY and opnum in (3, 4):
                    e = {'opnum': opnum, 'ipid': obj.hex() if obj else None,
                         'cookie': struct.unpack_from('<I', stub, 32)[0]}
                    if opnum == 4:
                        lun, st, _, prog, comp = struct.unpack_from('<IHHII', stub, 36)
                        e['status'] = [lun, st, prog, comp]
                    log(e)
                    out = struct.pack('<III', 0, 0, 0)    # ORPCTHAT, S_OK
                else:
                    conn.sendall(pdu(3, call_id, struct.pack('<IHBBI4x', 0, 0, 0, 0, 0x1c010002)))
                    continue
                conn.sendall(pdu(2, call_id, struct.pack('<IHBB', len(out), 0, 0, 0) + out))
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
import os  # noqa: E402
os.rename(portfile + '.tmp', portfile)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c, port), daemon=True).start()
