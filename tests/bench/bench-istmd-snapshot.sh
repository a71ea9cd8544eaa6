#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# bench-istmd-snapshot.sh: how long a snapshot of a 64 GiB disk takes end to
# end (PrepareCreateSnapshot + DoCreateSnapshot + DoEndSnapshot through
# ISTM, istmd switching the LU in tgtd) while an initiator writes at queue
# depth 32 (tests/tgt/iscsi-load), BENCH_RUNS snapshots (default 10): p50
# and max, with the load average; then istmd's own time for each step of
# the freeze (checks, the wait for tgtd to have settled the previous
# switch's VHDX top, placeholder file, store transaction, the switch in
# tgtd: one tgtadm request, istmd's sync of the new child, which tgtd
# wrote unsynced) and
# what remains (the ISTM calls); bs_vhd's
# time for each step of the switch inside tgtd (drain, close, new child);
# and the load's own figures.  The disk is
# dynamic, so its size costs nothing: the switch does not depend on it.
# BENCH_FORMAT=vhdx makes it a VHDX (default vhd).
# Not part of make check.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"

runs=${BENCH_RUNS:-10}
fmt=${BENCH_FORMAT:-vhd}      # vhd or vhdx: the disk's format
case $fmt in vhd|vhdx) ;; *) fail "BENCH_FORMAT is vhd or vhdx" ;; esac
mkdir -p "$STORAGE/b"
"$top_builddir/vhdfs/vhdtool" create -q --type dynamic --size 64G "$STORAGE/b/big.$fmt"
lock_port 32692
istm_start 32692
istmctl -q disks create "C:\\b\\big.$fmt" --existing || fail "register the disk"
istmctl -q targets create bench || fail "create the target"
istmctl assign bench 0 --lun 0 || fail "assign"
istmctl targets allow bench --ip 127.0.0.1 || fail "allow"
iqn=$(istmctl --json targets show bench | $PYTHON -c "import json,sys; print(json.load(sys.stdin)['iqn'])")
"$ISCSI_LOAD" --rw write --pattern rand --qd 32 --seconds $((runs * 2 + 10)) --span $((1 << 30)) \
    "iscsi://127.0.0.1:$TGT_PORT/$iqn/1" > "$tmp/load" 2>&1 &
load=$!
cleanup_fn "kill $load 2>/dev/null"
sleep 3
istm_py /dev/stdin "$runs" <<'PY' > "$tmp/times" || fail "the snapshots"
import argparse, sys, time
from istm.base import connect
from istm.snapshots import activate_snapshot_mgr
ap = argparse.ArgumentParser()
for o in ('--port', '--user', '--password', '--portal'):
    ap.add_argument(o)
ap.add_argument('runs', type=int)
a = ap.parse_args()
mgr = activate_snapshot_mgr(connect('127.0.0.1', a.user, a.password, port=int(a.port)))
for _ in range(a.runs):
    t0 = time.monotonic()
    mgr.create(0)
    print('%.1f' % ((time.monotonic() - t0) * 1e3))
    time.sleep(1)
PY
wait $load || { cat "$tmp/load"; fail "the load saw failed commands"; }
sort -n "$tmp/times" | awk -v la="$(cut -d' ' -f1-3 /proc/loadavg)" '{ v[NR] = $1 } END {
    printf "snapshot of a 64 GiB disk under QD32 writes, %d runs: p50 %.1f ms, max %.1f ms (load %s)\n",
        NR, v[int((NR + 1) / 2)], v[NR], la }'
# istmd's own breakdown of each freeze (svc_disk_freeze logs its steps):
# what is left of the end-to-end time is the ISTM calls themselves
# (PrepareCreateSnapshot, DoCreateSnapshot, DoEndSnapshot and the store
# work around them) and the client.
grep -o 'freeze of disk [0-9]* took: .*' "$tmp/istmd.log" | tail -n "$runs" |
    sed -E 's/.*checks ([0-9.]+) ms, previous top settled ([0-9.]+) ms, placeholder ([0-9.]+) ms, store ([0-9.]+) ms, [^0-9]*([0-9.]+) ms, child synced ([0-9.]+) ms.*/\1 \2 \3 \4 \5 \6/' > "$tmp/steps"
for col in 1:checks 2:previous-settled 3:placeholder 4:store 5:switch 6:child-synced; do
    n=${col%%:*}
    cut -d' ' -f"$n" "$tmp/steps" | sort -n | awk -v name="${col#*:}" '{ v[NR] = $1 }
        END { if (NR) printf "  istmd step %-12s p50 %7.1f ms, max %7.1f ms\n", name, v[int((NR + 1) / 2)], v[NR] }'
done
# bs_vhd's own breakdown of each switch inside tgtd (what the LU's pause is
# made of): the drain of commands in flight, the close of the old chain,
# then the new child (on the open chain) or the whole chain's open
grep -o 'switched to .* in [0-9.]* ms: drain .*' "$TGT_LOG" | tail -n "$runs" |
    sed -E 's/.* in ([0-9.]+) ms: drain ([0-9.]+) ms, close ([0-9.]+) ms, [^0-9]*([0-9.]+) ms.*/\1 \2 \3 \4/' > "$tmp/bsteps"
for col in 1:pause 2:drain 3:close 4:child/open; do
    n=${col%%:*}
    cut -d' ' -f"$n" "$tmp/bsteps" | sort -n | awk -v name="${col#*:}" '{ v[NR] = $1 }
        END { if (NR) printf "  bs_vhd step %-11s p50 %7.1f ms, max %7.1f ms\n", name, v[int((NR + 1) / 2)], v[NR] }'
done
paste "$tmp/times" <(awk '{ print $1 + $2 + $3 + $4 + $5 + $6 }' "$tmp/steps") | sort -n | awk '{ v[NR] = $1 - $2 }
    END { if (NR) printf "  rest (ISTM calls, store reads, client) p50 %7.1f ms\n", v[int((NR + 1) / 2)] }'
cat "$tmp/load"
istmd_stop
