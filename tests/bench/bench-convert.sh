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
# afterwards (not timed).  The cases run interleaved for BENCH_ROUNDS (>= 5)
# rounds (tests/bench/bench-functions.sh); the table gives min/median/max
# MB/s of virtual disk (10^6 bytes/s) and the ratios of the medians, all
# from this one run of the script.
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
. "$top/tests/bench/bench-functions.sh"
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

# timed CASE: one cold-cache run of CASE, printing MB/s; the output must
# equal the source data.
timed()
{
    local t0 t1
    rm -f out.raw
    drop_caches
    t0=$(now)
    case $1 in
        raw-copy) cp --sparse=never data.raw out.raw && sync out.raw ;;
        vhdtool-d1) "$VHDTOOL" convert -q depth1.vhd out.raw ;;
        qemu-d1) qemu-img convert -f vpc -O raw depth1.vhd out.raw && sync out.raw ;;
        vhdtool-d8) "$VHDTOOL" convert -q l7.vhd out.raw ;;
    esac
    t1=$(now)
    cmp -s out.raw data.raw || { echo "bench: $1 produced other data" >&2; echo fail; return; }
    echo "$SIZE_MB * 1048576 / ($t1 - $t0) / 1000000" | bc -l | xargs printf '%.1f\n'
}

bench_run convert timed raw-copy vhdtool-d1 qemu-d1 vhdtool-d8
rm -f out.raw

echo
echo "1 GiB of random data, $( [ "$cold" = 1 ] && echo "cold cache" || echo "WARM cache"), output synced," \
    "MB/s, $BENCH_ROUNDS interleaved rounds; $(nproc) CPUs, $(bench_load)"
bench_header
bench_row convert vhdtool-d1 qemu-d1 "vhdtool/qemu-img depth 1" 1
bench_row convert vhdtool-d8 vhdtool-d1 "vhdtool depth 8/depth 1" 0.9
bench_row convert vhdtool-d1 raw-copy "vhdtool depth 1/cp of raw data"
echo "figures are only comparable within one run; re-take them on a quiet machine before quoting them"
