#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# vhdxpatch.py: damage a VHDX file on purpose for the bad-input tests, then
# re-seal the CRC-32C of the structure touched so that only the intended
# fault remains.  Offsets follow libvhd/vhdx_format.c.
#   vhdxpatch.py FILE OFFSET HEXBYTES [seal-header N | seal-regions]
import struct
import sys

def crc32c(data):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    c = 0xFFFFFFFF
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF

def seal(f, off, length):
    f.seek(off)
    buf = bytearray(f.read(length))
    buf[4:8] = b"\0\0\0\0"
    f.seek(off + 4)
    f.write(struct.pack("<I", crc32c(bytes(buf))))

path, off, data = sys.argv[1], int(sys.argv[2], 0), bytes.fromhex(sys.argv[3])
with open(path, "r+b") as f:
    f.seek(off)
    f.write(data)
    if len(sys.argv) > 4 and sys.argv[4] == "seal-header":
        seal(f, (64 << 10) * int(sys.argv[5]), 4096)
    elif len(sys.argv) > 4 and sys.argv[4] == "seal-regions":
        seal(f, 192 << 10, 64 << 10)
        seal(f, 256 << 10, 64 << 10)
