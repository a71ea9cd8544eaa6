#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# map tells which layer each extent comes from: data written in the child
# is layer 0, data only the base holds is layer 1, the rest reads as zeros;
# the extents tile the disk exactly.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
MiB=1048576
"$VHDTOOL" create --type dynamic --size 16M base.vhd
random_file a $((2 * MiB)); poke base.vhd $((4 * MiB)) a
"$VHDTOOL" create --type diff --parent base.vhd child.vhd
random_file b 4096; poke child.vhd $((5 * MiB)) b
"$VHDTOOL" map --json child.vhd > m
jq -e . m >/dev/null || fail "map --json is not JSON"
# The extents tile [0, 16 MiB) in order.
[ "$(jq '[.[] | .length] | add' m)" = $((16 * MiB)) ] || fail "extents do not add up"
jq -e 'reduce .[] as $e ({ok: true, next: 0}; {ok: (.ok and $e.start == .next), next: ($e.start + $e.length)}) | .ok' m >/dev/null ||
    fail "extents are not contiguous"
# layer_at OFFSET: the layer map reports for OFFSET.
layer_at() { jq -r --argjson o "$1" '.[] | select(.start <= $o and $o < .start + .length) | .layer' m; }
[ "$(layer_at 0)" = -1 ] || fail "offset 0 should read as zeros"
[ "$(layer_at $((4 * MiB)))" = 1 ] || fail "base data is not layer 1"
[ "$(layer_at $((5 * MiB + 100)))" = 0 ] || fail "child data is not layer 0"
[ "$(layer_at $((6 * MiB - 1)))" = 1 ] || fail "base data after the child's is not layer 1"
[ "$(layer_at $((15 * MiB)))" = -1 ] || fail "the end should read as zeros"
"$VHDTOOL" map child.vhd | grep -q 'child.vhd' || fail "human map does not name the child"
echo OK
