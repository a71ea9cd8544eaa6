#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-serving-hostportal.sh: a target's own portals, IHost::
# AddPortal / RemovePortal / RemoveAllPortals ([MS-ISTM] 3.21), through
# impacket.  AddPortal 127.0.0.3 makes tgtd listen there (tgtadm shows it)
# and an initiator logs in through it; the target's EnumPortals lists it;
# RemovePortal closes it and a login there fails.  A portal that
# SetPortalConfig also opened, or that a second target also names, stays
# open until the last of them lets it go.  An istmd restart after a tgtd
# crash opens the target's portals again.  Bad addresses, ports, a portal
# the target does not have and a deleted target are refused with nothing
# changed, in the store and in tgtd.  istmctl's "targets portals" makes the
# same calls.  The portal helpers are shared with
# test-istmd-serving-portals.sh (serving_portals.py).
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"

PY="$top_srcdir/tests/istmd/serving_portals.py"
IQN=iqn.2026-11.org.vhdtarget.test
INI=$IQN:hostportal-reader
P=32667         # tgtd's command-line portal is 127.0.0.1:$P
Q=32666         # a second port, named in the address ("a.b.c.d:port")

sp() { istm_py "$PY" "$@" 2>"$tmp/sp.err" || { cat "$tmp/sp.err"; fail "serving_portals.py $*"; }; }
# expect HRESULT OP ARGS...: the call answers HRESULT
expect()
{
    local want=$1 got
    shift
    got=$(sp "$@")
    echo "$*: $got"
    [ "$got" = "$want" ] || fail "$* answered $got, not $want"
}
tgt_portals() { tgt_adm --mode portal --op show | sed -n 's/^Portal: \(.*\),[0-9]*$/\1/p' | sort; }
# login ADDRESS:PORT: an inquiry through that portal
login() { timeout 60 iscsi-inq -i "$INI" "iscsi://$1/$IQN:hp/1" >"$tmp/inq" 2>&1; }
# tgtd WANT...: tgtd listens on exactly these
tgtd_has()
{
    local want
    want=$(printf '%s\n' "$@" | sort)
    [ "$(tgt_portals)" = "$want" ] || { tgt_portals; fail "tgtd's portals are not: $*"; }
}
# host_has NAME WANT...: IHost::EnumPortals of target NAME lists exactly these
host_has()
{
    local name=$1 want
    shift
    want=$(printf '%s\n' "$@" | sort)
    [ "$(sp hlist "$name")" = "$want" ] || { sp hlist "$name"; fail "$name's portals are not: $*"; }
}
# store_portals: the store's portals rows and the targets naming them
# (read-only, beside the running istmd, as istmd_setting reads)
store_portals()
{
    $PYTHON -c 'import sqlite3, sys
for r in sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True).execute(
        "SELECT p.address, p.port, p.listen, tp.target_id FROM portals p LEFT JOIN"
        " target_portals tp ON tp.portal_id = p.id ORDER BY 1, 2, 4"):
    print(*r)' "$tmp/state/istmd.db"
}

istm_start $P
sp setup hp "$INI"
sp setup other "$INI"
tgtd_has "127.0.0.1:$P"
host_has hp "127.0.0.1:$P"               # no own portals: all of tgtd's
login "127.0.0.1:$P" || { cat "$tmp/inq"; fail "no login on the command-line portal"; }
login "127.0.0.3:$P" && fail "a login on 127.0.0.3 before any portal there"

# AddPortal 127.0.0.3 (no port: tgtd's iSCSI port); an initiator logs in there
expect S_OK hadd hp 127.0.0.3
tgtd_has "127.0.0.1:$P" "127.0.0.3:$P"
host_has hp "127.0.0.3:$P"
host_has other "127.0.0.1:$P" "127.0.0.3:$P"
login "127.0.0.3:$P" || { cat "$tmp/inq"; fail "no login through the added portal 127.0.0.3"; }
grep -qi "device type" "$tmp/inq" || { cat "$tmp/inq"; fail "no inquiry data through 127.0.0.3"; }
expect S_OK hadd hp 127.0.0.3            # there already: no change
host_has hp "127.0.0.3:$P"
store_before=$(store_portals)
echo "store: $store_before"

# bad input: the HRESULT, nothing changed in the store or in tgtd
expect E_INVALIDARG hadd hp portal.example
expect E_INVALIDARG hadd hp ""
expect E_INVALIDARG hadd hp "127.0.0.3:0"
expect E_INVALIDARG hadd hp "127.0.0.3:65536"
expect E_INVALIDARG hadd hp "127.0.0.3:"
expect E_INVALIDARG hadd hp "127.0.0.3:3x"
expect E_INVALIDARG hadd hp "[127.0.0.3]:$P"
expect E_INVALIDARG hadd hp "[::1"
expect ERROR_FILE_NOT_FOUND hadd hp 10.9.9.9                  # not an address of this host
expect ERROR_FILE_NOT_FOUND hadd hp "192.0.2.7:$Q"
expect E_INVALIDARG hremove hp portal.example
expect ERROR_FILE_NOT_FOUND hremove hp 127.0.0.4             # not a portal of hp
expect ERROR_FILE_NOT_FOUND hremove hp "127.0.0.3:$Q"        # the address, another port
expect ERROR_FILE_NOT_FOUND hremove other 127.0.0.3          # hp's, not other's
expect "ERROR_FILE_NOT_FOUND ERROR_FILE_NOT_FOUND ERROR_FILE_NOT_FOUND" hstale 127.0.0.5
tgtd_has "127.0.0.1:$P" "127.0.0.3:$P"
host_has hp "127.0.0.3:$P"
[ "$(store_portals)" = "$store_before" ] || { store_portals; fail "bad input changed the store"; }

# RemovePortal: tgtd stops listening there, a login there fails
expect S_OK hremove hp 127.0.0.3
tgtd_has "127.0.0.1:$P"
host_has hp "127.0.0.1:$P"
login "127.0.0.3:$P" && fail "a login through the removed portal"
expect ERROR_FILE_NOT_FOUND hremove hp 127.0.0.3            # gone

# a port in the address; two targets name one portal: it stays while one does
expect S_OK hadd hp "127.0.0.3:$Q"
expect S_OK hadd other "127.0.0.3:$Q"
tgtd_has "127.0.0.1:$P" "127.0.0.3:$Q"
host_has hp "127.0.0.3:$Q"
expect S_OK hremove hp 127.0.0.3                             # every port of the address
tgtd_has "127.0.0.1:$P" "127.0.0.3:$Q"
login "127.0.0.3:$Q" || { cat "$tmp/inq"; fail "other's portal closed with hp's"; }
expect S_OK hremoveall other
tgtd_has "127.0.0.1:$P"
login "127.0.0.3:$Q" && fail "a login through a portal no target names"

# a portal SetPortalConfig also opened stays after RemovePortal
expect S_OK set 127.0.0.4 $P 1
expect S_OK hadd hp 127.0.0.4
expect S_OK hremove hp 127.0.0.4
tgtd_has "127.0.0.1:$P" "127.0.0.4:$P"
login "127.0.0.4:$P" || { cat "$tmp/inq"; fail "SetPortalConfig's portal closed by RemovePortal"; }
# and the other way: SetPortalConfig FALSE leaves it open for the target
expect S_OK hadd hp 127.0.0.4
expect S_OK set 127.0.0.4 $P 0
tgtd_has "127.0.0.1:$P" "127.0.0.4:$P"
host_has hp "127.0.0.4:$P"
expect S_OK hremoveall hp
tgtd_has "127.0.0.1:$P"
# the command-line portal a target names is not closed when it lets it go
expect S_OK hadd hp 127.0.0.1
expect S_OK hremove hp 127.0.0.1
tgtd_has "127.0.0.1:$P"

# restart: tgtd crashes and comes back with its command-line portal only;
# istmd's start opens the target's portals again
expect S_OK hadd hp 127.0.0.3
expect S_OK hadd hp "127.0.0.5:$Q"
istmd_kill
tgt_kill
tgt_restart
[ "$(tgt_portals)" = "127.0.0.1:$P" ] || fail "tgtd did not come back with its own portal only"
istm_restart
tgtd_has "127.0.0.1:$P" "127.0.0.3:$P" "127.0.0.5:$Q"
host_has hp "127.0.0.3:$P" "127.0.0.5:$Q"
login "127.0.0.3:$P" || { cat "$tmp/inq"; fail "no login on 127.0.0.3 after the restart"; }

# RemovePortal's closing is kept across a restart too
expect S_OK hremove hp "127.0.0.5:$Q"
tgtd_has "127.0.0.1:$P" "127.0.0.3:$P"
istmd_kill
istm_restart
tgtd_has "127.0.0.1:$P" "127.0.0.3:$P"
host_has hp "127.0.0.3:$P"

# DeleteHost lets the target's portals go (another target keeps its own)
expect S_OK hadd other "127.0.0.5:$Q"
expect S_OK hdelete hp
tgtd_has "127.0.0.1:$P" "127.0.0.5:$Q"
login "127.0.0.3:$P" && fail "a login through a deleted target's portal"
expect S_OK hremoveall other
tgtd_has "127.0.0.1:$P"

# istmctl targets portals: the same calls from the command line
istmctl targets portals other --add "127.0.0.6:$Q" >"$tmp/out" 2>&1 ||
    { cat "$tmp/out"; fail "istmctl --add"; }
tgtd_has "127.0.0.1:$P" "127.0.0.6:$Q"
[ "$(istmctl --json targets portals other | $PYTHON -c 'import json, sys
print(" ".join("%s:%d" % (r["address"], r["port"]) for r in json.load(sys.stdin)))')" = \
  "127.0.0.6:$Q" ] || fail "istmctl targets portals does not list 127.0.0.6:$Q"
istmctl targets portals other --remove 127.0.0.9 >"$tmp/out" 2>&1 &&
    fail "istmctl removed a portal the target lacks"
istmctl targets portals other --remove-all >"$tmp/out" 2>&1 ||
    { cat "$tmp/out"; fail "istmctl --remove-all"; }
tgtd_has "127.0.0.1:$P"
istmd_stop
