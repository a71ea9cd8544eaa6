#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-convert.sh: how fast `vhdtool convert` turns a VHD into
# a raw image, against qemu-img on the same file, and through a chain of 8
# differencing layers against one layer.  Not part of make check (it moves
# several GiB and wants root to drop the page cache); run by hand:
#
#   tests/bench/bench-convert.sh            (as root, from a built tree)
#
# Setup (not timed): 1 GiB of random data as a raw file; the same data in
# a dynamic VHD (every block allocated, "depth 1"); and in a chain of a
# dynamic base and 7 differencing layers (depth 8) with the data spread
# over all eight layers in 2 MiB stripes (stripe i lives in layer i mod 8).
# Every timed run starts with a cold page cache (sync; echo 3 >
# /proc/sys/vm/drop_caches) and ends with its output on disk: vhdtool
# fdatasyncs its output itself, qemu-img does not, so its run is timed
# together with `sync OUT`.  Every output is compared with the source data
# afterwards (not timed).  Each case runs ROUNDS (3) times interleaved and
# the best time counts; the table gives seconds, MB/s of virtual disk
# (10^6 bytes/s) and the ratios, all from this one run of the script.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
# The real binary, not libtool's wrapper (~0.4 s of forks per call here),
# unless VHDTOOL says otherwise (e.g. an installed /usr/local/bin/vhdtool).
if [ -z "${VHDTOOL:-}" ] && [ -x "$top/vhdfs/.libs/vhdtool" ]; then
    VHDTOOL="$top/vhdfs/.libs/vhdtool"
    export LD_LIBRARY_PATH="$top/libvhd/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
VHDTOOL="${VHDTOOL:-$top/vhdfs/vhdtool}"
POKE="$top/tests/vhdtool/vhd-poke"
dir="${BENCH_DIR:-/var/tmp/vhdtarget-bench}"
SIZE_MB=1024
STRIPE=$((2 << 20))

[ -x "$VHDTOOL" ] || { echo "bench: build first (make)" >&2; exit 1; }
[ -x "$POKE" ] || make -s -C "$top/tests/vhdtool" vhd-poke
command -v qemu-img >/dev/null || { echo "bench: qemu-img is missing" >&2; exit 1; }
cold=1
if [ "$(id -u)" != 0 ]; then
    echo "bench: not root, cannot drop caches: timings are WARM" >&2
    cold=0
fi

mkdir -p "$dir"
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT
cd "$dir"

echo "setup: $SIZE_MB MiB of random data, a dynamic VHD, a depth-8 chain (in $dir)"
head -c $((SIZE_MB << 20)) /dev/urandom > data.raw
"$VHDTOOL" convert -q --to vhd --type dynamic data.raw depth1.vhd
"$VHDTOOL" create --type dynamic --size ${SIZE_MB}M l0.vhd
stripes=$(((SIZE_MB << 20) / STRIPE))
for layer in 0 1 2 3 4 5 6 7; do
    if [ "$layer" -gt 0 ]; then
        "$VHDTOOL" create --type diff --parent "l$((layer - 1)).vhd" "l$layer.vhd"
    fi
    for ((s = layer; s < stripes; s += 8)); do
        "$POKE" "l$layer.vhd" $((s * STRIPE)) data.raw $((s * STRIPE)) $STRIPE
    done
done
"$VHDTOOL" info --json l7.vhd | jq -r '"depth-8 chain: " + ([.chain[] | ."allocated-blocks" | tostring] | join("+")) + " blocks per layer, top to base"'

drop_caches()
{
    sync
    [ "$cold" = 1 ] && echo 3 > /proc/sys/vm/drop_caches
    return 0
}

now() { date +%s.%N; }

# timed NAME CMD...: run CMD on a cold cache; keep its best time in T[NAME].
# The machine is shared, so one sample can be off by 2x either way: each
# case runs ROUNDS times, the cases interleaved round-robin so a burst of
# somebody else's I/O hits them alike, and the best time counts.
ROUNDS=${ROUNDS:-3}
declare -A T
timed()
{
    local name=$1 t0 t1 t
    shift
    rm -f out.raw
    drop_caches
    t0=$(now)
    "$@"
    t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "${T[$name]:-}" ] || [ "$(echo "$t < ${T[$name]}" | bc -l)" = 1 ]; then
        T[$name]=$t
    fi
    cmp -s out.raw data.raw || { echo "bench: $name produced other data" >&2; exit 1; }
}

qemu_convert() { qemu-img convert -f vpc -O raw "$1" out.raw && sync out.raw; }
raw_copy() { cp --sparse=never data.raw out.raw && sync out.raw; }

for ((round = 1; round <= ROUNDS; round++)); do
    echo "round $round of $ROUNDS"
    timed raw-copy raw_copy
    timed vhdtool-d1 "$VHDTOOL" convert -q depth1.vhd out.raw
    timed qemu-d1 qemu_convert depth1.vhd
    timed vhdtool-d8 "$VHDTOOL" convert -q l7.vhd out.raw
done
rm -f out.raw

mbs() { echo "scale=0; $SIZE_MB * 1048576 / ${T[$1]} / 1000000" | bc -l; }
row() { printf '%-46s %8.2f %8s\n' "$1" "${T[$2]}" "$(mbs "$2")"; }
ratio() { echo "scale=2; ${T[$1]} / ${T[$2]}" | bc -l; }

echo
echo "1 GiB of random data, $( [ "$cold" = 1 ] && echo "cold cache" || echo "WARM cache"), output synced, best of $ROUNDS; $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg)"
printf '%-46s %8s %8s\n' "case" "seconds" "MB/s"
row "cp data.raw (raw file, the disk's own speed)" raw-copy
row "vhdtool convert depth1.vhd (dynamic, depth 1)" vhdtool-d1
row "qemu-img convert -f vpc -O raw depth1.vhd" qemu-d1
row "vhdtool convert l7.vhd (chain of depth 8)" vhdtool-d8
echo
echo "qemu-img time / vhdtool time (depth 1):   $(ratio qemu-d1 vhdtool-d1)  (> 1: vhdtool is faster)"
echo "vhdtool depth 8 time / depth 1 time:      $(ratio vhdtool-d8 vhdtool-d1)  (1 = no cost for depth)"
echo "vhdtool depth 1 time / raw copy time:     $(ratio vhdtool-d1 raw-copy)"
