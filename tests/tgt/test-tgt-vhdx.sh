#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-vhdx: bs_vhd serves VHDX with --bstype vhd (the content decides
# the format): a fixed VHDX and a depth-3 VHDX differencing chain made by
# vhdtool, each layer written over iSCSI (libiscsi) while it is the top,
# read back exactly over iSCSI and through `vhdtool convert`.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool

tgt_start 32623
tgt_target 1 vhdx
pat="$ISCSI_PATTERN"

"$VHDTOOL" create -q --type fixed --size 20M "$tmp/fixed.vhdx"
tgt_lun 1 1 "$tmp/fixed.vhdx"
u=$(tgt_url vhdx 1)
[ "$("$pat" "$u" capacity)" = 20971520 ] || fail "fixed VHDX capacity"
"$pat" "$u" write 1 0 100
"$pat" "$u" write 3 30000 5000
"$pat" "$u" check 1 0 100
"$pat" "$u" check 3 30000 5000
"$pat" "$u" dump "$tmp/fixed.iscsi"
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
"$VHDTOOL" convert -q "$tmp/fixed.vhdx" "$tmp/fixed.raw"
cmp "$tmp/fixed.iscsi" "$tmp/fixed.raw" || fail "fixed VHDX: tgt and vhdtool differ"

"$VHDTOOL" create -q --size 24M --block-size 1M "$tmp/c0.vhdx"
prev=c0
for i in 0 1 2; do
    if [ $i -gt 0 ]; then
        "$VHDTOOL" create -q --parent "$tmp/$prev.vhdx" "$tmp/c$i.vhdx"
        prev=c$i
    fi
    tgt_lun 1 2 "$tmp/c$i.vhdx"
    # layer i: seed 10+i over blocks [i*1000+3, +2500), overlapping the
    # layer below, partly inside VHDX blocks and sectors' neighbours
    "$pat" "$(tgt_url vhdx 2)" write $((10 + i)) $((i * 1000 + 3)) 2500
    tgt_adm --mode logicalunit --op delete --tid 1 --lun 2
done
tgt_lun 1 2 "$tmp/c2.vhdx"
u=$(tgt_url vhdx 2)
"$pat" "$u" zero 0 3
"$pat" "$u" check 10 3 1000
"$pat" "$u" check 11 1003 1000
"$pat" "$u" check 12 2003 2500
"$pat" "$u" zero 4503 1000
"$pat" "$u" dump "$tmp/chain.iscsi"
tgt_adm --mode logicalunit --op delete --tid 1 --lun 2
"$VHDTOOL" convert -q "$tmp/c2.vhdx" "$tmp/chain.raw"
cmp "$tmp/chain.iscsi" "$tmp/chain.raw" || fail "VHDX chain: tgt and vhdtool differ"
"$VHDTOOL" check "$tmp/c2.vhdx" > /dev/null || fail "check c2.vhdx"
echo OK
