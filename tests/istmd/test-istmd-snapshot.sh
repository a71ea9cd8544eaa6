#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Snapshots through ISTM and istmctl against a real tgtd + bs_vhd, istmd
# and libiscsi initiators:
#  - an initiator writes and reads back continuously (iscsi-verify) while
#    snapshots are taken live (placeholder switch in tgtd), exported and
#    deleted: 0 errors, 0 mismatches; the longest pause it saw is printed;
#  - every snapshot, exported (a new disk on another target) or mounted
#    (vhdfs), reads exactly its moment's data; an export is writable
#    without changing the snapshot;
#  - rollback is refused (ERROR_SHARING_VIOLATION, no record, layer or LU
#    changed) while an initiator is logged in and works after it logged
#    out; the LU then reads the snapshot's data;
#  - delete merges a layer away: the other snapshots and the live disk
#    read the same, every chain checks clean; tgtd drops the merged layer
#    from its open chain (bs_vhd logs the refresh) and holds no descriptor
#    of a removed layer;
#  - snapshots_api.py: 64 per disk and the 65th refused with
#    VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, IEnumSnapshot Next/Skip/
#    Reset/Clone, bad input for each method gets its HRESULT and changes
#    nothing (every reachable row of istmd/SNAPSHOTS-HRESULTS.md);
#  - the schedule set through IWTGeneral takes its snapshot after an istmd
#    restart, and the snapshot is still there after another.
# SNAP_FORMAT=vhdx runs it all on a VHDX disk (test-istmd-snapshot-vhdx.sh):
# its layers, exports and merges are VHDX, linked by DataWriteGuid.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

VHDTOOL="$top_builddir/vhdfs/vhdtool"
fmt=${SNAP_FORMAT:-vhd}
case $fmt in vhd|vhdx) ;; *) fail "SNAP_FORMAT is vhd or vhdx" ;; esac
VERIFY="$top_builddir/tests/istmd/iscsi-verify"
PAT="$ISCSI_PATTERN"
requires command -v fusermount3
requires test -x "$VERIFY"

snap_unmount()
{
    local m pid
    for m in "$tmp"/state/mounts/*; do
        [ -d "$m" ] || continue
        mountpoint -q "$m" && { umount "$m" 2>/dev/null || umount -l "$m"; }
        pid=$(cat "$m.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
    done
    return 0
}
cleanup_fn snap_unmount

mkdir -p "$STORAGE/s"
"$VHDTOOL" create -q --type dynamic --size 64M "$STORAGE/s/live.$fmt"
lock_port 32690
istm_start 32690

istm_serve_disk snap "C:\\s\\live.$fmt"
expect_rc 0 istmctl -q targets create exports
expect_rc 0 istmctl targets allow exports --ip 127.0.0.1
iqn=$(istm_target_iqn snap)
xiqn=$(istm_target_iqn exports)
url="iscsi://127.0.0.1:$TGT_PORT/$iqn/1"

# what the snapshots must show: seed N over the first MiB at moment N
"$PAT" "$url" write 1 0 2048 >/dev/null || fail "first pattern write"
"$VERIFY" "$url" $((16 << 11)) 4096 120 > "$tmp/verify" 2> "$tmp/verify.err" &
vpid=$!
cleanup_fn "kill $vpid 2>/dev/null"
for i in $(seq 100); do grep -q 'logged in' "$tmp/verify" && break; sleep 0.1; done

snap_take()   # snap_take DISK VAR: a snapshot of DISK, its id into VAR
{
    expect_rc 0 istmctl snapshots create "$1"
    printf -v "$2" '%s' "$(cat "$tmp/out")"
}
snap_take 0 A
"$PAT" "$url" write 2 0 2048 >/dev/null || fail "pattern write after snapshot A"
snap_take 0 B
"$PAT" "$url" write 3 0 2048 >/dev/null || fail "pattern write after snapshot B"
snap_take 0 C
"$PAT" "$url" write 4 0 2048 >/dev/null || fail "pattern write after snapshot C"
tgt_adm --mode target --op show | grep -q "Backing store path: $STORAGE/s/.istmd-layers/0-" ||
    fail "the LU is not served from a layer after the snapshots"

# each snapshot exported reads its moment; the export is writable apart
lun=0
for s in "$A:1" "$B:2" "$C:3"; do
    id=${s%%:*}; seed=${s##*:}
    expect_rc 0 istmctl --json snapshots export "$id"
    wtd=$($PYTHON -c "import json; print(json.load(open('$tmp/out'))['disk'])")
    expect_rc 0 istmctl assign exports "$wtd" --lun $lun
    xurl="iscsi://127.0.0.1:$TGT_PORT/$xiqn/$((lun + 1))"
    "$PAT" "$xurl" check "$seed" 0 2048 >/dev/null || fail "the export of snapshot $id does not read seed $seed"
    lun=$((lun + 1))
done
"$PAT" "$xurl" dump "$tmp/c-export" >/dev/null || fail "dump the export of C"
"$PAT" "$xurl" write 9 0 2048 >/dev/null || fail "writing the export of C"
"$PAT" "iscsi://127.0.0.1:$TGT_PORT/$xiqn/2" dump "$tmp/b-export" >/dev/null || fail "dump the export of B"
expect_hr E_ABORT istmctl snapshots export "$C"          # exported already

# a snapshot mounted read-only reads its moment too (vhdfs shows a flat image)
expect_rc 0 istmctl snapshots mount "$B"
mp=$(ls -d "$tmp"/state/mounts/snapshot-* | head -1)
mountpoint -q "$mp" || fail "snapshot B is not mounted"
img=$(ls "$mp" | head -1)
cmp -n 1048576 "$mp/$img" "$tmp/b-export" || fail "snapshot B mounted reads other bytes than its export"
expect_rc 0 istmctl snapshots unmount "$B"
mountpoint -q "$mp" 2>/dev/null && fail "snapshot B is still mounted"
expect_rc 0 istmctl snapshots list --json
json "assert len([s for s in d if s['disk'] == 0]) == 3" "three snapshots of disk 0"
json "assert all('exported' in s['status'] for s in d if s['disk'] == 0)" "all exported"

# delete A while the initiator writes: its export goes with it (unassigned first)
expect_hr ERROR_SHARING_VIOLATION istmctl snapshots delete "$A"   # its export is assigned
expect_rc 0 istmctl unassign exports 1
expect_rc 0 istmctl snapshots delete "$A"
"$PAT" "$url" check 4 0 2048 >/dev/null || fail "the live disk changed when A was deleted"
# B (the middle one) too: its layer is merged into C's, C still reads seed 3
expect_rc 0 istmctl unassign exports 2
expect_rc 0 istmctl snapshots delete "$B"
"$PAT" "$url" check 4 0 2048 >/dev/null || fail "the live disk changed when B was deleted"
"$PAT" "iscsi://127.0.0.1:$TGT_PORT/$xiqn/3" check 9 0 2048 >/dev/null ||
    fail "the export of C changed when B was deleted"
expect_rc 0 istmctl snapshots mount "$C"
mp=$(ls -d "$tmp"/state/mounts/snapshot-* | head -1)
cmp -n 1048576 "$mp/$(ls "$mp" | head -1)" "$tmp/c-export" || fail "snapshot C changed when B was deleted"
expect_rc 0 istmctl snapshots unmount "$C"
nlayers=$(ls "$STORAGE"/s/.istmd-layers | wc -l)
# the newest snapshot's child is the live top: deleting it freezes the top
# and merges into it while the initiator writes
snap_take 0 D
"$PAT" "$url" write 5 0 2048 >/dev/null || fail "pattern write after snapshot D"
expect_rc 0 istmctl snapshots delete "$D"
"$PAT" "$url" check 5 0 2048 >/dev/null || fail "the live disk changed when D was deleted"
[ "$(ls "$STORAGE"/s/.istmd-layers | wc -l)" -le $((nlayers + 1)) ] ||
    fail "deleting D left its layer: $(ls "$STORAGE"/s/.istmd-layers)"
grep -q "merged into" "$tmp/istmd.log" || fail "no layer was merged"
# after each merge istmd switched the LU to the same top: tgtd dropped the
# merged layers from its open chain (no descriptor of a removed layer left)
ls -l "/proc/$TGT_PID/fd" | grep -q "\.istmd-layers/.*(deleted)" &&
    fail "tgtd still holds a merged layer: $(ls -l "/proc/$TGT_PID/fd" | grep '(deleted)')"
[ "$(grep -c 'open chain refreshed (1 layer dropped)' "$TGT_LOG")" -ge 2 ] ||
    fail "bs_vhd did not refresh its open chain after the two merges"

# rollback: refused while the initiator is logged in, and nothing changes
# (the store's records, the layer files, what tgtd serves)
snap_state()
{
    sqlite3 "$tmp/state/istmd.db" "SELECT * FROM snapshots ORDER BY id;
        SELECT * FROM disk_tops ORDER BY wtd; SELECT * FROM layer_journal;
        SELECT * FROM disks ORDER BY wtd"
    ls "$STORAGE"/s/.istmd-layers
    tgt_adm --mode target --op show | grep 'Backing store path'
}
snap_state > "$tmp/state-before"
expect_hr ERROR_SHARING_VIOLATION istmctl snapshots rollback "$C"
snap_state > "$tmp/state-after"
cmp -s "$tmp/state-before" "$tmp/state-after" ||
    { diff "$tmp/state-before" "$tmp/state-after"; fail "the refused rollback changed something"; }
kill $vpid
wait $vpid || { cat "$tmp/verify" "$tmp/verify.err"; fail "the initiator saw errors or mismatches"; }
tail -1 "$tmp/verify"
grep -q 'errors=0 mismatches=0' "$tmp/verify" || fail "errors or mismatches"
echo "longest pause seen by the initiator: $(sed -n 's/.*max_ms=\([0-9.]*\).*/\1/p' "$tmp/verify") ms"
# what each switch cost inside tgtd (bs_vhd times its steps: drain, close,
# the new child on the open chain), beside the initiator's longest pause
# over the whole run (which also spans merges, the load average's stalls)
grep -o "switched to '[^']*' in .*" "$TGT_LOG" | sed "s|'[^']*/|'|"
for i in $(seq 50); do tgt_adm --mode conn --op show --tid 1 | grep -q Session || break; sleep 0.1; done
expect_rc 0 istmctl snapshots rollback "$C"
"$PAT" "$url" check 3 0 2048 >/dev/null || fail "after the rollback the LU does not read snapshot C's data"

# the chains on disk: every layer checks clean (tgtd lets go of the disk first)
expect_rc 0 istmctl unassign snap 0
expect_rc 0 istmctl unassign exports 3
istmd_stop
top=$(sqlite3 "$tmp/state/istmd.db" "SELECT path FROM disk_tops WHERE wtd = 0")
[ -n "$top" ] || fail "no top recorded for disk 0"
"$VHDTOOL" check "$top" >/dev/null || fail "the live chain does not check clean"
compgen -G "$STORAGE/s/.istmd-layers/*.$fmt" >/dev/null || fail "no layer is named after its format (.$fmt)"
for f in "$STORAGE"/s/.istmd-layers/*."$fmt"; do
    [ -s "$f" ] && { "$VHDTOOL" check "$f" >/dev/null || fail "$f does not check clean"; }
done
istm_restart

# the API: the limit, the enumerator, bad input
"$VHDTOOL" create -q --type dynamic --size 4M "$STORAGE/s/small.vhd"
"$VHDTOOL" create -q --type dynamic --size 4M "$STORAGE/s/base.vhd"
"$VHDTOOL" create -q --parent "$STORAGE/s/base.vhd" "$STORAGE/s/child.vhd"
"$VHDTOOL" create -q --type dynamic --size 4M "$STORAGE/s/other.vhd"
istm_py "$top_srcdir/tests/istmd/snapshots_api.py" api --db "$tmp/state/istmd.db" \
    --storage "$STORAGE" --tgt-control "$TGT_C" ||
    { tail -30 "$tmp/istmd.log"; fail "the snapshot API"; }

# the schedule: due 25 s from now; istmd restarts before it; it runs after
expect_rc 0 istmctl snapshots schedule --in 25 --json
json "assert d['scheduled'] and d['next_run']" "the schedule's next run"
cat "$tmp/out"
before=$(sqlite3 "$tmp/state/istmd.db" "SELECT count(*) FROM snapshots WHERE wtd = 0")
istmd_stop
istm_restart
for i in $(seq 60); do
    n=$(sqlite3 "$tmp/state/istmd.db" "SELECT count(*) FROM snapshots WHERE wtd = 0")
    [ "$n" -gt "$before" ] && break
    sleep 1
done
[ "$n" -gt "$before" ] || { tail -20 "$tmp/istmd.log"; fail "the scheduled snapshot was not taken"; }
grep -q 'snapshot schedule ran' "$tmp/istmd.log" || fail "no schedule run in the log"
istmd_stop
istm_restart
expect_rc 0 istmctl snapshots list 0 --json
json "assert len(d) == $n" "the scheduled snapshot is gone after a restart"
istmd_stop
echo "snapshots: live switches, exports, mounts, deletes, rollback, limit, enumerator, bad input and schedule checked"
