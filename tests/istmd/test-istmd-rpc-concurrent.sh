#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Several clients at once: 8 impacket clients, 130 calls each (1,040 in
# all), all at packet privacy on one istmd; every call must succeed and
# the executed-call counter must say so.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

istmd_start
before=$(rpcclient executed)
pids=()
for i in $(seq 8); do
    rpcclient many 130 > "$tmp/client.$i" 2>&1 &
    pids+=($!)
done
for i in $(seq 8); do
    wait "${pids[$((i - 1))]}" || { cat "$tmp/client.$i"; fail "client $i failed"; }
done
after=$(rpcclient executed)
[ $((after - before)) = 1040 ] || fail "executed $((after - before)) calls, expected 1040"
echo "1040 calls from 8 concurrent clients ok"
istmd_stop
