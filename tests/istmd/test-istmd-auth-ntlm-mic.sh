#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The NTLM AUTHENTICATE message's MIC ([MS-NLMP] 3.2.5.1.2), against
# Samba's NTLMSSP client (python3-samba), which sends one when our
# CHALLENGE carries a timestamp, and impacket's, which sends none:
#  - Samba's MIC is verified (the log says so) and the calls work, with raw
#    NTLMSSP and with SPNEGO, at privacy and integrity;
#  - through a proxy that edits the exchange in flight, one bit of the MIC
#    flipped, the MIC zeroed (MsvAvFlags still announcing it), a flag of
#    the NEGOTIATE flipped, and the MIC cut out of the message ("drop the
#    MIC", CVE-2019-1040) are each refused, with the reason logged;
#  - impacket (no MIC) is accepted by default, and refused with
#    "ntlm-mic require" (istmd.conf), under which Samba's client still
#    works; a bad --ntlm-mic stops istmd.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

requires $PYTHON -c 'import samba.dcerpc.echo'
requires $PYTHON -c 'import impacket.dcerpc.v5.rpcrt'
client="$top_srcdir/tests/istmd/samba_client.py"
rpcclient="$top_srcdir/tests/istmd/rpcclient.py"

# through_proxy WHERE OPTS: start the proxy, run Samba's client through it;
# sets OUT and RC (the client's), PROXY_LOG
through_proxy()
{
    local where=$1 opts=$2 pport ppid
    rm -f "$tmp/proxy-port"
    PROXY_LOG="$tmp/proxy-$where-$opts.log"
    with_timeout 60 $PYTHON "$client" proxy "$tmp/proxy-port" "$ISTMD_PORT" "$where" \
        > "$PROXY_LOG" 2>&1 &
    ppid=$!
    for _ in $(seq 50); do [ -s "$tmp/proxy-port" ] && break; sleep 0.1; done
    pport=$(cat "$tmp/proxy-port") || fail "proxy did not start"
    RC=0
    OUT=$(with_timeout 60 $PYTHON "$client" call "$pport" "$opts") || RC=$?
    wait "$ppid" || true
}

mic_verified() { grep -c "NTLM MIC of 'alice' verified" "$tmp/istmd.log" || true; }

istmd_start

# Samba's client announces a MIC, and it is verified
for opts in ntlm,seal spnego,seal ntlm,sign spnego,sign; do
    before=$(mic_verified)
    through_proxy none "$opts"
    [ "$RC" = 0 ] || { tail -20 "$tmp/istmd.log"; fail "Samba client with $opts: $OUT"; }
    grep -q "AUTHENTICATE announces a MIC" "$PROXY_LOG" ||
        { cat "$PROXY_LOG"; fail "Samba's AUTHENTICATE ($opts) announces no MIC"; }
    [ "$(mic_verified)" -gt "$before" ] ||
        { tail -20 "$tmp/istmd.log"; fail "no MIC verified for Samba's client ($opts)"; }
    echo "Samba, $opts: $OUT; MIC verified"
done

# tampered() WHERE OPTS LOG-PATTERN: refused, and the log says why
tampered()
{
    local where=$1 opts=$2 pattern=$3
    through_proxy "$where" "$opts"
    [ "$RC" != 0 ] || fail "tampered $where ($opts) was accepted: $OUT"
    grep -q "corrupted $where" "$PROXY_LOG" || { cat "$PROXY_LOG"; fail "proxy did not corrupt $where"; }
    grep -q "$pattern" "$tmp/istmd.log" ||
        { tail -10 "$tmp/istmd.log"; fail "tampered $where ($opts): no '$pattern' in the log"; }
    echo "tampered $where ($opts): $OUT"
}
mismatch="refused for 'alice': MIC does not match"
tampered ntlmmic ntlm,seal "$mismatch"
tampered ntlmmic spnego,seal "$mismatch"
tampered ntlmmic-zero ntlm,sign "$mismatch"
tampered negflags ntlm,seal "$mismatch"
tampered negflags spnego,sign "$mismatch"
[ "$(grep -c "$mismatch" "$tmp/istmd.log")" -ge 5 ] || fail "fewer than 5 MIC refusals logged"
# CVE-2019-1040: the MIC cut out while MsvAvFlags (under the proof) still
# announces it
tampered dropmic ntlm,seal "refused for 'alice': MIC announced but the message has no room for it"

# impacket sends no MIC: accepted by default
$PYTHON "$rpcclient" "$ISTMD_PORT" echo privacy ||
    { tail -20 "$tmp/istmd.log"; fail "impacket (no MIC) refused by default"; }
istmd_stop

# ntlm-mic require (from a configuration file): no MIC, no entry; Samba's
# client still gets in
echo "ntlm-mic require" > "$tmp/mic.conf"
istmd_start --config "$tmp/mic.conf"
if out=$($PYTHON "$rpcclient" "$ISTMD_PORT" echo privacy 2>&1); then
    fail "impacket (no MIC) accepted under ntlm-mic require: $out"
fi
grep -q "refused for 'alice': no MIC" "$tmp/istmd.log" ||
    { tail -10 "$tmp/istmd.log"; fail "no 'no MIC' refusal in the log"; }
echo "impacket under ntlm-mic require: refused"
with_timeout 60 $PYTHON "$client" call "$ISTMD_PORT" spnego,seal ||
    { tail -20 "$tmp/istmd.log"; fail "Samba client refused under ntlm-mic require"; }
istmd_stop

# a bad setting stops istmd before it serves
if "$ISTMD" -f --listen 127.0.0.1:0 --state-dir "$tmp/state" --users "$tmp/users" \
        --storage-root "$tmp/storage" --ntlm-mic=sometimes > "$tmp/bad.log" 2>&1; then
    fail "istmd started with --ntlm-mic=sometimes"
fi
grep -q "bad --ntlm-mic" "$tmp/bad.log" || { cat "$tmp/bad.log"; fail "no message for a bad --ntlm-mic"; }
