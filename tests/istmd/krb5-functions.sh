# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# krb5-functions.sh: a private MIT KDC for the Kerberos test and benchmark,
# sourced after istmd-functions.sh.  Its own realm, database, stash,
# kdc.conf and krb5.conf in $tmp (KRB5_CONFIG and KRB5_KDC_PROFILE point
# there: nothing of the system's is read or changed), the KDC on 127.0.0.1
# on a free port, stopped by PID at exit.  Principals: alice (in istmd's
# users file) and bob (not), both with password Passw0rd!; istmd's service
# principal $SPN and another service's, both in $tmp/istmd.keytab.

for t in krb5kdc kdb5_util kadmin.local kinit kvno; do
    requires command -v $t
done

REALM=ISTMD.TEST
SPN=host/127.0.0.1
kdc_pid=
kdc_stop() { [ -n "$kdc_pid" ] && kill "$kdc_pid" 2>/dev/null && wait "$kdc_pid" 2>/dev/null; kdc_pid=; }
cleanup_fn kdc_stop

# kadm QUERY...: kadmin.local on the private database
kadm()
{
    kadmin.local -r "$REALM" -q "$*" >> "$tmp/kadmin.log" 2>&1 ||
        { cat "$tmp/kadmin.log"; fail "kadmin.local $*"; }
}

# kdc_start: make the realm, its principals and istmd's keytab; start the KDC
kdc_start()
{
    local kport
    kport=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$tmp/kdc"
    cat > "$tmp/krb5.conf" <<CONF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
    permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
[realms]
    $REALM = {
        kdc = 127.0.0.1:$kport
    }
CONF
    cat > "$tmp/kdc.conf" <<CONF
[kdcdefaults]
    kdc_ports = $kport
    kdc_tcp_ports = $kport
[realms]
    $REALM = {
        database_name = $tmp/kdc/principal
        key_stash_file = $tmp/kdc/stash
        acl_file = $tmp/kdc/kadm5.acl
        supported_enctypes = aes256-cts-hmac-sha1-96:normal
        max_life = 10h
    }
[logging]
    kdc = FILE:$tmp/kdc.log
CONF
    export KRB5_CONFIG="$tmp/krb5.conf" KRB5_KDC_PROFILE="$tmp/kdc.conf" KRB5RCACHEDIR="$tmp"
    touch "$tmp/kdc/kadm5.acl"
    kdb5_util create -s -r "$REALM" -P "master-$$" > "$tmp/kdb.log" 2>&1 ||
        { cat "$tmp/kdb.log"; fail "kdb5_util create"; }
    kadm addprinc -pw Passw0rd! alice
    kadm addprinc -pw Passw0rd! bob
    kadm addprinc -randkey $SPN
    kadm addprinc -randkey host/other.test
    kadm ktadd -k "$tmp/istmd.keytab" $SPN host/other.test
    krb5kdc -n -r "$REALM" > "$tmp/krb5kdc.out" 2>&1 &
    kdc_pid=$!
    for _ in $(seq 50); do
        grep -q "commencing operation" "$tmp/kdc.log" 2>/dev/null && return 0
        kill -0 "$kdc_pid" || { cat "$tmp/krb5kdc.out" "$tmp/kdc.log"; fail "krb5kdc exited"; }
        sleep 0.1
    done
    fail "krb5kdc did not start"
}

# tickets CCACHE USER SERVICE [KINIT-ARGS...]: a TGT with kinit, then the
# service ticket with kvno, in CCACHE
tickets()
{
    local cc=$1 user=$2 svc=$3
    shift 3
    echo 'Passw0rd!' | KRB5CCNAME="FILE:$cc" kinit "$@" "$user@$REALM" > /dev/null ||
        fail "kinit $user"
    KRB5CCNAME="FILE:$cc" kvno "$svc@$REALM" > /dev/null || fail "kvno $svc"
}
