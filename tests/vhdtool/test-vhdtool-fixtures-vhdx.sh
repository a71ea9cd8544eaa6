#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# VHDX fixtures (Disk2vhd, the qemu iotests image from Hyper-V) read
# byte-for-byte like qemu-img reads them, report format vhdx, check clean,
# and are left unchanged by reading.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
[ -r "$FIXTURES/VERIFY.txt" ] || { echo "skipped: no fixtures at $FIXTURES"; exit 77; }
requires command -v qemu-img

n=0
for f in "$FIXTURES"/*/*.vhdx*; do
    img=$(fixture "${f#"$FIXTURES"/}")
    before=$(sha "$img")
    "$VHDTOOL" convert --quiet "$img" "$tmp/ours.raw" || fail "convert $img"
    qemu-img convert -f vhdx -O raw "$img" "$tmp/qemu.raw" || fail "qemu-img convert $img"
    cmp "$tmp/ours.raw" "$tmp/qemu.raw" || fail "$img: our bytes differ from qemu-img's"
    [ "$(json "$img" .format)" = vhdx ] || fail "$img: info --json format is not vhdx"
    "$VHDTOOL" check "$img" > /dev/null || fail "check $img"
    [ "$(sha "$img")" = "$before" ] || fail "$img changed"
    rm -f "$tmp/ours.raw" "$tmp/qemu.raw"
    n=$((n + 1))
done
[ "$n" -ge 2 ] || fail "VHDX fixtures missing"
echo OK
