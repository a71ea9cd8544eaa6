#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# VHDX images (the fixtures from Hyper-V and Disk2vhd) are refused with a
# message that says VHDX is not supported, not a generic "bad footer".
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
[ -r "$FIXTURES/VERIFY.txt" ] || { echo "skipped: no fixtures at $FIXTURES"; exit 77; }

n=0
for f in "$FIXTURES"/*/*.vhdx*; do
    img=$(fixture "${f#"$FIXTURES"/}")
    before=$(sha "$img")
    for cmd in info check "convert --quiet" map; do
        # shellcheck disable=SC2086
        expect_error_line "$img" "$VHDTOOL" $cmd "$img" $( [ "$cmd" = "convert --quiet" ] && echo "$tmp/out.raw")
        grep -qi 'vhdx' "$tmp/err" || { cat "$tmp/err"; fail "$cmd $img: message does not say VHDX"; }
    done
    [ ! -e "$tmp/out.raw" ] || fail "convert of a VHDX left an output file"
    [ "$(sha "$img")" = "$before" ] || fail "$img changed"
    n=$((n + 1))
done
[ "$n" -ge 2 ] || fail "VHDX fixtures missing"
echo OK
