#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-serving-isns.sh: ISnsMgr's iSNS servers against a real iSNS
# server, open-isns's isnsd, started here on 127.0.0.1 with its own
# configuration and database.  AddSnsServer makes tgtd register istmd's
# targets there (isnsd's database holds them, the one made before and the
# one made after), a target deleted through ISTM is deregistered,
# EnumSnsServers lists the server; bad names, a duplicate, a second
# server and removing an unknown one change nothing; istmd's restart over
# a tgtd that crashed registers them again; RemoveSnsServer deregisters
# them, and a restart keeps tgtd's iSNS client off.
# isnsd puts no node in a discovery domain (DefaultDiscoveryDomain 0): in a
# shared domain isnsd sends state-change notifications to tgtd's SCN port,
# and tgt 1.0.85 can block for good reading one (seen here: tgtd stuck in
# read() on the SCN connection, every tgtadm call hanging).  isnsd's
# database (isnsd --dump-db) is then what shows the registrations, since a
# query through isnsadm sees only its own domains.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires command -v isnsd
requires command -v isnsadm

PY="$top_srcdir/tests/istmd/serving_isns.py"
IQN=iqn.2026-11.org.vhdtarget.test
ISNS_PORT=32796
SERVER=127.0.0.1:$ISNS_PORT
ISNSD_PID=
stop_isnsd()
{
    if [ -n "$ISNSD_PID" ]; then
        kill "$ISNSD_PID" 2>/dev/null || true
        wait "$ISNSD_PID" 2>/dev/null || true
    fi
    ISNSD_PID=
}
cleanup_fn stop_isnsd

mkdir -p "$tmp/isns/db"
cat > "$tmp/isns/isnsd.conf" <<CONF
BindAddress = $SERVER
Database = $tmp/isns/db
PIDFile = $tmp/isns/isnsd.pid
ControlSocket = $tmp/isns/control
SLPRegister = 0
Security = 0
DefaultDiscoveryDomain = 0
CONF
cat > "$tmp/isns/isnsadm.conf" <<CONF
ServerAddress = $SERVER
SourceName = $IQN:isnsadm
ControlSocket = $tmp/isns/control
Security = 0
CONF
lock_port "isns-$ISNS_PORT"
isnsd --config "$tmp/isns/isnsd.conf" --foreground > "$tmp/isnsd.log" 2>&1 &
ISNSD_PID=$!
for i in $(seq 50); do
    isnsadm --config "$tmp/isns/isnsadm.conf" --query iscsi-name >/dev/null 2>&1 && break
    kill -0 "$ISNSD_PID" 2>/dev/null || { cat "$tmp/isnsd.log"; fail "isnsd exited"; }
    sleep 0.1
done
[ "$i" -lt 50 ] || fail "isnsd does not answer on $SERVER"

si() { istm_py "$PY" "$@" 2>"$tmp/si.err" || { cat "$tmp/si.err"; fail "serving_isns.py $*"; }; }
# registered: the iSCSI names of the live nodes in isnsd's database, sorted
registered()
{
    isnsd --config "$tmp/isns/isnsd.conf" --dump-db 2>/dev/null |
        awk '/^Object:/ { m = /type=<iSCSI Storage Node> state=mature/ }
             m && /iSCSI name = / { sub(/.*iSCSI name = "/, ""); sub(/"$/, ""); print }' | sort
}
# expect_registered NAME...: exactly these targets, within 10 s
expect_registered()
{
    local want i
    want=$(for n in "$@"; do echo "$IQN:$n"; done | sort)
    for i in $(seq 100); do
        [ "$(registered)" = "$want" ] && return 0
        sleep 0.1
    done
    registered
    fail "the iSNS server does not hold exactly: $*"
}
expect_call()
{
    local got
    got=$(si "$2" "${@:3}")
    echo "$2 ${*:3}: $got"
    [ "$got" = "$1" ] || fail "$2 ${*:3} answered $got, not $1"
}
servers() { [ "$(si list)" = "$1" ] || { si list; fail "EnumSnsServers does not list '$1'"; }; }

istm_start 32696
servers ""
si target isns-a "$IQN:isns-reader"
expect_registered                           # no server yet
expect_call S_OK add "$SERVER"
servers "$SERVER 0"
expect_registered isns-a                    # made before the server
si target isns-b "$IQN:isns-reader"
expect_registered isns-a isns-b             # made after
tgt_adm --mode sys --op show | grep -q "iSNS=On" || fail "tgtd's iSNS client is not on"

# bad input: the HRESULT, nothing changed
expect_call E_INVALIDARG add ""
expect_call E_INVALIDARG add "bad name"
expect_call E_INVALIDARG add "isns.example,iSNS=Off"
expect_call E_INVALIDARG add "127.0.0.1:0"
expect_call E_INVALIDARG add "127.0.0.1:65536"
expect_call E_INVALIDARG add "[::1"
expect_call E_INVALIDARG add -- "-isns.example"
expect_call E_INVALIDARG add "$(head -c 300 /dev/zero | tr '\0' a)"
expect_call E_INVALIDARG add            # a NULL BSTR
expect_call E_INVALIDARG remove ""
expect_call ERROR_ALREADY_EXISTS add "$SERVER"
expect_call ERROR_NOT_SUPPORTED add "isns2.example"     # tgt has one server
expect_call ERROR_FILE_NOT_FOUND remove "isns2.example"
servers "$SERVER 0"
expect_registered isns-a isns-b

# a target deleted through ISTM is deregistered
si delete isns-b
expect_registered isns-a

# tgtd crashes (its registrations stay in isnsd until they expire); it
# comes back without iSNS and istmd's start gives it the server again
istmd_kill
tgt_kill
tgt_restart
tgt_adm --mode sys --op show | grep -q "iSNS=Off" || fail "a new tgtd has iSNS on"
istm_restart
servers "$SERVER 0"
tgt_adm --mode sys --op show | grep -q "iSNSServerIP=127.0.0.1" ||
    fail "no iSNS server after the restart"
tgt_adm --mode sys --op show | grep -q "iSNS=On" || fail "iSNS off after the restart"
si target isns-c "$IQN:isns-reader"
expect_registered isns-a isns-c

# RemoveSnsServer deregisters every target; a restart keeps iSNS off
expect_call S_OK remove "$SERVER"
servers ""
expect_registered
tgt_adm --mode sys --op show | grep -q "iSNS=Off" || fail "tgtd's iSNS client still on"
istmd_kill
istm_restart
tgt_adm --mode sys --op show | grep -q "iSNS=Off" || fail "iSNS on again after the restart"
servers ""
istmd_stop
