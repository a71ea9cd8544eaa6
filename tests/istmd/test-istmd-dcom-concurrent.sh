#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Eight impacket DCOM clients at once, each activating its own IWTGeneral
# object and making 130 calls on it (1,040 calls in all): every call
# answers correctly.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

scenarios="$top_srcdir/tests/istmd/dcom_scenarios.py"
istmd_start
pids=()
for i in $(seq 8); do
    with_timeout 150 $PYTHON "$scenarios" "$ISTMD_PORT" calls 130 > "$tmp/client-$i.log" 2>&1 &
    pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { failed=1; echo "client $((i + 1)) failed:"; tail -5 "$tmp/client-$((i + 1)).log"; }
done
[ "$failed" = 0 ] || fail "concurrent clients"
[ "$(cat "$tmp"/client-*.log | grep -c '^ok: 130 calls')" = 8 ] || fail "not every client finished"
echo "8 clients, 1040 calls, all answered"
