#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# A directory as SOURCE: one flat file per VHD (not for other files, nor for
# a VHD that cannot be opened), each opened on first use.  A disk that is the
# parent of an open child (here, in the same mount) opens read-only for
# readers and refuses writers with EBUSY; once the child is closed, the
# parent is writable again.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
[ -x "$VHDTOOL" ] || fail "vhdtool not built: $VHDTOOL"

d="$tmp/disks"
mkdir -p "$d"
vhd_create dynamic $((8 << 20)) "$d/base.vhd"
vhd_create fixed $((4 << 20)) "$d/fixed.vhd"
vhd_create diff "$d/base.vhd" "$d/child.vhd"
echo "not a disk" > "$d/notes.txt"
head -c 1000 /dev/zero > "$d/broken.vhd"

start_vhdfs "$d" "$tmp/m"
got=$(ls "$tmp/m" | xargs)
[ "$got" = "base child fixed" ] || fail "files shown: '$got'"
grep -q "broken.vhd" "$tmp/vhdfs.log" || fail "no warning about broken.vhd"
[ "$(stat -c %s "$tmp/m/fixed")" = $((4 << 20)) ] || fail "fixed: wrong size"

"$PYTHON" - "$tmp/m" <<'PY' || fail "locking between parent and child files"
import errno, os, sys
m = sys.argv[1]
data = b"P" * 65536
# The parent alone is writable.
with open(m + "/base", "r+b") as f:
    f.write(data)
# While the child is open, the parent reads but refuses writers.
child = os.open(m + "/child", os.O_RDWR)
if os.pread(child, len(data), 0) != data:
    sys.exit("child does not show its parent's data")
os.pwrite(child, b"C" * 4096, 0)
with open(m + "/base", "rb") as f:
    if f.read(len(data)) != data:
        sys.exit("parent changed by a write to the child")
try:
    os.close(os.open(m + "/base", os.O_RDWR))
    sys.exit("parent opened for writing while its child is open")
except OSError as e:
    if e.errno != errno.EBUSY:
        sys.exit("parent open for writing: %s, want EBUSY" % e)
os.close(child)
# Child closed: its chain (and its lock on the parent) is gone once vhdfs
# has handled the RELEASE, which the kernel sends after close() returns.
import time
for attempt in range(100):
    try:
        f = open(m + "/base", "r+b")
        break
    except OSError as e:
        if e.errno != errno.EBUSY or attempt == 99:
            raise
        time.sleep(0.1)
with f:
    f.write(b"Q" * 512)
PY
unmount "$tmp/m" $VHDFS_PID

"$VHDTOOL" convert "$d/child.vhd" "$tmp/child.raw"
[ "$(head -c 4096 "$tmp/child.raw" | tr -d C | wc -c)" = 0 ] || fail "child's write lost"
[ "$(dd if="$tmp/child.raw" bs=4096 skip=1 count=15 status=none | tr -d Q | tr -d P | wc -c)" = 0 ] ||
    fail "child does not read through to the parent"
qemu-img convert -f vpc -O raw "$d/base.vhd" "$tmp/base.raw"
[ "$(head -c 512 "$tmp/base.raw" | tr -d Q | wc -c)" = 0 ] || fail "parent's second write lost"
echo "PASS: directory source"
