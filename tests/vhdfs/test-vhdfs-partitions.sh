#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# -o partitions: an MBR disk (two primaries and two logicals) and a GPT disk
# (three partitions) partitioned with sfdisk through a plain mount; remounted
# with -o partitions each partition is a file whose bytes are the disk's at
# the partition's offset (a write to one is seen at once through the other), and an ext4 made on one of them mounts with a plain
# mount -o loop, keeps its files across a remount and fscks clean.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
requires sfdisk --version
requires mkfs.ext4 -V

for label in dos gpt; do
    img="$tmp/$label.vhd" mnt="$tmp/m-$label"
    vhd_create dynamic $((96 << 20)) "$img"
    start_vhdfs "$img" "$mnt"
    if [ $label = dos ]; then
        printf 'label: dos\n,20M,83\n,20M,83\n,,5\n,10M,83\n,,83\n' | sfdisk -q "$mnt/$label" >/dev/null
        want="p1 p2 p5 p6"
    else
        printf 'label: gpt\n,20M\n,16M\n,,\n' | sfdisk -q "$mnt/$label" >/dev/null
        want="p1 p2 p3"
    fi
    sfdisk -d "$mnt/$label" > "$tmp/$label.table"
    unmount "$mnt" $VHDFS_PID

    start_vhdfs "$img" "$mnt" -o partitions
    got=$(cd "$mnt" && ls | sed -n "s/^$label-//p" | sort | xargs)
    [ "$got" = "$want" ] || fail "$label: partitions shown: '$got', want '$want'"
    # Each partition file is the disk's bytes at sfdisk's start and size.
    while read -r dev _ start _ size _; do
        n=${dev##*[!0-9]}
        start=${start%,} size=${size%,}
        [ "$(stat -c %s "$mnt/$label-p$n")" = $((size * 512)) ] || fail "$label-p$n: wrong size"
        last=$n last_start=$start
    done < <(grep '^/' "$tmp/$label.table" | grep -v 'type=5$' | sed 's/[:=]/ /g')
    pattern "$tmp/p" 65536 $last
    # Through one open file of the whole disk, read, write the partition,
    # read again: the write must be seen (the disk file's cache is dropped).
    "$PYTHON" - "$mnt/$label" "$mnt/$label-p$last" $((last_start * 512)) "$tmp/p" <<'PY' ||
import os, sys
disk, part, off, src = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
data = open(src, "rb").read()
fd = os.open(disk, os.O_RDONLY)
os.pread(fd, len(data), off)
with open(part, "r+b") as p:
    p.write(data)
    p.flush()
    os.fsync(p.fileno())
if os.pread(fd, len(data), off) != data:
    sys.exit("stale data through the whole-disk file")
PY
        fail "$label-p$last: a write to the partition is not seen at its offset in the disk"

    # ext4 on the first partition, through a loop device.
    mkfs.ext4 -q -F "$mnt/$label-p1"
    mkdir -p "$tmp/in-$label"
    mount -o loop "$mnt/$label-p1" "$tmp/in-$label"
    cleanup_fn "umount '$tmp/in-$label' 2>/dev/null"
    pattern "$tmp/in-$label/file" $((3 << 20)) 21
    sum=$(sha256sum < "$tmp/in-$label/file")
    umount "$tmp/in-$label"
    unmount "$mnt" $VHDFS_PID

    start_vhdfs "$img" "$mnt" -o partitions
    e2fsck -fn "$mnt/$label-p1" >"$tmp/fsck.log" 2>&1 || { cat "$tmp/fsck.log"; fail "$label-p1: e2fsck"; }
    mount -o loop,ro "$mnt/$label-p1" "$tmp/in-$label"
    [ "$(sha256sum < "$tmp/in-$label/file")" = "$sum" ] || fail "$label-p1: file changed"
    umount "$tmp/in-$label"
    unmount "$mnt" $VHDFS_PID
done
echo "PASS: MBR and GPT partitions"
