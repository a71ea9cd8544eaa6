#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Refusals: a corrupt image, a missing parent, a parent whose unique id does
# not match, a top already open elsewhere, and a writable mount of a disk that
# is the parent of an open child.  Each one: non-zero exit before vhdfs
# detaches (run without -f), a message naming the file and the reason,
# nothing mounted.  A read-only mount of that parent is still allowed.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
[ -x "$VHDTOOL" ] || fail "vhdtool not built: $VHDTOOL"

mnt="$tmp/mnt"
mkdir -p "$mnt"
cleanup_fn "mountpoint -q '$mnt' && fusermount3 -u -z '$mnt'"

# refused WHAT FILE REASON-REGEX IMAGE [OPTIONS...]: vhdfs must refuse IMAGE
# with a message naming FILE and matching REASON-REGEX.
refused()
{
    local what=$1 file=$2 reason=$3 img=$4
    shift 4
    if "$VHDFS" "$img" "$mnt" "$@" 2>"$tmp/err"; then
        fail "$what: vhdfs accepted $img"
    fi
    mountpoint -q "$mnt" && fail "$what: something is mounted on $mnt"
    grep -qF "$(basename "$file")" "$tmp/err" || { cat "$tmp/err"; fail "$what: message does not name $file"; }
    grep -qiE "$reason" "$tmp/err" || { cat "$tmp/err"; fail "$what: message does not say why ($reason)"; }
    echo "ok: $what: $(cat "$tmp/err")"
}

# Corrupt images.
vhd_create fixed $((4 << 20)) "$tmp/fixed.vhd"
printf '\xff' | dd of="$tmp/fixed.vhd" bs=1 seek=$(((4 << 20) + 100)) conv=notrunc status=none
refused "bad footer" "$tmp/fixed.vhd" "checksum" "$tmp/fixed.vhd"
vhd_create dynamic $((4 << 20)) "$tmp/dyn.vhd"
printf 'garbage!' | dd of="$tmp/dyn.vhd" bs=1 seek=512 conv=notrunc status=none
refused "bad dynamic header" "$tmp/dyn.vhd" "header|cookie" "$tmp/dyn.vhd"
head -c 300 /dev/urandom > "$tmp/short.vhd"
refused "not a VHD" "$tmp/short.vhd" "small|footer|vhd" "$tmp/short.vhd"
refused "no such file" "$tmp/none.vhd" "no such file" "$tmp/none.vhd"

# Chains: missing parent, wrong parent.
vhd_create dynamic $((8 << 20)) "$tmp/base.vhd"
vhd_create diff "$tmp/base.vhd" "$tmp/child.vhd"
mv "$tmp/base.vhd" "$tmp/base.away"
refused "missing parent" "$tmp/child.vhd" "parent" "$tmp/child.vhd"
vhd_create dynamic $((8 << 20)) "$tmp/base.vhd"
refused "wrong parent" "$tmp/child.vhd" "parent|id|uuid" "$tmp/child.vhd"
rm "$tmp/base.vhd"
mv "$tmp/base.away" "$tmp/base.vhd"

# Locks: the top open elsewhere; the parent of an open child.
start_vhdfs "$tmp/child.vhd" "$tmp/m-child"
refused "top already open" "$tmp/child.vhd" "in use|busy|lock" "$tmp/child.vhd"
refused "top already open (ro)" "$tmp/child.vhd" "in use|busy|lock" "$tmp/child.vhd" -o ro
refused "parent of an open child" "$tmp/base.vhd" "in use|busy|lock" "$tmp/base.vhd"
# ... but it may be looked at read-only.
start_vhdfs "$tmp/base.vhd" "$tmp/m-base" -o ro
cmp "$tmp/m-base/base" "$tmp/m-child/child" || fail "parent and empty child read differently"
echo "PASS: bad input refused before mounting"
