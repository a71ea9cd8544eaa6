#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-istmctl-disks.sh: istmctl's disk and mapping commands
# (IWTDiskMgr, IWTDisk, IHost::AddWTDisk) against a real istmd and tgtd,
# on VHDs made by vhdtool: what they report is what is on disk and in tgtd,
# refusals are named by HRESULT and change nothing.  Targets and sessions:
# test-istmd-istmctl.sh; file creation, volumes, ls:
# test-istmd-istmctl-devices.sh.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool

istm_start 32687
mkdir -p "$STORAGE/d"

# --- disks create --existing (CreateWTDisk), list, show -------------------
"$VHDTOOL" create -q --type fixed --size 8M "$STORAGE/d/one.vhd"
"$VHDTOOL" create -q --type diff --parent "$STORAGE/d/one.vhd" "$STORAGE/d/one-child.vhd"
"$VHDTOOL" create -q --type dynamic --size 4M "$STORAGE/d/made.vhd"
expect_rc 0 istmctl disks create --existing 'C:\d\one.vhd' --description 'disk one'
grep -q "^created disk 0 (C:.d.one.vhd)$" "$tmp/out" || { cat "$tmp/out"; fail "creation message"; }
expect_rc 0 istmctl -q disks create --existing 'C:\d\one-child.vhd'
expect_rc 0 istmctl -q disks create --existing "$STORAGE/d/made.vhd"      # a POSIX path
expect_rc 0 istmctl --json disks list
json 'assert [x["index"] for x in d] == [0, 1, 2], d; assert d[0]["size"] == 8 << 20 and d[0]["description"] == "disk one", d; assert d[2]["size"] == 4 << 20, d' \
    "disks list --json"
expect_rc 0 istmctl disks list
grep -Eq '^1 +C:.d.one-child.vhd +8388608 +no' "$tmp/out" || { cat "$tmp/out"; fail "disks list text"; }
expect_rc 0 istmctl --json disks show 'C:\d\one.vhd'
json 'assert d["index"] == 0 and d["type"] == "file" and len(d["guid"]) == 36, d' "disks show by path"
expect_rc 0 istmctl disks show 1
grep -q '^path: *C:.d.one-child.vhd$' "$tmp/out" || { cat "$tmp/out"; fail "disks show by index"; }

# refusals: named, nothing changed
ls -lR "$STORAGE" > "$tmp/files0"
istmctl --json disks list > "$tmp/disks0"
touch "$(dirname "$STORAGE")/escape.vhd"
expect_hr E_ACCESSDENIED istmctl disks create --existing 'C:\..\escape.vhd'
expect_hr E_INVALIDARG istmctl disks create --existing 'C:\d\bad|name.vhd'
expect_hr E_ACCESSDENIED istmctl disks create --existing 'Q:\d\x.vhd'
expect_rc 1 istmctl disks create --existing 'C:\d\one.vhd'               # registered already
expect_rc 1 istmctl disks create --existing 'C:\d\nothing.vhd'
expect_rc 1 istmctl disks show 99
expect_hr ERROR_FILE_NOT_FOUND istmctl disks show 'C:\d\nothing.vhd'
expect_rc 1 istmctl disks delete 0                                       # has a child
expect_hr ERROR_FILE_NOT_FOUND istmctl disks delete 7          # DeleteWTDisk alone says S_OK
ls -lR "$STORAGE" > "$tmp/files1"
istmctl --json disks list > "$tmp/disks1"
cmp -s "$tmp/files0" "$tmp/files1" || fail "a refused call touched the files"
cmp -s "$tmp/disks0" "$tmp/disks1" || fail "a refused call changed the disks"

# --- assign / unassign, as tgtd sees them ---------------------------------
expect_rc 0 istmctl -q targets create t
expect_rc 0 istmctl assign t 1 --lun 2
expect_rc 0 istmctl assign t 'C:\d\made.vhd'
tgt_adm --mode target --op show > "$tmp/tgt"
grep -q '^        LUN: 3$' "$tmp/tgt" || { cat "$tmp/tgt"; fail "ISTM LUN 2 is not tgt LUN 3"; }
grep -q "Backing store path: $STORAGE/d/one-child.vhd\$" "$tmp/tgt" || fail "child not served"
grep -q "Backing store path: $STORAGE/d/made.vhd\$" "$tmp/tgt" || fail "made.vhd not served"
expect_rc 0 istmctl --json targets show t
json 'assert sorted((m["lun"], m["disk"]) for m in d["luns"]) == [(0, 2), (2, 1)], d; assert any(m["path"].endswith("made.vhd") for m in d["luns"]), d' \
    "targets show lists the mapped disks"
expect_rc 0 istmctl disks show 1
grep -q '^assigned: *yes$' "$tmp/out" || { cat "$tmp/out"; fail "disk 1 not shown assigned"; }
expect_rc 1 istmctl assign t 0                                           # a base, writable
expect_rc 1 istmctl assign nosuch 2
expect_rc 0 istmctl unassign t 'C:\d\made.vhd'
tgt_adm --mode target --op show | grep -q "made.vhd" && fail "unassign left the LU in tgtd"
expect_rc 1 istmctl unassign t 'C:\d\made.vhd'

# --- delete (the files stay) ----------------------------------------------
expect_rc 0 istmctl unassign t 1
expect_rc 0 istmctl disks delete 1
[ -e "$STORAGE/d/one-child.vhd" ] || fail "delete without --delete-file removed the file"
expect_rc 0 istmctl disks delete 'C:\d\made.vhd'
[ -e "$STORAGE/d/made.vhd" ] || fail "delete without --delete-file removed the file"
expect_rc 0 istmctl --json disks list
json 'assert [x["index"] for x in d] == [0], d' "disks left after the deletes"

istmd_stop
