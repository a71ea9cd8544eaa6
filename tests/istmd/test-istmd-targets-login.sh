#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# An initiator allowed through ISTM (IHost::AddID) with CHAP set through
# ISTM (IHost CHAP properties, Save) logs in to tgtd with libiscsi; a wrong
# secret, a secret changed afterwards, an initiator not allowed, a disabled
# target and a wrong reverse-CHAP answer are all refused by tgtd; an IP
# address identification admits any initiator name from that address.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

py="$top_srcdir/tests/istmd/targets_login.py"
OK=iqn.2000-01.com.example:init-ok
OTHER=iqn.2000-01.com.example:init-other
ISCSI_HOLD="$top_builddir/tests/istmd/iscsi-hold"
requires test -x "$ISCSI_HOLD"
lock_port 32672    # one tgtd per port, also across worktrees
istm_start 32672
iqn=$(istm_py "$py" setup) || { tail -20 "$tmp/istmd.log"; fail "setting the target up"; }

# login INITIATOR USER%SECRET [URL ARGS]: iscsi-inq of the controller LUN
login()
{
    with_timeout 30 iscsi-inq -i "$1" "iscsi://$2@127.0.0.1:$TGT_PORT/$iqn/0${3:+?$3}" > "$tmp/inq" 2>&1
}
allowed() { login "$@" || { cat "$tmp/inq"; fail "refused: $*"; }; }
refused() { if login "$@"; then cat "$tmp/inq"; fail "logged in: $*"; fi; }
op() { istm_py "$py" "$@" || { tail -20 "$tmp/istmd.log"; fail "target change: $*"; }; }

allowed $OK chapuser%chap-secret-123
grep -q 'Peripheral' "$tmp/inq" || { cat "$tmp/inq"; fail "no inquiry data"; }

# a held session: Status connected, a LastLogIn, IHost2::EnumSessions lists it
HOLD=
hold()
{
    local i
    "$ISCSI_HOLD" --initiator "$1" --chap "$2" "127.0.0.1:$TGT_PORT" "$iqn" > "$tmp/hold.out" 2>&1 &
    HOLD=$!
    for i in $(seq 100); do
        grep -q 'logged in' "$tmp/hold.out" && return 0
        kill -0 $HOLD 2>/dev/null || { cat "$tmp/hold.out"; fail "holding a session"; }
        sleep 0.1
    done
    fail "the held login timed out"
}
# unhold: end the holder (SIGKILL if it does not log out within 3 s: a
# session the target closed may leave it unable to)
unhold()
{
    local i
    [ -n "$HOLD" ] || return 0
    kill $HOLD 2>/dev/null || true
    for i in $(seq 30); do kill -0 $HOLD 2>/dev/null || break; sleep 0.1; done
    kill -KILL $HOLD 2>/dev/null || true
    wait $HOLD 2>/dev/null || true
    HOLD=
}
cleanup_fn unhold
op status -
hold $OK chapuser:chap-secret-123
op status $OK
unhold

# a new secret replaces the old one in tgtd
op chap new-secret-4567
refused $OK chapuser%chap-secret-123
allowed $OK chapuser%new-secret-4567

# reverse CHAP: the initiator checks the target's answer
op rchap 1
allowed $OK chapuser%new-secret-4567 'target_user=tgtuser&target_password=target-secret-99'
refused $OK chapuser%new-secret-4567 'target_user=tgtuser&target_password=wrong-secret-99'
op rchap 0

# disabled: nobody; enabled again: the allowed one
op enable 0
refused $OK chapuser%new-secret-4567
op enable 1
allowed $OK chapuser%new-secret-4567

# sessions end when what admitted them goes (RemoveID), and when the target
# is disabled; removing another initiator's ID leaves them
op ids iqn:$OK iqn:$OTHER
hold $OK chapuser:new-secret-4567
op status $OK
op removeid iqn:$OTHER
op status $OK
op removeid iqn:$OK
op status -
unhold
op ids iqn:$OK
hold $OK chapuser:new-secret-4567
op enable 0
op status -
unhold
op enable 1
allowed $OK chapuser%new-secret-4567

# by address: any initiator name from 127.0.0.1; not from a list without it
op ids ip:127.0.0.1
allowed $OTHER chapuser%new-secret-4567
op ids ip:10.9.8.7 dns:host.example.com
refused $OK chapuser%new-secret-4567
op ids iqn:$OTHER
allowed $OTHER chapuser%new-secret-4567
refused $OK chapuser%new-secret-4567

for secret in chap-secret-123 new-secret-4567 target-secret-99; do
    if grep -qF -- "$secret" "$tmp/istmd.log"; then fail "a CHAP secret is in the log"; fi
done
istmd_stop
echo "logins through ISTM-made ACLs and CHAP accounts: allowed and refused as configured"
