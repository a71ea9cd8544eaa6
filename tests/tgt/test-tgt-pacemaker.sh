#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-pacemaker: Pacemaker's stock agents ocf:heartbeat:iSCSITarget and
# iSCSILogicalUnit (Debian's resource-agents) with implementation=tgt and
# tgt_bstype=vhd pass ocf-tester against a private tgtd, and an initiator
# reads a differencing chain through the LU they made.
#
# The agents run tgtadm without a control port (the system's default
# socket, /var/run/tgtd/socket.0).  They run here in a private mount
# namespace where /run/tgtd is a tmpfs holding only socket.0, a link to
# this test's tgtd's socket: the system's tgtd (if any) is never reached.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool
requires test -x /usr/sbin/ocf-tester
requires test -x /usr/lib/ocf/resource.d/heartbeat/iSCSITarget
requires test -x /usr/lib/ocf/resource.d/heartbeat/iSCSILogicalUnit
requires command -v xmllint
requires unshare -m true

tgt_start 32610
pat="$ISCSI_PATTERN"
iqn=iqn.2026-11.org.vhdtarget:pacemaker

# the chain: data in the base (through a plain LU), a child on top
"$VHDTOOL" create -q --type dynamic --size 16M "$tmp/base.vhd"
tgt_target 9 base
tgt_lun 9 1 "$tmp/base.vhd"
"$pat" "$(tgt_url base 1)" write 11 0 512 || fail "writing the base"
tgt_adm --mode target --op delete --force --tid 9
"$VHDTOOL" create -q --type diff --parent "$tmp/base.vhd" "$tmp/child.vhd"

mkdir -p "$tmp/real-tgtd"
cat > "$tmp/agents.sh" <<SH
set -eu
mount --bind /run/tgtd "$tmp/real-tgtd"
mount -t tmpfs -o mode=0755 tmpfs /run/tgtd
ln -s "$tmp/real-tgtd/socket.$TGT_C" /run/tgtd/socket.0
export OCF_ROOT=/usr/lib/ocf
A=/usr/lib/ocf/resource.d/heartbeat
T="-o implementation=tgt -o iqn=$iqn -o tid=1 -o allowed_initiators=127.0.0.1"
L="-o implementation=tgt -o target_iqn=$iqn -o lun=1 -o path=$tmp/child.vhd -o tgt_bstype=vhd"
ocf-tester -n pm-target \$T \$A/iSCSITarget
# the LU needs its target: start it with the agent, as Pacemaker would
OCF_RESKEY_implementation=tgt OCF_RESKEY_iqn=$iqn OCF_RESKEY_tid=1 \
    OCF_RESKEY_allowed_initiators=127.0.0.1 \$A/iSCSITarget start
ocf-tester -n pm-lun \$L \$A/iSCSILogicalUnit
OCF_RESKEY_implementation=tgt OCF_RESKEY_target_iqn=$iqn OCF_RESKEY_lun=1 \
    OCF_RESKEY_path=$tmp/child.vhd OCF_RESKEY_tgt_bstype=vhd \$A/iSCSILogicalUnit start
tgtadm --lld iscsi --mode target --op show > "$tmp/show"
"$pat" "iscsi://127.0.0.1:$TGT_PORT/$iqn/1" verify 11 0 512
"$pat" "iscsi://127.0.0.1:$TGT_PORT/$iqn/1" write 12 256 512
"$pat" "iscsi://127.0.0.1:$TGT_PORT/$iqn/1" verify 12 256 512
OCF_RESKEY_implementation=tgt OCF_RESKEY_target_iqn=$iqn OCF_RESKEY_lun=1 \
    OCF_RESKEY_path=$tmp/child.vhd OCF_RESKEY_tgt_bstype=vhd \$A/iSCSILogicalUnit stop
OCF_RESKEY_implementation=tgt OCF_RESKEY_iqn=$iqn OCF_RESKEY_tid=1 \$A/iSCSITarget stop
SH
unshare -m --propagation private bash "$tmp/agents.sh" > "$tmp/agents.log" 2>&1 ||
    { cat "$tmp/agents.log"; fail "the agents failed (log above)"; }
cat "$tmp/agents.log"
grep -q "Backing store type: vhd" "$tmp/show" || { cat "$tmp/show"; fail "the agent's LU is not bs_vhd"; }
grep -q "Backing store path: $tmp/child.vhd" "$tmp/show" || fail "the agent's LU serves another file"
[ "$(grep -c 'passed all tests' "$tmp/agents.log")" = 2 ] || fail "ocf-tester did not pass both agents"
# both agents stopped: tgtd has nothing left
tgt_adm --mode target --op show | grep -q "^Target" && fail "a target survived the agents' stop"
# the chain keeps the base's data under the initiator's writes
"$VHDTOOL" convert "$tmp/child.vhd" "$tmp/child.raw"
"$VHDTOOL" check "$tmp/child.vhd" > /dev/null || fail "vhdtool check after the agents"
tgt_alive || fail "tgtd died"
