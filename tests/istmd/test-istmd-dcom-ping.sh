#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# DCOM garbage collection with a 1-second ping period (objects go after 3
# missed pings): impacket's own ping thread (oxidResolver=True, its timer
# shortened to the period) keeps its object alive across 6 periods, while
# an object whose client never pings is collected and a later call on its
# IPID faults with RPC_E_DISCONNECTED.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

scenarios="$top_srcdir/tests/istmd/dcom_scenarios.py"
istmd_start --ping-period 1
with_timeout 60 $PYTHON "$scenarios" "$ISTMD_PORT" ping 1 6 &
pinger=$!
with_timeout 60 $PYTHON "$scenarios" "$ISTMD_PORT" collect 5 ||
    { tail -20 "$tmp/istmd.log"; fail "an object nobody pings was not collected"; }
wait "$pinger" || { tail -20 "$tmp/istmd.log"; fail "a pinged object was collected"; }
kill -0 "$ISTMD_PID" || fail "istmd died"
# the collection shows in the log (the object table frees it)
sleep 4
grep -E 'collected [1-9][0-9]* objects' "$tmp/istmd.log" || fail "no collection logged"
