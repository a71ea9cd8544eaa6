#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-istmctl-killed.sh: istmctl whose istmd is SIGKILLed in the
# middle of a call reports the lost connection and exits 3 (no answer),
# rather than spinning at 100% CPU on the closed socket (impacket's recv
# loop, mended in contrib/istm/base.py).
#
# "In the middle of a call" without a race: tgtd is stopped (SIGSTOP), so
# istmd's parent, serving the call, waits in a tgtadm that tgtd does not
# answer; the network child has read the whole request and waits for the
# parent; istmctl waits for the answer.  Then both istmd processes are
# SIGKILLed: the child's socket closes cleanly (no unread data, so a FIN,
# not a reset), which is what made impacket's recv loop spin.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"

istm_start 32693
child=$(istmd_child_pid)
[ -n "$child" ] || fail "istmd has no network child"
expect_rc 0 istmctl targets create t1     # client and server work before the kill

# children of PID (one line each)
children() { cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .; }

cleanup_fn "kill -CONT $TGT_PID 2>/dev/null"
kill -STOP "$TGT_PID"
with_timeout 60 $PYTHON "$ISTMCTL" --host 127.0.0.1 --port "$ISTMD_PORT" --user alice \
    --password 'Passw0rd!' sessions > "$tmp/out" 2> "$tmp/err" &
ctl_pid=$!
cleanup_fn "kill $ctl_pid 2>/dev/null"
# the parent is in the call once it runs a tgtadm (which tgtd leaves waiting)
tgtadm_pid=
for i in $(seq $((200 * TEST_TIMEOUT_SCALE))); do
    for p in $(children "$ISTMD_PID"); do
        [ "$(cat /proc/"$p"/comm 2>/dev/null)" = tgtadm ] && tgtadm_pid=$p
    done
    [ -n "$tgtadm_pid" ] && break
    kill -0 "$ctl_pid" 2>/dev/null || { cat "$tmp/out" "$tmp/err"; fail "istmctl ended before the kill"; }
    sleep 0.1
done
[ -n "$tgtadm_pid" ] || fail "istmd's parent never ran tgtadm for the call"
sleep 1
kill -0 "$ctl_pid" 2>/dev/null || { cat "$tmp/out" "$tmp/err"; fail "istmctl ended before the kill"; }
kill -KILL "$child" "$ISTMD_PID"
wait "$ISTMD_PID" 2>/dev/null || true
ISTMD_PID=
kill -KILL "$tgtadm_pid" 2>/dev/null || true
kill -CONT "$TGT_PID"

rc=0
wait "$ctl_pid" || rc=$?
[ "$rc" != 124 ] || fail "istmctl still ran 60 s after istmd was killed (the recv loop spins)"
[ "$rc" = 3 ] || { cat "$tmp/out" "$tmp/err"; fail "istmctl exited $rc, not 3 (no answer)"; }
[ "$(wc -l < "$tmp/err")" = 1 ] || { cat "$tmp/err"; fail "not one line on stderr"; }
grep -q "^istmctl: sessions failed: connection to '127.0.0.1:$ISTMD_PORT' lost: " "$tmp/err" ||
    { cat "$tmp/err"; fail "the message does not say the connection was lost"; }
tgt_alive || fail "tgtd died"
echo "ok: $(cat "$tmp/err")"
