#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# A virtual disk's SCSI identity belongs to the disk, not to where it is
# mapped: VPD page 0x80's serial number, page 0x83's T10 vendor ID and NAA
# IEEE Registered Extended designators, read from the LU by an initiator
# (libiscsi: iscsi-inq, and the raw pages decoded by lu_identity.py), are
#  - what IWTDisk::GetVdsLunInfo answers (impacket, vds_lun_info.py) before
#    any target maps the disk and after, and IWTDisk::SerialNumber;
#  - the same on target A at LUN 0 and, unassigned, on target B at LUN 3;
#  - different for two disks, and for a snapshot's exported disk;
#  - unchanged after an istmd restart, and after tgtd and istmd both start
#    again with tgtd empty; an LU whose identity was changed by hand gets
#    the disk's back at istmd's start.
# tgt's NAA locally assigned designator is made of the tid and LUN (no
# parameter reaches it): it is shown to differ, as istmd/README.md says.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"
requires_vhdtool
requires command -v iscsi-inq
lock_port 32679    # one tgtd per port, also across worktrees

py="$top_srcdir/tests/istmd/vds_lun_info.py"
idpy="$top_srcdir/tests/istmd/lu_identity.py"
mkdir -p "$STORAGE"
for d in d0 d1; do
    "$VHDTOOL" --quiet create --type dynamic --size 8M "$STORAGE/$d.vhd"
done

istm_start 32679
expect_rc 0 istmctl -q disks create --existing 'C:\d0.vhd'
expect_rc 0 istmctl -q disks create --existing 'C:\d1.vhd'

# vds NAME WTD: GetVdsLunInfo of disk WTD into $tmp/NAME.json, its identity
# into $tmp/NAME.vds
vds()
{
    istm_py "$py" info "$2" > "$tmp/$1.json" || { tail -20 "$tmp/istmd.log"; fail "GetVdsLunInfo $2"; }
    $PYTHON "$idpy" vds "$tmp/$1.json" > "$tmp/$1.vds"
}

# wire NAME IQN LUN: what an initiator reads from tgt LUN LUN of IQN: the
# raw pages' identity into $tmp/NAME.id, iscsi-inq's text into $tmp/NAME.inq*
wire()
{
    local url="iscsi://127.0.0.1:$TGT_PORT/$2/$3" p
    for p in 0x80 0x83; do
        with_timeout 60 "$ISCSI_PATTERN" "$url" vpd $p > "$tmp/$1.$p" ||
            fail "VPD page $p of $2 LUN $3"
    done
    $PYTHON "$idpy" wire "$tmp/$1.0x80" "$tmp/$1.0x83" > "$tmp/$1.id" || fail "decoding $1"
    with_timeout 60 iscsi-inq "$url" > "$tmp/$1.inq" 2>&1 &&
        with_timeout 60 iscsi-inq -e 1 -c 128 "$url" > "$tmp/$1.inq80" 2>&1 &&
        with_timeout 60 iscsi-inq -e 1 -c 131 "$url" > "$tmp/$1.inq83" 2>&1 ||
        { cat "$tmp/$1.inq"*; fail "iscsi-inq of $2 LUN $3"; }
}

# field NAME KEY: one value of $tmp/NAME.id (or .vds)
field() { $PYTHON -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$tmp/$1" "$2"; }

# same_disk A B: the identities in $tmp/A and $tmp/B (.id or .vds) agree on
# serial, T10 and NAA 6, each present
same_disk()
{
    local k
    for k in serial t10 naa6; do
        [ "$(field "$1" $k)" != None ] || { cat "$tmp/$1"; fail "$1: no $k"; }
        [ "$(field "$1" $k)" = "$(field "$2" $k)" ] ||
            { cat "$tmp/$1" "$tmp/$2"; fail "$k: $1 and $2 differ"; }
    done
}

# other_disk A B: they share none of the three
other_disk()
{
    local k
    for k in serial t10 naa6; do
        [ "$(field "$1" $k)" != "$(field "$2" $k)" ] ||
            { cat "$tmp/$1" "$tmp/$2"; fail "$k: $1 and $2 are the same"; }
    done
}

# --- before any target maps them ------------------------------------------
vds d0-alone 0
vds d1-alone 1
other_disk d0-alone.vds d1-alone.vds
expect_rc 0 istmctl --json disks show 0
serial0=$(json "print(d['serial'])" "no serial of disk 0")
[ "$(field d0-alone.vds serial)" = "$serial0" ] ||
    fail "GetVdsLunInfo's serial $(field d0-alone.vds serial) is not SerialNumber $serial0"

# --- on target A: d0 at ISTM LUN 0, d1 at 1 (tgt LUNs 1 and 2) ------------
for t in A B; do
    expect_rc 0 istmctl -q targets create $t
    expect_rc 0 istmctl targets allow $t --ip 127.0.0.1
done
expect_rc 0 istmctl assign A 0 --lun 0
expect_rc 0 istmctl assign A 1 --lun 1
iqnA=$(istm_target_iqn A)
iqnB=$(istm_target_iqn B)
wire d0-A "$iqnA" 1
wire d1-A "$iqnA" 2
cat "$tmp/d0-A.inq80" "$tmp/d0-A.inq83" "$tmp/d0-A.id"
same_disk d0-A.id d0-alone.vds
same_disk d1-A.id d1-alone.vds
other_disk d0-A.id d1-A.id
vds d0-mapped 0
cmp -s "$tmp/d0-alone.json" "$tmp/d0-mapped.json" ||
    { cat "$tmp/d0-alone.json" "$tmp/d0-mapped.json"; fail "GetVdsLunInfo changed when d0 was mapped"; }
# and libiscsi's own decoding of the same LU agrees (vendor, serial, T10)
$PYTHON "$top_srcdir/tests/istmd/vds_inq_compare.py" "$tmp/d0-mapped.json" "$tmp/d0-A.inq" \
    "$tmp/d0-A.inq80" "$tmp/d0-A.inq83" || fail "GetVdsLunInfo of d0 against iscsi-inq"

# --- d0 moves to target B at ISTM LUN 3 (tgt LUN 4) -----------------------
expect_rc 0 istmctl unassign A 0
expect_rc 0 istmctl assign B 0 --lun 3
wire d0-B "$iqnB" 4
same_disk d0-B.id d0-A.id
[ "$(field d0-B.id naa_local)" != "$(field d0-A.id naa_local)" ] ||
    fail "tgt's NAA locally assigned designator no longer follows tid and LUN: update istmd/README.md"
echo "d0 on A LUN 1 and on B LUN 4: the same serial and designators" \
     "(NAA local $(field d0-A.id naa_local) and $(field d0-B.id naa_local))"

# --- restarts ---------------------------------------------------------------
istmd_stop
istm_restart
wire d0-r1 "$iqnB" 4
wire d1-r1 "$iqnA" 2
same_disk d0-r1.id d0-A.id
same_disk d1-r1.id d1-A.id
# tgtd starts empty: istmd's start makes every LU again
istmd_kill
tgt_kill
tgt_restart
istm_restart
wire d0-r2 "$iqnB" 4
wire d1-r2 "$iqnA" 2
same_disk d0-r2.id d0-A.id
same_disk d1-r2.id d1-A.id
# an LU with another identity (made by hand, or before istmd kept one)
# gets the disk's at istmd's start
tidA=$(tgt_adm --mode target --op show | sed -n "s/^Target \([0-9]*\): $iqnA\$/\1/p")
tgt_adm --mode logicalunit --op update --tid "$tidA" --lun 2 \
    --params scsi_id=IET_BY_HAND,scsi_sn=byhand || fail "changing d1's LU by hand"
wire d1-hand "$iqnA" 2
[ "$(field d1-hand.id serial)" = byhand ] || { cat "$tmp/d1-hand.id"; fail "tgtadm's change did not show"; }
istmd_stop
istm_restart
wire d1-r3 "$iqnA" 2
same_disk d1-r3.id d1-A.id

# --- a snapshot of d0, exported: a disk of its own --------------------------
expect_rc 0 istmctl --json snapshots create 0
sid=$(json "print(d['id'])" "no snapshot id")
expect_rc 0 istmctl --json snapshots export "$sid"
exp=$(json "print(d['disk'])" "no exported disk")
vds e-alone "$exp"
other_disk e-alone.vds d0-A.id
other_disk e-alone.vds d1-A.id
expect_rc 0 istmctl assign A "$exp" --lun 5
wire e-A "$iqnA" 6
same_disk e-A.id e-alone.vds
wire d0-snap "$iqnB" 4
same_disk d0-snap.id d0-A.id

istmd_stop
echo "disk identities: the same on every target, LUN and restart; two disks and an export differ"
