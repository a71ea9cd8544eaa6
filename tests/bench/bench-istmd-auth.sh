#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# bench-istmd-auth.sh: the whole handshake as istmd sees it, from the bind
# to the first call answered (istmd's debug log line "first answer N us
# after the bind"), for Samba's client with Negotiate (SPNEGO carrying
# NTLM: bind, alter_context, request) and with raw NTLM (bind, auth3,
# request), and, when MIT's KDC is installed, for Kerberos against a
# private KDC (krb5-functions.sh): raw Kerberos (bind, auth3, request) and
# Kerberos in SPNEGO (bind, alter_context, request), the parent accepting
# each ticket; at packet privacy; BENCH_RUNS connections each (default 50),
# p50 and p90, with the load average.  The time includes the client's
# share between the legs (Samba's Python client, on the same machine), so
# it is an upper bound for the server's own work.  Not part of make check.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istmd-functions.sh"

requires $PYTHON -c 'import samba.dcerpc.echo'
client="$top_srcdir/tests/istmd/samba_client.py"
runs=${BENCH_RUNS:-50}

# report NAME PROVIDER FIRST-LOG-LINE: p50/p90 of the handshakes logged since
report()
{
    tail -n +"$3" "$tmp/istmd.log" |
        sed -n "s/.*first answer \([0-9]*\) us after the bind (provider $2).*/\1/p" |
        sort -n | awk -v name="$1" '{ v[NR] = $1 } END {
            if (NR == 0) { print name ": no samples"; exit 1 }
            printf "%s: bind to first call answered, %d runs: p50 %.2f ms, p90 %.2f ms\n",
                   name, NR, v[int((NR + 1) / 2)] / 1000, v[int(NR * 0.9 + 0.5)] / 1000 }'
}

kerberos=
if command -v krb5kdc > /dev/null && command -v kdb5_util > /dev/null; then
    . "$top_srcdir/tests/istmd/krb5-functions.sh"
    kdc_start
    tickets "$tmp/cc-alice" alice "$SPN"
    kerberos=1
    istmd_start --keytab "$tmp/istmd.keytab" --principal "$SPN@$REALM"
else
    echo "no MIT KDC (krb5-kdc): Kerberos not measured"
    istmd_start
fi
for opts in spnego,seal ntlm,seal; do
    lines=$(($(wc -l < "$tmp/istmd.log") + 1))
    for _ in $(seq "$runs"); do
        $PYTHON "$client" call "$ISTMD_PORT" "$opts" > /dev/null || fail "Samba client with $opts"
    done
    case $opts in
        spnego,*) report "Negotiate (SPNEGO+NTLM)" 9 "$lines" ;;
        *) report "NTLM" 10 "$lines" ;;
    esac
done
if [ -n "$kerberos" ]; then
    for opts in krb5,seal spnego,seal; do
        lines=$(($(wc -l < "$tmp/istmd.log") + 1))
        for _ in $(seq "$runs"); do
            ISTMD_REALM=$REALM KRB5CCNAME="FILE:$tmp/cc-alice" $PYTHON "$client" call \
                "$ISTMD_PORT" "$opts,target_hostname=localhost,target_principal=$SPN@$REALM" \
                > /dev/null || fail "Samba client with Kerberos, $opts"
        done
        case $opts in
            krb5,*) report "Kerberos" 16 "$lines" ;;
            *) report "Negotiate (SPNEGO+Kerberos)" 9 "$lines" ;;
        esac
    done
fi
istmd_stop
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
