#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-restart.sh: a configuration made through istmctl (targets
# with descriptions, IQNs, a disabled one, allowed initiators, CHAP; fixed
# and differencing disks; LUN mappings at chosen LUNs) survives SIGKILL of
# both istmd and tgtd: after restarting both, every enumeration (GUIDs,
# serial numbers, indexes included) is identical, tgtd serves the same
# targets, LUs, ACLs and accounts, and the initiator logs in again and
# finds the data it wrote.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool

INI=iqn.2026-11.org.vhdtarget.test:restart
WEB_IQN=iqn.2026-11.org.vhdtarget.test:web

istm_start 32686
mkdir -p "$STORAGE/vm"

ctl() { istmctl -q "$@" || fail "istmctl $*"; }
# the VHD files come from vhdtool (CreateWTDisk of existing files: this
# test needs IWTDiskMgr, not ILocalDeviceMgr)
"$VHDTOOL" create -q --type fixed --size 16M "$STORAGE/vm/a.vhd"
"$VHDTOOL" create -q --type dynamic --size 8M "$STORAGE/vm/b.vhd"
"$VHDTOOL" create -q --type diff --parent "$STORAGE/vm/a.vhd" "$STORAGE/vm/a-child.vhd"
ctl disks create --existing 'C:\vm\a.vhd' --description 'disk a'
ctl disks create --existing 'C:\vm\b.vhd'
ctl disks create --existing 'C:\vm\a-child.vhd' --description 'child of a'
ctl targets create web --description 'web servers' --iqn "$WEB_IQN"
ctl targets allow web --iqn "$INI"
ctl targets allow web --ip 192.0.2.7          # kept, but admits no local initiator
ctl targets chap web --user webchap --secret WebSecret123
ctl targets create db --disable --description 'not yet'
ctl targets allow db --iqn iqn.2026-11.org.vhdtarget.test:db
ctl assign web 'C:\vm\b.vhd' --lun 3
ctl assign web 'C:\vm\a-child.vhd' --lun 0

# dump: every enumeration istmctl shows, as JSON
dump()
{
    local t d
    istmctl --json targets list
    for t in web db; do istmctl --json targets show "$t"; done
    istmctl --json disks list
    for d in $(istmctl --json disks list | $PYTHON -c 'import json, sys; print(" ".join(str(d["index"]) for d in json.load(sys.stdin)))'); do
        istmctl --json disks show "$d"
    done
}
# tgtd's configuration, without what a restart may renumber or forget
# (sessions, the controller LU's serial derived from the tid is kept)
tgt_conf() { tgt_adm --mode target --op show | sed '/I_T nexus/,/LUN information/{/I_T nexus\|LUN information/!d}'; }

dump > "$tmp/dump0" || fail "dump"
grep -q '"guid"' "$tmp/dump0" || fail "the dump has no GUIDs"
grep -q '"lun": 3' "$tmp/dump0" && grep -q 'a-child.vhd' "$tmp/dump0" &&
    grep -q '"chap_user": "webchap"' "$tmp/dump0" && grep -q '"serial"' "$tmp/dump0" ||
    { cat "$tmp/dump0"; fail "the dump lacks mappings, disks or CHAP"; }
tgt_conf > "$tmp/tgt0"
grep -q "^Target [0-9]*: $WEB_IQN\$" "$tmp/tgt0" || { cat "$tmp/tgt0"; fail "tgtd has no web target"; }
grep -q "Backing store path: $STORAGE/vm/b.vhd\$" "$tmp/tgt0" || fail "b.vhd not served"

url="iscsi://webchap%WebSecret123@127.0.0.1:$TGT_PORT/$WEB_IQN/4"     # ISTM LUN 3
pat() { with_timeout 60 "$ISCSI_PATTERN" "$@"; }
pat --initiator "$INI" "$url" write 77 100 500 || fail "write before the restart"
pat --initiator "$INI" "$url" sync

# SIGKILL istmd (parent and network child) and tgtd, then start both again
child=$(istmd_child_pid)
kill -9 "$ISTMD_PID" $child
wait "$ISTMD_PID" 2>/dev/null || true
ISTMD_PID=
tgt_kill
tgt_restart
istm_restart

dump > "$tmp/dump1" || fail "dump after the restart"
diff -u "$tmp/dump0" "$tmp/dump1" || fail "the configuration changed across the restart"
tgt_conf > "$tmp/tgt1"
diff -u "$tmp/tgt0" "$tmp/tgt1" || fail "tgtd serves something else after the restart"

# the initiator logs in again, its data is there; others are still refused
pat --initiator "$INI" "$url" check 77 100 500 || fail "data lost across the restart"
expect_fail pat --initiator iqn.2026-11.org.vhdtarget.test:other "$url" capacity
expect_fail pat --initiator "$INI" "iscsi://webchap%WrongSecret99@127.0.0.1:$TGT_PORT/$WEB_IQN/4" capacity

# and the restarted istmd still changes things
ctl unassign web 'C:\vm\b.vhd'
tgt_adm --mode target --op show | grep -q "Backing store path: $STORAGE/vm/b.vhd\$" &&
    fail "unassign after the restart did not reach tgtd"

ISTMD_CHILD_DEATHS_OK=1 istmd_stop
