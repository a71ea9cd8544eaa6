#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# vhdpatch.py: test helper that damages VHD images in precise ways (the
# bad-input tests), fixing checksums where the test wants only one fault.
#
# It knows just enough of the format (footer, dynamic header, BAT) to put
# one defect in an otherwise valid image; it never reads data blocks.
#   vhdpatch.py uuid FILE                 print the footer's unique id (hex)
#   vhdpatch.py set-size FILE BYTES       current size in every footer copy
#   vhdpatch.py bat FILE INDEX SECTOR     BAT entry INDEX (0xffffffff = none)
#   vhdpatch.py bat-get FILE INDEX        print BAT entry INDEX
#   vhdpatch.py parent-uuid FILE HEX      the dynamic header's parent id
import struct
import sys


def checksum(buf, at):
    b = bytearray(buf)
    b[at:at + 4] = b"\0\0\0\0"
    return (~sum(b)) & 0xffffffff


def read(f, off, n):
    f.seek(off)
    return bytearray(f.read(n))


def footers(f):
    """Offsets of the footer copies: the end, and 0 for dynamic/diff."""
    f.seek(0, 2)
    size = f.tell()
    offs = [size - 512]
    if read(f, 0, 8) == b"conectix" and size >= 1024:
        offs.append(0)
    return offs


def fix_footer(f, off, ft):
    struct.pack_into(">I", ft, 64, checksum(ft[:512], 64))
    f.seek(off)
    f.write(ft)


def dyn_header(f):
    ft = read(f, footers(f)[0], 512)
    (hoff,) = struct.unpack_from(">Q", ft, 16)
    return hoff, read(f, hoff, 1024)


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    with open(path, "r+b") as f:
        if cmd == "uuid":
            print(read(f, footers(f)[0], 512)[68:84].hex())
        elif cmd == "set-size":
            for off in footers(f):
                ft = read(f, off, 512)
                struct.pack_into(">Q", ft, 48, int(sys.argv[3], 0))
                fix_footer(f, off, ft)
        elif cmd in ("bat", "bat-get"):
            hoff, h = dyn_header(f)
            (table,) = struct.unpack_from(">Q", h, 16)
            at = table + 4 * int(sys.argv[3], 0)
            if cmd == "bat-get":
                print(struct.unpack(">I", read(f, at, 4))[0])
            else:
                f.seek(at)
                f.write(struct.pack(">I", int(sys.argv[4], 0)))
        elif cmd == "parent-uuid":
            hoff, h = dyn_header(f)
            h[40:56] = bytes.fromhex(sys.argv[3])
            struct.pack_into(">I", h, 36, checksum(h, 36))
            f.seek(hoff)
            f.write(h)
        else:
            sys.exit("vhdpatch.py: unknown command " + cmd)


main()
