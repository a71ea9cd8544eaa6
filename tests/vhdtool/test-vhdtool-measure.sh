#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# measure's figures are the sizes of the files create and convert really
# make: an empty dynamic disk (required) and one with every block written
# (fully allocated), a fixed disk (as qemu-img makes it too), a raw file
# and a VHD with data converted.  qemu-img measure cannot measure vpc
# ("does not support size measurement"), so real files are the reference;
# its output shape (keys, --output=json) is copied.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
requires jq --version

cd "$tmp"
MiB=1048576
# m ARGS... KEY: one figure of measure --output=json
m() { local key=${!#}; "$VHDTOOL" measure --output=json "${@:1:$#-1}" | jq ".\"$key\""; }

for bs in 2M 512K; do
    "$VHDTOOL" create --type dynamic --block-size $bs --size 40M e.vhd
    [ "$(m --size 40M --block-size $bs required)" = "$(stat -c %s e.vhd)" ] || fail "$bs: empty dynamic"
    random_file full $((40 * MiB))
    "$VHDTOOL" convert -q --to vhd --block-size $bs full f.vhd
    [ "$(m --size 40M --block-size $bs fully-allocated)" = "$(stat -c %s f.vhd)" ] ||
        fail "$bs: fully allocated $(m --size 40M --block-size $bs fully-allocated), file $(stat -c %s f.vhd)"
    # a sparse raw with data in a few blocks, and the VHD made from it
    truncate -s $((40 * MiB)) part; random_file a $((3 * MiB))
    dd if=a of=part bs=1M seek=5 conv=notrunc status=none
    dd if=a of=part bs=1M seek=30 count=1 conv=notrunc status=none
    "$VHDTOOL" convert -q --to vhd --block-size $bs part p.vhd
    [ "$(m -f raw --block-size $bs part required)" = "$(stat -c %s p.vhd)" ] || fail "$bs: raw source"
    [ "$(m --block-size $bs p.vhd required)" = "$(stat -c %s p.vhd)" ] || fail "$bs: vhd source"
    rm -f e.vhd f.vhd p.vhd
done
# fixed: the virtual size plus the footer, as qemu-img's fixed vpc
qemu-img create -q -f vpc -o subformat=fixed,force_size=on q.vhd 40M
[ "$(m --type fixed --size 40M required)" = "$(stat -c %s q.vhd)" ] || fail "fixed vs qemu-img"
[ "$(m --type fixed --size 40M fully-allocated)" = "$(stat -c %s q.vhd)" ] || fail "fixed fully allocated"
# qemu-img measure's human shape
"$VHDTOOL" measure -O vpc --size 1G | grep -qx "required size: [0-9]*" || fail "human output"
"$VHDTOOL" measure --size 1G | grep -qx "fully allocated size: [0-9]*" || fail "human output"
rc=0; "$VHDTOOL" measure 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "nothing to measure: exit $rc"
rc=0; "$VHDTOOL" measure -O qcow2 --size 1G 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "-O qcow2: exit $rc"
rc=0; "$VHDTOOL" measure --size 3000G 2>/dev/null || rc=$?; [ $rc = 1 ] || fail "too large: exit $rc"
echo OK
