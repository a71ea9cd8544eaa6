#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-snapshot-depth.sh: reads through bs_vhd after 16 and 64
# live snapshots against the same disk with none (not part of make check;
# root; prints a table of medians of interleaved rounds).
#
#   tests/bench/bench-snapshot-depth.sh     (from a built tree)
#
# Disks, 256 MiB each, served by one tgtd:
#   depth1   a dynamic VHD, every block written
#   depth16  the same written through 15 snapshots taken the way istmd takes
#            them (placeholder switches): layer i holds its own 1/16 of the
#            disk, the top the last 1/16, so reads reach every layer
#   depth64  the same with 63 snapshots
# Tests (tests/tgt/iscsi-load): 4 KiB random reads at queue depth 32 and
# 1 MiB sequential reads at queue depth 8.  The issue's target: reads after
# 16 and 64 snapshots at >= 90% of the speed at depth 1 (ratio >= 0.9).
# Environment: SECONDS_PER_TEST (default 6), BENCH_ROUNDS (5), BENCH_PORT
# (default 32691).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir=$top top_builddir=$top
. "$top/tests/functions.sh"
. "$top/tests/tgt/tgt-functions.sh"
. "$top/tests/bench/bench-functions.sh"
requires_tgt
requires_vhdtool
requires command -v jq
[ -x "$ISCSI_LOAD" ] || { echo "bench-snapshot-depth: build tests/tgt/iscsi-load first (make -C tests/tgt iscsi-load)" >&2; exit 1; }

T=${SECONDS_PER_TEST:-6}
SIZE=$((256 << 20))
tgt_start "${BENCH_PORT:-32691}"

load()   # load URL ARGS... -> prints the iops= and MBps= figures
{
    local url=$1 out
    shift
    out=$("$ISCSI_LOAD" "$@" "$url") || { echo "bench-snapshot-depth: load failed: $out" >&2; exit 1; }
    echo "$out" | sed -n 's/.* iops=\([0-9]*\) MBps=\([0-9.]*\) errors=0.*/\1 \2/p'
}
fill()   # fill URL OFFSET SPAN: write every block of the span once
{
    load "$1" --rw write --pattern seq --bs 1048576 --qd 8 --once --seconds 0 \
        --offset "$2" --span "$3" > /dev/null
}

# chain TID NAME DEPTH: a disk written through DEPTH-1 snapshots.
chain()
{
    local tid=$1 name=$2 depth=$3 i slice=$((SIZE / $3)) u
    tgt_target "$tid" "$name"
    "$VHDTOOL" create -q --type dynamic --size 256M "$tmp/$name-0.vhd"
    tgt_lun "$tid" 1 "$tmp/$name-0.vhd"
    u=$(tgt_url "$name" 1)
    fill "$u" 0 $slice
    for ((i = 1; i < depth; i++)); do
        : > "$tmp/$name-$i.vhd"
        tgt_adm --mode logicalunit --op update --tid "$tid" --lun 1 --params online=0
        tgt_adm --mode logicalunit --op update --tid "$tid" --lun 1 --params "path=$tmp/$name-$i.vhd"
        fill "$u" $((i * slice)) $slice
    done
    [ "$("$VHDTOOL" info --json "$tmp/$name-$((depth - 1)).vhd" | jq '."chain-depth"')" = "$depth" ] ||
        { echo "bench-snapshot-depth: $name: the chain is not $depth deep" >&2; exit 1; }
}

echo "bench-snapshot-depth: preparing disks in $tmp ($(bench_load))" >&2
chain 1 depth1 1
chain 2 depth16 16
chain 3 depth64 64
sync

cur_test=
measure()
{
    local u f
    u=$(tgt_url "$1" 1)
    case $cur_test in
        rr) f=$(load "$u" --rw read --pattern rand --bs 4096 --qd 32 --seconds $T); echo "${f% *}" ;;
        sr) f=$(load "$u" --rw read --pattern seq --bs 1048576 --qd 8 --seconds $T); echo "${f#* }" ;;
    esac
}
for cur_test in rr sr; do
    echo "== $cur_test ($(bench_load))" >&2
    bench_run $cur_test measure depth1 depth16 depth64
done

echo
echo "reads through bs_vhd after N live snapshots, 256 MiB disk, data spread over every layer"
echo "rr: 4 KiB random reads QD32 (IOPS); sr: 1 MiB sequential reads QD8 (MB/s)"
bench_header
for cur_test in rr sr; do
    bench_row $cur_test depth16 depth1 "$cur_test: depth 16 vs depth 1" 0.9
    bench_row $cur_test depth64 depth1 "$cur_test: depth 64 vs depth 1" 0.9
done
echo "$(bench_load)"
