#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# snapshot_view.py: check that an image (a raw file: a LUN dump or a
# converted chain) holds exactly one "view": REGION=SEED pairs, each region
# REGION_BLOCKS 512-byte blocks written by tests/tgt/iscsi-pattern with
# SEED, and zeros everywhere else.  The pattern is iscsi-pattern's
# (fill_block), written again here so the check needs no initiator.
# Trade-off: pure Python, so a view is checked block by block (a 16 MiB
# image with a few dozen regions takes well under a second).
#
# usage: snapshot_view.py RAW REGION_BLOCKS [REGION=SEED ...]
# exit 0 when the image is exactly the view, 1 with the first difference.
import struct
import sys

BLOCK = 512
MASK = (1 << 64) - 1


def fill_block(seed, lba):
    x = ((seed * 0x9e3779b97f4a7c15) ^ ((lba + 1) * 0xbf58476d1ce4e5b9)) & MASK
    out = bytearray()
    for _ in range(BLOCK // 8):
        x ^= (x << 13) & MASK
        x ^= x >> 7
        x ^= (x << 17) & MASK
        out += struct.pack('<Q', x)
    stamp = ('seed=%d lba=%d' % (seed, lba)).encode()[:31] + b'\0'
    out[:len(stamp)] = stamp
    return bytes(out)


def main():
    raw, rb = sys.argv[1], int(sys.argv[2])
    view = dict((int(a), int(b)) for a, b in (p.split('=') for p in sys.argv[3:]))
    data = open(raw, 'rb').read()
    rbytes = rb * BLOCK
    for r in range(len(data) // rbytes):
        chunk = data[r * rbytes:(r + 1) * rbytes]
        seed = view.get(r, 0)
        if seed == 0:
            if chunk.count(0) != len(chunk):
                print('region %d: data where zeros were expected' % r)
                return 1
            continue
        for i in range(rb):
            lba = r * rb + i
            if chunk[i * BLOCK:(i + 1) * BLOCK] != fill_block(seed, lba):
                got = chunk[i * BLOCK:i * BLOCK + 32].split(b'\0')[0]
                print('region %d lba %d: not seed %d (starts %r)' % (r, lba, seed, got))
                return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
