#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# impacket's DCOMConnection activates IWTGeneral and calls every IWTGeneral
# and IWTGeneral2 method, at packet privacy and at packet integrity; a
# second interface through RemQueryInterface and RemQueryInterface2;
# RemRelease; several activations on one DCOMConnection; the server GUID is the state directory's and survives a
# restart.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

scenarios="$top_srcdir/tests/istmd/dcom_scenarios.py"
istmd_start
for level in 6 5; do
    timeout 120 $PYTHON "$scenarios" "$ISTMD_PORT" general "$level" "$tmp/state" ||
        { tail -30 "$tmp/istmd.log"; fail "IWTGeneral at auth level $level"; }
done
timeout 120 $PYTHON "$scenarios" "$ISTMD_PORT" activations ||
    { tail -30 "$tmp/istmd.log"; fail "several activations on one connection"; }
first=$(timeout 60 $PYTHON "$scenarios" "$ISTMD_PORT" guid) || fail "reading the server GUID"
istmd_stop
istmd_start
second=$(timeout 60 $PYTHON "$scenarios" "$ISTMD_PORT" guid) || fail "reading the server GUID again"
[ "$first" = "$second" ] || fail "server GUID changed across a restart: $first, $second"
[ "$first" = "$(istmd_setting server_guid)" ] || fail "server GUID $first is not the stored one"
echo "server GUID $first kept across a restart"
