#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-serve: a real tgtd serves fixed, dynamic and depth-4 differencing
# VHDs through bs_vhd; libiscsi logs in, writes patterns, reads them back;
# the VHDs then read the same through `vhdtool convert`.  Also: a chain's
# top is served once only, and a read-only LU refuses writes.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool

tgt_start 32602
tgt_target 1 serve
pat="$ISCSI_PATTERN"

# lun_roundtrip LUN FILE: after the writes, dump the LUN over iSCSI, remove
# the LUN (closing the VHD), and compare with vhdtool's view of the file.
lun_roundtrip()
{
    "$pat" "$(tgt_url serve "$1")" dump "$tmp/lun$1.iscsi"
    tgt_adm --mode logicalunit --op delete --tid 1 --lun "$1"
    "$VHDTOOL" convert "$2" "$tmp/lun$1.raw"
    cmp "$tmp/lun$1.iscsi" "$tmp/lun$1.raw" ||
        fail "'$2' reads differently through vhdtool than through tgt"
}

# Fixed and dynamic.
"$VHDTOOL" create --type fixed --size 20M "$tmp/fixed.vhd"
"$VHDTOOL" create --type dynamic --size 40M "$tmp/dynamic.vhd"
tgt_lun 1 1 "$tmp/fixed.vhd"
tgt_lun 1 2 "$tmp/dynamic.vhd"
iscsi-ls -s "iscsi://127.0.0.1:$TGT_PORT" > "$tmp/ls"
grep -q 'Lun:1 *Type:DIRECT_ACCESS' "$tmp/ls" || { cat "$tmp/ls"; fail "iscsi-ls does not show the fixed LUN"; }
grep -q 'Lun:2 *Type:DIRECT_ACCESS' "$tmp/ls" || { cat "$tmp/ls"; fail "iscsi-ls does not show the dynamic LUN"; }
iscsi-inq "$(tgt_url serve 2)" > "$tmp/inq"
grep -q 'Peripheral Device Type:DIRECT_ACCESS' "$tmp/inq" || { cat "$tmp/inq"; fail "iscsi-inq"; }
[ "$("$pat" "$(tgt_url serve 1)" capacity)" = 20971520 ] || fail "fixed LUN capacity"
[ "$("$pat" "$(tgt_url serve 2)" capacity)" = 41943040 ] || fail "dynamic LUN capacity"

for lun in 1 2; do
    u=$(tgt_url serve $lun)
    "$pat" "$u" write 1 0 100                  # start of the disk
    "$pat" "$u" write 2 4093 7                 # across a 2 MiB block boundary
    "$pat" "$u" write 3 30000 5000             # a longer run
    "$pat" "$u" check 1 0 100
    "$pat" "$u" check 2 4093 7
    "$pat" "$u" check 3 30000 5000
    "$pat" "$u" zero 100 3993                  # never written
    expect_fail "$pat" "$u" check 4 0 1        # a wrong pattern is noticed
done
lun_roundtrip 1 "$tmp/fixed.vhd"
lun_roundtrip 2 "$tmp/dynamic.vhd"

# A depth-4 chain, each layer written through tgt while it was the top.
"$VHDTOOL" create --type dynamic --size 24M "$tmp/c0.vhd"
prev=c0
for i in 0 1 2 3; do
    if [ $i -gt 0 ]; then
        "$VHDTOOL" create --type diff --parent "$tmp/$prev.vhd" "$tmp/c$i.vhd"
        prev=c$i
    fi
    tgt_lun 1 3 "$tmp/c$i.vhd"
    # Layer i writes seed 10+i over blocks [i*1000+3, i*1000+3+2500): each
    # layer overlaps the one below it, partly inside VHD blocks.
    "$pat" "$(tgt_url serve 3)" write $((10 + i)) $((i * 1000 + 3)) 2500
    tgt_adm --mode logicalunit --op delete --tid 1 --lun 3
done
tgt_lun 1 3 "$tmp/c3.vhd"
u=$(tgt_url serve 3)
"$pat" "$u" zero 0 3
"$pat" "$u" check 10 3 1000
"$pat" "$u" check 11 1003 1000
"$pat" "$u" check 12 2003 1000
"$pat" "$u" check 13 3003 2500
"$pat" "$u" zero 5503 1000

# The top is served once only; a layer below can be served read-only.
if tgt_lun 1 4 "$tmp/c3.vhd" 2>/dev/null; then
    fail "the same VHD was served twice"
fi
grep -q "bs_vhd: .*'$tmp/c3.vhd'.*in use" "$TGT_LOG" || fail "no reason logged for the refused open"
tgt_lun 1 4 "$tmp/c1.vhd" vhd "readonly=1"
u4=$(tgt_url serve 4)
"$pat" "$u4" check 10 3 1000
"$pat" "$u4" check 11 1003 2500
expect_fail "$pat" "$u4" write 99 0 1
grep -q 'DATA PROTECTION' "$tmp/err" || { cat "$tmp/err"; fail "write to a read-only LU: not DATA PROTECT"; }
tgt_adm --mode logicalunit --op delete --tid 1 --lun 4
lun_roundtrip 3 "$tmp/c3.vhd"
echo "ok: fixed, dynamic and depth-4 chains served"
