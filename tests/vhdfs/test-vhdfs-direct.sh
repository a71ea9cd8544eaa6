#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# O_DIRECT reads through vhdfs read the VHD files with O_DIRECT: the layers'
# data does not enter the page cache (fincore of each file), at depth 1 and
# through a differencing child, and the bytes are right.  A buffered read
# of the same flat file afterwards does fill the cache, which shows the
# measure sees caching.  (libfuse keeps direct_io only in its answer to
# open; a read must look at the file's flags, or it silently goes through
# the page cache with the layers' readahead.)
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires fincore --version
requires dd --version

MB=16
head -c $((MB << 20)) /dev/urandom > "$tmp/data"
"$VHDTOOL" convert --to vhd --type dynamic "$tmp/data" "$tmp/base.vhd" > /dev/null
"$VHDTOOL" create --type diff --parent "$tmp/base.vhd" "$tmp/child.vhd" > /dev/null
# The child holds every other MiB, so a read of the disk alternates layers.
start_vhdfs "$tmp/child.vhd" "$tmp/m-w"
for ((m = 1; m < MB; m += 2)); do
    dd if="$tmp/data" of="$tmp/m-w/child" bs=1M skip=$m seek=$m count=1 conv=notrunc,fsync status=none
done
unmount "$tmp/m-w" "$VHDFS_PID"

# resident FILE: bytes of FILE in the page cache
resident() { fincore --bytes --noheadings --output RES "$1"; }
evict()
{
    sync
    for f in "$@"; do
        dd if="$f" iflag=nocache count=0 status=none
    done
}

for top in base child; do
    start_vhdfs "$tmp/$top.vhd" "$tmp/m-$top" -o ro
    flat="$tmp/m-$top/$top"
    evict "$tmp/base.vhd" "$tmp/child.vhd"
    dd if="$flat" of="$tmp/read" bs=1M iflag=direct status=none
    cmp "$tmp/read" "$tmp/data" || fail "$top: O_DIRECT read differs from the data"
    for f in base child; do
        r=$(resident "$tmp/$f.vhd")
        echo "$top: after O_DIRECT read, $f.vhd has $r bytes in the page cache"
        # metadata (footer, header, BAT, bitmaps) is read through the cache
        [ "$r" -lt $((1 << 20)) ] || fail "$top: O_DIRECT read left $r bytes of $f.vhd in the page cache"
    done
    cat "$flat" > /dev/null
    r=$(resident "$tmp/base.vhd")
    echo "$top: after a buffered read, base.vhd has $r bytes in the page cache"
    [ "$r" -ge $(((MB / 2 - 1) << 20)) ] || fail "$top: a buffered read left only $r bytes cached: the measure is blind"
    unmount "$tmp/m-$top" "$VHDFS_PID"
done
check_vhdfs_log
echo "PASS: O_DIRECT reads bypass the page cache"
