#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Kerberos against a real MIT KDC: the test makes its own realm (database,
# stash, kdc.conf and krb5.conf in $tmp, the KDC on 127.0.0.1 on a free
# port), a user who is in istmd's users file (alice), one who is not (bob),
# istmd's service principal and another service's, both in a keytab that
# istmd is started with.  impacket's DCOM client (Kerberos inside SPNEGO,
# DCE style) activates IWTGeneral and calls it at packet privacy; a ticket
# for the other service, a user not in the users file, a ticket under a key
# the keytab does not hold and a replayed authenticator are refused; the network child never opens
# the keytab (its /proc/PID/fd and the chroot show it).  Also Samba's client
# with raw Kerberos (auth type 16) when python3-samba can use the ccache.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"
. "$(dirname "$0")/krb5-functions.sh"

kdc_start

client() # CCACHE USER [NAME]
{
    local cc=$1
    shift
    KRB5CCNAME="$cc" timeout 120 $PYTHON "$top_srcdir/tests/istmd/krb5_client.py" \
        "$ISTMD_PORT" "$REALM" "$@"
}

istmd_start --keytab "$tmp/istmd.keytab" --principal "$SPN@$REALM"

# 1. alice at privacy: activation, a read, a change read back
tickets "$tmp/cc-alice" alice $SPN
out=$(client "$tmp/cc-alice" alice "Kerberos-$$") || { tail -20 "$tmp/istmd.log"; fail "alice with Kerberos: $out"; }
echo "$out"
case "$out" in *"Kerberos-$$"*) ;; *) fail "the name set over Kerberos did not read back: $out";; esac
[ "$(istmd_setting server_name)" = "Kerberos-$$" ] ||
    fail "the store holds '$(istmd_setting server_name)', not the name set over Kerberos"
grep -q "'alice' authenticated (context [0-9]*, provider 9, level 6)" "$tmp/istmd.log" ||
    fail "no Kerberos-in-SPNEGO context at privacy in the log"

# 2. the network child never opened the keytab: none of its descriptors is
# the keytab, and the keytab's path does not exist in its chroot
child=$(istmd_child_pid)
[ -n "$child" ] || fail "no network child"
if ls -l "/proc/$child/fd" 2>/dev/null | grep -q "istmd.keytab"; then
    fail "the network child holds the keytab open"
fi
root=$(readlink "/proc/$child/root")
[ "$root" = "$tmp/state/empty" ] || fail "network child's root is '$root'"
[ -z "$(ls -A "$root")" ] || fail "the chroot is not empty"

refused() # WHAT LOG-PATTERN CCACHE USER
{
    local what=$1 pattern=$2 out lines
    shift 2
    lines=$(wc -l < "$tmp/istmd.log")
    if out=$(client "$@"); then
        fail "$what was accepted: $out"
    fi
    echo "$what: $out"
    tail -n +"$((lines + 1))" "$tmp/istmd.log" | grep -q "$pattern" ||
        { tail -10 "$tmp/istmd.log"; fail "$what: no '$pattern' in the log"; }
}

# 3. bob has a valid ticket but is not in the users file
tickets "$tmp/cc-bob" bob $SPN
refused "a user not in the users file" "'bob@$REALM' is not a user of this server" "$tmp/cc-bob" bob

# 4. a ticket for another service (its key is in the keytab too, but istmd
# accepts only its own principal): impacket is made to use it by naming it
# in the cache as host/127.0.0.1
tickets "$tmp/cc-other" alice host/other.test
$PYTHON - "$tmp/cc-other" "$SPN@$REALM" <<'PY' || fail "rewriting the ccache"
import sys
from impacket.krb5.ccache import CCache
from impacket.krb5.types import Principal
cc = CCache.loadFile(sys.argv[1])
for c in cc.credentials:
    if b'other.test' in c['server'].prettyPrint():
        c['server'].fromPrincipal(Principal(sys.argv[2], type=3))
cc.saveFile(sys.argv[1])
PY
refused "a ticket for another service" "token was refused" "$tmp/cc-other" alice

# 5. a ticket under a key istmd's keytab does not hold: the KDC's key of
# istmd's principal is changed (ktadd to another keytab randomizes it), as
# when a keytab is stale or forged
kadm ktadd -k "$tmp/stale.keytab" $SPN
tickets "$tmp/cc-newkey" alice $SPN
refused "a ticket under another key" "token was refused" "$tmp/cc-newkey" alice

# 6. a replayed authenticator: the client's first bind, sent again on a new
# connection, is refused by the replay cache
$PYTHON - "$ISTMD_PORT" "$tmp/cc-alice" "$REALM" > "$tmp/replay.out" 2>&1 <<'PY' || { cat "$tmp/replay.out"; fail "replay"; }
import os, socket, struct, sys
os.environ['KRB5CCNAME'] = sys.argv[2]
from impacket.dcerpc.v5 import transport, epm
from impacket.dcerpc.v5.rpcrt import RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_AUTHN_GSS_NEGOTIATE
from impacket.dcerpc.v5.dcomrt import IID_IObjectExporter
from impacket.uuid import uuidtup_to_bin
sent = []
orig = transport.TCPTransport.send
def send(self, data, forceWriteAndx=0, forceRecv=0):
    sent.append(bytes(data))
    return orig(self, data, forceWriteAndx, forceRecv)
transport.TCPTransport.send = send
t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%s]' % sys.argv[1])
t.set_credentials('alice', '', sys.argv[3])
t.set_kerberos(True, '127.0.0.1')
dce = t.get_dce_rpc()
dce.set_auth_level(RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
dce.set_auth_type(RPC_C_AUTHN_GSS_NEGOTIATE)
dce.connect()
dce.bind(IID_IObjectExporter)
print('first bind accepted')
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(sent[0])
hdr = s.recv(4096)
ptype = hdr[2]
print('replayed bind answered with PDU type %d' % ptype)
sys.exit(0 if ptype == 13 else 1)
PY
cat "$tmp/replay.out"
grep -q "token was refused.*[Rr]eplay" "$tmp/istmd.log" || { tail -10 "$tmp/istmd.log"; fail "replay: no replay refusal in the log"; }

# 7. Samba's client stack (an independent implementation) with raw Kerberos
# (auth type 16: bind, bind_ack with the AP-REP, auth3 with the client's
# AP-REP) and with Kerberos inside SPNEGO, sealed and signed.  Samba will
# not do Kerberos to an IP address: the binding names the host and the
# principal.
if $PYTHON -c 'import samba.dcerpc.echo' 2>/dev/null; then
    for opts in krb5,seal spnego,seal krb5,sign; do
        lines=$(wc -l < "$tmp/istmd.log")
        out=$(ISTMD_REALM=$REALM KRB5CCNAME="FILE:$tmp/cc-alice" timeout 60 $PYTHON \
              "$top_srcdir/tests/istmd/samba_client.py" call "$ISTMD_PORT" \
              "$opts,target_hostname=localhost,target_principal=$SPN@$REALM") ||
            { tail -20 "$tmp/istmd.log"; fail "Samba client with Kerberos ($opts): $out"; }
        echo "Samba $opts: $out"
    done
    grep -q "'alice' authenticated (context [0-9]*, provider 16, level 6)" "$tmp/istmd.log" ||
        fail "no raw Kerberos context at privacy in the log"
    # a byte of the first sealed request changed on the way: refused
    rm -f "$tmp/proxy-port"
    timeout 60 $PYTHON "$top_srcdir/tests/istmd/samba_client.py" proxy "$tmp/proxy-port" \
        "$ISTMD_PORT" stub > "$tmp/proxy.log" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 50); do [ -s "$tmp/proxy-port" ] && break; sleep 0.1; done
    lines=$(wc -l < "$tmp/istmd.log")
    if out=$(ISTMD_REALM=$REALM KRB5CCNAME="FILE:$tmp/cc-alice" timeout 60 $PYTHON \
             "$top_srcdir/tests/istmd/samba_client.py" call "$(cat "$tmp/proxy-port")" \
             "krb5,seal,target_hostname=localhost,target_principal=$SPN@$REALM"); then
        fail "a tampered sealed request was accepted: $out"
    fi
    wait "$proxy_pid" || true
    grep -q "corrupted stub" "$tmp/proxy.log" || { cat "$tmp/proxy.log"; fail "the proxy did not corrupt"; }
    echo "tampered sealed request (krb5,seal): $out"
    tail -n +"$((lines + 1))" "$tmp/istmd.log" | grep -q "bad signature or sequence number from 'alice'" ||
        { tail -10 "$tmp/istmd.log"; fail "tampered request: no refusal in the log"; }
else
    echo "python3-samba missing: the Samba Kerberos client was not run"
fi

istmd_stop
