#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The real thing: istmd on 127.0.0.1:135 and impacket's DCOMConnection
# unmodified (it always activates through port 135), every IWTGeneral
# method.  Serialised with other port 135 users by lock_port.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

requires_root
requires command -v flock
lock_port 135
if ss -ltnH 2>/dev/null | awk '{print $4}' | grep -Eq '(^|:|\])135$'; then
    echo "$0: skipped: port 135 is in use"
    exit 77
fi
istmd_start --listen 127.0.0.1:135
[ "$ISTMD_PORT" = 135 ] || fail "istmd did not take port 135 (got $ISTMD_PORT)"
with_timeout 120 $PYTHON "$top_srcdir/tests/istmd/dcom_scenarios.py" 135 general 6 "$tmp/state" ||
    { tail -20 "$tmp/istmd.log"; fail "IWTGeneral through port 135"; }
