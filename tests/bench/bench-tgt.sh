#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-tgt.sh: bs_vhd against tgt's own rdwr backing store on a
# raw file of the same size, on the same tgtd, through libiscsi (not part of
# make check; root; one run, prints a table of figures and ratios).
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
#   against the same pass again (rewrites).
# Environment: SECONDS_PER_TEST (default 8), BENCH_PORT (default 32690).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir=$top top_builddir=$top
. "$top/tests/functions.sh"
. "$top/tests/tgt/tgt-functions.sh"
requires_tgt
requires_vhdtool
[ -x "$ISCSI_LOAD" ] || { echo "bench-tgt: build tests/tgt/iscsi-load first (make -C tests/tgt iscsi-load)" >&2; exit 1; }

T=${SECONDS_PER_TEST:-8}
SIZE=$((1 << 30))
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

echo "bench-tgt: preparing 1 GiB disks in $tmp" >&2
truncate -s $SIZE "$tmp/raw.img"
serve raw "$tmp/raw.img" rdwr
fill "$(tgt_url raw 1)"
"$VHDTOOL" create --type fixed --size 1G "$tmp/fixed.vhd"
serve fixed "$tmp/fixed.vhd" vhd
fill "$(tgt_url fixed 1)"
"$VHDTOOL" create --type dynamic --size 1G "$tmp/dynamic.vhd"
serve dynamic "$tmp/dynamic.vhd" vhd
fill "$(tgt_url dynamic 1)"

# The chain: each layer is written while it is the top, through tgt.
"$VHDTOOL" create --type dynamic --size 1G "$tmp/c0.vhd"
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

declare -A R
for d in raw fixed dynamic chain; do
    u=$(tgt_url $d 1)
    R[$d,rr]=$(load "$u" --rw read --pattern rand --bs 4096 --qd 32 --seconds $T)
    R[$d,rw]=$(load "$u" --rw write --pattern rand --bs 4096 --qd 32 --seconds $T)
    R[$d,sr]=$(load "$u" --rw read --pattern seq --bs 1048576 --qd 8 --seconds $T)
    R[$d,sw]=$(load "$u" --rw write --pattern seq --bs 1048576 --qd 8 --seconds $T)
done

# First writes into unallocated blocks against rewrites of the same blocks.
for bs in 1048576 65536; do
    "$VHDTOOL" create --type dynamic --size 1G "$tmp/fresh$bs.vhd"
    serve fresh$bs "$tmp/fresh$bs.vhd" vhd
    u=$(tgt_url fresh$bs 1)
    R[first,$bs]=$(load "$u" --rw write --pattern seq --bs $bs --qd 8 --once --seconds 0 --span $((512 << 20)))
    R[re,$bs]=$(load "$u" --rw write --pattern seq --bs $bs --qd 8 --once --seconds 0 --span $((512 << 20)))
done

fig()    # fig KEY iops|mbps
{
    set -- ${R[$1]} "$2"
    if [ "$3" = iops ]; then echo "$1"; else echo "$2"; fi
}
ratio()  # ratio A B -> A/B in percent
{
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }'
}

echo
echo "bs_vhd vs tgt rdwr, 1 GiB, tgtd $(tgtd --version), ${T} s per test, $(nproc) CPUs"
printf '%-28s %12s %12s %12s %12s   %8s %8s %8s\n' test raw fixed dynamic chain8 fixed% dynamic% chain8%
for t in rr:iops:"4K random read QD32 (IOPS)" rw:iops:"4K random write QD32 (IOPS)" \
         sr:mbps:"1M seq read QD8 (MB/s)" sw:mbps:"1M seq write QD8 (MB/s)"; do
    k=${t%%:*}; rest=${t#*:}; unit=${rest%%:*}; name=${rest#*:}
    raw=$(fig raw,$k $unit); f=$(fig fixed,$k $unit); dy=$(fig dynamic,$k $unit); ch=$(fig chain,$k $unit)
    printf '%-28s %12s %12s %12s %12s   %8s %8s %8s\n' "$name" "$raw" "$f" "$dy" "$ch" \
        "$(ratio "$f" "$raw")" "$(ratio "$dy" "$raw")" "$(ratio "$ch" "$raw")"
done
echo
printf '%-28s %12s %12s   %8s\n' "dynamic, sequential pass" "first (MB/s)" "rewrite" "first%"
for bs in 1048576 65536; do
    a=$(fig first,$bs mbps); b=$(fig re,$bs mbps)
    printf '%-28s %12s %12s   %8s\n' "$((bs / 1024)) KiB writes QD8" "$a" "$b" "$(ratio "$a" "$b")"
done
