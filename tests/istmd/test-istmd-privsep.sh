#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Privilege separation: the network child is chrooted to an empty
# directory, runs as an unprivileged user with no_new_privs and a seccomp
# filter; the parent
# keeps the server GUID and the schedule in its store (istmd.db) across
# restarts, and restarts a child that dies.
. "$(dirname "$0")/../functions.sh"
requires_root
. "$(dirname "$0")/istmd-functions.sh"

ISTMD_CHILD_DEATHS_OK=1 # this test kills the child
istmd_start
child=$(istmd_child_pid)
[ -n "$child" ] || fail "no network child"
uid=$(awk '/^Uid:/ {print $2}' "/proc/$child/status")
[ "$uid" != 0 ] || fail "network child runs as root"
[ "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$child/status")" = 1 ] || fail "no_new_privs not set"
[ "$(awk '/^Seccomp:/ {print $2}' "/proc/$child/status")" = 2 ] || fail "no system call filter"
[ "$(readlink "/proc/$child/root")" = "$tmp/state/empty" ] || fail "child not chrooted"
[ "$(awk '/^Uid:/ {print $2}' "/proc/$ISTMD_PID/status")" = 0 ] || fail "parent is not root"

guid1=$(rpcclient server-info | sed -n 's/guid=\([0-9a-f]*\) .*/\1/p')
stored=$(istmd_setting server_guid)
[ -n "$guid1" ] && [ "$guid1" = "$stored" ] || fail "server GUID differs from the store's ($guid1, $stored)"
[ ! -e "$tmp/state/server-guid" ] && [ ! -e "$tmp/state/schedule" ] || fail "settings in text files"
[ "$(rpcclient schedule get)" = "schedule=0,0,0" ] || fail "schedule before any set"
[ "$(rpcclient schedule set)" = "schedule=1,3,132000000000000000" ] || fail "schedule set"

# SIGHUP rereads the users file: a new account works, a bad file changes nothing
! rpcclient login bob 'S3cret' >/dev/null || fail "bob logged in before being added"
printf 'bob:%s\n' "$(printf 'S3cret\n' | "$ISTMD" --nt-hash)" >> "$tmp/users"
kill -HUP "$ISTMD_PID"
for i in $(seq 50); do grep -q 'reloaded users file' "$tmp/istmd.log" && break; sleep 0.1; done
rpcclient login bob 'S3cret' || fail "bob cannot log in after SIGHUP"
cp "$tmp/users" "$tmp/users.good"
echo 'garbage' >> "$tmp/users"
kill -HUP "$ISTMD_PID"
for i in $(seq 50); do grep -q 'line 3 is not' "$tmp/istmd.log" && break; sleep 0.1; done
grep -q 'line 3 is not' "$tmp/istmd.log" || fail "bad users file not reported"
rpcclient login bob 'S3cret' || fail "a bad users file dropped the accounts"
cp "$tmp/users.good" "$tmp/users"

# a dead child is replaced and the service goes on
kill -9 "$child"
for i in $(seq 50); do
    new=$(istmd_child_pid)
    [ -n "$new" ] && [ "$new" != "$child" ] && break
    sleep 0.1
done
[ -n "$new" ] && [ "$new" != "$child" ] || fail "child not restarted"
sleep 0.5
rpcclient echo privacy >/dev/null || fail "not serving after child restart"

istmd_kill
istmd_start
guid2=$(rpcclient server-info | sed -n 's/guid=\([0-9a-f]*\) .*/\1/p')
[ "$guid1" = "$guid2" ] || fail "server GUID changed across restarts ($guid1, $guid2)"
[ "$(rpcclient schedule get)" = "schedule=1,3,132000000000000000" ] ||
    fail "schedule not persisted"
istmd_stop
