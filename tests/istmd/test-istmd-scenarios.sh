#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-scenarios.sh: the eight examples of [MS-ISTM] section 4, call
# by call from impacket (scenarios_ms_istm.py), against istmd managing a
# real tgtd; between the phases tgtd's own view is checked and a libiscsi
# initiator (allowed by IQN in 4.4, CHAP set through IHost) logs in to the
# target of 4.5 and writes and reads the disk of 4.3 (ISTM LUN 0 = tgt
# LUN 1); a wrong CHAP secret, no CHAP and an initiator that is not allowed
# are refused by tgtd.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool

SCEN="$top_srcdir/tests/istmd/scenarios_ms_istm.py"
INITIATOR=iqn.1991-05.com.contoso:test-server
CHAP_USER=dbinitiator CHAP_SECRET=DbSecret1234

istm_start 32684
mkdir -p "$STORAGE/iSCSI_target_disks"

# setup: preconditions, 4.1, 4.2, 4.3, 4.4, 4.5, CHAP
istm_py "$SCEN" --chap-user "$CHAP_USER" --chap-secret "$CHAP_SECRET" setup > "$tmp/setup" ||
    { cat "$tmp/setup"; fail "scenarios 4.1-4.5"; }
cat "$tmp/setup"
IQN=$(sed -n 's/^TARGET_IQN=//p' "$tmp/setup")
[ -n "$IQN" ] || fail "the setup printed no target IQN"

# 4.1 made a fixed 64 MiB VHD
vd1="$STORAGE/iSCSI_target_disks/VirtualDisk1.vhd"
"$VHDTOOL" info --json "$vd1" > "$tmp/vd1.json" || fail "VirtualDisk1.vhd is not a VHD"
$PYTHON -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["type"] == "fixed" and d["virtual-size"] == 64 << 20, d' \
    "$tmp/vd1.json" || { cat "$tmp/vd1.json"; fail "VirtualDisk1.vhd is not fixed 64 MiB"; }
[ "$(stat -c %s "$vd1")" = $(( (64 << 20) + 512 )) ] || fail "VirtualDisk1.vhd has the wrong file size"

# tgtd serves what 4.3-4.5 and CHAP configured
tgt_adm --mode target --op show > "$tmp/tgt"
tid=$(sed -n "s/^Target \([0-9]*\): $IQN\$/\1/p" "$tmp/tgt")
[ -n "$tid" ] || { cat "$tmp/tgt"; fail "tgtd has no target $IQN"; }
awk -v t="Target $tid:" '$0 ~ "^Target " { on = index($0, t) == 1 } on' "$tmp/tgt" > "$tmp/tgt1"
grep -q '^        LUN: 1$' "$tmp/tgt1" || { cat "$tmp/tgt1"; fail "disk 3 is not tgt LUN 1"; }
grep -q "Backing store path: $STORAGE/iSCSI_target_disks/Existing3.vhd\$" "$tmp/tgt1" ||
    { cat "$tmp/tgt1"; fail "LUN 1 is not Existing3.vhd"; }
grep -q "^        $INITIATOR\$" "$tmp/tgt1" || fail "no ACL for $INITIATOR"
grep -q "^        $CHAP_USER\$" "$tmp/tgt1" || fail "no CHAP account $CHAP_USER"

# the initiator: allowed by IQN, with CHAP, writes and reads LUN 1
url="iscsi://$CHAP_USER%$CHAP_SECRET@127.0.0.1:$TGT_PORT/$IQN/1"
pat() { with_timeout 60 "$ISCSI_PATTERN" "$@"; }
[ "$(pat --initiator "$INITIATOR" "$url" capacity)" = $((16 << 20)) ] || fail "LUN 1 size"
pat --initiator "$INITIATOR" "$url" write 41 0 2048 || fail "write through tgtd"
pat --initiator "$INITIATOR" "$url" sync || fail "sync"
pat --initiator "$INITIATOR" "$url" check 41 0 2048 || fail "read back"
# refusals: wrong secret, no CHAP, an initiator that is not allowed
expect_fail pat --initiator "$INITIATOR" "iscsi://$CHAP_USER%WrongSecret99@127.0.0.1:$TGT_PORT/$IQN/1" capacity
expect_fail pat --initiator "$INITIATOR" "iscsi://127.0.0.1:$TGT_PORT/$IQN/1" capacity
expect_fail pat --initiator iqn.1991-05.com.contoso:intruder "$url" capacity

# finish: 4.6, 4.7, 4.8
istm_py "$SCEN" finish > "$tmp/finish" || { cat "$tmp/finish"; fail "scenarios 4.6-4.8"; }
cat "$tmp/finish"
tgt_adm --mode target --op show > "$tmp/tgt"
awk -v t="Target $tid:" '$0 ~ "^Target " { on = index($0, t) == 1 } on' "$tmp/tgt" > "$tmp/tgt1"
grep -q "^Target $tid: $IQN\$" "$tmp/tgt1" || fail "4.7 removed the target"
grep -q '^        LUN: 1$' "$tmp/tgt1" && { cat "$tmp/tgt1"; fail "4.7 left LUN 1 in tgtd"; }
[ ! -e "$vd1" ] || fail "4.8 left VirtualDisk1.vhd"
[ -e "$STORAGE/iSCSI_target_disks/Existing3.vhd" ] || fail "4.7 deleted the file of disk 3"
# the initiator's data is in the VHD file (read without tgtd, which let it go in 4.7)
"$VHDTOOL" convert "$STORAGE/iSCSI_target_disks/Existing3.vhd" "$tmp/e3.raw" ||
    fail "Existing3.vhd does not convert"
head -c 32 "$tmp/e3.raw" | grep -qa '^seed=41 lba=0' || fail "the written blocks are not in the VHD"

# 4.1's alternative sequence: the VHD exists already
"$VHDTOOL" create -q --type fixed --size 64M "$vd1"
istm_py "$SCEN" alternative > "$tmp/alt" || { cat "$tmp/alt"; fail "scenario 4.1, alternative"; }
cat "$tmp/alt"

istmd_stop
