#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# DCE/RPC through impacket's client: calls at packet privacy and packet
# integrity, fragmented requests and replies, a second presentation and
# security context via alter_context, re-binds with a new NTLM handshake on
# the same connection (as impacket's DCOMConnection does), faults, NDR64 and unknown interfaces
# refused per presentation context.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istmd-functions.sh"

istmd_start
rpcclient echo privacy
rpcclient echo integrity
rpcclient fragments
rpcclient alter
rpcclient rebind
rpcclient fault
rpcclient ndr64
rpcclient unknown-if
# the object exporter port serves the same runtime
ISTMD_PORT=$ISTMD_XPORT rpcclient echo privacy
kill -0 "$ISTMD_PID" || fail "istmd died"
istmd_stop
