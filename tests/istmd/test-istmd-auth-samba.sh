#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Samba's client stack (python3-samba) authenticates to istmd with Negotiate
# (SPNEGO carrying NTLM: bind, alter_context with the mechListMIC) and with
# raw NTLMSSP, at packet privacy and integrity, and makes fragmented calls;
# a wrong password, an unknown user, and a byte changed in the mechListMIC,
# in the NTLMv2 proof or in a sealed request are refused, and the log says
# why each was.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

requires $PYTHON -c 'import samba.dcerpc.echo'
client="$top_srcdir/tests/istmd/samba_client.py"
istmd_start

for opts in spnego,seal ntlm,seal spnego,sign ntlm,sign; do
    with_timeout 60 $PYTHON "$client" call "$ISTMD_PORT" "$opts" ||
        { tail -20 "$tmp/istmd.log"; fail "Samba client with $opts"; }
done
grep -q "authenticated (context [0-9]*, provider 9, level 6)" "$tmp/istmd.log" ||
    fail "no SPNEGO context at privacy in the log"
grep -q "authenticated (context [0-9]*, provider 10, level 6)" "$tmp/istmd.log" ||
    fail "no NTLM context at privacy in the log"

refused() # WHAT LOG-PATTERN CALL-ARGS...
{
    local what=$1 pattern=$2 out
    shift 2
    if out=$(with_timeout 60 $PYTHON "$client" call "$ISTMD_PORT" "$@"); then
        fail "$what was accepted: $out"
    fi
    echo "$what: $out"
    grep -q "$pattern" "$tmp/istmd.log" || { tail -10 "$tmp/istmd.log"; fail "$what: no '$pattern' in the log"; }
}
refused "SPNEGO, wrong password" "failed for 'alice': wrong password" spnego,seal alice wrong
refused "NTLM, unknown user" "failed for 'mallory': unknown user" ntlm,seal mallory 'Passw0rd!'
refused "SPNEGO, unknown user" "failed for 'bob': unknown user" spnego,seal bob 'Passw0rd!'

tampered() # WHERE OPTS LOG-PATTERN
{
    local where=$1 opts=$2 pattern=$3 pport out
    rm -f "$tmp/proxy-port"
    with_timeout 60 $PYTHON "$client" proxy "$tmp/proxy-port" "$ISTMD_PORT" "$where" > "$tmp/proxy.log" 2>&1 &
    local ppid=$!
    for _ in $(seq 50); do [ -s "$tmp/proxy-port" ] && break; sleep 0.1; done
    pport=$(cat "$tmp/proxy-port") || fail "proxy did not start"
    if out=$(with_timeout 60 $PYTHON "$client" call "$pport" "$opts"); then
        fail "tampered $where was accepted: $out"
    fi
    wait "$ppid" || true
    grep -q "corrupted $where" "$tmp/proxy.log" || { cat "$tmp/proxy.log"; fail "proxy did not corrupt $where"; }
    echo "tampered $where ($opts): $out"
    grep -q "$pattern" "$tmp/istmd.log" || { tail -10 "$tmp/istmd.log"; fail "tampered $where: no '$pattern' in the log"; }
}
tampered mic spnego,seal "bad mechListMIC from 'alice'"
tampered ntproof spnego,seal "failed for 'alice': wrong password"
tampered stub spnego,seal "bad signature or sequence number from 'alice'"
tampered stub ntlm,seal "bad signature or sequence number from 'alice'"
istmd_stop
