#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# bench-istmd-child-memory.sh: does istmd's network child level off or
# grow?  CLIENTS istmctl loops (default 4) do the soak's management cycle
# (list targets and disks, create a target and a disk, assign, list
# sessions, unassign, delete both) for ROUNDS cycles each (default 12)
# against a private tgtd and istmd; after each cycle the child's resident
# memory, its anonymous part (RssAnon: the heap, where a leak would show)
# and its open fds are printed.  A leak shows as growth that goes on cycle
# after cycle; a warm-up (allocator arenas, objects awaiting collection)
# as growth that stops.  Prints figures; asserts nothing (not part of make
# check).
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
: "${CLIENTS:=4}" "${ROUNDS:=12}" "${BENCH_PORT:=32751}" "${PING:=120}"

# PING: the DCOM ping period; objects a client leaves are collected after
# three missed pings (istmctl exits without releasing them), so with the
# default 120 s they pile up for 6 minutes before the first is freed
istm_start "$BENCH_PORT" --ping-period "$PING"
child=$(istmd_child_pid)
[ -n "$child" ] || fail "no network child"

# mem: "rss-KiB anon-KiB fds" of the child
mem()
{
    local rss anon
    rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$child/status")
    anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$child/status")
    echo "$rss $anon $(ls "/proc/$child/fd" | wc -l)"
}

cycle()
{
    local k=$1 n=$2
    istmctl targets list >/dev/null
    istmctl disks list >/dev/null
    istmctl targets create "m$k-$n" >/dev/null
    istmctl disks create "C:\\mem\\c$k-$n.vhd" 8M >/dev/null
    istmctl assign "m$k-$n" "C:\\mem\\c$k-$n.vhd" >/dev/null
    istmctl sessions >/dev/null
    istmctl unassign "m$k-$n" "C:\\mem\\c$k-$n.vhd" >/dev/null
    istmctl disks delete "C:\\mem\\c$k-$n.vhd" --delete-file >/dev/null
    istmctl targets delete "m$k-$n" >/dev/null
}

mkdir -p "$STORAGE/mem"
echo "cycle child-rss-KiB child-anon-KiB child-fds (after $CLIENTS clients x 9 calls each)"
echo "0 $(mem)"
for n in $(seq "$ROUNDS"); do
    pids=()
    for k in $(seq "$CLIENTS"); do
        cycle "$k" "$n" & pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || fail "a management call failed"; done
    [ "$(istmd_child_pid)" = "$child" ] || fail "the network child was restarted"
    echo "$n $(mem)"
done
sleep $((PING * 4))
echo "idle $(mem) (after $((PING * 4)) s: four ping periods)"
echo "$((ROUNDS * CLIENTS * 9)) calls, ping period $PING s; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
istmd_stop
