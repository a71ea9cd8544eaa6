#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# bench-istmd-auth.sh: the whole handshake as istmd sees it, from the bind
# to the first call answered (istmd's debug log line "first answer N us
# after the bind"), for Samba's client with Negotiate (SPNEGO carrying
# NTLM: bind, alter_context, request) and with raw NTLM (bind, auth3,
# request), at packet privacy; BENCH_RUNS connections each (default 50),
# p50 and p90, with the load average.  The time includes the client's
# share between the legs (Samba's Python client, on the same machine), so
# it is an upper bound for the server's own work.  Not part of make check.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istmd-functions.sh"

requires $PYTHON -c 'import samba.dcerpc.echo'
client="$top_srcdir/tests/istmd/samba_client.py"
runs=${BENCH_RUNS:-50}
istmd_start
for opts in spnego,seal ntlm,seal; do
    for _ in $(seq "$runs"); do
        $PYTHON "$client" call "$ISTMD_PORT" "$opts" > /dev/null || fail "Samba client with $opts"
    done
done
istmd_stop
for p in 9 10; do
    name=$([ "$p" = 9 ] && echo "Negotiate (SPNEGO+NTLM)" || echo "NTLM")
    sed -n "s/.*first answer \([0-9]*\) us after the bind (provider $p).*/\1/p" "$tmp/istmd.log" |
        sort -n | awk -v name="$name" '{ v[NR] = $1 } END {
            if (NR == 0) { print name ": no samples"; exit 1 }
            printf "%s: bind to first call answered, %d runs: p50 %.2f ms, p90 %.2f ms\n",
                   name, NR, v[int((NR + 1) / 2)] / 1000, v[int(NR * 0.9 + 0.5)] / 1000 }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
