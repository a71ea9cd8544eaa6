#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-vhdx.sh: VHDX against VHD through vhdfs, first writes
# against rewrites, and `vhdtool convert` VHDX -> raw against qemu-img.
# Not part of make check (timings); run by hand, as root, from a built tree:
#
#   tests/bench/bench-vhdx.sh [WORKDIR] [MIB]     (default 512 MiB of data)
#
# Cases, each a cold page cache (sync; drop_caches) before the timed step:
#   vhd-new, vhdx-new   MIB of random data written sequentially (1 MiB dd
#               blocks, fsync at the end) through vhdfs into a fresh dynamic
#               disk: every block is allocated (VHD: footer+BAT per block;
#               VHDX: BAT pages through the log, batched per flush)
#   vhd-re, vhdx-re     the same writes over a disk already holding them (no
#               metadata changes)
#   read        the flat file read back sequentially (O_DIRECT, 1 MiB)
#   convert     the VHDX to a raw file by `vhdtool convert` (which fdatasyncs
#               its output) and by `qemu-img convert` (timed with a sync of
#               its output, which it leaves in the page cache)
# for a dynamic VHD (2 MiB blocks, vhdtool's default) and a dynamic VHDX
# (32 MiB blocks, Hyper-V's default).  Each comparison runs its cases
# interleaved for BENCH_ROUNDS (>= 5) rounds (tests/bench/bench-functions.sh)
# and prints min/median/max MB/s (10^6 bytes/s), the ratio of the medians
# against the issue's targets, the load average, and "spread > effect" where
# this run cannot tell the cases apart.  Mounting and image creation are not
# timed; the vhdfs and vhdtool binaries are the real ones, not libtool's
# wrapper scripts (whose forks cost tenths of a second on a loaded machine,
# more than a 512 MiB convert's difference).
#
# Then the load-independent counts: system calls of both converts (strace -c:
# how many reads and writes, of what size, any fsync) and callgrind's
# instructions per read inside vhd_chain_pread, VHD against VHDX, for the
# dynamic disks and a differencing child over each (with valgrind).
# Environment: BENCH_ROUNDS (5), BENCH_ONLY=vhdfs|convert (one half only).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/bench/bench-functions.sh"
export LD_LIBRARY_PATH="$top/libvhd/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
VHDFS="$top/vhdfs/.libs/vhdfs"
VHDTOOL="$top/vhdfs/.libs/vhdtool"
[ -x "$VHDFS" ] || VHDFS="$top/vhdfs/vhdfs"
[ -x "$VHDTOOL" ] || VHDTOOL="$top/vhdfs/vhdtool"
work=${1:-/var/tmp/bench-vhdx.$$}
MIB=${2:-512}
ONLY=${BENCH_ONLY:-all}
[ "$(id -u)" = 0 ] || { echo "bench-vhdx: needs root (drop_caches, FUSE)" >&2; exit 1; }
for t in qemu-img fusermount3 strace; do
    command -v $t >/dev/null || { echo "bench-vhdx: missing $t" >&2; exit 1; }
done
mkdir -p "$work"
vhdfs_pid=
cleanup()
{
    set +e
    mountpoint -q "$work/m" 2>/dev/null && fusermount3 -u "$work/m"
    [ -z "$vhdfs_pid" ] || wait "$vhdfs_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
now() { date +%s.%N; }
# mbps T0: MB/s of MIB MiB moved since T0
mbps() { awk -v b=$((MIB << 20)) -v t0="$1" -v t1="$(now)" 'BEGIN { printf "%.1f\n", b / (t1 - t0) / 1e6 }'; }
mount_vhdfs()
{
    mkdir -p "$work/m"
    "$VHDFS" -f "$1" "$work/m" 2>>"$work/vhdfs.log" &
    vhdfs_pid=$!
    for _ in $(seq 200); do mountpoint -q "$work/m" && return 0; sleep 0.05; done
    echo "bench-vhdx: vhdfs did not mount $1" >&2
    exit 1
}
# vhdfs flushes and unlocks on exit: wait for it, so the next step finds
# the image closed.
umount_vhdfs() { fusermount3 -u "$work/m"; wait "$vhdfs_pid"; vhdfs_pid=; }

echo "== $MIB MiB of random data in $work"
head -c $((MIB << 20)) /dev/urandom > "$work/data.raw"

# write CASE (vhd-new, vhdx-new, vhd-re, vhdx-re): one timed dd through
# vhdfs.  A "new" case writes into a fresh image, which it leaves as
# disk.FMT (filled) for the rewrite, read and convert cases.
write_case()
{
    local fmt=${1%-*} t0
    if [ "${1#*-}" = new ] || [ ! -e "$work/disk.$fmt" ]; then
        rm -f "$work/disk.$fmt"
        "$VHDTOOL" create -q --size "${MIB}M" "$work/disk.$fmt"
    fi
    mount_vhdfs "$work/disk.$fmt"
    if [ "${1#*-}" = re ] && [ ! -e "$work/filled.$fmt" ]; then
        # a rewrite needs a disk written before: fill it, untimed
        dd if="$work/data.raw" of="$work/m/disk" bs=1M conv=notrunc,fsync status=none
    fi
    touch "$work/filled.$fmt"
    cold
    t0=$(now)
    if dd if="$work/data.raw" of="$work/m/disk" bs=1M conv=notrunc,fsync status=none; then mbps "$t0"; else echo fail; fi
    umount_vhdfs >/dev/null
}
read_case()
{
    local t0
    mount_vhdfs "$work/disk.$1"
    cold
    t0=$(now)
    if dd if="$work/m/disk" of=/dev/null bs=1M iflag=direct status=none; then mbps "$t0"; else echo fail; fi
    umount_vhdfs >/dev/null
}
convert_case()
{
    local t0
    rm -f "$work/out.raw"
    cold
    t0=$(now)
    case $1 in
        vhdtool) "$VHDTOOL" convert -q "$work/disk.vhdx" "$work/out.raw" || { echo fail; return; } ;;
        qemu-img) { qemu-img convert -f vhdx -O raw "$work/disk.vhdx" "$work/out.raw" &&
                    sync "$work/out.raw"; } || { echo fail; return; } ;;
    esac
    mbps "$t0"
    cmp -s "$work/out.raw" "$work/data.raw" || { echo "bench-vhdx: $1 convert differs" >&2; echo fail; }
}

if [ "$ONLY" != convert ]; then
    echo "== through vhdfs ($BENCH_ROUNDS interleaved rounds, $(bench_load))" >&2
    bench_run write write_case vhd-new vhdx-new vhd-re vhdx-re
    bench_run read read_case vhd vhdx
    for fmt in vhd vhdx; do
        mount_vhdfs "$work/disk.$fmt"
        cmp "$work/m/disk" "$work/data.raw" || { echo "bench-vhdx: $fmt data differ" >&2; exit 1; }
        umount_vhdfs
    done
else
    "$VHDTOOL" convert -q --to vhdx "$work/data.raw" "$work/disk.vhdx"
fi
if [ "$ONLY" != vhdfs ]; then
    echo "== convert VHDX -> raw ($BENCH_ROUNDS interleaved rounds, $(bench_load))" >&2
    bench_run convert convert_case vhdtool qemu-img
fi

echo
echo "== $MIB MiB of random data; MB/s; cold cache before each run; $BENCH_ROUNDS interleaved rounds;" \
     "$(nproc) CPUs, $(bench_load)"
bench_header
if [ "$ONLY" != convert ]; then
    bench_row write vhdx-new vhd-new "VHDX/VHD first writes" 0.90
    bench_row write vhdx-re vhd-re "VHDX/VHD rewrites" 0.90
    bench_row read vhdx vhd "VHDX/VHD reads O_DIRECT" 0.90
    bench_row write vhdx-new vhdx-re "VHDX first writes/rewrites" 0.50
    bench_row write vhd-new vhd-re "VHD first writes/rewrites"
fi
if [ "$ONLY" != vhdfs ]; then
    bench_row convert vhdtool qemu-img "convert VHDX->raw vhdtool/qemu-img" 1.0
fi

# System calls of the two converts (the same on any machine): what each
# reads and writes, in how many calls, and whether it syncs.
if [ "$ONLY" != vhdfs ]; then
    echo
    echo "== convert VHDX -> raw, system calls (strace -f -c; counts do not depend on load)"
    for tool in vhdtool qemu-img; do
        rm -f "$work/out.raw"
        case $tool in
            vhdtool) strace -f -c -o "$work/strace.$tool" "$VHDTOOL" convert -q "$work/disk.vhdx" "$work/out.raw" ;;
            qemu-img) strace -f -c -o "$work/strace.$tool" qemu-img convert -f vhdx -O raw "$work/disk.vhdx" "$work/out.raw" ;;
        esac
        echo "-- $tool: $(awk '$NF ~ /^(pread64|preadv|read|pwrite64|pwritev|write|fdatasync|fsync|sync_file_range|fadvise64|fallocate|lseek|io_uring_enter|io_submit)$/ {
              printf "%s%s %s", sep, $NF, $4; sep = ", " }' "$work/strace.$tool")"
    done
fi

# Instructions per read inside vhd_chain_pread (callgrind: exact, the same
# on a loaded machine), VHD against VHDX: the dynamic disks above (first
# 64 MiB) and a differencing child over each holding every other MiB
# (partly present blocks: the sector bitmap is consulted on every read).
PROBE="$top/tests/libvhd/.libs/vhd-probe"
if [ "$ONLY" != convert ] && command -v valgrind >/dev/null && [ -x "$PROBE" ]; then
    echo
    head -c $((1 << 20)) /dev/urandom > "$work/one"
    for fmt in vhd vhdx; do
        "$VHDTOOL" create -q --parent "$work/disk.$fmt" --block-size 2M "$work/child.$fmt"
        for o in $(seq 0 2 $((MIB < 64 ? MIB - 1 : 63))); do
            "$PROBE" write "$work/child.$fmt" $((o << 20)) < "$work/one"
        done
    done
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
    printf '%-18s %10s %10s %10s   (instructions per read)\n' case VHD VHDX VHDX/VHD
    for c in disk:4096 disk:65536 child:4096 child:65536; do
        declare -A ir=()
        for fmt in vhd vhdx; do
            valgrind --tool=callgrind --toggle-collect=vhd_chain_pread \
                --callgrind-out-file="$work/cg" "$PROBE" randread "$work/${c%:*}.$fmt" 5000 "${c#*:}" \
                >/dev/null 2>&1
            ir[$fmt]=$(awk '/^(summary|totals):/ { t = $2 } END { printf "%.0f", t / 5000 }' "$work/cg")
        done
        printf '%-18s %10s %10s %10s\n' "${c%:*} ${c#*:} B" "${ir[vhd]}" "${ir[vhdx]}" "$(ratio "${ir[vhdx]}" "${ir[vhd]}")"
    done
fi
echo "figures are only comparable within one run; re-take them on a quiet machine before quoting them"
