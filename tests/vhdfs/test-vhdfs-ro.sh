#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# -o ro: the flat file reads, every kind of write is refused (EROFS or
# EACCES), and the image file is left byte for byte unchanged.  A read-only
# mount takes a shared lock, so two of them can coexist.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version

img="$tmp/disk.vhd"
vhd_create dynamic $((16 << 20)) "$img"
pattern "$tmp/p" $((2 << 20)) 5
start_vhdfs "$img" "$tmp/rw"
dd if="$tmp/p" of="$tmp/rw/disk" bs=1M seek=3 conv=notrunc,fsync status=none
unmount "$tmp/rw" $VHDFS_PID
before=$(sha256sum < "$img")

start_vhdfs "$img" "$tmp/ro" -o ro
pid1=$VHDFS_PID
start_vhdfs "$img" "$tmp/ro2" -o ro
flat="$tmp/ro/disk"
[ "$(range_sum "$flat" $((3 << 20)) $((2 << 20)))" = "$(range_sum "$tmp/p" 0 $((2 << 20)))" ] ||
    fail "read-only mount reads wrong data"
cmp "$flat" "$tmp/ro2/disk" || fail "two read-only mounts disagree"
[ "$(stat -c %a "$flat")" = 444 ] || fail "mode is $(stat -c %a "$flat"), want 444"

"$PYTHON" - "$flat" <<'PY' || fail "a write was not refused"
import errno, os, sys
path = sys.argv[1]
for flags in (os.O_WRONLY, os.O_RDWR):
    try:
        os.close(os.open(path, flags))
    except OSError as e:
        if e.errno not in (errno.EROFS, errno.EACCES):
            sys.exit("open(%d): unexpected %s" % (flags, e))
    else:
        sys.exit("open for writing succeeded")
try:
    os.truncate(path, 0)
except OSError as e:
    if e.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
        sys.exit("truncate: unexpected %s" % e)
else:
    sys.exit("truncate succeeded")
PY
unmount "$tmp/ro2" $VHDFS_PID
unmount "$tmp/ro" $pid1
[ "$(sha256sum < "$img")" = "$before" ] || fail "the image changed under a read-only mount"
echo "PASS: -o ro refuses writes and leaves the image unchanged"
