#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Refusals: wrong password, unknown user, no authentication (levels none and
# connect), NTLMv1, a tampered signature, a replayed sequence number, a
# re-bind with a wrong password on an authenticated connection: each
# gets its fault, the connection is closed, the call is not executed, and
# the daemon keeps serving others (all checked by rpcclient.py).
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

istmd_start
for s in wrong-password unknown-user level-none level-connect ntlmv1 \
         tampered-signature replayed-sequence rebind-wrong-password; do
    rpcclient "$s" || fail "scenario $s"
done
grep -q "authentication failed for 'alice': wrong password" "$tmp/istmd.log" ||
    fail "wrong password not logged"
grep -q "authentication failed for 'mallory': unknown user" "$tmp/istmd.log" ||
    fail "unknown user not logged"
if grep -q 'Passw0rd\|fc525c96' "$tmp/istmd.log"; then fail "a secret reached the log"; fi
kill -0 "$ISTMD_PID" || fail "istmd died"
istmd_stop
