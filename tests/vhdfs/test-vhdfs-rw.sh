#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Mount, write, read back, unmount, remount: fixed and dynamic images, then
# check the image with qemu-img convert against a raw model that received the
# same writes (aligned and unaligned, across block boundaries, at the end).
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version

size=$((64 << 20))
pattern "$tmp/a" $((5 << 20)) 1
pattern "$tmp/b" 3000 2
pattern "$tmp/c" 512 3

# write_all TARGET: the same writes to the flat file and to the model.
write_all()
{
    dd if="$tmp/a" of="$1" bs=1M seek=1 conv=notrunc,fsync status=none   # 1 MiB..6 MiB
    dd if="$tmp/b" of="$1" bs=1 seek=$(( (2 << 20) + 77 )) conv=notrunc status=none
    dd if="$tmp/b" of="$1" bs=1 seek=$(( (4 << 20) - 1500 )) conv=notrunc status=none
    dd if="$tmp/c" of="$1" bs=512 seek=$((size / 512 - 1)) conv=notrunc status=none
}

for type in fixed dynamic; do
    img="$tmp/$type.vhd" mnt="$tmp/mnt-$type"
    vhd_create $type $size "$img"
    truncate -s $size "$tmp/model-$type"
    write_all "$tmp/model-$type"

    start_vhdfs "$img" "$mnt"
    flat="$mnt/$type"
    [ "$(stat -c %s "$flat")" = $size ] || fail "$type: flat size $(stat -c %s "$flat") != $size"
    write_all "$flat"
    cmp "$flat" "$tmp/model-$type" || fail "$type: read back differs from the model"
    # O_DIRECT reads (which read the VHD file with O_DIRECT) see writes
    # that are still only in the VHD file's page cache.
    dd if="$tmp/c" of="$flat" bs=1 seek=$(( (7 << 20) + 5 )) conv=notrunc status=none
    dd if="$tmp/c" of="$tmp/model-$type" bs=1 seek=$(( (7 << 20) + 5 )) conv=notrunc status=none
    dd if="$flat" of="$tmp/direct" bs=1M iflag=direct status=none
    cmp "$tmp/direct" "$tmp/model-$type" || fail "$type: O_DIRECT read misses recent writes"
    # Writing past the end is refused, like a block device.
    if dd if="$tmp/c" of="$flat" bs=512 seek=$((size / 512)) conv=notrunc status=none 2>/dev/null; then
        fail "$type: write past the end succeeded"
    fi
    unmount "$mnt" $VHDFS_PID

    qemu-img convert -f vpc -O raw "$img" "$tmp/conv-$type"
    cmp "$tmp/conv-$type" "$tmp/model-$type" || fail "$type: qemu-img sees different data"

    start_vhdfs "$img" "$mnt"
    cmp "$flat" "$tmp/model-$type" || fail "$type: data differs after remount"
    # O_DIRECT reads see the same bytes.
    dd if="$flat" of="$tmp/direct" bs=1M iflag=direct status=none
    cmp "$tmp/direct" "$tmp/model-$type" || fail "$type: O_DIRECT read differs"
    unmount "$mnt" $VHDFS_PID
done
echo "PASS: fixed and dynamic read/write/remount"
