#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-tgt-sync.sh: the state store applied to a real tgtd, and again
# after tgtd is killed (SIGKILL) and restarted empty.
#
# Private tgtd on control port and portal 127.0.0.1:32661; a target made
# "by hand" (tid 1) must survive every apply.  The Check program
# test-istmd-tgt-sync runs phase "first", then "restart" on the same state
# directory.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/tgt/tgt-functions.sh"

requires_tgt
PROG="$top_builddir/tests/istmd/test-istmd-tgt-sync"
requires test -x "$PROG"

tgt_start 32661
by_hand() {
    tgt_adm --mode target --op new --tid 1 -T iqn.2026-11.org.vhdtarget:by-hand
}
by_hand

export TGT_C TGT_PORT TEST_DIR="$tmp"
(cd "$tmp" && "$PROG" first)

tgt_kill
tgt_restart
by_hand
(cd "$tmp" && "$PROG" restart)
tgt_alive || fail "tgtd died during the test"
