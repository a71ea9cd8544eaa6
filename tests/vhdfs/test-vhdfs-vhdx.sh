#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# VHDX through vhdfs: a directory holding a dynamic VHDX base, a VHDX
# differencing chain of depth 3 made by vhdtool and a VHD shows them as
# MOUNTPOINT/<name without .vhdx>; writes through the mount (unaligned,
# across blocks, at the end) into the top of the chain read back exactly
# after a remount, through `vhdtool convert` (the whole chain), and the
# dynamic base written the same way reads identically through libvhdi's
# vhdimount (an independent reader), as do the differencing chains, and by
# qemu-img;
# qemu-img check is clean.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
[ -x "$VHDTOOL" ] || fail "vhdtool not built: $VHDTOOL"

size=$((24 << 20))
d="$tmp/disks"
mkdir -p "$d"
pattern "$tmp/a" $((3 << 20)) 1
pattern "$tmp/b" 5000 2
pattern "$tmp/c" 512 3
# write_all TARGET: the same writes to a flat file and to a model.
write_all()
{
    dd if="$tmp/a" of="$1" bs=1M seek=1 conv=notrunc status=none
    dd if="$tmp/b" of="$1" bs=1 seek=$(( (2 << 20) + 77 )) conv=notrunc status=none
    dd if="$tmp/b" of="$1" bs=1 seek=$(( (8 << 20) - 2500 )) conv=notrunc status=none
    dd if="$tmp/c" of="$1" bs=512 seek=$((size / 512 - 1)) conv=notrunc status=none
}

"$VHDTOOL" create -q --size $size --block-size 1M "$d/base.vhdx"
"$VHDTOOL" create -q --size $size --block-size 1M "$d/solo.vhdx"
"$VHDTOOL" create -q --size $((4 << 20)) "$d/old.vhd"
truncate -s $size "$tmp/model-solo"
write_all "$tmp/model-solo"

start_vhdfs "$d" "$tmp/m"
got=$(ls "$tmp/m" | xargs)
[ "$got" = "base old solo" ] || fail "files shown: '$got'"
# base gets data first (a chain's parent must not change later)
dd if="$tmp/a" of="$tmp/m/base" bs=1M seek=10 conv=notrunc,fsync status=none
write_all "$tmp/m/solo"
cmp "$tmp/m/solo" "$tmp/model-solo" || fail "solo: read back differs"
unmount "$tmp/m" $VHDFS_PID

"$VHDTOOL" create -q --parent "$d/base.vhdx" "$d/mid.vhdx"
"$VHDTOOL" create -q --parent "$d/mid.vhdx" "$d/top.vhdx"
"$VHDTOOL" convert -q "$d/base.vhdx" "$tmp/model-top"
write_all "$tmp/model-top"
start_vhdfs "$d/top.vhdx" "$tmp/m"
[ "$(stat -c %s "$tmp/m/top")" = $size ] || fail "top: wrong size"
write_all "$tmp/m/top"
cmp "$tmp/m/top" "$tmp/model-top" || fail "top: read back differs from the model"
unmount "$tmp/m" $VHDFS_PID
start_vhdfs "$d/top.vhdx" "$tmp/m" -o ro
cmp "$tmp/m/top" "$tmp/model-top" || fail "top: differs after a remount"
unmount "$tmp/m" $VHDFS_PID

# TRIM: punched ranges read as zeros in a dynamic VHDX (a whole block goes
# back to NOT_PRESENT) and as the parent's bytes in a differencing one.
"$VHDTOOL" create -q --parent "$d/top.vhdx" "$d/trim.vhdx"
cp "$tmp/model-top" "$tmp/model-trim"
start_vhdfs "$d" "$tmp/m"
dd if="$tmp/a" of="$tmp/m/trim" bs=1M seek=4 conv=notrunc status=none
fallocate -p -o $((4 << 20)) -l $((1 << 20)) "$tmp/m/trim"
fallocate -p -o $(((5 << 20) + 1000)) -l 70000 "$tmp/m/trim"
dd if="$tmp/a" of="$tmp/model-trim" bs=1M seek=4 conv=notrunc status=none
dd if="$tmp/model-top" of="$tmp/model-trim" bs=1M skip=4 seek=4 count=1 conv=notrunc status=none
dd if="$tmp/model-top" of="$tmp/model-trim" bs=1 skip=$(((5 << 20) + 1000)) seek=$(((5 << 20) + 1000)) \
    count=70000 conv=notrunc status=none
cmp "$tmp/m/trim" "$tmp/model-trim" || fail "trim: discard in a differencing VHDX"
fallocate -p -o $((1 << 20)) -l $((2 << 20)) "$tmp/m/solo"
dd if=/dev/zero of="$tmp/model-solo" bs=1M seek=1 count=2 conv=notrunc status=none
cmp "$tmp/m/solo" "$tmp/model-solo" || fail "trim: discard in a dynamic VHDX"
unmount "$tmp/m" $VHDFS_PID
"$VHDTOOL" convert -q "$d/trim.vhdx" "$tmp/trim.raw"
cmp "$tmp/trim.raw" "$tmp/model-trim" || fail "trim: differs after unmount"

"$VHDTOOL" check "$d/top.vhdx" > /dev/null || fail "check top.vhdx"
[ "$("$VHDTOOL" info --json "$d/top.vhdx" | jq -r '."chain-depth"')" = 3 ] || fail "chain depth"
"$VHDTOOL" convert -q "$d/top.vhdx" "$tmp/top.raw"
cmp "$tmp/top.raw" "$tmp/model-top" || fail "convert of the chain differs"
for f in base solo; do
    qemu-img check -q -f vhdx "$d/$f.vhdx" || fail "qemu-img check $f"
done
qemu-img convert -f vhdx -O raw "$d/solo.vhdx" "$tmp/q.raw"
cmp "$tmp/q.raw" "$tmp/model-solo" || fail "qemu-img reads solo differently"
if command -v vhdimount > /dev/null; then
    mkdir -p "$tmp/vi"
    vhdimount "$d/solo.vhdx" "$tmp/vi" > /dev/null || fail "vhdimount solo.vhdx"
    cleanup_fn "fusermount3 -u '$tmp/vi' 2>/dev/null"
    cmp "$tmp/vi/vhdi1" "$tmp/model-solo" || fail "vhdimount reads solo differently"
    fusermount3 -u "$tmp/vi"
    # differencing chains: vhdimount shows one file per layer, the base as
    # vhdi1 and the named top last (see libvhd/README.md)
    for f in top:3 trim:4; do
        vhdimount "$d/${f%:*}.vhdx" "$tmp/vi" > /dev/null || fail "vhdimount ${f%:*}.vhdx"
        [ -e "$tmp/vi/vhdi${f#*:}" ] && [ ! -e "$tmp/vi/vhdi$((${f#*:} + 1))" ] ||
            { ls "$tmp/vi"; fail "vhdimount ${f%:*}: not ${f#*:} layers"; }
        cmp "$tmp/vi/vhdi${f#*:}" "$tmp/model-${f%:*}" || fail "vhdimount reads ${f%:*} differently"
        cmp -s "$tmp/vi/vhdi1" "$tmp/model-${f%:*}" && fail "vhdimount's base reads as ${f%:*}"
        fusermount3 -u "$tmp/vi"
    done
fi
echo OK
