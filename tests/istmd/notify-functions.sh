# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/istmd/notify-functions.sh: the IStatusNotify server the notification
# tests register (notify_target.py), started and stopped by the test.
# Sourced after functions.sh.

target_pids=
stop_targets() { for p in $target_pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; true; }
cleanup_fn stop_targets

# notify_target MODE NAME [PASSWORD]: start notify_target.py in MODE, its
# port in $tmp/NAME.port and its log in $tmp/NAME.log (PASSWORD: the one it
# checks NTLM proofs against); sets TARGET_PORT and TARGET_PID.
notify_target()
{
    local i
    $PYTHON "$top_srcdir/tests/istmd/notify_target.py" "$1" "$tmp/$2.port" "$tmp/$2.log" ${3:+"$3"} &
    TARGET_PID=$!
    target_pids="$target_pids $!"
    for i in $(seq 100); do [ -s "$tmp/$2.port" ] && break; sleep 0.1; done
    TARGET_PORT=$(cat "$tmp/$2.port") || fail "notify target '$2' did not start"
}
