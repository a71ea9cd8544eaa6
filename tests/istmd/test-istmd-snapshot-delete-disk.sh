#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-snapshot-delete-disk.sh: DeleteWTDisk of a disk that had
# snapshots leaves its data in its own file (istmd/parent/svc/
# svc_snapshot_fold.c).  A served disk (VHD, then VHDX) gets data, two
# snapshots with writes after each, both snapshots deleted; it is
# unassigned and deleted: its layers are committed into its file and
# removed, the file checks clean, and registered and served again it reads
# the newest data of every region (before, it read the first snapshot's,
# the top stayed in .istmd-layers and DeleteWtFile refused the file as the
# top's parent); DeleteWtFile then removes it.  The 10-minute soak found it.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"
requires_vhdtool
PAT="$ISCSI_PATTERN"

mkdir -p "$STORAGE/f"
lock_port 32694
istm_start 32694

# new_disk WINPATH: register the existing image; its index
new_disk()
{
    expect_rc 0 istmctl disks create "$1" --existing
    sed -n 's/^created disk \([0-9]*\) .*/\1/p' "$tmp/out"
}

for fmt in vhd vhdx; do
    "$VHDTOOL" create -q --type dynamic --size 16M "$STORAGE/f/d.$fmt"
    w=$(new_disk "C:\\f\\d.$fmt")
    expect_rc 0 istmctl -q targets create fold
    expect_rc 0 istmctl assign fold "$w" --lun 0
    expect_rc 0 istmctl targets allow fold --ip 127.0.0.1
    url="iscsi://127.0.0.1:$TGT_PORT/$(istm_target_iqn fold)/1"   # ISTM LUN 0 is tgt LUN 1
    # regions of 1024 blocks: seed 1 in 0-1, then 2 in 1, then 3 in 2
    "$PAT" "$url" write 1 0 2048 >/dev/null || fail "$fmt: first write"
    expect_rc 0 istmctl snapshots create "$w"
    a=$(cat "$tmp/out")
    "$PAT" "$url" write 2 1024 1024 >/dev/null || fail "$fmt: write after snapshot A"
    expect_rc 0 istmctl snapshots create "$w"
    b=$(cat "$tmp/out")
    "$PAT" "$url" write 3 2048 1024 >/dev/null || fail "$fmt: write after snapshot B"
    expect_rc 0 istmctl snapshots delete "$b"
    expect_rc 0 istmctl snapshots delete "$a"
    ls "$STORAGE/f/.istmd-layers" | grep -q "^$w-" || fail "$fmt: no layer above the disk's file to fold"
    expect_rc 0 istmctl unassign fold "$w"
    expect_rc 0 istmctl disks delete "$w"
    old=$w
    "$VHDTOOL" check "$STORAGE/f/d.$fmt" >/dev/null || fail "$fmt: the disk's file does not check clean"

    # registered again on the same target: the newest data
    w=$(new_disk "C:\\f\\d.$fmt")
    expect_rc 0 istmctl assign fold "$w" --lun 0
    "$PAT" "$url" check 1 0 1024 >/dev/null || fail "$fmt: region 0 is not seed 1"
    "$PAT" "$url" check 2 1024 1024 >/dev/null || fail "$fmt: region 1 is not seed 2 (the first snapshot's data?)"
    "$PAT" "$url" check 3 2048 1024 >/dev/null || fail "$fmt: region 2 is not seed 3 (the top's data lost)"
    echo "$fmt: the file read again holds what the disk served last"
    grep -q "disk $old: [0-9]* layer(s) above .* committed into it" "$tmp/istmd.log" ||
        fail "$fmt: istmd does not say it committed the layers"
    left=$(ls "$STORAGE/f/.istmd-layers")
    [ -z "$left" ] || fail "$fmt: layers left behind: $left"
    expect_rc 0 istmctl unassign fold "$w"
    expect_rc 0 istmctl disks delete "$w" --delete-file
    [ ! -e "$STORAGE/f/d.$fmt" ] || fail "$fmt: DeleteWtFile left the file"
    expect_rc 0 istmctl targets delete fold
done
istmd_stop
