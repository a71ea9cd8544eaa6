# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istmd-functions.sh: sourced by the transport tests after ../functions.sh.
# Starts istmd in the foreground on ephemeral ports (the ports come from
# its log), so tests run in parallel without colliding on port 135.

ISTMD="$top_builddir/istmd/istmd"
PYTHON=/usr/bin/python3
RPCCLIENT="$top_srcdir/tests/istmd/rpcclient.py"
ISTMD_PID=

requires test -x "$ISTMD"
# contrib/istm/wire.py is generated into the build tree: a VPATH build (make
# distcheck) has the package's other modules in the source tree only, and
# istm/__init__.py joins the two (pkgutil.extend_path)
export PYTHONPATH="$top_builddir/contrib${PYTHONPATH:+:$PYTHONPATH}"
requires $PYTHON -c 'import impacket.dcerpc.v5.rpcrt'

# istmd_users: a users file with alice / Passw0rd! (made with --nt-hash)
istmd_users()
{
    [ -f "$tmp/users" ] ||
        printf 'alice:%s\n' "$(printf 'Passw0rd!\n' | "$ISTMD" --nt-hash)" > "$tmp/users"
}

# istmd_start [ARGS...]: start istmd -f -v with the test interface; sets
# ISTMD_PID, ISTMD_PORT (port 135 role) and ISTMD_XPORT (object exporter).
istmd_start()
{
    local i line lines
    mkdir -p "$tmp/state" "$tmp/storage"
    istmd_users
    touch "$tmp/istmd.log"
    lines=$(wc -l < "$tmp/istmd.log")
    "$ISTMD" -f -v --listen 127.0.0.1:0 --exporter-port 0 --state-dir "$tmp/state" \
        --users "$tmp/users" --storage-root "${ISTMD_STORAGE_ROOT:-$tmp/storage}" --test-interface "$@" \
        >> "$tmp/istmd.log" 2>&1 &
    ISTMD_PID=$!
    for i in $(seq $((100 * TEST_TIMEOUT_SCALE))); do
        line=$(tail -n +"$((lines + 1))" "$tmp/istmd.log" | grep 'serving on port' | tail -1) || true
        [ -n "$line" ] && break
        kill -0 "$ISTMD_PID" 2>/dev/null || { cat "$tmp/istmd.log"; fail "istmd exited at start"; }
        sleep 0.1
    done
    [ -n "$line" ] || { cat "$tmp/istmd.log"; fail "istmd did not start"; }
    ISTMD_PORT=$(echo "$line" | sed -n 's/.*serving on port \([0-9]*\) .*/\1/p')
    ISTMD_XPORT=$(echo "$line" | sed -n 's/.*exporter port \([0-9]*\)).*/\1/p')
}

# istmd_live_objects: the DCOM objects istmd's network child holds, as its
# log (-v) last said; it says so at most once a second, when the count
# changes (istmd/net/dcom/objtab.c), so this waits 2 s first.
istmd_live_objects()
{
    sleep 2
    grep -o 'live: [0-9]* objects' "$tmp/istmd.log" | tail -1 | awk '{ print $2 }'
}

# istmd_kill: SIGTERM, then wait for the parent (it stops the child).
istmd_kill()
{
    if [ -n "$ISTMD_PID" ] && kill -0 "$ISTMD_PID" 2>/dev/null; then
        kill "$ISTMD_PID"
        wait "$ISTMD_PID" 2>/dev/null || true
    fi
    ISTMD_PID=
}
cleanup_fn istmd_kill

# istmd_stop: stop istmd and fail if its log shows a sanitizer report or
# (unless ISTMD_CHILD_DEATHS_OK is set) a network child that died.
istmd_stop()
{
    istmd_kill
    if grep -E 'Sanitizer|runtime error' "$tmp/istmd.log"; then
        fail "sanitizer report in the istmd log"
    fi
    if [ -z "${ISTMD_CHILD_DEATHS_OK:-}" ] && grep -E 'exited \(status|misbehaved' "$tmp/istmd.log"; then
        fail "the network child died"
    fi
}

# istmd_child_pid: the network child's pid (the parent's child started
# with --role=net; the other one is the notifier, --role=notify)
istmd_child_pid()
{
    local p
    for p in $(cat "/proc/$ISTMD_PID/task/$ISTMD_PID/children"); do
        tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- '--role=net' &&
            { echo "$p"; return 0; }
    done
    return 0  # none (being restarted): empty, which callers test; set -e must not end them
}

# istmd_notifier_pid: the notifier's pid (the child started with --role=notify)
istmd_notifier_pid()
{
    local p
    for p in $(cat "/proc/$ISTMD_PID/task/$ISTMD_PID/children"); do
        tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- '--role=notify' &&
            { echo "$p"; return 0; }
    done
    return 1
}

# istmd_setting KEY: a server-wide setting as the store holds it (read-only
# SQLite connection beside the running istmd; WAL lets both read)
istmd_setting()
{
    $PYTHON -c 'import sqlite3, sys
row = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True).execute(
    "SELECT value FROM settings WHERE key = ?", (sys.argv[2],)).fetchone()
print(row[0] if row else "")' "$tmp/state/istmd.db" "$1"
}

# rpcclient SCENARIO [ARGS...]: run an impacket scenario against istmd
rpcclient()
{
    with_timeout 120 $PYTHON "$RPCCLIENT" "$ISTMD_PORT" "$@"
}
