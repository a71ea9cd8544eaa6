#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The README's run command: contrib/demo.sh builds its demo chain and shows
# it (its vhdtool steps only: the vhdfs and tgt steps start daemons and
# belong to those parts' tests); the chain it leaves is two layers deep, checks clean, and its base
# holds the demo file system, which reads back out of the flattened chain.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

DEMO_DIR="$tmp/demo" DEMO_VHDTOOL_ONLY=1 VHDTOOL="$VHDTOOL" "$top_srcdir/contrib/demo.sh" > "$tmp/out" 2>&1 || { cat "$tmp/out"; fail "demo.sh failed"; }
grep -q differencing "$tmp/out" || { cat "$tmp/out"; fail "demo does not show the chain"; }
[ "$(json "$tmp/demo/child.vhd" '.chain | length')" = 2 ] || fail "demo chain depth"
"$VHDTOOL" check -q "$tmp/demo/child.vhd" || fail "demo chain does not check clean"
[ "$(json "$tmp/demo/child.vhd" '.chain[1]."allocated-blocks"')" -gt 0 ] || fail "demo base holds no data"
[ "$(json "$tmp/demo/child.vhd" '.chain[1]."allocated-blocks"')" -lt 32 ] || fail "demo base is not sparse"
if command -v mkfs.ext4 >/dev/null && command -v debugfs >/dev/null; then
    grep -q 'read back from the chain: hello from a VHD chain' "$tmp/out" || { cat "$tmp/out"; fail "demo data round trip"; }
fi
echo OK
