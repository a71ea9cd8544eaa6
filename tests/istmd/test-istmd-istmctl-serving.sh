#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-istmctl-serving.sh: istmctl's portals and isns commands
# (ILocalDeviceMgr::EnumPortals/GetPortal/SetPortalConfig, ISnsMgr) against
# a real istmd and tgtd: what they list is what tgtd has, add and remove
# change tgtd's portals and iSNS client, refusals are named by HRESULT and
# change nothing.  What the calls themselves do (logins on a new portal, a
# real iSNS server's registrations, restarts) is shown by
# test-istmd-serving-portals.sh and test-istmd-serving-isns.sh; the iSNS
# server named here listens nowhere, which tgtd's client only logs.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"

P=32692
tgt_portals() { tgt_adm --mode portal --op show | sed -n 's/^Portal: \(.*\),[0-9]*$/\1/p' | sort; }
# portals WANT...: tgtd and "istmctl portals list" both show exactly these
portals()
{
    local want
    want=$(printf '%s\n' "$@" | sort)
    [ "$(tgt_portals)" = "$want" ] || { tgt_portals; fail "tgtd's portals are not: $*"; }
    expect_rc 0 istmctl --json portals list
    [ "$($PYTHON -c "import json; [print('%s:%d' % (p['address'], p['port'])) for p in json.load(open('$tmp/out')) if p['listen']]" | sort)" = "$want" ] ||
        { cat "$tmp/out"; fail "istmctl portals list does not show: $*"; }
}

istm_start $P
portals "127.0.0.1:$P"
expect_rc 0 istmctl portals list
grep -Eq "^127\.0\.0\.1 +$P +yes$" "$tmp/out" || { cat "$tmp/out"; fail "portals list text"; }

expect_rc 0 istmctl portals add 127.0.0.2 $P
portals "127.0.0.1:$P" "127.0.0.2:$P"
expect_rc 0 istmctl portals add 127.0.0.2 $((P + 1))       # moves it
portals "127.0.0.1:$P" "127.0.0.2:$((P + 1))"
# refusals: named, nothing changed
expect_hr E_INVALIDARG istmctl portals add portal.example
expect_hr E_INVALIDARG istmctl portals add 127.0.0.2 0
expect_hr ERROR_FILE_NOT_FOUND istmctl portals add 10.9.9.9
expect_hr ERROR_FILE_NOT_FOUND istmctl portals remove 127.0.0.9
expect_hr ERROR_FILE_NOT_FOUND istmctl portals remove 127.0.0.2 $P
expect_rc 2 istmctl portals add
portals "127.0.0.1:$P" "127.0.0.2:$((P + 1))"
expect_rc 0 istmctl portals remove 127.0.0.2                       # its port looked up
portals "127.0.0.1:$P"
expect_hr ERROR_NOT_SUPPORTED istmctl portals remove 127.0.0.1    # the last one stays
portals "127.0.0.1:$P"

# --- iSNS servers ----------------------------------------------------------
SERVER=127.0.0.1:32797
expect_rc 0 istmctl --json isns list
[ "$(cat "$tmp/out")" = "[]" ] || { cat "$tmp/out"; fail "isns list is not empty at first"; }
expect_rc 0 istmctl isns add "$SERVER"
expect_rc 0 istmctl isns list
grep -Eq "^127\.0\.0\.1:32797 +no$" "$tmp/out" || { cat "$tmp/out"; fail "isns list text"; }
tgt_adm --mode sys --op show > "$tmp/sys"
grep -q "iSNSServerIP=127.0.0.1" "$tmp/sys" && grep -q "iSNS=On" "$tmp/sys" ||
    { cat "$tmp/sys"; fail "tgtd's iSNS client is not on $SERVER"; }
expect_hr E_INVALIDARG istmctl isns add "bad name"
expect_hr ERROR_ALREADY_EXISTS istmctl isns add "$SERVER"
expect_hr ERROR_NOT_SUPPORTED istmctl isns add isns2.example     # tgt has one server
expect_hr ERROR_FILE_NOT_FOUND istmctl isns remove isns2.example
expect_rc 0 istmctl --json isns list
json "assert d == [{'name': '$SERVER', 'dhcp': False}], d" "isns list after refusals"
expect_rc 0 istmctl isns remove "$SERVER"
expect_rc 0 istmctl --json isns list
[ "$(cat "$tmp/out")" = "[]" ] || { cat "$tmp/out"; fail "isns list after remove"; }
tgt_adm --mode sys --op show | grep -q "iSNS=Off" || fail "tgtd's iSNS client is still on"
istmd_stop
