#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Status notifications ([MS-ISTM] 3.41, 3.42, 3.52.4.9-10): a client's
# IStatusNotify object (notify_target.py, a small DCOM server on
# 127.0.0.1) registered through IWTGeneral::RegisterNotification receives
# LunListChanged and the right LunStatusUpdate, with its cookie, for each of
# create, assign, disable, unassign and delete of a disk, and nothing after
# UnregisterNotification; bad interface pointers are refused and change
# nothing; a client that vanished (no pings) is dropped after the ping
# expiry (--ping-period 1: 3 s) and hears nothing more; management calls
# answer while a callback target hangs (latencies printed, not asserted)
# and that registration is dropped when its call (or its ping) times out;
# without a callback account the log says once that callbacks are
# unauthenticated.  The calls
# come from the notifier process, not from the network child.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"
. "$(dirname "$0")/notify-functions.sh"

export VHDTOOL
lock_port 32698
istm_start 32698 --ping-period 1
notifier=$(istmd_notifier_pid) || { tail -20 "$tmp/istmd.log"; fail "no notifier process"; }
# no callback account: said once
[ "$(grep -c 'callbacks are unauthenticated' "$tmp/istmd.log")" = 1 ] ||
    fail "istmd did not say once that callbacks are unauthenticated"
net=$(istmd_child_pid)
# the notifier is its own process, sandboxed like the network child
[ "$notifier" != "$net" ] || fail "the notifier is the network child"
grep -q 'Seccomp:[[:space:]]*2' "/proc/$notifier/status" || fail "the notifier has no seccomp filter"
[ "$(readlink "/proc/$notifier/root")" = "$tmp/state/empty" ] || fail "the notifier is not chrooted"

# registration, every event, bad pointers, unregistration
notify_target serve one
istm_py "$top_srcdir/tests/istmd/notify_client.py" events "$TARGET_PORT" "$tmp/one.log" "$STORAGE" \
    --ping 1 || { echo "client exit status $?"; grep -iE 'notif|registration' "$tmp/istmd.log" | tail -30
                  fail "notifications of LUN events"; }

# a client that vanishes: notified while it pings... then dropped
notify_target serve two
istm_py "$top_srcdir/tests/istmd/notify_client.py" vanish "$TARGET_PORT" "$tmp/two.log" "$STORAGE" \
    > "$tmp/vanish.out" || { echo "client exit status $?"; tail -30 "$tmp/istmd.log"; fail "the vanishing client"; }
for i in $(seq 100); do
    grep -q "registration .*cookie 21.*dropped: its client's IWTGeneral object is gone" \
        "$tmp/istmd.log" && break
    sleep 0.1
done
grep "cookie 21" "$tmp/istmd.log" || true
grep -q "cookie 21.*dropped: its client's IWTGeneral object is gone" "$tmp/istmd.log" ||
    fail "the vanished client's registration was not dropped at ping expiry"
before=$(wc -l < "$tmp/two.log")
wtd=$(tail -1 "$tmp/vanish.out")
expect_rc 0 istmctl disks delete "$wtd"
sleep 2
[ "$(wc -l < "$tmp/two.log")" = "$before" ] || fail "a vanished client was notified"

# a callback target that hangs: management calls still answer
notify_target hang three
istm_py "$top_srcdir/tests/istmd/notify_client.py" hang "$TARGET_PORT" "$tmp/three.log" "$STORAGE" \
    --ping 1 || { echo "client exit status $?"; tail -30 "$tmp/istmd.log"
                  fail "management calls while a callback hangs"; }
uptime
for i in $(seq 150); do
    grep -Eq "cookie 31.*dropped: (calling it|pinging its resolver) failed: Connection timed out" \
        "$tmp/istmd.log" && break
    sleep 0.1
done
grep -Eq "cookie 31.*dropped: (calling it|pinging its resolver) failed: Connection timed out" \
    "$tmp/istmd.log" ||
    { grep "cookie 31" "$tmp/istmd.log"; fail "the hanging target's registration was not dropped"; }
[ "$(istmd_notifier_pid)" = "$notifier" ] || fail "the notifier restarted"
istmd_stop
echo "status notifications: events, bad pointers, ping expiry and a hanging target checked"
