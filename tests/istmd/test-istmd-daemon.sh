#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Without -f istmd detaches (new session, the command returns) and serves;
# SIGTERM to the daemon stops it and its network child; a --config file
# carries the settings.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

mkdir -p "$tmp/state" "$tmp/storage"
istmd_users
port=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/istmd.conf" <<EOC
# test configuration
listen = 127.0.0.1:$port
state-dir $tmp/state
users $tmp/users
storage-root $tmp/storage
EOC
with_timeout 10 "$ISTMD" --config "$tmp/istmd.conf" --test-interface || fail "istmd did not detach"

# the daemon: the process whose command line names our config file
daemon=
for i in $(seq 50); do
    for p in /proc/[0-9]*; do
        if tr '\0' ' ' 2>/dev/null < "$p/cmdline" | grep -q -- "--config $tmp/istmd.conf"; then
            daemon=${p#/proc/}
        fi
    done
    [ -n "$daemon" ] && break
    sleep 0.1
done
[ -n "$daemon" ] || fail "no daemon found"
cleanup_fn "kill $daemon 2>/dev/null"
[ "$(ps -o sid= -p "$daemon" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ] ||
    fail "daemon still in the test's session"
for i in $(seq 50); do
    ISTMD_PORT=$port rpcclient echo privacy >/dev/null 2>&1 && break
    sleep 0.2
done
ISTMD_PORT=$port rpcclient echo privacy || fail "daemon does not serve"
children=$(cat "/proc/$daemon/task/$daemon/children")   # the network child and the notifier
kill "$daemon"
for i in $(seq 50); do
    alive=
    for p in $daemon $children; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -n "$alive" ] || break
    sleep 0.1
done
! kill -0 "$daemon" 2>/dev/null || fail "daemon did not stop"
for p in $children; do
    ! kill -0 "$p" 2>/dev/null || fail "child $p (network child or notifier) outlived the daemon"
done
