#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-switch: live path change under load, the way snapshots are taken:
# `--params online=0`, then `--params path=CHILD` where CHILD is an empty
# placeholder file (tgt closes the old chain, bs_vhd makes CHILD a
# differencing child of the old top and opens it: libvhd refuses to create
# a child of a disk that is open for writing, so the child is made between
# the close and the open).  Repeated while one initiator writes at queue
# depth 32 and another writes patterns: no command fails, every write lands,
# and the final chain reads the same through vhdtool.  Finally a switch to
# an existing chain, and a placeholder refused on a fresh LU.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool
requires command -v jq

pat="$ISCSI_PATTERN"
tgt_start 32607
tgt_target 1 switch
"$VHDTOOL" create --type dynamic --size 64M "$tmp/s0.vhd"
tgt_lun 1 1 "$tmp/s0.vhd" vhd "cache_parent=1"
u=$(tgt_url switch 1)
"$pat" "$u" write 1 0 2048

"$ISCSI_LOAD" --rw write --pattern rand --seconds 12 --offset $((32 << 20)) "$u" > "$tmp/load" 2>&1 &
load=$!
cleanup_fn "kill $load 2>/dev/null"
# A second initiator writes seed 100+i at LBA 2048+8i, one command per login.
(
    for i in $(seq 0 79); do
        "$pat" --initiator iqn.2026-11.org.vhdtarget:writer "$u" write $((100 + i)) $((2048 + 8 * i)) 8 || exit 1
    done
) > "$tmp/writer" 2>&1 &
writer=$!
cleanup_fn "kill $writer 2>/dev/null"

top=s0
for i in 1 2 3 4 5 6; do
    sleep 1
    : > "$tmp/s$i.vhd"
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params online=0
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params "path=$tmp/s$i.vhd"
    tgt_adm --mode target --op show | grep -q "Backing store path: $tmp/s$i.vhd" ||
        fail "the LU did not switch to s$i.vhd"
    top=s$i
done
wait $writer || { cat "$tmp/writer"; fail "a pattern write failed during the switches"; }
wait $load || { cat "$tmp/load"; fail "the load saw failed commands"; }
grep -q 'errors=0 retries=0' "$tmp/load" || { cat "$tmp/load"; fail "load errors"; }
cat "$tmp/load"
tgt_adm --mode target --op show | grep -q 'Online: Yes' || fail "the LU stayed offline"

# Every write is there, through the depth-7 chain.
"$pat" "$u" check 1 0 2048
for i in $(seq 0 79); do
    "$pat" "$u" check $((100 + i)) $((2048 + 8 * i)) 8
done
tgt_alive || fail "tgtd died"

# The chain reads the same through vhdtool, and every layer checks clean.
"$pat" "$u" dump "$tmp/lun.iscsi"
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
"$VHDTOOL" convert "$tmp/$top.vhd" "$tmp/lun.raw"
cmp "$tmp/lun.iscsi" "$tmp/lun.raw" || fail "the chain reads differently through vhdtool"
for i in $(seq 0 6); do
    "$VHDTOOL" check "$tmp/s$i.vhd" > /dev/null || fail "s$i.vhd does not check clean"
done
[ "$("$VHDTOOL" info --json "$tmp/s6.vhd" | jq '."chain-depth"')" = 7 ] || fail "s6.vhd is not the top of a depth-7 chain"

# Switching to an existing chain works too (here: back to a new child of s3,
# made while nothing has s3 open for writing); an empty file on an LU that
# had no chain is refused.
"$VHDTOOL" create --type diff --parent "$tmp/s3.vhd" "$tmp/other.vhd"
tgt_lun 1 1 "$tmp/s6.vhd"
tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params online=0
tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params "path=$tmp/other.vhd"
"$pat" "$u" check 1 0 2048
: > "$tmp/empty.vhd"
if tgt_lun 1 2 "$tmp/empty.vhd" 2>/dev/null; then
    fail "an empty file was served on a new LU"
fi
grep -q "snapshot placeholder, but this LU had no chain" "$TGT_LOG" || fail "no reason logged for the empty file"
echo "ok: six live switches under load, nothing lost"
