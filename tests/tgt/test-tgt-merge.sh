#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-merge: a snapshot deleted while the LU serves I/O, the way istmd
# does it.  An initiator writes and reads back with verification the whole
# time (iscsi-verify, one command at a time).  Snapshots are taken by
# placeholder switches (s0 <- s1 <- s2, then s3 on top); deleting s1, the
# middle one, needs its child s2 frozen first (the switch to s3), then
# `vhdtool merge s1 s2` runs while tgtd holds s2 and s1 open read-only,
# then `--params path=` the same top reopens the chain so tgtd lets go of
# s1, which is deleted.  Shown: 0 failed commands, 0 mismatches; the
# snapshots s0 and s2 read exactly as before; s3's chain is s3 <- s2 <- s0
# and tgtd holds no descriptor of s1 any more; every layer checks clean and
# the LU reads as vhdtool reads s3.  The longest pause the initiator saw
# during each switch and during the merge is printed (the design target is
# under 100 ms; not asserted here: timings do not belong in make check).
# The same for a VHDX chain.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool
requires test -x "$ISCSI_VERIFY"
requires command -v jq

now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

# window NAME START END: record a switch for the pause report.
window() { echo "$1 $2 $3" >> "$tmp/windows"; }

# switch_to TOP NAME: switch the LU to TOP (a new placeholder, or the same
# top again), timing it; then wait until the old top is settled: a VHDX top
# is committed after the switch, and tgtd holds it exclusively until then
# (tgt-backend/README.md, live snapshots), as istmd waits before it opens it.
switch_to()
{
    local a b old
    old=$(tgt_adm --mode target --op show | sed -n 's/^ *Backing store path: \(\/.*\)$/\1/p' | head -n 1)
    a=$(now_us)
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params online=0
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params "path=$1"
    b=$(now_us)
    window "$2" "$a" "$b"
    tgt_adm --mode target --op show | grep -q "Backing store path: $1\$" || fail "the LU does not serve $1"
    [ "$old" = "$1" ] || flock -s -w 60 "$old" true || fail "$old stays held exclusively after the switch"
}

depth() { "$VHDTOOL" info --json "$1" | jq '."chain-depth"'; }

tgt_start 32641
tgt_target 1 merge
u=$(tgt_url merge 1)

for ext in vhd vhdx; do
    d="$tmp/$ext"
    mkdir "$d"
    : > "$tmp/windows"
    "$VHDTOOL" create -q --type dynamic --size 64M "$d/s0.$ext"
    tgt_lun 1 1 "$d/s0.$ext" vhd "cache_parent=1"
    "$ISCSI_VERIFY" --seconds 14 --blocks 32768 --slow "$tmp/slow" "$u" > "$tmp/verify" 2>&1 &
    verify=$!
    cleanup_fn "kill $verify 2>/dev/null"
    sleep 2
    : > "$d/s1.$ext"; switch_to "$d/s1.$ext" "snapshot-1"
    sleep 1.5
    : > "$d/s2.$ext"; switch_to "$d/s2.$ext" "snapshot-2"
    sleep 1.5
    # delete snapshot s1: freeze its child s2 first, then merge s1 into it
    : > "$d/s3.$ext"; switch_to "$d/s3.$ext" "freeze-s2"
    sleep 0.5
    "$VHDTOOL" convert "$d/s2.$ext" "$tmp/s2-before.raw"
    cp --sparse=always "$d/s0.$ext" "$tmp/s0-before"
    a=$(now_us)
    "$VHDTOOL" merge -q "$d/s1.$ext" "$d/s2.$ext" || fail "$ext: the merge failed while tgtd serves the chain"
    window "merge" "$a" "$(now_us)"
    switch_to "$d/s3.$ext" "reopen"
    rm "$d/s1.$ext"
    if ls -l "/proc/$TGT_PID/fd" 2>/dev/null | grep -q "s1\.$ext"; then
        fail "$ext: tgtd still holds s1 after the reopen"
    fi
    wait "$verify" || { cat "$tmp/verify"; fail "$ext: the initiator saw errors or mismatches"; }
    cat "$tmp/verify"
    grep -q 'errors=0 mismatches=0' "$tmp/verify" || fail "$ext: errors or mismatches"

    # the other snapshots are unchanged, the chain lost s1
    cmp -s "$d/s0.$ext" "$tmp/s0-before" || fail "$ext: snapshot s0 changed"
    "$VHDTOOL" compare -q -F raw "$d/s2.$ext" "$tmp/s2-before.raw" || fail "$ext: snapshot s2 reads differently after the merge"
    [ "$(depth "$d/s3.$ext")" = 3 ] || fail "$ext: s3's chain has depth $(depth "$d/s3.$ext"), want 3"
    "$ISCSI_PATTERN" "$u" dump "$tmp/lun.iscsi"
    tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
    "$VHDTOOL" compare -q -F raw "$d/s3.$ext" "$tmp/lun.iscsi" || fail "$ext: the LU and vhdtool read s3 differently"
    for l in s0 s2 s3; do
        "$VHDTOOL" check -q "$d/$l.$ext" || fail "$ext: $l does not check clean"
    done

    # the longest command that overlapped each switch
    while read -r name a b; do
        awk -v a="$a" -v b="$b" -v n="$name" -v e="$ext" '
            $2 >= a && $1 <= b { if ($2 - $1 > m) m = $2 - $1 }
            END { printf "%s %s: longest pause %.1f ms (switch took %.1f ms)\n", e, n, m / 1000, (b - a) / 1000 }' "$tmp/slow"
    done < "$tmp/windows"
    # and what each switch cost inside tgtd (bs_vhd times its steps)
    grep -o "switched to '$d/[^']*' in .*" "$TGT_LOG" | sed "s|$d/||; s|^|$ext |"
done
tgt_alive || fail "tgtd died"
echo "ok: snapshots taken and one merged away online, nothing lost, nothing failed"
