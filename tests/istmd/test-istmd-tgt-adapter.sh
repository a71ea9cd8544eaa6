#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-tgt-adapter.sh: istmd's tgt adapter against a real tgtd.
#
# Starts a private tgtd (control port 32651, portal 127.0.0.1:32651; the
# adapter test also adds and removes a portal on 32658) and runs the Check
# program test-istmd-tgt-adapter against it: targets, LUs (rdwr on raw
# files, and bs_vhd on a VHD when vhdtool is built), ACLs, CHAP and reverse
# CHAP accounts with real libiscsi logins, iSCSI parameters, portals,
# sessions, and the runner's failure paths.  tgtd is stopped by the
# registered cleanup (targets deleted with --force, then a system delete,
# then SIGKILL) even when the test fails.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/tgt/tgt-functions.sh"

requires_tgt
PROG="$top_builddir/tests/istmd/test-istmd-tgt-adapter"
requires test -x "$PROG"

tgt_start 32651

if [ -x "$VHDTOOL" ] && "$VHDTOOL" create --type fixed --size 16M "$tmp/adapter.vhd" >/dev/null 2>&1; then
    export TGT_VHD_FILE="$tmp/adapter.vhd"
else
    echo "$0: note: vhdtool not built; the bs_vhd LU case is not run"
fi

export TGT_C TGT_PORT TEST_DIR="$tmp"
# Check forks each case: its output goes to the log, the exit status decides
(cd "$tmp" && "$PROG")
tgt_alive || fail "tgtd died during the test"
