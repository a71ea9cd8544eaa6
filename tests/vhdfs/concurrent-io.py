#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
"""concurrent-io.py: several processes reading and writing one flat file.

  concurrent-io.py run FLAT STATE [BASE]   run the load against FLAT, check it
                                     as it goes and at the end, save the model
  concurrent-io.py check RAW STATE [BASE]  check a raw image against the model
BASE is a raw file with what the disk held before (default: zeros), for a
differencing disk over a parent with data.

Layout of the disk (at least 64 MiB):
  [0, 16M)   static: prefilled with a known pattern by the parent; READERS
             processes read random ranges of it during the load and compare
  [16M, 48M) private: WRITERS processes each own an equal slice and write
             random ranges (aligned or not) into it, keeping a model
  [48M, 64M) shared: every writer writes whole 4 KiB blocks here, each block
             stamped with (writer, sequence); afterwards each block must be
             what BASE held (never written) or exactly the LAST write of one
             of the writers that wrote it (a writer's own writes are ordered)
"""
import json
import os
import random
import sys
from multiprocessing import Process

MiB = 1 << 20
STATIC, PRIVATE, SHARED, END = 0, 16 * MiB, 48 * MiB, 64 * MiB
WRITERS, READERS, OPS = 4, 3, 300


BASE = None


def initial(off, n):
    """What the disk held at OFF before the test."""
    if BASE is None:
        return bytes(n)
    with open(BASE, "rb") as f:
        f.seek(off)
        return f.read(n)


def static_data():
    return random.Random(1234).randbytes(PRIVATE - STATIC)


def stamp(writer, seq, block):
    head = b"W%02d S%06d B%06d " % (writer, seq, block)
    return (head * (4096 // len(head) + 1))[:4096]


def reader(path, ident, errors):
    data = static_data()
    r = random.Random(100 + ident)
    fd = os.open(path, os.O_RDONLY)
    for _ in range(OPS):
        n = r.randint(1, 256 * 1024)
        off = r.randrange(STATIC, PRIVATE - n)
        got = os.pread(fd, n, off)
        if got != data[off - STATIC:off - STATIC + n]:
            os.write(errors, b"reader %d: wrong data at %d+%d\n" % (ident, off, n))
            os._exit(1)
    os._exit(0)


def writer(path, ident, errors, state_dir):
    r = random.Random(200 + ident)
    size = (SHARED - PRIVATE) // WRITERS
    base = PRIVATE + ident * size
    model = bytearray(initial(base, size))
    last = {}
    fd = os.open(path, os.O_RDWR)
    for seq in range(OPS):
        if r.random() < 0.5:
            n = r.randint(1, 300 * 1024)
            off = r.randrange(0, size - n)
            if r.random() < 0.5:
                off &= ~4095
            buf = r.randbytes(n)
            os.pwrite(fd, buf, base + off)
            model[off:off + n] = buf
        else:
            block = r.randrange(0, (END - SHARED) // 4096)
            os.pwrite(fd, stamp(ident, seq, block), SHARED + block * 4096)
            last[block] = seq
        if seq % 50 == 0:
            os.fdatasync(fd)
    if os.pread(fd, size, base) != bytes(model):
        os.write(errors, b"writer %d: private region differs after the load\n" % ident)
        os._exit(1)
    with open(os.path.join(state_dir, "w%d.bin" % ident), "wb") as f:
        f.write(model)
    with open(os.path.join(state_dir, "w%d.json" % ident), "w") as f:
        json.dump({str(k): v for k, v in last.items()}, f)
    os.close(fd)
    os._exit(0)


def check(read, state_dir):
    """READ(off, n) -> bytes.  Returns a list of problems."""
    problems = []
    if read(STATIC, PRIVATE - STATIC) != static_data():
        problems.append("static region differs")
    size = (SHARED - PRIVATE) // WRITERS
    lasts = []
    for w in range(WRITERS):
        model = open(os.path.join(state_dir, "w%d.bin" % w), "rb").read()
        if read(PRIVATE + w * size, size) != model:
            problems.append("private region of writer %d differs" % w)
        with open(os.path.join(state_dir, "w%d.json" % w)) as f:
            lasts.append({int(k): v for k, v in json.load(f).items()})
    shared = read(SHARED, END - SHARED)
    before = initial(SHARED, END - SHARED)
    written = 0
    for block in range((END - SHARED) // 4096):
        got = shared[block * 4096:(block + 1) * 4096]
        allowed = [stamp(w, lasts[w][block], block) for w in range(WRITERS) if block in lasts[w]]
        if not allowed:
            if got != before[block * 4096:(block + 1) * 4096]:
                problems.append("shared block %d: written by nobody but changed" % block)
        elif got not in allowed:
            problems.append("shared block %d: %r is no writer's last write" % (block, got[:24]))
        else:
            written += 1
    if written < 100:
        problems.append("only %d shared blocks were written: the test proves little" % written)
    return problems


def main():
    global BASE
    cmd, path, state_dir = sys.argv[1:4]
    BASE = sys.argv[4] if len(sys.argv) > 4 else None
    if cmd == "run":
        fd = os.open(path, os.O_RDWR)
        os.pwrite(fd, static_data(), STATIC)
        os.fsync(fd)
        os.close(fd)
        rfd, wfd = os.pipe()
        procs = [Process(target=reader, args=(path, i, wfd)) for i in range(READERS)]
        procs += [Process(target=writer, args=(path, i, wfd, state_dir)) for i in range(WRITERS)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        os.close(wfd)
        msgs = os.read(rfd, 65536).decode()
        bad = [p.exitcode for p in procs if p.exitcode != 0]
        if bad or msgs:
            sys.exit("load failed (%d processes): %s" % (len(bad), msgs))
        fd = os.open(path, os.O_RDONLY)
        problems = check(lambda off, n: os.pread(fd, n, off), state_dir)
    else:
        with open(path, "rb") as f:
            def read(off, n):
                f.seek(off)
                return f.read(n)
            problems = check(read, state_dir)
    if problems:
        sys.exit("\n".join(problems))
    print("%s: %d readers, %d writers, %d operations each: consistent" % (cmd, READERS, WRITERS, OPS))


if __name__ == "__main__":
    main()
