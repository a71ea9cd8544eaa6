#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# impacket's DCOMConnection activates IWTGeneral and calls every IWTGeneral
# and IWTGeneral2 method at packet privacy; at packet integrity activation
# works and every IWTGeneral call is refused with an access fault and
# changes nothing ([MS-ISTM] 5.1); IRemoteActivation activates IWTGeneral
# and the object answers; ServerAlive2, ResolveOxid2 and the activation
# reply name Negotiate and NTLM; a
# second interface through RemQueryInterface and RemQueryInterface2;
# RemRelease; several activations on one DCOMConnection; the server GUID is the state directory's and survives a
# restart.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

scenarios="$top_srcdir/tests/istmd/dcom_scenarios.py"
istmd_start
with_timeout 120 $PYTHON "$scenarios" "$ISTMD_PORT" general 6 "$tmp/state" ||
    { tail -30 "$tmp/istmd.log"; fail "IWTGeneral at packet privacy"; }
with_timeout 120 $PYTHON "$scenarios" "$ISTMD_PORT" integrity "$tmp/state" ||
    { tail -30 "$tmp/istmd.log"; fail "IWTGeneral at packet integrity"; }
grep -q "below packet privacy" "$tmp/istmd.log" || fail "no refusal logged for packet integrity"
with_timeout 120 $PYTHON "$scenarios" "$ISTMD_PORT" remote_activation ||
    { tail -30 "$tmp/istmd.log"; fail "IRemoteActivation and the advertised providers"; }
with_timeout 120 $PYTHON "$scenarios" "$ISTMD_PORT" activations ||
    { tail -30 "$tmp/istmd.log"; fail "several activations on one connection"; }
first=$(with_timeout 60 $PYTHON "$scenarios" "$ISTMD_PORT" guid) || fail "reading the server GUID"
istmd_stop
istmd_start
second=$(with_timeout 60 $PYTHON "$scenarios" "$ISTMD_PORT" guid) || fail "reading the server GUID again"
[ "$first" = "$second" ] || fail "server GUID changed across a restart: $first, $second"
[ "$first" = "$(istmd_setting server_guid)" ] || fail "server GUID $first is not the stored one"
echo "server GUID $first kept across a restart"
