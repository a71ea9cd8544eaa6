#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# compact keeps the data identical (qemu-img compare for a dynamic disk,
# the exported data for a chain) and shrinks the file: all-zero blocks of a
# dynamic disk go; in a differencing disk zeros over zeros go and zeros
# hiding parent data stay; the unique id stays, so a child of a compacted
# disk still opens; a disk in use and a fixed disk are refused; SIGKILL at
# any moment leaves the old disk or the new one, with the same data.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
requires jq --version
requires flock --version

cd "$tmp"
MiB=1048576
blocks() { json "$1" '."allocated-blocks"'; }

# dynamic: data in blocks 0-1 and 10, zeros written into blocks 4-5
"$VHDTOOL" create --type dynamic --size 32M d.vhd
random_file a $((3 * MiB)); poke d.vhd 0 a
head -c $((4 * MiB)) /dev/zero > z; poke d.vhd $((8 * MiB)) z
random_file s 1000; poke d.vhd $((20 * MiB + 4096)) s
"$VHDTOOL" convert -q d.vhd before.raw
uuid=$(json d.vhd .uuid); size0=$(stat -c %s d.vhd)
[ "$(blocks d.vhd)" = 5 ] || fail "setup: $(blocks d.vhd) blocks"
"$VHDTOOL" compact -q d.vhd || fail "compact failed"
[ "$(blocks d.vhd)" = 3 ] || fail "dynamic: $(blocks d.vhd) blocks left, want 3"
[ "$(stat -c %s d.vhd)" -lt "$size0" ] || fail "file did not shrink"
qemu-img compare -q -f vpc -F raw d.vhd before.raw || fail "qemu-img: data changed"
"$VHDTOOL" compare -q -F raw d.vhd before.raw || fail "data changed"
[ "$(json d.vhd .uuid)" = "$uuid" ] || fail "unique id changed"
"$VHDTOOL" check -q d.vhd || fail "not clean after compact"
ls d.vhd.compact.* 2>/dev/null && fail "temporary file left behind"

# differencing: base data in blocks 0-1; the child writes zeros over base
# data (block 0: must stay), zeros over zeros (block 6: goes), data (block 9)
"$VHDTOOL" create --type dynamic --size 32M base.vhd
random_file b $((4 * MiB)); poke base.vhd 0 b
"$VHDTOOL" create --type diff --parent base.vhd child.vhd
head -c $((MiB)) /dev/zero > z1
poke child.vhd $((512 * 1024)) z1
poke child.vhd $((12 * MiB)) z1
random_file c 3000; poke child.vhd $((18 * MiB + 512)) c
"$VHDTOOL" convert -q child.vhd child-before.raw
[ "$(blocks child.vhd)" = 3 ] || fail "setup: child has $(blocks child.vhd) blocks"
"$VHDTOOL" compact -q child.vhd || fail "compact of a differencing disk failed"
[ "$(blocks child.vhd)" = 2 ] || fail "child: $(blocks child.vhd) blocks left, want 2"
"$VHDTOOL" compare -q -F raw child.vhd child-before.raw || fail "child data changed"
"$VHDTOOL" check -q child.vhd || fail "child not clean after compact"

# the base of a chain: its child still opens and reads the same
poke base.vhd $((24 * MiB)) z1
"$VHDTOOL" compact -q base.vhd || fail "compact of a parent failed"
"$VHDTOOL" compare -q -F raw child.vhd child-before.raw || fail "child reads differently after its base was compacted"
"$VHDTOOL" check -q child.vhd || fail "chain not clean after the base was compacted"

# refusals
sum=$(sha d.vhd)
flock -s d.vhd sleep 30 & holder=$!
cleanup_fn "kill $holder 2>/dev/null"
sleep 0.2
expect_error_line d.vhd "$VHDTOOL" compact d.vhd
kill $holder; wait $holder 2>/dev/null || true
[ "$(sha d.vhd)" = "$sum" ] || fail "refused compact changed the disk"
qemu-img create -q -f vpc -o subformat=fixed f.vhd 1M
expect_error_line f.vhd "$VHDTOOL" compact f.vhd

# SIGKILL during a compact: the old disk or the new one, same data
"$VHDTOOL" create --type dynamic --size 200M big.vhd
random_file r $((60 * MiB)); poke big.vhd 0 r
head -c $((60 * MiB)) /dev/zero > z60; poke big.vhd $((100 * MiB)) z60
"$VHDTOOL" convert -q big.vhd big.raw
for delay in 0.05 0.2 0.5; do
    "$VHDTOOL" compact -q big.vhd & pid=$!
    sleep $delay; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
    "$VHDTOOL" check -q big.vhd || fail "not clean after SIGKILL at $delay s"
    "$VHDTOOL" compare -q -F raw big.vhd big.raw || fail "data changed by SIGKILL at $delay s"
    rm -f big.vhd.compact.*
done
echo OK
