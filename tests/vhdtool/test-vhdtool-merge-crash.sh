#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# merge, crash: `vhdtool merge s2 s3` on a chain base <- s1 <- s2 <- s3 <- top
# is killed with SIGKILL at random moments (uniform over the time a whole
# merge takes, so the kills land before, during and after the copy and the
# relink), for a VHD and a VHDX chain.  After every kill: every layer checks
# clean, base, s1 and s2 are byte for byte unchanged, s3 and top read exactly
# as before; then running the merge again completes it (s3 names s1, one
# layer less) with the same data.  Iterations are bounded by time (about
# 25 s per format) and the number that landed in the middle is printed; at
# least one must have, or the test proved nothing.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires command -v jq

cd "$tmp"
MiB=1048576
SIZE=$((16 * MiB))
BUDGET=${MERGE_CRASH_SECONDS:-25}

# spread FILE COUNT MAXLEN: COUNT random writes of up to MAXLEN bytes, any
# alignment, at random offsets of FILE's chain.
spread()
{
    local f=$1 n=$2 max=$3 i off len
    for ((i = 0; i < n; i++)); do
        len=$((1 + (RANDOM * 32768 + RANDOM) % max))
        off=$(((RANDOM * 32768 + RANDOM) % (SIZE - len)))
        random_file piece "$len"
        poke "$f" "$off" piece
    done
}

layers="base s1 s2 s3 top"

# build EXT: the chain, its expected contents (want-*.raw) and a pristine copy.
build()
{
    local ext=$1 prev="" l
    rm -rf pristine && mkdir pristine
    for l in $layers; do
        if [ -z "$prev" ]; then
            "$VHDTOOL" create -q --type dynamic --size 16M --block-size 2M "$l.$ext"
            spread "$l.$ext" 6 $MiB
        else
            "$VHDTOOL" create -q --type diff --parent "$prev.$ext" "$l.$ext"
        fi
        case $l in
        s1)  spread "$l.$ext" 12 $((600 * 1024)) ;;
        s2)  spread "$l.$ext" 40 $((500 * 1024)) ;;
        s3)  spread "$l.$ext" 12 $((300 * 1024)) ;;
        top) spread "$l.$ext" 5 $((100 * 1024)) ;;
        esac
        prev=$l
    done
    for l in $layers; do
        "$VHDTOOL" check -q "$l.$ext"
        "$VHDTOOL" convert "$l.$ext" "want-$l.raw"
        cp --sparse=always "$l.$ext" pristine/
    done
}

restore()
{
    local l
    for l in $layers; do cp --sparse=always "pristine/$l.$1" .; done
}

depth() { "$VHDTOOL" info --json "$1" | jq '."chain-depth"'; }

# verify EXT WHAT: the invariants after a kill or a merge.  base, s1 and s2
# must be the very bytes they were (they checked clean then); s3 and top
# must check clean and read as before.
verify()
{
    local ext=$1 what=$2 l
    for l in base s1 s2; do
        cmp -s "$l.$ext" "pristine/$l.$ext" || fail "$what: $l.$ext changed"
    done
    for l in s3 top; do
        "$VHDTOOL" check -q "$l.$ext" > check.out 2>&1 || { cat check.out; fail "$what: $l.$ext does not check clean"; }
        "$VHDTOOL" compare -q -F raw "$l.$ext" "want-$l.raw" || fail "$what: $l.$ext reads differently"
    done
}

now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

for ext in ${MERGE_CRASH_FORMATS:-vhd vhdx}; do
    build "$ext"
    [ "$(depth "s3.$ext")" = 4 ] || fail "s3.$ext: depth $(depth "s3.$ext"), want 4"
    # how long a whole merge takes here, now
    t0=$(now_us)
    "$VHDTOOL" merge -q "s2.$ext" "s3.$ext"
    full=$(( $(now_us) - t0 ))
    verify "$ext" "an uninterrupted merge"
    [ "$(depth "s3.$ext")" = 3 ] || fail "s3.$ext: depth $(depth "s3.$ext") after the merge, want 3"

    start=$SECONDS before=0 during=0 after=0 n=0
    while [ $((SECONDS - start)) -lt "$BUDGET" ] && [ $n -lt 200 ]; do
        n=$((n + 1))
        restore "$ext"
        delay=$(( (RANDOM * 32768 + RANDOM) % (full * 9 / 10 + 1) ))
        "$VHDTOOL" merge -q "s2.$ext" "s3.$ext" 2> merge.err &
        pid=$!
        # (bash reports the killed job on stderr: not a failure)
        sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
        kill -KILL "$pid" 2>/dev/null || true
        rc=0; wait "$pid" || rc=$?
        if [ $rc != 0 ] && [ $rc != 137 ]; then cat merge.err; fail "merge failed (exit $rc)"; fi
        if [ $rc = 0 ]; then
            after=$((after + 1))
        elif cmp -s "s3.$ext" "pristine/s3.$ext"; then
            before=$((before + 1))
        elif [ "$(depth "s3.$ext")" = 3 ]; then
            after=$((after + 1))
        else
            during=$((during + 1))
        fi
        verify "$ext" "killed after ${delay} us"
        "$VHDTOOL" merge -q "s2.$ext" "s3.$ext" || fail "the merge did not complete when run again"
        verify "$ext" "completed after a kill at ${delay} us"
        [ "$(depth "s3.$ext")" = 3 ] || fail "s3.$ext: depth $(depth "s3.$ext") after the rerun, want 3"
    done
    echo "$ext: a merge takes ${full} us; $n kills: $before before any write, $during in the middle, $after after it finished"
    [ $during -gt 0 ] || fail "$ext: no kill landed in the middle of a merge"
done
echo "ok: every kill left the chains valid and reading the same; every rerun completed"
