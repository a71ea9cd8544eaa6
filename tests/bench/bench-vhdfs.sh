#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-vhdfs.sh: vhdfs against the raw file and the tools people
# use today, and a deep chain against one layer, on the same bytes (not part
# of make check).
#
#   tests/bench/bench-vhdfs.sh [WORKDIR]      (root; needs fio, jq, qemu-img,
#                                              qemu-storage-daemon, vhdimount)
#
# Targets, all holding the same bytes (BENCH_MB, default 256 MiB, of random
# data in a fully allocated dynamic VHD):
#   raw      the raw file, read directly (the ceiling of the machine)
#   pt_ll    the raw file through libfuse's passthrough_ll example (the
#            ceiling of any FUSE design here), built now from Debian's
#            libfuse3-dev examples into a temporary directory
#   qsd      qemu-storage-daemon's FUSE export of a copy of the VHD
#   vhdimnt  libvhdi's vhdimount of the VHD (read-only: reads only)
#   vhdfs    vhdfs of the VHD, default options
#   depth1   the same vhdfs mount, for the chain comparison
#   depth16  vhdfs of a 16-deep chain where layer i holds every 16th MiB
#            starting at MiB i (a sequential read visits all layers in turn)
# Tests (fio; caches dropped before each run): sequential read, buffered and
# O_DIRECT, 4 MiB requests; sequential write, 4 MiB buffered, ending with
# fsync (passthrough_ll cannot do O_DIRECT writes: EINVAL); random 4 KiB
# O_DIRECT read and write (4 jobs; 2 jobs for the chain).
# Every comparison runs its cases interleaved for BENCH_ROUNDS (>= 5) rounds
# (tests/bench/bench-functions.sh) and prints min/median/max of each case,
# the ratio of the medians, the load average, and whether the spread is
# wider than the effect.  All targets are mounted for the whole run, so the
# rounds of one test follow each other without remounting.
# Environment: BENCH_MB, BENCH_ROUNDS, SEQ_RUNTIME (s, default 20),
# RAND_RUNTIME (s, default 10), BENCH_ONLY=chain|tools (one half only).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
VHDFS="$top/vhdfs/vhdfs"
VHDTOOL="$top/vhdfs/vhdtool"
. "$top/tests/bench/bench-functions.sh"
work=${1:-/var/tmp/bench-vhdfs.$$}
SEQ_RUNTIME=${SEQ_RUNTIME:-20}   # seconds at most per sequential test
RAND_RUNTIME=${RAND_RUNTIME:-10} # seconds per random test
MB=${BENCH_MB:-256}
SIZE=$((MB << 20))
ONLY=${BENCH_ONLY:-all}

[ "$(id -u)" = 0 ] || { echo "bench-vhdfs: needs root (drop_caches, FUSE)" >&2; exit 1; }
for t in fio jq qemu-img qemu-storage-daemon vhdimount gcc pkg-config; do
    command -v $t >/dev/null || { echo "bench-vhdfs: missing $t" >&2; exit 1; }
done
[ -x "$VHDFS" ] && [ -x "$VHDTOOL" ] || { echo "bench-vhdfs: build first (make)" >&2; exit 1; }

mkdir -p "$work"
mounts=() pids=()
cleanup()
{
    local m p
    set +e
    for m in "${mounts[@]}"; do
        mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -u -z "$m"; }
    done
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    sleep 0.5
    rm -rf "$work"
}
trap cleanup EXIT

# wait_mount PATH: until PATH is a mount point (or a file on one, for qsd).
wait_mount()
{
    local i
    for i in $(seq 200); do
        mountpoint -q "$1" 2>/dev/null && return 0
        grep -q " $1 " /proc/mounts && return 0
        sleep 0.05
    done
    echo "bench-vhdfs: $1 did not appear" >&2
    exit 1
}

echo "== preparing $work ($MB MiB of random data: raw file, dynamic VHD, chain of 16)"
head -c $SIZE /dev/urandom > "$work/disk.raw"
"$VHDTOOL" convert --to vhd --type dynamic "$work/disk.raw" "$work/disk.vhd"
cp "$work/disk.vhd" "$work/disk-qsd.vhd"

# passthrough_ll, built now, never kept.
src=$(ls /usr/share/doc/libfuse3-dev/examples/passthrough_ll.c* 2>/dev/null | head -1)
[ -n "$src" ] || { echo "bench-vhdfs: no passthrough_ll.c in libfuse3-dev's examples" >&2; exit 1; }
mkdir -p "$work/pt-build"
case "$src" in *.gz) gzip -dc "$src" > "$work/pt-build/passthrough_ll.c" ;; *) cp "$src" "$work/pt-build/" ;; esac
cp /usr/share/doc/libfuse3-dev/examples/passthrough_helpers.h "$work/pt-build/" 2>/dev/null || true
gcc -O2 -o "$work/pt-build/passthrough_ll" "$work/pt-build/passthrough_ll.c" \
    $(pkg-config --cflags --libs fuse3) -pthread

# wait_exit PID: until the process is gone (it flushes and unlocks on exit).
wait_exit()
{
    local i
    for i in $(seq 600); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "bench-vhdfs: process $1 did not exit" >&2
    exit 1
}
declare -A vhdfs_pid
start_vhdfs()
{
    "$VHDFS" -f "$1" "$2" 2>>"$work/vhdfs.log" &
    vhdfs_pid[$2]=$!
    pids+=($!)
    wait_mount "$2"
}
stop_vhdfs() { fusermount3 -u "$1"; wait_exit "${vhdfs_pid[$1]}"; }

# The depth-16 chain: layer i holds every 16th MiB starting at MiB i, so a
# sequential read visits all layers in turn; the flat image equals disk.raw.
echo "== building the depth-16 chain through vhdfs"
"$VHDTOOL" create --type dynamic --size ${MB}M "$work/c0.vhd"
mkdir -p "$work/m-chain"
mounts+=("$work/m-chain")
for i in $(seq 0 15); do
    top_vhd="$work/c$i.vhd"
    [ $i = 0 ] || "$VHDTOOL" create --type diff --parent "$work/c$((i - 1)).vhd" "$top_vhd"
    start_vhdfs "$top_vhd" "$work/m-chain"
    /usr/bin/python3 - "$work/disk.raw" "$work/m-chain/c$i" $i $MB <<'EOF'
import os, sys
src, dst, layer, mb = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
M = 1 << 20
s, d = os.open(src, os.O_RDONLY), os.open(dst, os.O_WRONLY)
for mib in range(layer, mb, 16):
    os.pwrite(d, os.pread(s, M, mib * M), mib * M)
os.fsync(d)
EOF
    stop_vhdfs "$work/m-chain"
done
chain_top="$work/c15.vhd"

# Mount everything.
mkdir -p "$work/m-pt" "$work/m-vhdfs" "$work/m-vhdi" "$work/m-deep"
touch "$work/qsd-export"
mounts+=("$work/m-pt" "$work/m-vhdfs" "$work/m-vhdi" "$work/m-deep" "$work/qsd-export")

"$work/pt-build/passthrough_ll" -o source="$work" "$work/m-pt" &
pids+=($!)
wait_mount "$work/m-pt"

start_qsd()
{
    qemu-storage-daemon \
        --blockdev driver=file,node-name=file,filename="$work/disk-qsd.vhd" \
        --blockdev driver=vpc,node-name=vpc,file=file \
        --export type=fuse,id=exp,node-name=vpc,mountpoint="$work/qsd-export",writable=on \
        --pidfile "$work/qsd.pid" --daemonize
    pids+=($(cat "$work/qsd.pid"))
    wait_mount "$work/qsd-export"
}
stop_qsd() { local p; p=$(cat "$work/qsd.pid"); kill "$p"; wait_exit "$p"; }
vhdimount "$work/disk.vhd" "$work/m-vhdi" >/dev/null
wait_mount "$work/m-vhdi"

declare -A path
path[raw]="$work/disk.raw"
path[pt_ll]="$work/m-pt/disk.raw"
path[qsd]="$work/qsd-export"
path[vhdimnt]="$work/m-vhdi/vhdi1"
path[vhdfs]="$work/m-vhdfs/disk"
path[depth1]="$work/m-vhdfs/disk"
path[depth16]="$work/m-deep/c15"

# fio_run NAME FILE ARGS...: print MB/s (or IOPS for 4 KiB) of one fio run.
fio_run()
{
    local name=$1 file=$2 out
    shift 2
    sync
    echo 3 > /proc/sys/vm/drop_caches
    out=$(fio --name="$name" --filename="$file" --ioengine=psync --group_reporting \
        --output-format=json "$@" 2>/dev/null) || { echo "fail"; return; }
    case "$*" in
        *--bs=4k*) echo "$out" | jq -r '.jobs[0] | (.read.iops + .write.iops) | floor' ;;
        *) echo "$out" | jq -r '.jobs[0] | ((.read.bw_bytes + .write.bw_bytes) / 1000000) | floor' ;;
    esac
}

# measure TARGET: one fio run of the test in $cur_test on TARGET.
cur_test=
measure()
{
    local file=${path[$1]}
    case $cur_test in
        seqread-buffered) fio_run t "$file" --rw=read --bs=4M --size=$SIZE --runtime=$SEQ_RUNTIME ;;
        seqread-direct) fio_run t "$file" --rw=read --bs=4M --direct=1 --size=$SIZE --runtime=$SEQ_RUNTIME ;;
        seqwrite) fio_run t "$file" --rw=write --bs=4M --size=$SIZE --runtime=$SEQ_RUNTIME --end_fsync=1 ;;
        randread-4k) fio_run t "$file" --rw=randread --bs=4k --direct=1 --size=$SIZE --numjobs=4 --time_based --runtime=$RAND_RUNTIME ;;
        randwrite-4k) fio_run t "$file" --rw=randwrite --bs=4k --direct=1 --size=$SIZE --numjobs=4 --time_based --runtime=$RAND_RUNTIME ;;
        chain-randread-4k) fio_run t "$file" --rw=randread --bs=4k --direct=1 --size=$SIZE --numjobs=2 --time_based --runtime=$RAND_RUNTIME ;;
        chain-seqread-buffered) fio_run t "$file" --rw=read --bs=4M --size=$SIZE --runtime=$SEQ_RUNTIME ;;
        chain-seqread-direct) fio_run t "$file" --rw=read --bs=4M --direct=1 --size=$SIZE --runtime=$SEQ_RUNTIME ;;
    esac
}
compare() { cur_test=$1; shift; echo "== $cur_test: $* ($(bench_load))" >&2; bench_run "$cur_test" measure "$@"; }

start_vhdfs "$work/disk.vhd" "$work/m-vhdfs"
echo "== running ($BENCH_ROUNDS interleaved rounds per comparison; caches dropped before each run)"
if [ "$ONLY" != tools ]; then
    # Reads only, while disk.vhd still holds the chain's bytes (the write
    # tests below overwrite it): the same data in 1 layer and in 16.
    start_vhdfs "$chain_top" "$work/m-deep"
    cmp "${path[depth1]}" "${path[depth16]}" || { echo "bench-vhdfs: the chain's data differs" >&2; exit 1; }
    for t in chain-randread-4k chain-seqread-buffered chain-seqread-direct; do
        compare $t depth1 depth16
    done
fi
if [ "$ONLY" != chain ]; then
    start_qsd
    for t in seqread-buffered seqread-direct randread-4k; do
        compare $t raw pt_ll qsd vhdimnt vhdfs
    done
    compare seqwrite raw pt_ll qsd vhdfs
    compare randwrite-4k raw qsd vhdfs    # pt_ll: O_DIRECT writes fail (EINVAL)
fi

echo
echo "== results: MB/s for sequential, IOPS for 4 KiB random; $MB MiB allocated dynamic VHD;" \
    "$BENCH_ROUNDS interleaved rounds, caches dropped before each run; $(nproc) CPUs, $(bench_load)"
bench_header
if [ "$ONLY" != tools ]; then
    bench_row chain-randread-4k depth16 depth1 "depth16/1 random 4K O_DIRECT 2j" 0.95
    bench_row chain-seqread-buffered depth16 depth1 "depth16/1 seq read buffered" 0.90
    bench_row chain-seqread-direct depth16 depth1 "depth16/1 seq read O_DIRECT" 0.90
fi
if [ "$ONLY" != chain ]; then
    for t in seqread-buffered seqread-direct seqwrite; do
        bench_row $t vhdfs pt_ll "vhdfs/pt_ll $t" 0.90
    done
    bench_row seqread-buffered vhdfs qsd "vhdfs/qsd seqread-buffered" 2
    bench_row seqread-direct vhdfs qsd "vhdfs/qsd seqread-direct" 3
    bench_row randread-4k vhdfs qsd "vhdfs/qsd random read 4K" 2.5
    bench_row randread-4k vhdfs pt_ll "vhdfs/pt_ll random read 4K"
    bench_row randwrite-4k vhdfs qsd "vhdfs/qsd random write 4K"
    bench_row seqread-buffered vhdfs vhdimnt "vhdfs/vhdimount seqread-buffered"
    bench_row randread-4k vhdfs raw "vhdfs/raw random read 4K"
    bench_row randwrite-4k vhdfs raw "vhdfs/raw random write 4K"
fi
echo
echo "pt_ll cannot do O_DIRECT writes (its write_buf hands an unaligned buffer to an O_DIRECT fd: EINVAL)"
echo "figures are only comparable within one run; re-take them on a quiet machine before quoting them"
