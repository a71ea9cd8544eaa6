#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Images made by qemu-img (create -f vpc, convert -O vpc; fixed and
# dynamic; random data with holes) read back through `vhdtool convert`
# byte-identical to `qemu-img convert -O raw`.
#
# Sizes: without force_size=on qemu rounds the size up to a whole CHS
# geometry and writes that as the footer's current size, with creator
# "qemu"; with force_size=on it keeps the size and writes creator "qem2".
# Either way the footer's current size is what qemu itself reads, so the
# two tools must report the same size; the test asserts that, then compares
# the data over it.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version

cd "$tmp"
MiB=1048576

# compare_with_qemu IMG: sizes agree and data is byte-identical.
compare_with_qemu()
{
    local img=$1 qsize vsize
    qsize=$(qemu-img info -f vpc --output=json "$img" | jq '."virtual-size"')
    vsize=$(json "$img" '."virtual-size"')
    [ "$qsize" = "$vsize" ] || fail "$img: qemu-img reports $qsize bytes, vhdtool $vsize"
    "$VHDTOOL" convert "$img" "$img.vhdtool.raw"
    qemu-img convert -f vpc -O raw "$img" "$img.qemu.raw"
    [ "$(stat -c %s "$img.vhdtool.raw")" = "$vsize" ] || fail "$img: raw output size"
    cmp "$img.vhdtool.raw" "$img.qemu.raw" || fail "$img: vhdtool and qemu read different data"
    "$VHDTOOL" check -q "$img" || fail "$img: vhdtool check rejects a qemu image"
    rm -f "$img.vhdtool.raw" "$img.qemu.raw"
}

# Empty images from qemu-img create, odd sizes included.
for opts in subformat=dynamic subformat=fixed subformat=dynamic,force_size=on subformat=fixed,force_size=on; do
    for size in 1000000K 65M 3G; do
        [ "$size" = 3G ] && [ "${opts#subformat=fixed}" != "$opts" ] && continue
        img="empty-${opts//[=,]/_}-$size.vhd"
        qemu-img create -q -f vpc -o "$opts" "$img" "$size"
        compare_with_qemu "$img"
        rm -f "$img"
    done
done

# Random data with holes, converted to vpc by qemu.  Data also lands in the
# middle of blocks and in the last sector so partial blocks are exercised.
truncate -s $((41 * MiB + 3 * 512)) src.raw
random_file d $((MiB + 512));     dd if=d of=src.raw bs=512 seek=7 conv=notrunc status=none
random_file d $((5 * MiB));       dd if=d of=src.raw bs=$MiB seek=9 conv=notrunc status=none
random_file d 4096;               dd if=d of=src.raw bs=4096 seek=$((20 * 256 + 17)) conv=notrunc status=none
random_file d 1536;               dd if=d of=src.raw bs=512 seek=$((41 * 2048)) conv=notrunc status=none
for opts in subformat=dynamic subformat=fixed subformat=dynamic,force_size=on subformat=fixed,force_size=on; do
    img="data-${opts//[=,]/_}.vhd"
    qemu-img convert -q -f raw -O vpc -o "$opts" src.raw "$img"
    compare_with_qemu "$img"
done
echo OK
