#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Enumerations over 200 targets made through ISTM: IEnumHost Next in small
# and large batches, the count-only Next(0), Skip, Reset, Clone, changes
# during a walk (tests/istmd/targets_enum.py); IEnumIDMethod, IEnumPortal,
# IEnumWTDiskLunMapping; tgtd has every saved target.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

lock_port 32673    # one tgtd per port, also across worktrees
istm_start 32673
istm_py "$top_srcdir/tests/istmd/targets_enum.py" || { tail -20 "$tmp/istmd.log"; fail "enumerations"; }
tgt_adm --mode target --op show > "$tmp/show" || fail "tgtadm show failed"
n=$(grep -c "^Target [0-9]*: .*-enum-[0-9a-z]*-target$" "$tmp/show") || true
[ "$n" -eq 200 ] || fail "tgtd has $n of the 200 targets (199 made first, one deleted, one late)"
istmd_stop
