#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-unmap: thin provisioning (--params thin_provisioning=1) on fixed,
# dynamic and differencing disks.  tgt advertises LBPRZ=1, so whatever UNMAP
# gives back must read as zeros: fixed disks get holes (and GET LBA STATUS,
# answered by tgt from the file, reports them), dynamic disks free whole
# blocks, a differencing disk gives back only where no parent has data and
# keeps the rest mapped; WRITE SAME with UNMAP always leaves zeros.  Also
# VERIFY with data compare, and UNMAP refused on a non-thin LU.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool
requires command -v jq

pat="$ISCSI_PATTERN"
tgt_start 32608
tgt_target 1 unmap
"$VHDTOOL" create --type fixed --size 16M "$tmp/fixed.vhd"
"$VHDTOOL" create --type dynamic --size 16M "$tmp/dynamic.vhd"
"$VHDTOOL" create --type dynamic --size 16M "$tmp/base.vhd"
tgt_lun 1 3 "$tmp/base.vhd"
"$pat" "$(tgt_url unmap 3)" write 1 0 4096              # the parent's first 2 MiB
tgt_adm --mode logicalunit --op delete --tid 1 --lun 3
"$VHDTOOL" create --type diff --parent "$tmp/base.vhd" "$tmp/diff.vhd"
lun=1
for f in fixed dynamic diff; do
    tgt_lun 1 $lun "$tmp/$f.vhd"
    lun=$((lun + 1))
done

# Not thin yet: UNMAP is refused.
expect_fail "$pat" "$(tgt_url unmap 2)" unmap 0 8
for lun in 1 2 3; do
    tgt_adm --mode logicalunit --op update --tid 1 --lun $lun --params thin_provisioning=1
    "$pat" "$(tgt_url unmap $lun)" write 5 0 12288       # 6 MiB: three VHD blocks
    "$pat" "$(tgt_url unmap $lun)" sync
done
uf=$(tgt_url unmap 1) ud=$(tgt_url unmap 2) uc=$(tgt_url unmap 3)

# VERIFY (16) with BYTCHK: equal data passes, other data is a MISCOMPARE.
"$pat" "$ud" verify 5 100 50
rc=0; "$pat" "$ud" verify 6 100 50 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "VERIFY of different data did not report MISCOMPARE (exit $rc)"

# Fixed: holes, reported by GET LBA STATUS.
before=$(stat -c %b "$tmp/fixed.vhd")
"$pat" "$uf" unmap 4096 4096
"$pat" "$uf" zero 4096 4096
"$pat" "$uf" check 5 0 4096
"$pat" "$uf" check 5 8192 4096
after=$(stat -c %b "$tmp/fixed.vhd")
[ "$after" -lt "$before" ] || fail "UNMAP gave no space back on the fixed disk ($before -> $after)"
"$pat" "$uf" lbastatus 0 > "$tmp/lba"
grep -qx '4096 4096 deallocated' "$tmp/lba" || { cat "$tmp/lba"; fail "GET LBA STATUS does not show the hole"; }
grep -qx '0 4096 mapped' "$tmp/lba" || { cat "$tmp/lba"; fail "GET LBA STATUS does not show the mapped start"; }

# Dynamic: the whole block in the middle is freed, partial ranges read zeros.
"$pat" "$ud" unmap 4096 4096
"$pat" "$ud" unmap 100 8
"$pat" "$ud" zero 4096 4096
"$pat" "$ud" zero 100 8
"$pat" "$ud" check 5 0 100
"$pat" "$ud" check 5 108 3988
"$pat" "$ud" check 5 8192 4096
"$pat" "$ud" lbastatus 0 | grep -qx "0 32768 mapped" || fail "dynamic disk: GET LBA STATUS should report all mapped"

# Differencing: where the parent has data (its first 2 MiB), UNMAP keeps the
# child's blocks; where it has none, they are given back and read zeros.
"$pat" "$uc" unmap 0 12288
"$pat" "$uc" check 5 0 4096
"$pat" "$uc" zero 4096 8192
# WRITE SAME with UNMAP must read back zeros even over the parent's data.
"$pat" "$uc" writesame 0 0 2048 unmap
"$pat" "$uc" zero 0 2048
"$pat" "$uc" check 5 2048 2048

# WRITE SAME without UNMAP writes the block everywhere.
"$pat" "$ud" writesame 0 8192 4096
"$pat" "$ud" zero 8192 4096

tgt_adm --mode target --op delete --force --tid 1
alloc() { "$VHDTOOL" info --json "$tmp/$1.vhd" | jq '."allocated-blocks"'; }
[ "$(alloc dynamic)" = 2 ] || fail "dynamic disk: $(alloc dynamic) blocks allocated, expected 2 (of the 3 written, the middle one unmapped)"
[ "$(alloc diff)" = 1 ] || fail "differencing disk: $(alloc diff) blocks allocated, expected 1"
for f in fixed dynamic diff base; do
    "$VHDTOOL" check "$tmp/$f.vhd" > /dev/null || fail "$f.vhd does not check clean"
done
echo "ok: UNMAP and WRITE SAME give space back and read zeros"
