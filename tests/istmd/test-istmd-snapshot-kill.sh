#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Snapshots survive SIGKILL of istmd or of tgtd at named steps of create,
# rollback, export and delete (in the middle of a merge too).  istmd stops
# itself at the step ISTMD_TEST_PAUSE_AT names (svc_test_pause); the test
# then SIGKILLs istmd (parent and network child), or SIGKILLs tgtd and lets
# istmd go on, or both, restarts what it killed (istmd again after a tgtd restart:
# it makes tgtd serve the store at start), and checks:
#   - the cut-off operation is done or not done, never half: asking again
#     completes it;
#   - the live disk (a whole-LUN dump) and every snapshot (its layer's
#     chain converted to raw) read exactly their moment's data;
#   - every layer checks clean (vhdtool check), every layer the store names
#     exists, the layer journal is empty, and istmd's start-up check reports
#     no orphan: the store and the files agree.
# Data: era E writes iscsi-pattern seed E to region 0, region E and region
# HALF+E (64-block regions), so each moment's view is known exactly and a
# merge paused half way has copied the low regions but not the high ones.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

VHDTOOL="$top_builddir/vhdfs/vhdtool"
PAT="$ISCSI_PATTERN"
VIEW="$top_srcdir/tests/istmd/snapshot_view.py"
requires command -v sqlite3
requires_vhdtool

RB=64                      # blocks per region
HALF=256                   # region index of the disk's middle (16 MiB disk)
DB="$tmp/state/istmd.db"
LAYERS="$STORAGE/k/.istmd-layers"

mkdir -p "$STORAGE/k"
"$VHDTOOL" create -q --type dynamic --size 16M "$STORAGE/k/live.vhd"
lock_port 32681
istm_start 32681
istm_serve_disk kill 'C:\k\live.vhd'
iqn=$(istm_target_iqn kill)
url="iscsi://127.0.0.1:$TGT_PORT/$iqn/1"

declare -A LIVE=()         # region -> seed of the live disk
declare -A SNAP=()         # snapshot id -> its view ("region=seed ...")
ERA=0

view_of_live() { local r; for r in "${!LIVE[@]}"; do printf '%s=%s ' "$r" "${LIVE[$r]}"; done; }

write_era()
{
    ERA=$((ERA + 1))
    local r
    for r in 0 $ERA $((HALF + ERA)); do
        "$PAT" "$url" write $ERA $((r * RB)) $RB >/dev/null || fail "era $ERA: write region $r"
        LIVE[$r]=$ERA
    done
}

# what istmd's start-up check says of a file the store does not account for
UNACCOUNTED="is no layer of its snapshots|still an empty placeholder|a chain reads it|creation that was cut off"

# sql QUERY: read the store beside the running istmd
sql() { sqlite3 -readonly "$DB" "$1"; }

snapshot_ids() { sql "SELECT lower(hex(guid)) FROM snapshots WHERE taken = 1 ORDER BY id"; }

# istmctl prints GUIDs as text; the store holds them as bytes
guid_of_hex()
{
    $PYTHON -c "import uuid, sys; print(str(uuid.UUID(bytes_le=bytes.fromhex(sys.argv[1]))))" "$1"
}

newest_snapshot() { guid_of_hex "$(snapshot_ids | tail -1)"; }

layer_of() { sql "SELECT layer FROM snapshots WHERE lower(hex(guid)) = '$(hex_of_guid "$1")'"; }
hex_of_guid() { $PYTHON -c "import uuid, sys; print(uuid.UUID(sys.argv[1]).bytes_le.hex())" "$1"; }

# check_image RAW VIEW WHAT
check_image()
{
    # shellcheck disable=SC2086
    $PYTHON "$VIEW" "$1" $RB $2 >"$tmp/view.err" || { cat "$tmp/view.err"; fail "$3"; }
}

check_live()
{
    rm -f "$tmp/live.raw"
    "$PAT" "$url" dump "$tmp/live.raw" >/dev/null || fail "$1: the live disk cannot be read"
    check_image "$tmp/live.raw" "$(view_of_live)" "$1: the live disk is not its data"
}

check_snapshot()
{
    local id=$1 what=$2 layer
    layer=$(layer_of "$id")
    [ -f "$layer" ] || fail "$what: snapshot $id: the store names '$layer', which is missing"
    rm -f "$tmp/snap.raw"
    "$VHDTOOL" convert "$layer" "$tmp/snap.raw" >/dev/null 2>"$tmp/conv.err" ||
        { cat "$tmp/conv.err"; fail "$what: snapshot $id cannot be read"; }
    check_image "$tmp/snap.raw" "${SNAP[$id]}" "$what: snapshot $id is not its moment's data"
}

# check_all WHAT: data, chains, and the store against the files
check_all()
{
    local id f n
    check_live "$1"
    for id in "${!SNAP[@]}"; do
        check_snapshot "$id" "$1"
    done
    n=$(sql "SELECT count(*) FROM snapshots WHERE taken = 1")
    [ "$n" = "${#SNAP[@]}" ] || fail "$1: the store has $n snapshots, the test ${#SNAP[@]}"
    n=$(sql "SELECT count(*) FROM layer_journal")
    [ "$n" = 0 ] || { sql "SELECT * FROM layer_journal"; fail "$1: $n layer journal rows left"; }
    check_files "$1" "$(sql "SELECT path FROM disk_tops WHERE wtd = 0")"
}

# check_files WHAT [SKIP]: every layer checks clean (but SKIP, the live top
# tgtd holds for writing while it serves the disk)
check_files()
{
    local f
    for f in "$STORAGE/k/live.vhd" "$LAYERS"/*.vhd; do
        [ -e "$f" ] && [ "$f" != "${2:-}" ] || continue
        "$VHDTOOL" check "$f" >"$tmp/check.out" 2>&1 ||
            { cat "$tmp/check.out"; fail "$1: '$f' does not check clean"; }
    done
}

# pause_restart STEP: istmd again, stopping itself at STEP
pause_restart()
{
    istmd_kill
    LOGSTART=$(wc -l < "$tmp/istmd.log")
    ISTMD_TEST_PAUSE_AT=$1 istm_restart
}

kill_istmd()
{
    local child
    child=$(istmd_child_pid)
    kill -9 "$ISTMD_PID" $child 2>/dev/null
    wait "$ISTMD_PID" 2>/dev/null || true
    ISTMD_PID=
}

# cut OP-PID STEP VICTIM: wait until istmd stops at STEP, kill VICTIM
# (istmd; tgtd, letting istmd go on; or both), and bring everything back
cut()
{
    local op=$1 step=$2 victim=$3 i
    for i in $(seq $((300 * TEST_TIMEOUT_SCALE))); do
        tail -n +"$((LOGSTART + 1))" "$tmp/istmd.log" | grep -q "test pause at '$step'$" && break
        kill -0 "$op" 2>/dev/null || { cat "$tmp/op.out"; fail "$step: the operation ended without reaching the step"; }
        sleep 0.1
    done
    for i in $(seq 50); do
        [ "$(awk '{ print $3 }' "/proc/$ISTMD_PID/stat")" = T ] && break
        sleep 0.05
    done
    if [ "$victim" = istmd ]; then
        kill_istmd
        wait "$op" || true
    elif [ "$victim" = both ]; then
        tgt_kill
        kill_istmd
        wait "$op" || true
        tgt_restart
    else
        tgt_kill
        kill -CONT "$ISTMD_PID"
        wait "$op" || true
        tgt_restart
        istmd_kill
    fi
    [ -z "${CUT_HOOK:-}" ] || $CUT_HOOK
    RESTART=$(wc -l < "$tmp/istmd.log")
    istm_restart
    if tail -n +"$((RESTART + 1))" "$tmp/istmd.log" | grep -E "$UNACCOUNTED"; then
        tail -n +"$((LOGSTART + 1))" "$tmp/istmd.log" | grep -E "snapshot|layer|top|rolled|frozen|merged|journal" >&2
        fail "$step ($victim killed): istmd's start-up check reports files the store does not account for"
    fi
    tail -n +"$((RESTART + 1))" "$tmp/istmd.log" | grep -E "left by an operation cut off|is made now" || true
}

snap_create() { expect_rc 0 istmctl snapshots create 0; SNAP[$(cat "$tmp/out")]=$(view_of_live); }

# --- create ---------------------------------------------------------------
case_create()
{
    local step=$1 victim=$2 before after id
    write_era
    before=$(snapshot_ids)
    pause_restart "$step"
    istmctl snapshots create 0 >"$tmp/op.out" 2>&1 &
    cut $! "$step" "$victim"
    after=$(snapshot_ids)
    if [ "$before" = "$after" ]; then
        snap_create                                  # not taken: take it now
        echo "create, $victim killed at $step: not taken; taken when asked again"
    else
        id=$(newest_snapshot)
        SNAP[$id]=$(view_of_live)
        echo "create, $victim killed at $step: taken"
    fi
    check_all "create, $victim killed at $step"
    write_era                                        # the new top takes writes
    check_live "create, $victim killed at $step, then written"
}

# --- a new top lost by a crash of the machine -----------------------------
# tgtd makes the child without a sync (bs_vhd syncs it after the switch,
# before it acknowledges any flush), and istmd syncs it too before it drops
# the placeholder's journal row.  A crash of the machine in between may
# leave the placeholder empty again (the rename lost) or the child torn;
# nothing a flush covered is in it.  No power cut can be made here (no
# device-mapper), so after killing both at that step the test does it to
# the file: istmd's start-up check must make the child again, empty, and
# the live disk read as the snapshot.
lose_top()
{
    local top
    top=$(sql "SELECT path FROM disk_tops WHERE wtd = 0")
    case $1 in
    empty) : > "$top" ;;
    torn) truncate -s $(($(stat -c %s "$top") / 2)) "$top" ;;
    esac
}
case_create_lost()
{
    local step=$1 victim=$2 how=$3
    CUT_HOOK="lose_top $how" case_create "$step" "$victim"
    tail -n +"$((RESTART + 1))" "$tmp/istmd.log" | grep -q "is made now, a child of" ||
        fail "create, the new top $how after a crash at $step: istmd did not make it again"
    echo "create, the new top $how after a crash at $step: made again at start"
}

# --- rollback -------------------------------------------------------------
case_rollback()
{
    local step=$1 victim=$2 id old
    write_era
    id=$(guid_of_hex "$(snapshot_ids | tail -2 | head -1)")   # the second newest
    old=$(view_of_live)
    pause_restart "$step"
    istmctl snapshots rollback "$id" >"$tmp/op.out" 2>&1 &
    cut $! "$step" "$victim"
    # done or not done, never a mix
    rm -f "$tmp/live.raw"
    "$PAT" "$url" dump "$tmp/live.raw" >/dev/null || fail "rollback at $step: the live disk cannot be read"
    # shellcheck disable=SC2086
    if $PYTHON "$VIEW" "$tmp/live.raw" $RB ${SNAP[$id]} >/dev/null; then
        echo "rollback, $victim killed at $step: done"
    else
        check_image "$tmp/live.raw" "$old" "rollback, $victim killed at $step: the live disk is neither before nor after"
        echo "rollback, $victim killed at $step: not done"
    fi
    expect_rc 0 istmctl snapshots rollback "$id"
    LIVE=()
    local p
    for p in ${SNAP[$id]}; do LIVE[${p%%=*}]=${p#*=}; done
    check_all "rollback, $victim killed at $step"
    write_era
    check_live "rollback, $victim killed at $step, then written"
}

# --- export ---------------------------------------------------------------
case_export()
{
    local step=$1 victim=$2 id wtd path
    id=$(newest_snapshot)
    pause_restart "$step"
    istmctl snapshots export "$id" >"$tmp/op.out" 2>&1 &
    cut $! "$step" "$victim"
    wtd=$(sql "SELECT exported_wtd FROM snapshots WHERE lower(hex(guid)) = '$(hex_of_guid "$id")'")
    if [ -z "$wtd" ]; then
        expect_rc 0 istmctl --json snapshots export "$id"
        wtd=$($PYTHON -c "import json; print(json.load(open('$tmp/out'))['disk'])")
        echo "export, $victim killed at $step: not done; done when asked again"
    else
        echo "export, $victim killed at $step: done"
    fi
    path=$(sql "SELECT path FROM disks WHERE wtd = $wtd")
    rm -f "$tmp/snap.raw"
    "$VHDTOOL" convert "$path" "$tmp/snap.raw" >/dev/null || fail "export: disk $wtd cannot be read"
    check_image "$tmp/snap.raw" "${SNAP[$id]}" "export, $victim killed at $step: the export is not the snapshot's data"
    check_all "export, $victim killed at $step"
}

# --- delete ---------------------------------------------------------------
# delete the newest snapshot (its child is the live top: frozen, then merged)
case_delete()
{
    local step=$1 victim=$2 id export=${3:-}
    write_era
    snap_create
    id=$(newest_snapshot)
    write_era
    if [ -n "$export" ]; then
        expect_rc 0 istmctl snapshots export "$id"
    fi
    pause_restart "$step"
    istmctl snapshots delete "$id" >"$tmp/op.out" 2>&1 &
    cut $! "$step" "$victim"
    if [ -n "$(sql "SELECT id FROM snapshots WHERE lower(hex(guid)) = '$(hex_of_guid "$id")'")" ]; then
        # the remaining snapshot still reads its moment before the retry
        check_snapshot "$id" "delete, $victim killed at $step"
        check_live "delete, $victim killed at $step"
        expect_rc 0 istmctl snapshots delete "$id"
        echo "delete, $victim killed at $step: not done; done when asked again"
    else
        echo "delete, $victim killed at $step: done"
    fi
    unset "SNAP[$id]"
    [ -z "$(sql "SELECT wtd FROM disks WHERE description LIKE 'snapshot of disk%'")" ] ||
        fail "delete, $victim killed at $step: the export is still a disk"
    check_all "delete, $victim killed at $step"
}

# Which cases run: make check runs one of each operation and victim, and
# each step a fix was made for (a case takes 20-40 s on a loaded machine);
# SNAPSHOT_KILL_CASES=all runs all 23, or "op:step:victim ..." those cases.
DEFAULT_CASES="create:freeze-recorded:istmd create:switch-request:istmd
  create:freeze-switched:istmd create_lost:freeze-switched:both
  create:freeze-recorded:both delete:freeze-recorded:both delete:delete-merging:tgtd
  delete:delete-recorded:istmd export:export-created:istmd rollback:rollback-recorded:istmd
  rollback:rollback-recorded:tgtd"
CASES=${SNAPSHOT_KILL_CASES:-$DEFAULT_CASES}
want_case() { [ "$CASES" = all ] || [[ " $(echo $CASES) " == *" $1 "* ]]; }
NCUTS=0
run_case()
{
    local op=$1
    shift
    if want_case "$op:$1:$2"; then
        "case_$op" "$@"
        NCUTS=$((NCUTS + 1))
    fi
}

write_era
snap_create
write_era
snap_create
write_era
check_all "before any kill"

run_case create freeze-placeholder istmd
run_case create freeze-recorded istmd
run_case create switch-request istmd
run_case create freeze-recorded tgtd
run_case create freeze-recorded both
run_case create freeze-switched istmd
run_case create freeze-switched tgtd
run_case create_lost freeze-switched both empty
run_case create_lost freeze-switched both torn
run_case delete delete-frozen istmd
run_case delete freeze-recorded both
run_case delete switch-request istmd
run_case delete delete-merging istmd
run_case delete delete-merging tgtd
run_case delete delete-merged istmd
run_case delete delete-recorded istmd
run_case delete delete-export-recorded istmd export
run_case export export-created istmd
run_case rollback rollback-created istmd
run_case rollback rollback-recorded istmd
run_case rollback rollback-switched istmd
run_case rollback rollback-recorded tgtd

# --- the layers a delete leaves in the chain ------------------------------
# SnapshotStorageUsedSize counts every layer istmd made for the disk but
# its live top and its exports, whether a snapshot names it or not
used_by_files()
{
    local top f sum=0
    top=$(sql "SELECT path FROM disk_tops WHERE wtd = 0")
    for f in "$LAYERS"/0-*.vhd; do
        case "$f" in "$top"|*/0-export-*) continue ;; esac
        [ -f "$f" ] && sum=$((sum + $(stat -c '%b * %B' "$f")))
    done
    echo "$sum"
}
check_used()
{
    local got want
    got=$(istm_py "$top_srcdir/tests/istmd/snapshot_used.py" 0) || fail "$1: SnapshotStorageUsedSize"
    want=$(used_by_files)
    [ "$got" = "$want" ] || fail "$1: SnapshotStorageUsedSize is $got, the layers take $want"
    echo "$1: SnapshotStorageUsedSize $got bytes, as the layer files"
}
check_used "after the cuts"
# a rollback to A, with B taken after A, leaves A's layer with two
# children (B's branch and the new top): deleting A keeps it in the chain
write_era
snap_create
A=$(newest_snapshot)
write_era
snap_create
write_era
expect_rc 0 istmctl snapshots rollback "$A"
LIVE=()
for p in ${SNAP[$A]}; do LIVE[${p%%=*}]=${p#*=}; done
write_era
al=$(layer_of "$A")
expect_rc 0 istmctl snapshots delete "$A"
unset "SNAP[$A]"
[ -f "$al" ] || fail "the layer of a deleted snapshot with two children was removed"
"$VHDTOOL" info "$(sql "SELECT path FROM disk_tops WHERE wtd = 0")" | grep -qF "$al" ||
    fail "the kept layer is not in the live disk's chain"
check_all "a layer with two children kept"
check_used "a layer with two children kept"
# the first snapshot's layer is the disk's own file: it stays the base
first=$(sql "SELECT lower(hex(guid)) FROM snapshots WHERE layer = '$STORAGE/k/live.vhd'")
if [ -n "$first" ]; then
    first=$(guid_of_hex "$first")
    expect_rc 0 istmctl snapshots delete "$first"
    unset "SNAP[$first]"
fi
[ -f "$STORAGE/k/live.vhd" ] || fail "the disk's own file was removed"
check_all "the disk's own file kept"
check_used "the disk's own file kept"
echo "snapshots left: ${#SNAP[@]}; every one reads its moment"

# a create cut off before it published its file leaves the temporary file
# (vhd_create_tmpfile's ".NAME.XXXXXX"): the start-up check names it
leftover="$LAYERS/.0-$(date +%s).vhd.Zq81xP"
: > "$leftover"
RESTART=$(wc -l < "$tmp/istmd.log")
istmd_stop
istm_restart
tail -n +"$((RESTART + 1))" "$tmp/istmd.log" | grep -F "'$leftover' is the temporary file of a layer's creation that was cut off" ||
    fail "istmd's start-up check does not report a create's leftover temporary file"
[ -f "$leftover" ] || fail "istmd removed a create's temporary file (it only reports them)"
rm -f "$leftover"

expect_rc 0 istmctl unassign kill 0
check_files "at the end, the live top too"
istmd_stop
echo "snapshot kill test: $NCUTS cuts of istmd, tgtd or both, data exact, chains valid, store and files agree"
