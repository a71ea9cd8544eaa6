#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
"""crash-writer.py: a write load that records what was made durable.

  crash-writer.py write FLAT LOG FIRST COUNT   write slots FIRST..FIRST+COUNT-1
      (LOG.ready is created once the flat file is open);
      after each slot's fdatasync returns, append its number to LOG (itself
      fsync'ed), so LOG lists only slots the mount acknowledged as durable.
      In between, unsynced noise goes to the upper half of the disk.  Stops
      quietly at the first error (the mount being killed under it).
  crash-writer.py verify RAW LOG               every slot in LOG must hold its data
Slots live in the lower half, are never rewritten, start at varying
sub-block offsets and are 64 KiB long, so allocation and bitmap updates
happen under the load.
"""
import os
import random
import sys

STRIDE, LENGTH = 72 * 1024, 64 * 1024


def slot(k):
    off = k * STRIDE + (k * 7 * 512) % (STRIDE - LENGTH)
    return off, random.Random(k).randbytes(LENGTH)


def write(flat, log, first, count):
    fd = os.open(flat, os.O_RDWR)
    size = os.lseek(fd, 0, os.SEEK_END)
    logfd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    open(log + ".ready", "w").close()
    r = random.Random(first)
    try:
        for k in range(first, first + count):
            off, data = slot(k)
            if off + LENGTH > size // 2:
                sys.exit("disk too small for slot %d" % k)
            os.pwrite(fd, data, off)
            for _ in range(2):
                n = r.randint(512, 256 * 1024)
                os.pwrite(fd, r.randbytes(n), r.randrange(size // 2, size - n))
            os.fdatasync(fd)
            os.write(logfd, b"%d\n" % k)
            os.fsync(logfd)
    except OSError:
        pass


def verify(raw, log):
    done = [int(x) for x in open(log).read().split()]
    with open(raw, "rb") as f:
        for k in done:
            off, data = slot(k)
            f.seek(off)
            if f.read(LENGTH) != data:
                sys.exit("slot %d (offset %d) was acknowledged durable but is lost" % (k, off))
    print("%d durable slots intact" % len(done))
    if len(done) < 100:
        sys.exit("only %d slots were made durable: the test proves little" % len(done))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        verify(sys.argv[2], sys.argv[3])
