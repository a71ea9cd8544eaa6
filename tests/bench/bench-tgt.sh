#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-tgt.sh: bs_vhd against tgt's own rdwr backing store on a
# raw file of the same size, on the same tgtd, through libiscsi (not part of
# make check; root; prints a table of medians of interleaved rounds).
#
#   tests/bench/bench-tgt.sh            (from a built tree)
#
# Disks, 1 GiB each, every block written once before measuring:
#   raw      tgt's rdwr on a raw file (the baseline)
#   fixed    a fixed VHD
#   dynamic  a dynamic VHD, fully allocated
#   chain8   a depth-8 chain: a full dynamic base and 7 differencing layers,
#            layer i holding its own 1/8 of the disk, the top fully allocated
# Tests (tests/tgt/iscsi-load, one initiator, one connection):
#   4 KiB random read and write at queue depth 32, 1 MiB sequential read and
#   write at queue depth 8; then, on a fresh dynamic VHD, one sequential pass
#   of 1 MiB and of 64 KiB writes into unallocated blocks (first writes)
#   against the same pass over an already written disk (rewrites), and the
#   same two for rdwr on a sparse raw file (the file system's share).
# Every comparison runs its disks interleaved for BENCH_ROUNDS (>= 5) rounds
# (tests/bench/bench-functions.sh) and prints min/median/max of each, the
# ratio of the medians and the load average; a first-write round uses a
# fresh VHD each time, a rewrite round a disk written before.
# Environment: SECONDS_PER_TEST (default 8), BENCH_ROUNDS (5), BENCH_SPAN_MB
# (first-write span, default 256), BENCH_PORT (default 32690), BENCH_ONLY
# (the tests to run, among rr rw sr sw first, e.g. BENCH_ONLY=rr; default
# all), BENCH_SIZE_MB (disk size, default 1024; 64 with BENCH_COST=1).
#
# BENCH_COST=1 measures instead what a command costs tgtd, figures a loaded
# machine does not change (needs strace and valgrind): for each test and
# disk, system calls per command (strace -c -f of tgtd during one run: which
# calls, how many preads or pwrites) and instructions per command executed
# in tgtd's user space (tgtd restarted under valgrind's callgrind, counters
# zeroed before and dumped after each run).  bs_vhd's own share is the
# difference from raw (tgt's rdwr: the same tgtd, iSCSI and queueing).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir=$top top_builddir=$top
. "$top/tests/functions.sh"
. "$top/tests/tgt/tgt-functions.sh"
. "$top/tests/bench/bench-functions.sh"
requires_tgt
requires_vhdtool
[ -x "$ISCSI_LOAD" ] || { echo "bench-tgt: build tests/tgt/iscsi-load first (make -C tests/tgt iscsi-load)" >&2; exit 1; }

T=${SECONDS_PER_TEST:-8}
COST=${BENCH_COST:-0}
if [ "$COST" = 1 ]; then
    for t in strace valgrind callgrind_control; do
        command -v $t > /dev/null || { echo "bench-tgt: BENCH_COST=1 needs $t" >&2; exit 1; }
    done
    SIZE=$((${BENCH_SIZE_MB:-64} << 20))
else
    SIZE=$((${BENCH_SIZE_MB:-1024} << 20))
fi
SPAN=$((${BENCH_SPAN_MB:-256} << 20))
[ $SPAN -le $SIZE ] || SPAN=$SIZE
ONLY=" ${BENCH_ONLY:-} "
ONLY=${ONLY//,/ }
want() { [ -z "${ONLY// /}" ] || [[ $ONLY == *" $1 "* ]]; }
tgt_start "${BENCH_PORT:-32690}"

load()   # load URL ARGS... -> prints the iops= and MBps= figures
{
    local url=$1 out
    shift
    out=$("$ISCSI_LOAD" "$@" "$url") || { echo "bench-tgt: load failed: $out" >&2; exit 1; }
    echo "$out" | sed -n 's/.* iops=\([0-9]*\) MBps=\([0-9.]*\) errors=0.*/\1 \2/p'
}
fill()   # fill URL [OFFSET SPAN]: write every block once
{
    load "$1" --rw write --pattern seq --bs 1048576 --qd 8 --once --seconds 0 \
        ${2:+--offset $2 --span $3} > /dev/null
}

tid=0
serve()  # serve NAME FILE BSTYPE: a target NAME with LUN 1
{
    tid=$((tid + 1))
    tgt_target $tid "$1"
    tgt_lun $tid 1 "$2" "$3"
}

echo "bench-tgt: preparing $((SIZE >> 20)) MiB disks in $tmp" >&2
truncate -s $SIZE "$tmp/raw.img"
serve raw "$tmp/raw.img" rdwr
fill "$(tgt_url raw 1)"
"$VHDTOOL" create --type fixed --size $((SIZE >> 20))M "$tmp/fixed.vhd"
serve fixed "$tmp/fixed.vhd" vhd
fill "$(tgt_url fixed 1)"
"$VHDTOOL" create --type dynamic --size $((SIZE >> 20))M "$tmp/dynamic.vhd"
serve dynamic "$tmp/dynamic.vhd" vhd
fill "$(tgt_url dynamic 1)"

# The chain: each layer is written while it is the top, through tgt.
"$VHDTOOL" create --type dynamic --size $((SIZE >> 20))M "$tmp/c0.vhd"
serve chain "$tmp/c0.vhd" vhd
fill "$(tgt_url chain 1)"
for i in 1 2 3 4 5 6 7; do
    : > "$tmp/c$i.vhd"      # a snapshot placeholder: bs_vhd makes it a child
    tgt_adm --mode logicalunit --op update --tid $tid --lun 1 --params online=0
    tgt_adm --mode logicalunit --op update --tid $tid --lun 1 --params "path=$tmp/c$i.vhd"
    if [ $i -lt 7 ]; then
        fill "$(tgt_url chain 1)" $((i * SIZE / 8)) $((SIZE / 8))
    else
        fill "$(tgt_url chain 1)"
    fi
done
sync

# measure DISK: one run of $cur_test ("rr", "rw", "sr", "sw") on DISK,
# printing IOPS (4 KiB) or MB/s (1 MiB).
cur_test=
measure()
{
    local u f
    u=$(tgt_url "$1" 1)
    case $cur_test in
        rr) f=$(load "$u" --rw read --pattern rand --bs 4096 --qd 32 --seconds $T); echo "${f% *}" ;;
        rw) f=$(load "$u" --rw write --pattern rand --bs 4096 --qd 32 --seconds $T); echo "${f% *}" ;;
        sr) f=$(load "$u" --rw read --pattern seq --bs 1048576 --qd 8 --seconds $T); echo "${f#* }" ;;
        sw) f=$(load "$u" --rw write --pattern seq --bs 1048576 --qd 8 --seconds $T); echo "${f#* }" ;;
    esac
}

# BENCH_COST=1: per-command cost instead of the wall clock.
cost_tests=()
for t in rr rw sr sw; do want $t && cost_tests+=("$t"); done
cost_args()   # cost_args TEST: iscsi-load's options for TEST
{
    case $1 in
        rr) echo --rw read --pattern rand --bs 4096 --qd 32 ;;
        rw) echo --rw write --pattern rand --bs 4096 --qd 32 ;;
        sr) echo --rw read --pattern seq --bs 1048576 --qd 8 ;;
        sw) echo --rw write --pattern seq --bs 1048576 --qd 8 ;;
    esac
}
declare -A COST_SYS COST_IO COST_FUTEX COST_INSN
cost_ops()   # cost_ops URL TEST: one run of T seconds; prints its commands
{
    local out
    # shellcheck disable=SC2046
    out=$("$ISCSI_LOAD" $(cost_args "$2") --seconds "$T" "$1") ||
        { echo "bench-tgt: load failed: $out" >&2; exit 1; }
    echo "$out" | sed -n 's/.* ops=\([0-9]*\) .*errors=0.*/\1/p'
}
cost_syscalls()   # cost_syscalls TEST DISK: strace -c -f of tgtd during a run
{
    local u ops sp f="$tmp/strace.$1.$2"
    u=$(tgt_url "$2" 1)
    # shellcheck disable=SC2046
    "$ISCSI_LOAD" $(cost_args "$1") --seconds 1 "$u" > /dev/null   # warm
    strace -f -c -o "$f" -p "$TGT_PID" 2> /dev/null &
    sp=$!
    sleep 1   # strace attaches to every thread
    ops=$(cost_ops "$u" "$1")
    kill -INT $sp
    wait $sp || true
    read -r "COST_SYS[$1,$2]" "COST_IO[$1,$2]" "COST_FUTEX[$1,$2]" < <(awk -v ops="$ops" '
        $NF != "total" && $NF != "syscall" && $4 ~ /^[0-9]+$/ {
            all += $4
            if ($NF ~ /^(pread|pwrite|preadv|pwritev)/) io += $4
            if ($NF == "futex") fu += $4 }
        END { printf "%.2f %.2f %.2f\n", all / ops, io / ops, fu / ops }' "$f")
}
cost_instructions()   # cost_instructions TEST DISK: tgtd runs under callgrind
{
    local u ops dump
    u=$(tgt_url "$2" 1)
    # shellcheck disable=SC2046
    "$ISCSI_LOAD" $(cost_args "$1") --seconds 1 "$u" > /dev/null   # warm
    callgrind_control -z "$TGT_PID" > /dev/null 2>&1
    ops=$(cost_ops "$u" "$1")
    callgrind_control -d "$1.$2" "$TGT_PID" > /dev/null 2>&1
    dump=$(ls -t "$tmp"/callgrind.out.* | head -1)
    COST_INSN[$1,$2]=$(awk -v ops="$ops" '/^summary:/ { printf "%.0f", $2 / ops }' "$dump")
}
if [ "$COST" = 1 ]; then
    for cur_test in "${cost_tests[@]}"; do
        for d in raw fixed dynamic chain; do
            echo "== system calls: $cur_test $d" >&2
            cost_syscalls $cur_test $d
        done
    done
    # The same disks again, served by a tgtd under callgrind.
    for t in $(seq $tid); do
        tgt_adm --mode target --op delete --force --tid "$t"
    done
    tgt_kill
    TEST_TIMEOUT_SCALE=$((TEST_TIMEOUT_SCALE * 20))
    TGTD_PREFIX="valgrind --tool=callgrind --callgrind-out-file=$tmp/callgrind.out" tgt_restart
    tid=0
    serve raw "$tmp/raw.img" rdwr
    serve fixed "$tmp/fixed.vhd" vhd
    serve dynamic "$tmp/dynamic.vhd" vhd
    serve chain "$tmp/c7.vhd" vhd
    for cur_test in "${cost_tests[@]}"; do
        for d in raw fixed dynamic chain; do
            echo "== instructions: $cur_test $d" >&2
            cost_instructions $cur_test $d
        done
    done
    echo
    echo "per-command cost in tgtd, $((SIZE >> 20)) MiB disks, ${T} s per run, $(nproc) CPUs, $(bench_load)"
    echo "syscalls: strace -c -f of tgtd; instructions: callgrind, tgtd's user space (kernel work not counted)"
    printf '%-24s %12s %12s %10s %10s %10s\n' "test disk" "syscalls/cmd" "pread+pwrite" "futex/cmd" "instr/cmd" "- raw"
    for cur_test in "${cost_tests[@]}"; do
        for d in raw fixed dynamic chain; do
            printf '%-24s %12s %12s %10s %10s %10s\n' "$cur_test $d" "${COST_SYS[$cur_test,$d]}" \
                "${COST_IO[$cur_test,$d]}" "${COST_FUTEX[$cur_test,$d]}" "${COST_INSN[$cur_test,$d]}" \
                "$((COST_INSN[$cur_test,$d] - COST_INSN[$cur_test,raw]))"
        done
    done
    exit 0
fi

for cur_test in rr rw sr sw; do
    want $cur_test || continue
    echo "== $cur_test ($(bench_load))" >&2
    bench_run $cur_test measure raw fixed dynamic chain
done

# First writes into unallocated blocks against rewrites of written blocks,
# one sequential pass over SPAN each.  A first-write run gets a fresh VHD
# (served, written, then deleted); rewrites go to one disk written once.
# The same for rdwr on a sparse raw file: the file system's own cost of
# filling holes, which bs_vhd's first writes pay too (its new blocks are
# holes in the file until written).
want first &&
for bs in 1048576 65536; do
    "$VHDTOOL" create --type dynamic --size $((SIZE >> 20))M "$tmp/re$bs.vhd"
    serve re$bs "$tmp/re$bs.vhd" vhd
    fill "$(tgt_url re$bs 1)" 0 $SPAN
    truncate -s $SIZE "$tmp/rawre$bs.img"
    serve rawre$bs "$tmp/rawre$bs.img" rdwr
    fill "$(tgt_url rawre$bs 1)" 0 $SPAN
done
fresh=0
passes()   # passes first|re|rawfirst|rawre: MB/s of one pass of $cur_bs writes
{
    local f name
    case $1 in
        re) name=re$cur_bs ;;
        rawre) name=rawre$cur_bs ;;
        first)
            fresh=$((fresh + 1)); name=fresh$fresh
            "$VHDTOOL" create --type dynamic --size $((SIZE >> 20))M "$tmp/$name.vhd"
            serve $name "$tmp/$name.vhd" vhd ;;
        rawfirst)
            fresh=$((fresh + 1)); name=fresh$fresh
            truncate -s $SIZE "$tmp/$name.vhd"
            serve $name "$tmp/$name.vhd" rdwr ;;
    esac
    f=$(load "$(tgt_url $name 1)" --rw write --pattern seq --bs $cur_bs --qd 8 --once --seconds 0 --span $SPAN)
    case $1 in
        first|rawfirst)
            tgt_adm --mode target --op delete --force --tid $tid
            rm -f "$tmp/$name.vhd" ;;
    esac
    echo "${f#* }"
}
want first &&
for cur_bs in 1048576 65536; do
    echo "== first writes vs rewrites, $cur_bs bytes ($(bench_load))" >&2
    bench_run "pass$cur_bs" passes first re rawfirst rawre
done

echo
echo "bs_vhd vs tgt rdwr, $((SIZE >> 20)) MiB, tgtd $(tgtd --version), ${T} s per run, $BENCH_ROUNDS interleaved rounds," \
    "$(nproc) CPUs, $(bench_load)"
echo "figures: IOPS for 4 KiB, MB/s for 1 MiB; ratios are of medians (A/B)"
bench_header
for t in rr:"4K random read QD32" rw:"4K random write QD32" sr:"1M seq read QD8" sw:"1M seq write QD8"; do
    k=${t%%:*}; name=${t#*:}
    want $k || continue
    target=
    [ $k = rr ] && target=0.98
    bench_row $k fixed raw "$name fixed/raw" $target
    bench_row $k dynamic raw "$name dynamic/raw" $target
    bench_row $k chain raw "$name chain8/raw" $target
done
if want first; then
    bench_row pass1048576 first re "1M first writes/rewrites QD8"
    bench_row pass1048576 rawfirst rawre "1M rdwr sparse raw first/rewrites"
    bench_row pass65536 first re "64K first writes/rewrites QD8" 0.75
    bench_row pass65536 rawfirst rawre "64K rdwr sparse raw first/rewrites"
    bench_row pass65536 first rawfirst "64K first writes bs_vhd/rdwr sparse"
fi
echo "figures are only comparable within one run; re-take them on a quiet machine before quoting them"
