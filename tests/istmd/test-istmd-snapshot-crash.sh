#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Snapshots survive SIGKILL: istmd (parent and network child) is killed at
# several moments of DeleteSnapshot (a 32 MiB layer being merged into the
# next one up) and of a snapshot being taken, then started again; each
# time the live disk and the remaining snapshot read exactly what they
# held, the delete completes when asked again, the store and the files
# agree, and every layer checks clean with vhdtool.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

VHDTOOL="$top_builddir/vhdfs/vhdtool"
PAT="$ISCSI_PATTERN"
requires command -v sqlite3

mkdir -p "$STORAGE/c"
"$VHDTOOL" create -q --type dynamic --size 128M "$STORAGE/c/live.vhd"
lock_port 32691
istm_start 32691
istm_serve_disk crash 'C:\c\live.vhd'
iqn=$(istm_target_iqn crash)
url="iscsi://127.0.0.1:$TGT_PORT/$iqn/1"

kill_istmd()
{
    local child
    child=$(istmd_child_pid)
    kill -9 "$ISTMD_PID" $child 2>/dev/null
    wait "$ISTMD_PID" 2>/dev/null || true
    ISTMD_PID=
}

"$PAT" "$url" write 1 0 65536 >/dev/null || fail "first write"
expect_rc 0 istmctl snapshots create 0
for round in 1 2 3; do
    delay=$(echo "0.02 0.15 0.4" | cut -d' ' -f$round)
    # X: a 32 MiB layer of seed 10+round; Y on top: seed 20+round in the first MiB
    "$PAT" "$url" write $((10 + round)) 0 65536 >/dev/null || fail "round $round: write X"
    expect_rc 0 istmctl snapshots create 0
    X=$(cat "$tmp/out")
    "$PAT" "$url" write $((20 + round)) 0 2048 >/dev/null || fail "round $round: write Y"
    expect_rc 0 istmctl snapshots create 0
    Y=$(cat "$tmp/out")
    "$PAT" "$url" write $((30 + round)) 0 1024 >/dev/null || fail "round $round: write live"
    # delete X, killed DELAY seconds in
    istmctl snapshots delete "$X" >/dev/null 2>&1 &
    ctl=$!
    sleep "$delay"
    kill_istmd
    wait $ctl || true
    istm_restart
    # the live disk, and Y through an export, read what they held
    "$PAT" "$url" check $((30 + round)) 0 1024 >/dev/null || fail "round $round: live, first blocks"
    "$PAT" "$url" check $((20 + round)) 1024 1024 >/dev/null || fail "round $round: live, Y's blocks"
    "$PAT" "$url" check $((10 + round)) 2048 63488 >/dev/null || fail "round $round: live, X's blocks"
    expect_rc 0 istmctl --json snapshots export "$Y"
    wtd=$($PYTHON -c "import json; print(json.load(open('$tmp/out'))['disk'])")
    expect_rc 0 istmctl assign crash "$wtd" --lun $round
    yurl="iscsi://127.0.0.1:$TGT_PORT/$iqn/$((round + 1))"
    "$PAT" "$yurl" check $((20 + round)) 0 2048 >/dev/null || fail "round $round: Y's first MiB"
    "$PAT" "$yurl" check $((10 + round)) 2048 63488 >/dev/null || fail "round $round: Y's X blocks"
    # asking again completes the delete (or finds it done: the kill came
    # after it, which a quiet machine makes likely for the longer delays);
    # nothing changes for the readers
    rc=0
    istmctl snapshots delete "$X" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ $rc != 0 ]; then
        grep -q 'ERROR_FILE_NOT_FOUND' "$tmp/err" || { cat "$tmp/err"; fail "round $round: asking again: exit $rc"; }
        echo "round $round: the delete was done before the kill"
    fi
    expect_hr ERROR_FILE_NOT_FOUND istmctl snapshots rollback "$X"
    "$PAT" "$yurl" check $((10 + round)) 2048 63488 >/dev/null || fail "round $round: Y after the delete"
    "$PAT" "$url" check $((10 + round)) 2048 63488 >/dev/null || fail "round $round: live after the delete"
    expect_rc 0 istmctl unassign crash "$wtd"
    echo "round $round: killed ${delay}s into the delete; data exact after the restart"
done

# killed while a snapshot is taken: the snapshot is whole or absent
before=$(sqlite3 "$tmp/state/istmd.db" "SELECT count(*) FROM snapshots")
istmctl snapshots create 0 >/dev/null 2>&1 &
ctl=$!
sleep 0.05
kill_istmd
wait $ctl || true
istm_restart
"$PAT" "$url" check 33 0 1024 >/dev/null || fail "live data after a kill during a snapshot"
"$PAT" "$url" write 40 0 1024 >/dev/null || fail "write after a kill during a snapshot"
"$PAT" "$url" check 40 0 1024 >/dev/null || fail "read back after a kill during a snapshot"
after=$(sqlite3 "$tmp/state/istmd.db" "SELECT count(*) FROM snapshots WHERE taken = 1")
echo "snapshots before the kill: $before, after: $after"

# the store and the files agree; every layer checks clean
expect_rc 0 istmctl unassign crash 0
istmd_stop
sqlite3 "$tmp/state/istmd.db" "SELECT layer FROM snapshots" | while read -r f; do
    [ -f "$f" ] || fail "the store names a missing layer '$f'"
done
for f in "$STORAGE"/c/live.vhd "$STORAGE"/c/.istmd-layers/*.vhd; do
    [ -s "$f" ] && { "$VHDTOOL" check "$f" >/dev/null || fail "$f does not check clean"; }
done
echo "snapshot crash safety: deletes and a snapshot killed, data exact, chains valid"
