#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Concurrent readers and writers (separate processes) on one flat file,
# disjoint and overlapping ranges, against a model (concurrent-io.py): on a
# dynamic disk and on a differencing disk over a base with data; the result
# is checked through the mount, then through qemu-img / vhdtool convert.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
[ -x "$VHDTOOL" ] || fail "vhdtool not built: $VHDTOOL"
load="$PYTHON $(dirname "$0")/concurrent-io.py"

vhd_create dynamic $((64 << 20)) "$tmp/dyn.vhd"
mkdir -p "$tmp/s1"
start_vhdfs "$tmp/dyn.vhd" "$tmp/m"
$load run "$tmp/m/dyn" "$tmp/s1" || fail "dynamic: load"
unmount "$tmp/m" $VHDFS_PID
qemu-img convert -f vpc -O raw "$tmp/dyn.vhd" "$tmp/dyn.raw"
$load check "$tmp/dyn.raw" "$tmp/s1" || fail "dynamic: qemu-img reads something else"

# A differencing disk over a base whose every byte is non-zero.
vhd_create dynamic $((64 << 20)) "$tmp/base.vhd"
start_vhdfs "$tmp/base.vhd" "$tmp/m"
pattern "$tmp/base.raw" $((64 << 20)) 99
dd if="$tmp/base.raw" of="$tmp/m/base" bs=1M conv=notrunc,fsync status=none
unmount "$tmp/m" $VHDFS_PID
vhd_create diff "$tmp/base.vhd" "$tmp/child.vhd"
mkdir -p "$tmp/s2"
start_vhdfs "$tmp/child.vhd" "$tmp/m"
$load run "$tmp/m/child" "$tmp/s2" "$tmp/base.raw" || fail "differencing: load"
unmount "$tmp/m" $VHDFS_PID
"$VHDTOOL" convert "$tmp/child.vhd" "$tmp/child.raw"
$load check "$tmp/child.raw" "$tmp/s2" "$tmp/base.raw" || fail "differencing: vhdtool convert reads something else"
# The model is strict enough to see the base under unwritten blocks.
$load check "$tmp/child.raw" "$tmp/s2" 2>/dev/null && fail "differencing: the model ignores the base"
echo "PASS: concurrent readers and writers"
