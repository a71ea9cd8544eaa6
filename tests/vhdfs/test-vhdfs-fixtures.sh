#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Windows-made differencing disks read correctly through the mount:
#  - go-vhd/win8-child.vhd over win8.vhd (parent found through the relative
#    locator); then written through vhdfs and read back after a remount;
#  - dfvfs/fat-differential.vhd over a stand-in fat-parent.vhd (a fixed VHD
#    with the parent's unique id, filled with a pattern), compared with what an
#    independent reader of the format (vhd-model.py) computes;
#  - dfvfs/ext2.vhd (qemu-made dynamic): e2fsck finds its file system clean.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
model="$PYTHON $(dirname "$0")/vhd-model.py"
[ -d "$FIXTURES" ] || { echo "skipped: no fixtures at $FIXTURES (set SHARED_DIR)"; exit 77; }

# win8-child over win8: both empty, so the disk reads as 40 MiB of zeros.
child=$(fixture go-vhd/win8-child.vhd)
fixture go-vhd/win8.vhd >/dev/null
start_vhdfs "$child" "$tmp/m1"
[ "$(stat -c %s "$tmp/m1/win8-child")" = 41943040 ] || fail "win8-child: size $(stat -c %s "$tmp/m1/win8-child")"
cmp "$tmp/m1/win8-child" <(head -c 41943040 /dev/zero) || fail "win8-child: not all zeros"
pattern "$tmp/p" $((3 << 20)) 7
dd if="$tmp/p" of="$tmp/m1/win8-child" bs=64K seek=33 conv=notrunc,fsync status=none
pw=$(sha256sum < "$tmp/fixtures/win8.vhd")
unmount "$tmp/m1" $VHDFS_PID
[ "$(sha256sum < "$tmp/fixtures/win8.vhd")" = "$pw" ] || fail "win8.vhd (the parent) was modified"
start_vhdfs "$child" "$tmp/m1"
[ "$(range_sum "$tmp/m1/win8-child" $((33 << 16)) $((3 << 20)))" = "$(range_sum "$tmp/p" 0 $((3 << 20)))" ] ||
    fail "win8-child: written data differs after remount"
[ "$(range_sum "$tmp/m1/win8-child" 0 $((33 << 16)))" = "$(range_sum /dev/zero 0 $((33 << 16)))" ] ||
    fail "win8-child: data before the write is not zeros"
unmount "$tmp/m1" $VHDFS_PID

# fat-differential over a stand-in parent.
child=$(fixture dfvfs/fat-differential.vhd)
parent="$tmp/fixtures/fat-parent.vhd"
qemu-img create -q -f vpc -o subformat=fixed,force_size=on "$parent" 4M
pattern "$tmp/parent.raw" $((4 << 20)) 11
dd if="$tmp/parent.raw" of="$parent" conv=notrunc status=none
$model set-id "$parent" "$($model parent-uuid "$child")" 0
$model flat "$child" "$tmp/parent.raw" "$tmp/fat.expected"
cmp -s "$tmp/fat.expected" "$tmp/parent.raw" && fail "model: the child changes nothing (test would prove nothing)"
start_vhdfs "$child" "$tmp/m2" -o ro
cmp "$tmp/m2/fat-differential" "$tmp/fat.expected" || fail "fat-differential: flat image differs from the model"
unmount "$tmp/m2" $VHDFS_PID

# ext2.vhd: a file system inside a qemu-made dynamic disk.
img=$(fixture dfvfs/ext2.vhd)
qemu-img convert -f vpc -O raw "$img" "$tmp/ext2.raw"
start_vhdfs "$img" "$tmp/m3" -o ro
cmp "$tmp/m3/ext2" "$tmp/ext2.raw" || fail "ext2.vhd: differs from qemu-img's reading"
e2fsck -fn "$tmp/m3/ext2" >"$tmp/fsck.log" 2>&1 || { cat "$tmp/fsck.log"; fail "ext2.vhd: e2fsck found problems"; }
unmount "$tmp/m3" $VHDFS_PID
echo "PASS: Windows-made differencing fixtures"
