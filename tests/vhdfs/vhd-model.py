#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
"""vhd-model.py: an independent reader of the VHD format for the vhdfs tests.

  vhd-model.py flat CHILD PARENT_RAW OUT   flat image of a one-level chain:
      PARENT_RAW's bytes, with every sector whose bitmap bit is set in CHILD
      (a dynamic or differencing VHD) taken from CHILD
  vhd-model.py parent-uuid VHD             print the parent unique id (hex)
  vhd-model.py set-id VHD HEX [TIMESTAMP]  rewrite the footer's unique id (and
      timestamp) of a fixed VHD and fix its checksum
Deliberately small and separate from libvhd, so it can catch libvhd's bugs.
Footer: 16 data offset (be64), 24 timestamp, 48 current size, 64 checksum,
68 unique id.  Dynamic header: 16 BAT offset (be64), 28 entries, 32 block
size, 40 parent unique id.
"""
import struct
import sys


def be32(b, o):
    return struct.unpack_from(">I", b, o)[0]


def be64(b, o):
    return struct.unpack_from(">Q", b, o)[0]


def dyn_header(data):
    footer = data[-512:]
    return data[be64(footer, 16):be64(footer, 16) + 1024], footer


def flat(child, parent_raw, out):
    data = open(child, "rb").read()
    dyn, footer = dyn_header(data)
    size = be64(footer, 48)
    image = bytearray(open(parent_raw, "rb").read()[:size]) if parent_raw != "-" else bytearray(size)
    image.extend(bytes(size - len(image)))
    bat, entries, block = be64(dyn, 16), be32(dyn, 28), be32(dyn, 32)
    spb = block // 512
    bitmap = ((spb + 7) // 8 + 511) // 512 * 512
    for i in range(entries):
        sector = be32(data, bat + 4 * i)
        if sector == 0xFFFFFFFF:
            continue
        base = sector * 512
        for s in range(spb):
            if data[base + s // 8] & (0x80 >> (s % 8)):
                src = base + bitmap + s * 512
                dst = (i * spb + s) * 512
                if dst < size:
                    image[dst:dst + 512] = data[src:src + 512]
    open(out, "wb").write(image)


def set_id(path, hexid, timestamp=None):
    with open(path, "r+b") as f:
        f.seek(-512, 2)
        footer = bytearray(f.read(512))
        footer[68:84] = bytes.fromhex(hexid)
        if timestamp is not None:
            struct.pack_into(">I", footer, 24, int(timestamp))
        struct.pack_into(">I", footer, 64, 0)
        struct.pack_into(">I", footer, 64, ~sum(footer) & 0xFFFFFFFF)
        f.seek(-512, 2)
        f.write(footer)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "flat":
        flat(*sys.argv[2:5])
    elif cmd == "parent-uuid":
        print(dyn_header(open(sys.argv[2], "rb").read())[0][40:56].hex())
    elif cmd == "set-id":
        set_id(*sys.argv[2:])
    else:
        sys.exit("usage: vhd-model.py flat|parent-uuid|set-id ...")
