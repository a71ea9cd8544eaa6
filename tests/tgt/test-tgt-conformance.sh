#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-conformance: libiscsi's conformance suite (iscsi-test-cu --dataloss)
# against a bs_vhd LUN passes every test that it passes against tgt's own
# rdwr backing store on the same tgtd (a raw file of the same size).  The
# whole suite runs on full-provisioned LUNs (the baseline the issue measured:
# 598 of 615 for rdwr, the failures being tgt's SCSI layer); the
# thin-provisioning suites are in test-tgt-conformance-thin.sh.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"

. "$(dirname "$0")/conformance-functions.sh"
conformance_start 32603

# The whole suite, both LUNs at once (different targets, same tgtd).
run_cu rdwr-all "$(tgt_url rdwr 1)" & rdwr_pid=$!
run_cu all "$(tgt_url vhd 1)" || fail "bs_vhd run failed"
wait $rdwr_pid || fail "rdwr baseline run failed"
compare all
[ "$(cut -d' ' -f1 "$tmp/all.sum")" -gt 500 ] || fail "suspiciously few tests"
grep -q 'LBA_OUT_OF_RANGE\|ILLEGAL_REQUEST' "$tmp/all.out" || fail "no sense data exercised"

tgt_alive || fail "tgtd died"
echo "ok: bs_vhd passes every conformance test rdwr passes"
