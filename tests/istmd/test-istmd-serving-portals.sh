#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-serving-portals.sh: ILocalDeviceMgr::SetPortalConfig changes
# the portals tgtd listens on, for real and for good.  A portal opened on
# 127.0.0.2 takes an initiator's login there; moved to another port it
# listens there only; closed, logins there fail; the changes survive an
# istmd restart with a tgtd that crashed and came back with only its
# command-line portal (the store's portals are applied again), including
# a closed command-line portal.  Bad addresses and ports, an unknown
# portal and closing the last one are refused with nothing changed.  An
# IPv6 address names its portal however the client spells it.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"

PY="$top_srcdir/tests/istmd/serving_portals.py"
IQN=iqn.2026-11.org.vhdtarget.test
INI=$IQN:portal-reader
P=32695         # tgtd's command-line portal is 127.0.0.1:$P
Q=32693         # a second port, on 127.0.0.2 only

sp() { istm_py "$PY" "$@" 2>"$tmp/sp.err" || { cat "$tmp/sp.err"; fail "serving_portals.py $*"; }; }
# expect_set HRESULT ADDRESS PORT USE
expect_set()
{
    local got
    got=$(sp set "$2" "$3" "$4")
    echo "SetPortalConfig($2, $3, $4): $got"
    [ "$got" = "$1" ] || fail "SetPortalConfig($2, $3, $4) answered $got, not $1"
}
tgt_portals() { tgt_adm --mode portal --op show | sed -n 's/^Portal: \(.*\),[0-9]*$/\1/p' | sort; }
# login ADDRESS:PORT: an inquiry through that portal
login() { timeout 60 iscsi-inq -i "$INI" "iscsi://$1/$IQN:pt/1" >"$tmp/inq" 2>&1; }
# portals WANT...: tgtd and ISTM both list exactly these
portals()
{
    local want
    want=$(printf '%s\n' "$@" | sort)
    [ "$(tgt_portals)" = "$want" ] || { tgt_portals; fail "tgtd's portals are not: $*"; }
    [ "$(sp list)" = "$want" ] || { sp list; fail "EnumPortals does not list: $*"; }
}

istm_start $P
sp setup pt "$INI"
portals "127.0.0.1:$P"
login "127.0.0.1:$P" || { cat "$tmp/inq"; fail "no login on the command-line portal"; }
login "127.0.0.2:$P" && fail "a login on 127.0.0.2 before any portal there"

# open 127.0.0.2:$P; an initiator logs in there
expect_set S_OK 127.0.0.2 $P 1
portals "127.0.0.1:$P" "127.0.0.2:$P"
login "127.0.0.2:$P" || { cat "$tmp/inq"; fail "no login on the new portal 127.0.0.2:$P"; }
grep -qi "device type" "$tmp/inq" || { cat "$tmp/inq"; fail "no inquiry data"; }
[ "$(sp get 127.0.0.2)" = "S_OK $P" ] || fail "GetPortal 127.0.0.2: $(sp get 127.0.0.2)"
expect_set S_OK 127.0.0.2 $P 1          # as it is: no change

# bad input: the spec's HRESULT, nothing changed
expect_set E_INVALIDARG portal.example $P 1
expect_set E_INVALIDARG "" $P 1
expect_set E_INVALIDARG "[127.0.0.2]" $P 1
expect_set E_INVALIDARG 127.0.0.2 0 1
expect_set E_INVALIDARG 127.0.0.2 65536 1
expect_set E_INVALIDARG 127.0.0.2 0 0
expect_set ERROR_FILE_NOT_FOUND 10.9.9.9 3260 1     # not an address of this host
expect_set ERROR_FILE_NOT_FOUND 127.0.0.9 $P 0      # no such portal
expect_set ERROR_FILE_NOT_FOUND 127.0.0.2 $Q 0      # the address, another port
portals "127.0.0.1:$P" "127.0.0.2:$P"

# move 127.0.0.2's portal to port $Q
expect_set S_OK 127.0.0.2 $Q 1
portals "127.0.0.1:$P" "127.0.0.2:$Q"
login "127.0.0.2:$Q" || { cat "$tmp/inq"; fail "no login on the moved portal"; }
login "127.0.0.2:$P" && fail "a login on the portal moved away"
# and close the command-line portal
expect_set S_OK 127.0.0.1 $P 0
portals "127.0.0.2:$Q"
expect_set ERROR_NOT_SUPPORTED 127.0.0.2 $Q 0       # the last one stays
portals "127.0.0.2:$Q"

# tgtd crashes and comes back with its command-line portal only; istmd's
# start applies the stored portals again
istmd_kill
tgt_kill
tgt_restart
[ "$(tgt_portals)" = "127.0.0.1:$P" ] || fail "tgtd did not come back with its own portal only"
istm_restart
portals "127.0.0.2:$Q"
login "127.0.0.2:$Q" || { cat "$tmp/inq"; fail "no login on 127.0.0.2:$Q after the restart"; }
login "127.0.0.1:$P" && fail "the closed portal came back"

# open the command-line portal again, close 127.0.0.2; restart keeps it so
expect_set S_OK 127.0.0.1 $P 1
expect_set S_OK 127.0.0.2 $Q 0
portals "127.0.0.1:$P"
login "127.0.0.2:$Q" && fail "a login on the closed portal"
istmd_kill
istm_restart
portals "127.0.0.1:$P"
login "127.0.0.1:$P" || { cat "$tmp/inq"; fail "no login on 127.0.0.1 at the end"; }

# an IPv6 address a client spells otherwise than tgtd does names the same
# portal: opened as 0:0:0:0:0:0:0:1, set again as 0:0::1 (no change) and
# closed as ::1, with one row in the store, which a restart does not reopen
expect_set S_OK 0:0:0:0:0:0:0:1 $Q 1
[ "$(tgt_portals)" = "$(printf '%s\n' "127.0.0.1:$P" "[::1]:$Q" | sort)" ] ||
    { tgt_portals; fail "tgtd does not listen on [::1]:$Q"; }
sp list | grep -qx "::1:$Q" || { sp list; fail "EnumPortals does not list ::1:$Q"; }
login "[::1]:$Q" || { cat "$tmp/inq"; fail "no login on [::1]:$Q"; }
[ "$(sp get 0:0:0::1)" = "S_OK $Q" ] || fail "GetPortal 0:0:0::1: $(sp get 0:0:0::1)"
expect_set S_OK 0:0::1 $Q 1
expect_set S_OK ::1 $Q 0
portals "127.0.0.1:$P"
istmd_kill
istm_restart
portals "127.0.0.1:$P"
istmd_stop
