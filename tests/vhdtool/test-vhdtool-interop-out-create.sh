#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Images made by `vhdtool create` (fixed, dynamic, differencing; odd sizes
# too) are accepted by tools nobody here wrote: qemu-img and libvhdi's
# vhdiinfo see the exact virtual size, type and ids, and read them as zeros.
#
# qemu 7.2's vpc driver has no consistency check: `qemu-img check -f vpc`
# exits 63 with "This image format does not support checks".  That is
# asserted (so a qemu that grows a check must pass it), and the checks qemu
# does support stand in: `qemu-img info` (the image opens, size exact) and
# `qemu-img compare` against a zero raw image (every block readable).
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
requires vhdiinfo -V

cd "$tmp"

qemu_check()
{
    local rc=0
    qemu-img check -f vpc "$1" >"$tmp/qcheck" 2>&1 || rc=$?
    if [ "$rc" -eq 63 ]; then
        grep -q 'does not support checks' "$tmp/qcheck" || { cat "$tmp/qcheck"; fail "qemu-img check rc 63: $1"; }
    elif [ "$rc" -ne 0 ]; then
        cat "$tmp/qcheck"; fail "qemu-img check rejects $1"
    fi
}

# verify IMG BYTES TYPE(vhdiinfo's word)
verify()
{
    local img=$1 bytes=$2 vtype=$3 qsize uuid
    qemu_check "$img"
    qsize=$(qemu-img info -f vpc --output=json "$img" | jq '."virtual-size"')
    [ "$qsize" = "$bytes" ] || fail "$img: qemu-img says $qsize bytes, want $bytes"
    [ "$(json "$img" '."virtual-size"')" = "$bytes" ] || fail "$img: vhdtool size"
    vhdiinfo "$img" > vi.txt 2>&1 || { cat vi.txt; fail "vhdiinfo rejects $img"; }
    grep -q "Media size.*($bytes bytes)" vi.txt || { cat vi.txt; fail "$img: vhdiinfo size, want $bytes"; }
    grep -q "Disk type[[:space:]]*: $vtype" vi.txt || { cat vi.txt; fail "$img: vhdiinfo type, want $vtype"; }
    uuid=$(json "$img" .uuid)
    grep -qi "Identifier[[:space:]]*: $uuid" vi.txt || { cat vi.txt; fail "$img: vhdiinfo id, want $uuid"; }
    "$VHDTOOL" check -q "$img" || fail "vhdtool check rejects its own $img"
}

for spec in dynamic:1000000K:1024000000 dynamic:3G:3221225472 dynamic:1M:1048576 \
            dynamic:4097K:4195328 fixed:1000000K:1024000000 fixed:3G:3221225472 \
            fixed:7M:7340032 fixed:33554944:33554944; do
    IFS=: read -r type size bytes <<< "$spec"
    img="$type-$size.vhd"
    "$VHDTOOL" create --type "$type" --size "$size" "$img"
    if [ "$type" = fixed ]; then
        verify "$img" "$bytes" Fixed
        [ "$(stat -c %s "$img")" = $((bytes + 512)) ] || fail "$img: file size"
    else
        verify "$img" "$bytes" Dynamic
    fi
    # Every sector reads as zeros through qemu.
    truncate -s "$bytes" zero.raw
    qemu-img compare -q -f vpc -F raw "$img" zero.raw || fail "$img: qemu reads non-zero data"
    rm -f zero.raw
    [ "$type" = fixed ] && rm -f "$img"
done

# A block size other than the default is read the same way.
"$VHDTOOL" create --type dynamic --size 100M --block-size 512K small-blocks.vhd
verify small-blocks.vhd 104857600 Dynamic
[ "$(qemu-img info -f vpc --output=json small-blocks.vhd | jq '."cluster-size"')" = 524288 ] ||
    fail "qemu sees another block size"

# Differencing: qemu opens it (qemu's vpc reads no parent; the size is what
# can be compared), vhdiinfo names the parent and its id.
"$VHDTOOL" create --type diff --parent dynamic-1000000K.vhd child.vhd
verify child.vhd 1024000000 Differential
base_uuid=$(json dynamic-1000000K.vhd .uuid)
vhdiinfo child.vhd > vi.txt
grep -qi "Parent identifier[[:space:]]*: $base_uuid" vi.txt || { cat vi.txt; fail "vhdiinfo parent id"; }
grep -q "Parent filename.*dynamic-1000000K.vhd" vi.txt || { cat vi.txt; fail "vhdiinfo parent name"; }
echo OK
