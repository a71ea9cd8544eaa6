#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# VHDX both ways with qemu-img: images qemu-img makes (fixed and dynamic,
# several block sizes, data written by qemu-io including zeroed blocks)
# read identically through libvhd; images vhdtool makes (create, convert
# --to vhdx) read identically in qemu-img, and `qemu-img check` is clean.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires command -v qemu-img
requires command -v qemu-io

random_file "$tmp/in.raw" $((40 << 20))
dd if=/dev/zero of="$tmp/in.raw" bs=1M seek=8 count=12 conv=notrunc status=none

for bs in 1M 8M 32M; do
    for sub in dynamic fixed; do
        img=$tmp/q-$sub-$bs.vhdx
        qemu-img create -q -f vhdx -o subformat=$sub,block_size=$bs "$img" 100M
        qemu-io -f vhdx -c 'write -P 0x5a 1M 3M' -c 'write -P 0x11 40M 512' \
            -c 'write -z 50M 2M' -c 'write -P 0x33 99M 1M' "$img" > /dev/null
        "$VHDTOOL" convert --quiet "$img" "$tmp/ours.raw" || fail "convert $img"
        qemu-img convert -f vhdx -O raw "$img" "$tmp/qemu.raw"
        cmp "$tmp/ours.raw" "$tmp/qemu.raw" || fail "$sub $bs: libvhd reads qemu's VHDX differently"
        "$VHDTOOL" check "$img" > /dev/null || fail "check $img"
    done
    out=$tmp/ours-$bs.vhdx
    "$VHDTOOL" convert --quiet --to vhdx --block-size $bs "$tmp/in.raw" "$out" || fail "convert --to vhdx"
    qemu-img check -q -f vhdx "$out" || fail "qemu-img check $out"
    qemu-img convert -f vhdx -O raw "$out" "$tmp/qemu.raw"
    cmp "$tmp/qemu.raw" "$tmp/in.raw" || fail "qemu-img reads our $bs VHDX differently"
    [ "$(json "$out" '."block-size"')" = $(( ${bs%M} << 20 )) ] || fail "block size $bs"
done

# create: by name, by --format, fixed
"$VHDTOOL" create -q --size 64M "$tmp/n.vhdx" || fail "create n.vhdx"
"$VHDTOOL" create -q --size 64M --format vhdx "$tmp/f.img" || fail "create --format vhdx"
"$VHDTOOL" create -q --size 64M --format vhd "$tmp/v.vhdx" || fail "create --format vhd"
"$VHDTOOL" create -q --type fixed --size 48M "$tmp/x.vhdx" || fail "create fixed"
for f in n.vhdx f.img x.vhdx; do
    [ "$(qemu-img info --output=json "$tmp/$f" | jq -r .format)" = vhdx ] || fail "$f is not VHDX to qemu"
    qemu-img check -q -f vhdx "$tmp/$f" || fail "qemu-img check $f"
done
[ "$(qemu-img info --output=json "$tmp/v.vhdx" | jq -r .format)" = vpc ] || fail "--format vhd ignored"
[ "$(json "$tmp/x.vhdx" .type)" = fixed ] || fail "fixed VHDX not fixed"
[ "$(json "$tmp/n.vhdx" '."block-size"')" = $((32 << 20)) ] || fail "default block size"
echo OK
