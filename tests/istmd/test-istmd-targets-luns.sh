#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# LUN mappings through IHost against tgtd: AddWTDisk takes the lowest free
# LUN, SetWTDiskLunMapping moves a disk (ISTM LUN n is tgt LUN n + 1, and an
# initiator reads the VHD there), the base rule (a writable parent of
# differencing disks cannot be assigned; read-only it can), a locally
# mounted disk, a missing file and the 128-mapping limit are refused, bad
# input changes nothing in tgtd; RemoveWTDisk, RemoveAllWTDisks, DeleteHost
# take the LUs away.  Most disk rows come from targets-disk-row (states
# IWTDiskMgr would not make: a writable parent, a mounted disk, files that
# are not VHDs); one disk is registered through IWTDiskMgr.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"
requires_vhdtool
lock_port 32671    # shares the tgt port with test-istmd-targets-hosts

py="$top_srcdir/tests/istmd/targets_luns.py"
row="$top_builddir/tests/istmd/targets-disk-row"
INIT=iqn.2000-01.com.example:lun-init
mkdir -p "$STORAGE" "$tmp/state"
for f in d0 d1 base robase mounted istm; do
    "$VHDTOOL" --quiet create --type fixed --size 8M "$STORAGE/$f.vhd"
done
"$VHDTOOL" --quiet create --type diff --parent "$STORAGE/base.vhd" "$STORAGE/child.vhd"
"$VHDTOOL" --quiet create --type diff --parent "$STORAGE/robase.vhd" "$STORAGE/rochild.vhd"
disk() { "$row" "$tmp/state" "$@" || fail "adding disk row $1"; }
d0=$(disk "$STORAGE/d0.vhd" 8388608)
d1=$(disk "$STORAGE/d1.vhd" 8388608)
base=$(disk "$STORAGE/base.vhd" 8388608)
child=$(disk "$STORAGE/child.vhd" 8388608 "parent=$base")
robase=$(disk "$STORAGE/robase.vhd" 8388608 ro)
disk "$STORAGE/rochild.vhd" 8388608 "parent=$robase" > /dev/null
mounted=$(disk "$STORAGE/mounted.vhd" 8388608 mounted)
missing=$(disk "$STORAGE/missing.vhd" 8388608)
head -c 1048576 /dev/zero > "$STORAGE/garbage.vhd"
garbage=$(disk "$STORAGE/garbage.vhd" 8388608)
# rows for the 128-mapping limit, on a target never saved (never in tgtd)
for i in $(seq 0 128); do : > "$STORAGE/fake-$i.vhd"; done
fake0=$(disk "$STORAGE/fake-0.vhd" 8388608)
for i in $(seq 1 128); do disk "$STORAGE/fake-$i.vhd" 8388608 > /dev/null; done
D="d0=$d0,d1=$d1,base=$base,child=$child,robase=$robase,mounted=$mounted,missing=$missing,garbage=$garbage,fake0=$fake0"
[ "$((fake0 + 129))" -eq "$(disk "$STORAGE/fake-last.vhd" 8388608)" ] || fail "disk indexes not consecutive"

istm_start 32671
iqn=$(istm_py "$py" assign "$D" | tail -1) || { tail -20 "$tmp/istmd.log"; fail "assigning disks"; }

# tgtd: ISTM LUN n at tgt LUN n + 1, the read-only base read-only
show() { tgt_adm --mode target --op show; }
show > "$tmp/show1"
lu() {  # lu TGT-LUN: "path readonly" of that LU of the target
    awk -v t="$iqn" -v l="$1" '
        /^Target / { in_t = ($3 == t) } 
        in_t && /^ *LUN: / { lun = $2 }
        in_t && lun == l && /Readonly:/ { ro = $2 }
        in_t && lun == l && /Backing store path:/ { print $4, ro }' "$tmp/show1"
}
[ "$(lu 1)" = "$STORAGE/d0.vhd No" ] || { cat "$tmp/show1"; fail "ISTM LUN 0 is not d0 at tgt LUN 1"; }
[ "$(lu 2)" = "$STORAGE/child.vhd No" ] || { cat "$tmp/show1"; fail "no child at tgt LUN 2"; }
[ "$(lu 3)" = "$STORAGE/robase.vhd Yes" ] || { cat "$tmp/show1"; fail "no read-only base at tgt LUN 3"; }
[ "$(lu 6)" = "$STORAGE/d1.vhd No" ] || { cat "$tmp/show1"; fail "ISTM LUN 5 is not d1 at tgt LUN 6"; }
[ "$(lu 4)" = "$STORAGE/istm.vhd No" ] || { cat "$tmp/show1"; fail "no IWTDiskMgr-made disk at tgt LUN 4"; }
[ -z "$(lu 5)" ] || fail "an LU where nothing is mapped"
grep -q 'missing.vhd\|garbage.vhd\|/base.vhd\|mounted.vhd' "$tmp/show1" &&
    { grep -n 'missing\|garbage\|/base\|mounted' "$tmp/show1"; fail "a refused disk reached tgtd"; }

# an initiator writes and reads ISTM LUN 5 (tgt LUN 6)
url="iscsi://127.0.0.1:$TGT_PORT/$iqn/6"
"$ISCSI_PATTERN" --initiator "$INIT" "$url" write 7 0 64 || fail "writing LUN 5"
"$ISCSI_PATTERN" --initiator "$INIT" "$url" check 7 0 64 || fail "reading LUN 5 back"
[ "$("$ISCSI_PATTERN" --initiator "$INIT" "$url" capacity)" = 8388608 ] || fail "LUN 5 size"

istm_py "$py" bad "$D" || { tail -20 "$tmp/istmd.log"; fail "bad input"; }
show > "$tmp/show2"
diff "$tmp/show1" "$tmp/show2" || fail "bad input changed tgtd"

istm_py "$py" clear "$D" || { tail -20 "$tmp/istmd.log"; fail "removing disks"; }
show > "$tmp/show3"
if grep -q "$iqn" "$tmp/show3"; then cat "$tmp/show3"; fail "the deleted target is still in tgtd"; fi
istmd_stop
echo "LUN mappings reach tgtd; refusals change nothing"
