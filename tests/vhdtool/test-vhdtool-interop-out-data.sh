#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Data put into VHDs by vhdtool (convert --to vhd, fixed and dynamic) and by
# libvhd writes (unaligned, spanning blocks) reads back identical through
# qemu-img convert -O raw, and a dynamic output allocates only the blocks
# that hold something.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version

cd "$tmp"
MiB=1048576
# 37 MiB raw image: random data, holes, a zero-filled written region (must
# not be allocated in a dynamic VHD), and data in the very last sector.
truncate -s $((37 * MiB)) in.raw
random_file r1 $((MiB + 4096));  dd if=r1 of=in.raw bs=1 seek=0 conv=notrunc status=none
random_file r2 $((3 * MiB + 777)); dd if=r2 of=in.raw bs=4096 seek=$((5 * 256 + 3)) conv=notrunc status=none
head -c $((4 * MiB)) /dev/zero | dd of=in.raw bs=$MiB seek=12 conv=notrunc status=none
random_file r3 512;              dd if=r3 of=in.raw bs=512 seek=$((37 * 2048 - 1)) conv=notrunc status=none
random_file r4 100;              dd if=r4 of=in.raw bs=1 seek=$((30 * MiB - 50)) conv=notrunc status=none

for t in dynamic fixed; do
    "$VHDTOOL" convert --to vhd --type "$t" in.raw "$t.vhd"
    [ "$(json "$t.vhd" .type)" = "$t" ] || fail "$t.vhd has the wrong type"
    qemu-img convert -f vpc -O raw "$t.vhd" "$t.qemu.raw"
    cmp in.raw "$t.qemu.raw" || fail "$t: qemu reads other data than was converted"
    qemu-img compare -q -f vpc -F raw "$t.vhd" in.raw || fail "$t: qemu-img compare"
done

# Blocks with data (2 MiB blocks): 0 (r1), 2..4 (r2: 5 MiB+12 KiB .. 8 MiB+12 KiB+777),
# 14 (r4 crosses 30 MiB - 50: blocks 14 and 15), 18 (last sector).
want=$(for b in 0 2 3 4 14 15 18; do echo $b; done | wc -l)
got=$(json dynamic.vhd '."allocated-blocks"')
[ "$got" = "$want" ] || fail "dynamic.vhd allocates $got blocks, want $want (zeros must not allocate)"

# A smaller block size and a size that is not a multiple of a block.
head -c $((5 * MiB + 512)) in.raw > odd.raw
"$VHDTOOL" convert --to vhd --block-size 256K odd.raw odd.vhd
[ "$(json odd.vhd '."virtual-size"')" = $((5 * MiB + 512)) ] || fail "odd.vhd size"
qemu-img convert -f vpc -O raw odd.vhd odd.qemu.raw
cmp odd.raw odd.qemu.raw || fail "256K blocks: qemu reads other data"

# Writes through libvhd at unaligned offsets, spanning blocks, into a
# disk made by vhdtool create; the same writes into a raw file by dd.
"$VHDTOOL" create --type dynamic --size 20M poked.vhd
truncate -s $((20 * MiB)) poked.raw
for spec in 0:1 511:2 1000:5000 $((2 * MiB - 300)):700 $((7 * MiB + 3)):$((3 * MiB)) $((20 * MiB - 1)):1; do
    IFS=: read -r off len <<< "$spec"
    random_file chunk "$len"
    poke poked.vhd "$off" chunk
    dd if=chunk of=poked.raw bs=1 seek="$off" conv=notrunc status=none
done
qemu-img convert -f vpc -O raw poked.vhd poked.qemu.raw
cmp poked.raw poked.qemu.raw || fail "libvhd writes read back differently through qemu"
"$VHDTOOL" check -q poked.vhd || fail "check after writes"
echo OK
