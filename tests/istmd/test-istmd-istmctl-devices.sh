#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-istmctl-devices.sh: istmctl's commands that use
# ILocalDeviceMgr against a real istmd: disks create (CreateWtFile),
# create-diff (CreateDiffWtFile), delete --delete-file (DeleteWtFile),
# volumes, ls; the files are checked with vhdtool, refusals are named by
# HRESULT and touch nothing.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool

istm_start 32688
mkdir -p "$STORAGE/d"

# --- disks create, create-diff ---------------------------------------------
expect_rc 0 istmctl disks create 'C:\d\one.vhd' 8M --description 'disk one'
grep -q "^created disk 0 (C:.d.one.vhd)$" "$tmp/out" || { cat "$tmp/out"; fail "creation message"; }
[ "$(stat -c %s "$STORAGE/d/one.vhd")" = $(( (8 << 20) + 512 )) ] || fail "one.vhd is not a fixed 8 MiB VHD"
"$VHDTOOL" info --json "$STORAGE/d/one.vhd" > "$tmp/info" || fail "one.vhd is not a VHD"
grep -q '"type": "fixed"' "$tmp/info" || { cat "$tmp/info"; fail "one.vhd is not fixed"; }
expect_rc 0 istmctl -q disks create-diff 'C:\d\one-child.vhd' 'C:\d\one.vhd'
"$VHDTOOL" info --json "$STORAGE/d/one-child.vhd" > "$tmp/info" || fail "no child VHD"
grep -q '"type": "diff' "$tmp/info" || { cat "$tmp/info"; fail "one-child.vhd is not differencing"; }
"$VHDTOOL" check "$STORAGE/d/one-child.vhd" >/dev/null || fail "one-child.vhd is not valid"
expect_rc 0 istmctl --json disks list
json 'assert [(x["index"], x["size"]) for x in d] == [(0, 8 << 20), (1, 8 << 20)], d' "disks list"

# refusals: named, nothing touched
touch "$STORAGE/d/plain.txt"
ls -lR "$STORAGE" > "$tmp/files0"
expect_hr E_ACCESSDENIED istmctl disks create 'C:\..\escape.vhd' 1M
expect_hr E_INVALIDARG istmctl disks create 'C:\d\bad|name.vhd' 1M
expect_hr E_ACCESSDENIED istmctl disks create 'Q:\d\x.vhd' 1M
expect_rc 1 istmctl disks create 'C:\d\one.vhd' 1M                        # exists
expect_rc 1 istmctl disks create-diff 'C:\d\c2.vhd' 'C:\d\plain.txt'     # not a VHD
expect_rc 1 istmctl disks create-diff 'C:\d\c3.vhd' 'C:\d\nothing.vhd'
expect_rc 1 istmctl disks delete 0 --delete-file                         # has a child
ls -lR "$STORAGE" > "$tmp/files1"
cmp -s "$tmp/files0" "$tmp/files1" || { diff "$tmp/files0" "$tmp/files1"; fail "a refused call touched the files"; }
[ ! -e "$tmp/escape.vhd" ] || fail "a file was made outside the storage root"

# --- volumes, ls ------------------------------------------------------------
expect_rc 0 istmctl --json volumes
grep -q 'C:' "$tmp/out" || { cat "$tmp/out"; fail "volumes does not show C:"; }
expect_rc 0 istmctl volumes
expect_rc 0 istmctl --json ls 'C:\d'
json 'names = sorted(x["name"] for x in d); assert names == ["one-child.vhd", "one.vhd", "plain.txt"], names' \
    "ls C:\\d"
expect_rc 0 istmctl ls 'C:\'
grep -qw 'd' "$tmp/out" || { cat "$tmp/out"; fail "ls C:\\ does not show d"; }
expect_hr E_ACCESSDENIED istmctl ls 'C:\..'

# --- delete --delete-file ---------------------------------------------------
expect_rc 0 istmctl disks delete 1 --delete-file
[ ! -e "$STORAGE/d/one-child.vhd" ] || fail "--delete-file left the file"
expect_rc 0 istmctl disks delete 'C:\d\one.vhd' --delete-file
[ ! -e "$STORAGE/d/one.vhd" ] || fail "--delete-file left the base"
expect_rc 0 istmctl --json disks list
json 'assert d == [], d' "disks left after the deletes"

istmd_stop
