#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-conformance-thin: libiscsi's conformance suite (iscsi-test-cu --dataloss)
# against a bs_vhd LUN passes every test that it passes against tgt's own
# rdwr backing store on the same tgtd (a raw file of the same size).  The
# whole suite runs on full-provisioned LUNs (the baseline the issue measured:
# 598 of 615 for rdwr, the failures being tgt's SCSI layer); the
# thin-provisioning suites run again on thin LUNs, for bs_vhd on a dynamic,
# a fixed and a differencing disk.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"

. "$(dirname "$0")/conformance-functions.sh"
conformance_start 32604

# Thin provisioning: UNMAP, WRITE SAME with UNMAP, GET LBA STATUS.
tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params thin_provisioning=1
for f in fixed diff; do
    tgt_target $([ $f = fixed ] && echo 3 || echo 4) "$f"
done
tgt_lun 3 1 "$tmp/fixed.vhd"
tgt_lun 4 1 "$tmp/diff.vhd"
for tid in 2 3 4; do
    tgt_adm --mode logicalunit --op update --tid $tid --lun 1 --params thin_provisioning=1
done
for suite in SCSI.Unmap SCSI.WriteSame10 SCSI.WriteSame16 SCSI.GetLBAStatus; do
    run_cu "rdwr-$suite" "$(tgt_url rdwr 1)" -t "$suite" || fail "rdwr $suite"
    for f in vhd fixed diff; do
        run_cu "$suite" "$(tgt_url $f 1)" -t "$suite" || fail "$f $suite"
        compare "$suite"
    done
done
tgt_alive || fail "tgtd died"
echo "ok: bs_vhd passes every conformance test rdwr passes"
