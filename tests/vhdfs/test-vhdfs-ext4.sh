#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# A real file system on the flat file: mkfs.ext4 on a dynamic VHD and on a
# differencing VHD (over a base that already holds an ext4 with files),
# mount -o loop, write files, unmount everything, remount, e2fsck -fn clean,
# every file's checksum intact; the base is never modified by the child.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
requires mkfs.ext4 -V
[ -x "$VHDTOOL" ] || fail "vhdtool not built: $VHDTOOL"

inner="$tmp/inner"
mkdir -p "$inner"
cleanup_fn "umount '$inner' 2>/dev/null"

# fill DIR SEED: a few files of assorted sizes, checksums in $tmp/sums-SEED.
fill()
{
    local i
    mkdir -p "$1/sub"
    for i in 1 2 3 4 5; do
        pattern "$1/f$i" $(( (i * 977 + 13) * 1024 )) $(( $2 * 10 + i ))
    done
    pattern "$1/sub/big" $((9 << 20)) "$2"
    (cd "$1" && find . -type f | sort | xargs sha256sum) > "$tmp/sums-$2"
}

# verify IMG NAME SEED...: remount IMG, fsck, and check the listed file sets.
verify()
{
    local img=$1 name=$2 seed
    shift 2
    start_vhdfs "$img" "$tmp/m"
    e2fsck -fn "$tmp/m/$name" >"$tmp/fsck.log" 2>&1 || { cat "$tmp/fsck.log"; fail "$name: e2fsck found problems"; }
    mount -o loop,ro "$tmp/m/$name" "$inner"
    for seed in "$@"; do
        (cd "$inner" && sha256sum --quiet -c "$tmp/sums-$seed") || fail "$name: files of set $seed differ"
    done
    umount "$inner"
    unmount "$tmp/m" $VHDFS_PID
}

# Dynamic.
vhd_create dynamic $((128 << 20)) "$tmp/base.vhd"
start_vhdfs "$tmp/base.vhd" "$tmp/m"
mkfs.ext4 -q -F "$tmp/m/base"
mount -o loop "$tmp/m/base" "$inner"
fill "$inner" 1
umount "$inner"
unmount "$tmp/m" $VHDFS_PID
verify "$tmp/base.vhd" base 1
base_sum=$(sha256sum < "$tmp/base.vhd")

# Differencing over it: more files in the same file system...
vhd_create diff "$tmp/base.vhd" "$tmp/child.vhd"
start_vhdfs "$tmp/child.vhd" "$tmp/m"
mount -o loop "$tmp/m/child" "$inner"
mkdir "$inner/two"
fill "$inner/two" 2
sed -i 's| \./| ./two/|' "$tmp/sums-2"
rm "$inner/f1"
sed -i '/ \.\/f1$/d' "$tmp/sums-1"
umount "$inner"
unmount "$tmp/m" $VHDFS_PID
[ "$(sha256sum < "$tmp/base.vhd")" = "$base_sum" ] || fail "the base changed under its child"
verify "$tmp/child.vhd" child 1 2

# ... and a fresh ext4 made on a differencing disk.
vhd_create diff "$tmp/base.vhd" "$tmp/child2.vhd"
start_vhdfs "$tmp/child2.vhd" "$tmp/m"
mkfs.ext4 -q -F "$tmp/m/child2"
mount -o loop "$tmp/m/child2" "$inner"
fill "$inner" 3
umount "$inner"
unmount "$tmp/m" $VHDFS_PID
verify "$tmp/child2.vhd" child2 3
[ "$(sha256sum < "$tmp/base.vhd")" = "$base_sum" ] || fail "the base changed under its second child"

# The differencing disk's flat image, read by vhdtool convert, matches.
start_vhdfs "$tmp/child.vhd" "$tmp/m" -o ro
"$VHDTOOL" convert "$tmp/child.vhd" "$tmp/child.raw"
cmp "$tmp/child.raw" "$tmp/m/child" || fail "vhdtool convert and vhdfs disagree on child.vhd"
unmount "$tmp/m" $VHDFS_PID
echo "PASS: ext4 on dynamic and differencing disks"
