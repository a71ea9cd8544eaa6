#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The Windows-made chain win8-child.vhd -> win8.vhd: placed side by side
# (as Windows left them, the child's W2ru locator is .\win8.vhd) the child
# opens as a chain of two, ids linked, and reads like its parent where it
# holds nothing; qemu's vpc, which ignores parents, reads only the child.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
[ -r "$FIXTURES/VERIFY.txt" ] || { echo "skipped: no fixtures at $FIXTURES"; exit 77; }

child=$(fixture go-vhd/win8-child.vhd)
parent=$(fixture go-vhd/win8.vhd)
[ "$(dirname "$child")" = "$(dirname "$parent")" ] || fail "fixture layout"
"$PY" "$top_srcdir/tests/vhdtool/verify-txt.py" "$FIXTURES/VERIFY.txt" > "$tmp/expect"
child_id=$(awk '$1 == "go-vhd/win8-child.vhd" {print $4}' "$tmp/expect")
parent_id=$(awk '$1 == "go-vhd/win8.vhd" {print $4}' "$tmp/expect")

"$VHDTOOL" info --json "$child" > "$tmp/j"
[ "$(jq -r '.chain | length' "$tmp/j")" = 2 ] || fail "chain depth"
[ "$(jq -r '."chain-depth"' "$tmp/j")" = 2 ] || fail "chain-depth key"
[ "$(jq -r '.chain[0].uuid' "$tmp/j")" = "$child_id" ] || fail "top is not the child"
[ "$(jq -r '.chain[1].uuid' "$tmp/j")" = "$parent_id" ] || fail "base is not win8.vhd"
[ "$(jq -r '.chain[0]."parent-uuid"' "$tmp/j")" = "$parent_id" ] || fail "parent link"
[ "$(jq -r '.chain[0]."parent-name"' "$tmp/j")" = 'C:\Users\sergi\Downloads\win8.vhd' ] || fail "parent name"
[ "$(jq -r '.chain[0]."parent-timestamp"' "$tmp/j")" = null ] || fail "parent timestamp 0 is not null"
[ "$(jq -r '.chain[1].filename' "$tmp/j")" -ef "$parent" ] || fail "resolved parent path"
[ "$(jq -r '.chain[0].type + "," + .chain[1].type' "$tmp/j")" = differencing,dynamic ] || fail "types"
"$VHDTOOL" check "$child" > "$tmp/out" || { cat "$tmp/out"; fail "check of the chain"; }
grep -q '2 layers' "$tmp/out" || fail "check did not walk both layers"

# Data: the whole chain, against each layer read alone by qemu.
"$VHDTOOL" convert "$child" "$tmp/chain.raw"
qemu-img convert -f vpc -O raw "$parent" "$tmp/parent.raw"
if [ "$(jq -r '.chain[0]."allocated-blocks"' "$tmp/j")" = 0 ]; then
    cmp "$tmp/chain.raw" "$tmp/parent.raw" || fail "an empty child reads other than its parent"
fi
[ "$(stat -c %s "$tmp/chain.raw")" = 41943040 ] || fail "flat size"
echo OK
