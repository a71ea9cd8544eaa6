#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# qemu-img's spellings: `map --json` carries qemu-img map's keys with the
# same values qemu-img gives for the same dynamic disk (start, length,
# depth, present, zero, data, offset); `--output=json` is accepted wherever
# --json is; `info` shows the host disk size as qemu-img's "actual-size".
# On a chain, depth is the layer holding a run and the base for zeros.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
requires jq --version

cd "$tmp"
MiB=1048576
# A raw file with data in blocks 0, 2 and 3 (one of them partly), made
# into a dynamic VHD by qemu-img: qemu's own layout, read by both tools.
truncate -s $((16 * MiB)) raw
random_file a $((MiB)); dd if=a of=raw bs=1M seek=0 conv=notrunc status=none
random_file b $((3 * MiB)); dd if=b of=raw bs=1M seek=4 conv=notrunc status=none
qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on raw d.vhd

# keys FILE: the qemu keys of each run, one compact line per run.
keys() { jq -c '.[] | {start, length, depth, present, zero, data, offset}' "$1"; }
qemu-img map --output=json d.vhd > q.json
"$VHDTOOL" map --output=json d.vhd > v.json
keys q.json > q.keys
keys v.json > v.keys
diff q.keys v.keys > d.diff || { cat d.diff >&2; fail "map --json differs from qemu-img map"; }
[ "$(wc -l < q.keys)" -ge 3 ] || fail "too few runs to mean anything: $(cat q.keys)"
cmp -s v.json <("$VHDTOOL" map --json d.vhd) || fail "--output=json and --json differ"
"$VHDTOOL" map --output=human d.vhd | grep -q '^offset' || fail "--output=human is not the table"
rc=0; "$VHDTOOL" map --output=yaml d.vhd 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "--output=yaml: exit $rc, want 2"

# info: disk size, and --output=json
want=$(qemu-img info --output=json d.vhd | jq '."actual-size"')
got=$("$VHDTOOL" info --output=json d.vhd | jq '."actual-size"')
[ "$got" = "$want" ] || fail "actual-size $got, qemu-img says $want"
"$VHDTOOL" info d.vhd | grep -q "^disk size: .*($want bytes" || fail "info shows no disk size"
[ "$(stat -c %s d.vhd)" != "$want" ] || echo "note: file size equals disk size here"

# A chain: child data is depth 0, base data depth 1, zeros the base (1).
"$VHDTOOL" create --type diff --parent d.vhd c.vhd
random_file p 4096; poke c.vhd $((5 * MiB)) p
"$VHDTOOL" map --json c.vhd > c.json
depth_at() { jq -r --argjson o "$1" '.[] | select(.start <= $o and $o < .start + .length) | "\(.depth) \(.data) \(.zero) \(.present)"' c.json; }
[ "$(depth_at $((5 * MiB)))" = "0 true false true" ] || fail "child run: $(depth_at $((5 * MiB)))"
[ "$(depth_at $((4 * MiB)))" = "1 true false true" ] || fail "base run: $(depth_at $((4 * MiB)))"
[ "$(depth_at $((10 * MiB)))" = "1 false true true" ] || fail "zero run: $(depth_at $((10 * MiB)))"
echo OK
