#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-tgt-switch.sh: where the time of a live snapshot switch
# in bs_vhd goes (not part of make check; root).
#
#   tests/bench/bench-tgt-switch.sh            (from a built tree)
#
# A 64 GiB dynamic disk (VHD, then VHDX) is served by a private tgtd while
# one initiator writes 4 KiB at random at queue depth 32 over 1 GiB
# (tests/tgt/iscsi-load) and another writes and reads back with
# verification one command at a time (tests/tgt/iscsi-verify), whose
# slowest command overlapping a switch is the pause an initiator sees.
# BENCH_RUNS snapshot switches (default 8) are taken the way istmd takes
# them (`--params online=0`, then `--params path=` an empty placeholder),
# then one snapshot is merged into its child (vhdtool merge, as DeleteSnapshot
# does) and the same top reopened (what follows a merge).  Printed per
# format: the pause and the time of the path= request (p50 and max), and
# the load average; bs_vhd's own time for each step of the snapshot
# switches (drain, close, the new child or the whole chain's open).
#
# Wall-clock figures depend on the machine's load, so one more switch of
# each kind runs under `strace -f` and the system calls tgtd makes while
# it answers the path= request are counted: per call, the number, the time
# spent in it, and the bytes read and written.  These counts do not depend
# on the load and show what a switch does (which files it opens, reads and
# syncs).  BENCH_STRACE=0 skips them; BENCH_STRACE_DIR=DIR keeps the
# traces there.  BENCH_FORMATS (default "vhd vhdx") picks the formats.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir=$top top_builddir=$top
. "$top/tests/functions.sh"
. "$top/tests/tgt/tgt-functions.sh"
requires_tgt
requires_vhdtool
[ -x "$ISCSI_LOAD" ] && [ -x "$ISCSI_VERIFY" ] ||
    { echo "bench-tgt-switch: build tests/tgt first (make -C tests/tgt iscsi-load iscsi-verify)" >&2; exit 1; }

runs=${BENCH_RUNS:-8}
[ "$runs" -ge 3 ] || { echo "bench-tgt-switch: BENCH_RUNS must be 3 or more (a snapshot is merged)" >&2; exit 1; }
use_strace=${BENCH_STRACE:-1}
command -v strace >/dev/null || use_strace=0

now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

# switch_to TOP: online=0, then path=TOP; prints "START_US PATH_START_US END_US".
switch_to()
{
    local a b c
    a=$(now_us)
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params online=0
    b=$(now_us)
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params "path=$1"
    c=$(now_us)
    echo "$a $b $c"
}

# merge_into LAYER CHILD: what DeleteSnapshot does before its reopen, once
# CHILD (a VHDX top just frozen) is settled; prints the merge's time.
merge_into()
{
    local a
    flock -s -w 60 "$2" true || fail "$2 stays held exclusively after the switch"
    a=$(now_us)
    "$VHDTOOL" merge -q "$1" "$2" || fail "merging $1 into $2 failed"
    echo "$fmt: merged $(basename "$1") into $(basename "$2") in $(( ($(now_us) - a) / 1000 )) ms" >&2
}

# traced TOP KIND: one switch under strace -f; prints the counts.
traced()
{
    local t="$tmp/strace" st w
    strace -f -ttt -T -qq -e trace='!futex,epoll_wait,nanosleep,clock_nanosleep' \
        -o "$t" -p "$TGT_PID" &
    st=$!
    sleep 1
    w=$(switch_to "$1")
    sleep 0.2
    kill -INT "$st"
    wait "$st" 2>/dev/null || true
    # the calls inside the path= request (from its start to its answer)
    set -- $w
    [ -z "${BENCH_STRACE_DIR:-}" ] || cp "$t" "$BENCH_STRACE_DIR/strace-${KIND// /-}"
    awk -v a="$2" -v b="$3" -v pid="$TGT_PID" '
        {
            ts = $2 * 1e6
            if (ts < a || ts > b || $1 != pid) next
            line = $0
            sub(/^[0-9]+ +[0-9.]+ +/, "", line)
            if (line ~ /^<\.\.\. /) { split(line, p, " "); name = p[2] } else name = substr(line, 1, index(line, "(") - 1)
            if (name == "" || name ~ /^---/ || name ~ /^\+\+\+/) next
            dur = 0
            if (match(line, /<[0-9.]+>$/)) dur = substr(line, RSTART + 1, RLENGTH - 2) * 1000
            ret = line; sub(/.*\) += /, "", ret); ret = ret + 0
            if (line ~ /unfinished/) { dur = 0 }
            n[name]++; d[name] += dur
            if (name ~ /^p?read/ && ret > 0) rb[name] += ret
            if (name ~ /^p?write/ && ret > 0) wb[name] += ret
        }
        END {
            for (k in n) printf "    %-16s %6d calls %9.1f ms %12d bytes read %12d bytes written\n", k, n[k], d[k], rb[k], wb[k]
        }' "$t" | sort -k4,4nr > "$tmp/counts"
    echo "  $KIND under strace: tgtd's main thread during the path= request:"
    cat "$tmp/counts"
}

tgt_start 32693
tgt_target 1 switch
u=$(tgt_url switch 1)

for fmt in ${BENCH_FORMATS:-vhd vhdx}; do
    KIND=$fmt
    d="$tmp/$fmt"
    mkdir "$d"
    "$VHDTOOL" create -q --type dynamic --size 64G "$d/s0.$fmt"
    tgt_lun 1 1 "$d/s0.$fmt" vhd "cache_parent=1"
    secs=$((runs * 2 + 18)) # 10 s for the merge before the reopen
    "$ISCSI_LOAD" --rw write --pattern rand --qd 32 --seconds "$secs" --span $((1 << 30)) \
        --offset $((1 << 30)) "$u" > "$tmp/load" 2>&1 &
    load=$!
    cleanup_fn "kill $load 2>/dev/null"
    "$ISCSI_VERIFY" --seconds "$secs" --blocks 32768 --slow "$tmp/slow" "$u" > "$tmp/verify" 2>&1 &
    verify=$!
    cleanup_fn "kill $verify 2>/dev/null"
    sleep 3
    : > "$tmp/windows"
    for i in $(seq 1 "$runs"); do
        : > "$d/s$i.$fmt"
        echo "snapshot $(switch_to "$d/s$i.$fmt")" >> "$tmp/windows"
        sleep 1
    done
    # delete snapshot s(runs-2) as istmd does: merge it into its frozen
    # child (once settled), then reopen the same top
    merge_into "$d/s$((runs - 2)).$fmt" "$d/s$((runs - 1)).$fmt"
    echo "reopen $(switch_to "$d/s$runs.$fmt")" >> "$tmp/windows"
    wait "$verify" || { cat "$tmp/verify"; fail "$fmt: the verifying initiator saw errors"; }
    wait "$load" || { cat "$tmp/load"; fail "$fmt: the load saw failed commands"; }
    # per switch: the longest command overlapping it, and the path= request's time
    while read -r kind a b c; do
        awk -v a="$a" -v c="$c" -v b="$b" -v k="$kind" '
            $2 >= a && $1 <= c { if ($2 - $1 > m) m = $2 - $1 }
            END { printf "%s %.1f %.1f\n", k, m / 1000, (c - b) / 1000 }' "$tmp/slow"
    done < "$tmp/windows" > "$tmp/figures"
    la=$(cut -d' ' -f1-3 /proc/loadavg)
    # the same initiator's longest command that overlaps no switch: what the
    # machine's load alone costs a command, to read the pauses against
    awk 'NR == FNR { a[NR] = $2; c[NR] = $4; n = NR; next }
         { for (i = 1; i <= n; i++) if ($2 >= a[i] && $1 <= c[i]) next
           if ($2 - $1 > m) m = $2 - $1; k++ }
         END { printf "%s: longest command outside any switch %.1f ms (%d commands over 1 ms)\n",
                      f, m / 1000, k }' f="$fmt" "$tmp/windows" "$tmp/slow"
    for kind in snapshot reopen; do
        grep "^$kind " "$tmp/figures" | sort -k2,2n | awk -v f="$fmt" -v k="$kind" -v la="$la" '
            { p[NR] = $2; r[NR] = $3 }
            END {
                n = asort(r, rs)
                printf "%s %s switch, %d runs: longest pause p50 %.1f ms, max %.1f ms; path= request p50 %.1f ms, max %.1f ms (load %s)\n",
                    f, k, NR, p[int((NR + 1) / 2)], p[NR], rs[int((n + 1) / 2)], rs[n], la }'
    done
    # bs_vhd's own times for the snapshot switches (its log line per switch)
    grep -o "switched to '$d/s[0-9]*\.$fmt' in .*" "$TGT_LOG" | head -n "$runs" |
        sed -E 's/.* in ([0-9.]+) ms: drain ([0-9.]+) ms, close ([0-9.]+) ms, ([^0-9]*) ([0-9.]+) ms.*/\1 \2 \3 \5 \4/' > "$tmp/bsteps"
    for col in 1:pause 2:drain 3:close 4:child/open; do
        cut -d' ' -f"${col%%:*}" "$tmp/bsteps" | sort -n | awk -v name="${col#*:}" '{ v[NR] = $1 }
            END { if (NR) printf "  bs_vhd %-10s p50 %7.1f ms, max %7.1f ms\n", name, v[int((NR + 1) / 2)], v[NR] }'
    done
    cut -d' ' -f5- "$tmp/bsteps" | sort | uniq -c | sed 's/^/  bs_vhd switches: /'
    # and the reopen after the merge (the last switch to s$runs)
    grep -o "switched to '$d/s$runs\.$fmt' in .*" "$TGT_LOG" | tail -n 1 | sed "s|$d/||; s|^|  bs_vhd reopen: |"
    sed 's/^/  /' "$tmp/verify" "$tmp/load"
    if [ "$use_strace" = 1 ]; then
        "$ISCSI_LOAD" --rw write --pattern rand --qd 32 --seconds 8 --span $((1 << 30)) \
            --offset $((1 << 30)) "$u" > "$tmp/load" 2>&1 &
        load=$!
        sleep 1
        : > "$d/t1.$fmt"
        KIND="$fmt snapshot switch" traced "$d/t1.$fmt"
        merge_into "$d/s$((runs - 1)).$fmt" "$d/s$runs.$fmt"
        KIND="$fmt reopen" traced "$d/t1.$fmt"
        wait "$load" || { cat "$tmp/load"; fail "$fmt: the load saw failed commands"; }
    fi
    tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
done
tgt_alive || fail "tgtd died"
