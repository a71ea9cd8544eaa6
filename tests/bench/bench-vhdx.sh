#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-vhdx.sh: VHDX against VHD through vhdfs, first writes
# against rewrites, and `vhdtool convert` VHDX -> raw against qemu-img.
# Not part of make check (timings); run by hand, as root, from a built tree:
#
#   tests/bench/bench-vhdx.sh [WORKDIR] [MIB]     (default 512 MiB of data)
#
# Cases (one run each, cold page cache before each timed step):
#   write-new   MIB of random data written sequentially (1 MiB dd blocks,
#               fsync at the end) into a new dynamic disk through vhdfs:
#               every block is allocated (VHD: footer+BAT per block; VHDX:
#               BAT pages through the log, one entry per flush)
#   rewrite     the same writes again (no metadata changes)
#   read        the flat file read back sequentially (O_DIRECT, 1 MiB)
#   instructions  (with valgrind) callgrind counts inside vhd_chain_pread
#               per 4 KiB and 64 KiB random read, VHD against VHDX, for
#               the dynamic disks and a differencing child over each
# for a dynamic VHD (2 MiB blocks, vhdtool's default) and a dynamic VHDX
# (32 MiB blocks, Hyper-V's default); then convert of the VHDX to raw with
# vhdtool and with qemu-img (qemu-img timed with a sync of its output).
# Prints MB/s (10^6 bytes/s), the ratios the issue sets targets on, and the
# load average: on a shared machine the figures move with it.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
VHDFS="$top/vhdfs/vhdfs"
VHDTOOL="$top/vhdfs/vhdtool"
work=${1:-/var/tmp/bench-vhdx.$$}
MIB=${2:-512}
[ "$(id -u)" = 0 ] || { echo "bench-vhdx: needs root (drop_caches, FUSE)" >&2; exit 1; }
for t in qemu-img fusermount3; do
    command -v $t >/dev/null || { echo "bench-vhdx: missing $t" >&2; exit 1; }
done
mkdir -p "$work"
pids=()
cleanup()
{
    local p
    set +e
    mountpoint -q "$work/m" 2>/dev/null && fusermount3 -u "$work/m"
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    [ -z "${1:-}" ] || rm -rf "$work"
}
trap 'cleanup rm' EXIT

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
now() { date +%s.%N; }
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / t / 1e6 }'; }
mount_vhdfs()
{
    mkdir -p "$work/m"
    "$VHDFS" -f "$1" "$work/m" 2>>"$work/vhdfs.log" &
    pids+=($!)
    for _ in $(seq 200); do mountpoint -q "$work/m" && return 0; sleep 0.05; done
    echo "bench-vhdx: vhdfs did not mount $1" >&2
    exit 1
}
umount_vhdfs() { fusermount3 -u "$work/m"; wait "${pids[-1]}"; }

bytes=$((MIB << 20))
head -c $bytes /dev/urandom > "$work/data.raw"
declare -A res
for fmt in vhd vhdx; do
    img="$work/disk.$fmt"
    rm -f "$img"
    "$VHDTOOL" create -q --size "${MIB}M" "$img"
    mount_vhdfs "$img"
    cold; t0=$(now)
    dd if="$work/data.raw" of="$work/m/disk" bs=1M conv=notrunc,fsync status=none
    res[$fmt-write-new]=$(mbps $bytes "$(echo "$(now) - $t0" | bc)")
    cold; t0=$(now)
    dd if="$work/data.raw" of="$work/m/disk" bs=1M conv=notrunc,fsync status=none
    res[$fmt-rewrite]=$(mbps $bytes "$(echo "$(now) - $t0" | bc)")
    cold; t0=$(now)
    dd if="$work/m/disk" of=/dev/null bs=1M iflag=direct status=none
    res[$fmt-read]=$(mbps $bytes "$(echo "$(now) - $t0" | bc)")
    cmp "$work/m/disk" "$work/data.raw" || { echo "bench-vhdx: $fmt data differ" >&2; exit 1; }
    umount_vhdfs
done
cold; t0=$(now)
"$VHDTOOL" convert -q "$work/disk.vhdx" "$work/out-vhdtool.raw"
res[convert-vhdtool]=$(mbps $bytes "$(echo "$(now) - $t0" | bc)")
cold; t0=$(now)
qemu-img convert -f vhdx -O raw "$work/disk.vhdx" "$work/out-qemu.raw"
sync "$work/out-qemu.raw"
res[convert-qemu]=$(mbps $bytes "$(echo "$(now) - $t0" | bc)")
cmp "$work/out-vhdtool.raw" "$work/data.raw" && cmp "$work/out-qemu.raw" "$work/data.raw"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "bench-vhdx: $MIB MiB, $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %12s %12s %12s   (MB/s through vhdfs)\n' format write-new rewrite read
for fmt in vhd vhdx; do
    printf '%-10s %12s %12s %12s\n' $fmt "${res[$fmt-write-new]}" "${res[$fmt-rewrite]}" "${res[$fmt-read]}"
done
echo "VHDX/VHD: write-new $(ratio "${res[vhdx-write-new]}" "${res[vhd-write-new]}")," \
     "rewrite $(ratio "${res[vhdx-rewrite]}" "${res[vhd-rewrite]}")," \
     "read $(ratio "${res[vhdx-read]}" "${res[vhd-read]}") (target >= 0.90)"
echo "VHDX first writes / rewrites: $(ratio "${res[vhdx-write-new]}" "${res[vhdx-rewrite]}") (target >= 0.50)"
echo "convert VHDX -> raw: vhdtool ${res[convert-vhdtool]} MB/s, qemu-img ${res[convert-qemu]} MB/s," \
     "ratio $(ratio "${res[convert-vhdtool]}" "${res[convert-qemu]}") (target >= 1.00)"

# Instructions per read inside vhd_chain_pread (callgrind: exact, the same
# on a loaded machine), VHD against VHDX: the dynamic disks above (first
# 64 MiB) and a differencing child over each holding every other MiB
# (partly present blocks: the sector bitmap is consulted on every read).
PROBE="$top/tests/libvhd/.libs/vhd-probe"
if command -v valgrind >/dev/null && [ -x "$PROBE" ]; then
    export LD_LIBRARY_PATH="$top/libvhd/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    head -c $((1 << 20)) /dev/urandom > "$work/one"
    for fmt in vhd vhdx; do
        "$VHDTOOL" create -q --parent "$work/disk.$fmt" --block-size 2M "$work/child.$fmt"
        for o in $(seq 0 2 $((MIB < 64 ? MIB - 1 : 63))); do
            "$PROBE" write "$work/child.$fmt" $((o << 20)) < "$work/one"
        done
    done
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
