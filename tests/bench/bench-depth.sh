#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-depth.sh: what a read costs in libvhd at chain depth 1,
# 16 and 64, on the same bytes (not part of make check; no root needed).
#
#   tests/bench/bench-depth.sh            (from a built tree; valgrind optional)
#
# The same BENCH_MB (default 64) MiB of random data as one dynamic VHD and as
# chains of 16 and 64 layers where layer i holds every Nth MiB starting at
# MiB i (so most reads descend to a deep layer).  Two measures:
#   instructions  callgrind's count of instructions executed inside
#                 vhd_chain_pread() for COUNT (20000) 4 KiB reads at the
#                 same pseudo-random offsets, per read: exact and the same on
#                 a loaded machine (system calls count as one instruction;
#                 their kernel time is not included);
#   reads/s       wall-clock 4 KiB reads per second with a warm page cache,
#                 the depths interleaved for BENCH_ROUNDS (>= 5) rounds
#                 (bench-functions.sh): noisy on a shared machine.
# The first shows the library's own cost; the second what it amounts to
# next to the system calls.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/bench/bench-functions.sh"
PROBE="$top/tests/libvhd/vhd-probe"
MB=${BENCH_MB:-64}
COUNT=${COUNT:-20000}
WALL_COUNT=${WALL_COUNT:-200000}

[ -x "$PROBE" ] || make -s -C "$top/tests/libvhd" vhd-probe
# The real binary, not libtool's wrapper script, for valgrind and timing.
if [ -x "$top/tests/libvhd/.libs/vhd-probe" ]; then
    PROBE="$top/tests/libvhd/.libs/vhd-probe"
    export LD_LIBRARY_PATH="$top/libvhd/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
work=$(mktemp -d "${TMPDIR:-/var/tmp}/bench-depth.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== preparing $MB MiB of random data at depths 1, 16, 64 in $work" >&2
head -c $((MB << 20)) /dev/urandom > "$work/data.raw"
"$PROBE" create dynamic $((MB << 20)) "$work/d1.vhd"
"$PROBE" write "$work/d1.vhd" 0 < "$work/data.raw"
for depth in 16 64; do
    for ((i = 0; i < depth; i++)); do
        f="$work/c$depth-$i.vhd"
        if [ $i = 0 ]; then
            "$PROBE" create dynamic $((MB << 20)) "$f"
        else
            "$PROBE" diff "$work/c$depth-$((i - 1)).vhd" "$f"
        fi
        for ((m = i; m < MB; m += depth)); do
            dd if="$work/data.raw" bs=1M skip=$m count=1 status=none | "$PROBE" write "$f" $((m << 20))
        done
    done
done
declare -A file=([depth1]="$work/d1.vhd" [depth16]="$work/c16-15.vhd" [depth64]="$work/c64-63.vhd")
for d in depth16 depth64; do
    "$PROBE" cat "${file[$d]}" | cmp - "$work/data.raw" || { echo "bench-depth: $d differs" >&2; exit 1; }
done

declare -A ir
if command -v valgrind >/dev/null; then
    for d in depth1 depth16 depth64; do
        valgrind --tool=callgrind --toggle-collect=vhd_chain_pread \
            --callgrind-out-file="$work/cg.$d" "$PROBE" randread "${file[$d]}" "$COUNT" >/dev/null 2>&1
        ir[$d]=$(awk -v n="$COUNT" '/^(summary|totals):/ { t = $2 } END { printf "%.0f", t / n }' "$work/cg.$d")
    done
fi

wall()   # wall DEPTH: 4 KiB reads per second, warm cache
{
    local t0 t1
    t0=$(date +%s.%N)
    "$PROBE" randread "${file[$1]}" "$WALL_COUNT" >/dev/null
    t1=$(date +%s.%N)
    awk -v n="$WALL_COUNT" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", n / (b - a) }'
}
"$PROBE" randread "${file[depth64]}" "$WALL_COUNT" >/dev/null   # warm the page cache
bench_run randread wall depth1 depth16 depth64

echo
echo "libvhd 4 KiB random reads, $MB MiB, data spread over every layer; $(nproc) CPUs, $(bench_load)"
if [ ${#ir[@]} -gt 0 ]; then
    printf '%-10s %14s\n' depth "instr/read"
    for d in depth1 depth16 depth64; do printf '%-10s %14s\n' "$d" "${ir[$d]}"; done
    echo "(callgrind, instructions inside vhd_chain_pread per read, $COUNT reads; exact, load-independent)"
fi
bench_header
bench_row randread depth16 depth1 "reads/s depth16/depth1" 0.95
bench_row randread depth64 depth1 "reads/s depth64/depth1" 0.95
