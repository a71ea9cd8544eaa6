#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-cache-switch: a parent's shared cache (cache_parent=1) outlives
# a snapshot switch of the one LU that uses it.  The LU, a differencing
# disk over a base holding 8 MiB of data, reads that data once (filling the
# base's cache), then is switched to a new child (online=0, path=an empty
# placeholder: what istmd does for a snapshot) and reads it again, three
# times.  Shown: what tgtd reads from files for those 8 MiB after each
# switch (rchar in /proc/PID/io, every thread) stays under 1 MiB, where a
# cache let go of at the switch reads all 8 MiB again; the data is exact
# each time.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool

pat="$ISCSI_PATTERN"
BLOCKS=16384                        # 8 MiB of 512-byte blocks
tgt_start 32612
tgt_target 1 cacheswitch
u=$(tgt_url cacheswitch 1)
"$VHDTOOL" create -q --type dynamic --size 32M "$tmp/base.vhd"
tgt_lun 1 1 "$tmp/base.vhd" vhd
"$pat" "$u" write 7 0 $BLOCKS
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
"$VHDTOOL" create -q --type diff --parent "$tmp/base.vhd" "$tmp/c1.vhd"
tgt_lun 1 1 "$tmp/c1.vhd" vhd "cache_parent=1"
"$pat" "$u" check 7 0 $BLOCKS

rchar() { awk '$1 == "rchar:" { print $2 }' "/proc/$TGT_PID/io"; }
for i in 2 3 4; do
    : > "$tmp/c$i.vhd"
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params online=0
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params "path=$tmp/c$i.vhd"
    tgt_adm --mode target --op show | grep -q "Backing store path: $tmp/c$i.vhd" ||
        fail "the LU did not switch to c$i.vhd"
    before=$(rchar)
    "$pat" "$u" check 7 0 $BLOCKS
    read=$(( $(rchar) - before ))
    echo "after switch $((i - 1)): tgtd read $read bytes from files for 8 MiB of the base"
    [ "$read" -lt $((1 << 20)) ] ||
        fail "switch $((i - 1)) let go of the base's cache: tgtd read $read bytes from files again"
done
grep -q "shares the cache of parent '$tmp/base.vhd'" "$TGT_LOG" || fail "no cache was attached"
tgt_alive || fail "tgtd died"
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
for i in 1 2 3 4; do
    "$VHDTOOL" check "$tmp/c$i.vhd" > /dev/null || fail "c$i.vhd does not check clean"
done
echo "ok: the base's cache outlived three switches"
