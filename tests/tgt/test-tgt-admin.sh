#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-admin: tgt's own configuration tool drives bs_vhd.  A
# targets.conf with "bs-type vhd" makes tgt-admin create the LUs with bs_vhd
# (a differencing chain read through them as vhdtool reads it); a
# tgt.service-style "tgt-admin --update ALL" leaves them serving; a
# read-only LU ("readonly 1" alone, which tgt-admin sends as an update
# after the LU is open) is shown read-only by tgtadm, refuses writes, and
# vhdfs mounts the same chain read-only beside it (shared locks).  tgt-admin talks to this test's private tgtd only (-C N).
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
. "$top_srcdir/tests/vhdfs/vhdfs-lib.sh"
requires_tgt
requires_vhdtool
requires command -v tgt-admin
requires_fuse

tgt_start 32609
pat="$ISCSI_PATTERN"
iqn=iqn.2026-11.org.vhdtarget:admin

# a chain: the base gets data through a plain LU first, the child more
# through tgt-admin's LU below
"$VHDTOOL" create -q --type dynamic --size 16M "$tmp/base.vhd"
tgt_target 1 base
tgt_lun 1 1 "$tmp/base.vhd"
"$pat" "$(tgt_url base 1)" write 5 0 256 || fail "writing the base"
tgt_adm --mode target --op delete --force --tid 1
"$VHDTOOL" create -q --type diff --parent "$tmp/base.vhd" "$tmp/child.vhd"
"$VHDTOOL" create -q --type dynamic --size 8M "$tmp/ro.vhd"

cat > "$tmp/targets.conf" <<CONF
default-driver iscsi
<target $iqn>
	<backing-store $tmp/child.vhd>
		bs-type vhd
		lun 1
	</backing-store>
	<backing-store $tmp/ro.vhd>
		bs-type vhd
		readonly 1
		lun 2
	</backing-store>
	initiator-address 127.0.0.1
</target>
CONF
admin() { tgt-admin -C "$TGT_C" -c "$tmp/targets.conf" "$@" > "$tmp/admin.out" 2>&1 ||
              { cat "$tmp/admin.out"; fail "tgt-admin $*"; }; }

# --- -e: the LUs are bs_vhd's -------------------------------------------
admin -e
tgt_adm --mode target --op show > "$tmp/show"
lu_field() { # LUN FIELD: the field's value in $tmp/show for that LUN
    awk -v lun="$1" -v f="$2" '/^ *LUN: /{cur=$2} cur==lun && index($0, f ":") {sub(/^ *[^:]*: */, ""); print; exit}' "$tmp/show"
}
[ "$(lu_field 1 'Backing store type')" = vhd ] || { cat "$tmp/show"; fail "LUN 1 is not bs_vhd"; }
[ "$(lu_field 2 'Backing store type')" = vhd ] || { cat "$tmp/show"; fail "LUN 2 is not bs_vhd"; }
[ "$(lu_field 1 Readonly)" = No ] || { cat "$tmp/show"; fail "LUN 1 read-only"; }
[ "$(lu_field 2 Readonly)" = Yes ] || { cat "$tmp/show"; fail "LUN 2 not read-only"; }

url1="iscsi://127.0.0.1:$TGT_PORT/$iqn/1"
url2="iscsi://127.0.0.1:$TGT_PORT/$iqn/2"
"$pat" "$url1" verify 5 0 256 || fail "the base's data does not read through the child"
"$pat" "$url1" write 7 128 256 || fail "writing LUN 1"
"$pat" "$url1" verify 7 128 256 || fail "reading LUN 1 back"
"$pat" "$url1" verify 5 0 128 || fail "the base's data under the child changed"
if "$pat" "$url2" write 3 0 8 2>/dev/null; then fail "the read-only LU took a write"; fi

# --- --update ALL (tgt.service reload): still there, still the same data --
admin --update ALL
tgt_adm --mode target --op show > "$tmp/show"
[ "$(lu_field 1 'Backing store type')" = vhd ] || { cat "$tmp/show"; fail "after --update ALL LUN 1 is not bs_vhd"; }
"$pat" "$url1" verify 7 128 256 || fail "LUN 1 lost its data over --update ALL"
"$pat" "$url1" dump "$tmp/lun1.iscsi"

# --- vhdfs reads the read-only chain while tgtd serves it ---------------
start_vhdfs "$tmp/ro.vhd" "$tmp/mnt" -o ro
"$pat" "$url2" dump "$tmp/lun2.iscsi"
cmp "$tmp/lun2.iscsi" "$tmp/mnt/ro" || fail "vhdfs and tgtd read the read-only chain differently"
unmount "$tmp/mnt" "$VHDFS_PID"

# the writable chain reads the same through vhdtool once tgt-admin removed it
admin --delete ALL
"$VHDTOOL" convert "$tmp/child.vhd" "$tmp/child.raw"
cmp "$tmp/lun1.iscsi" "$tmp/child.raw" || fail "the chain reads differently through vhdtool"
tgt_alive || fail "tgtd died"
