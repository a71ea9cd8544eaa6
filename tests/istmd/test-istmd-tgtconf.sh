#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-tgtconf.sh: istmd keeps its targets in a tgt-admin file
# (--tgt-conf, here in $tmp instead of /etc/tgt/conf.d), so tgt's own tools
# keep them: a tgt.service reload ("tgt-admin --update ALL") leaves them
# serving, and after tgtd restarts empty a tgt.service start ("tgt-admin
# -e") brings them back at the same tid with bs_vhd LUs, the same SCSI
# identities, ACLs and CHAP; a target opened to one initiator name stays closed to others
# (tgt-admin would bind "ALL" to it otherwise).  The file follows istmd's
# store (unassign, delete).  tgt-admin talks to the private tgtd (-C N).
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool
requires command -v tgt-admin

conf="$tmp/tgt-conf.d/istmd.conf"
mkdir -p "$tmp/tgt-conf.d"
istm_start 32689 --tgt-conf "$conf"
cat > "$tmp/targets.conf" <<CONF
default-driver iscsi
include $tmp/tgt-conf.d/*.conf
CONF
admin() { tgt-admin -C "$TGT_C" -c "$tmp/targets.conf" "$@" > "$tmp/admin.out" 2>&1 ||
              { cat "$tmp/admin.out"; fail "tgt-admin $*"; }; }
INI=iqn.2026-11.org.vhdtarget.test:tgtconf
pat() { with_timeout 60 "$ISCSI_PATTERN" "$@"; }

mkdir -p "$STORAGE/vm"
"$VHDTOOL" create -q --type dynamic --size 16M "$STORAGE/vm/base.vhd"
"$VHDTOOL" create -q --type diff --parent "$STORAGE/vm/base.vhd" "$STORAGE/vm/child.vhd"
"$VHDTOOL" create -q --type dynamic --size 8M "$STORAGE/vm/other.vhd"
istmctl -q disks create --existing 'C:\vm\child.vhd' || fail "disks create child"
istmctl -q disks create --existing 'C:\vm\other.vhd' || fail "disks create other"
istmctl -q targets create web || fail "targets create web"
istmctl -q targets allow web --iqn "$INI" || fail "targets allow"
istmctl -q targets chap web --user webchap --secret WebSecret123 || fail "targets chap"
istmctl -q assign web 'C:\vm\child.vhd' || fail "assign child"
istmctl -q assign web 'C:\vm\other.vhd' || fail "assign other"
istmctl -q targets create closed --disable || fail "targets create closed"
web_iqn=$(istmctl --json targets show web | $PYTHON -c 'import json, sys; print(json.load(sys.stdin)["iqn"])')

# --- the file says what tgtd has ----------------------------------------
[ -f "$conf" ] || fail "istmd wrote no $conf"
[ "$(stat -c %a "$conf")" = 600 ] || fail "$conf is not mode 600 (it holds CHAP secrets)"
tid=$(tgt_adm --mode target --op show | sed -n "s/^Target \([0-9]*\): $web_iqn\$/\1/p")
[ -n "$tid" ] || fail "tgtd has no target $web_iqn"
for want in "<target $web_iqn>" "controller_tid $tid" "<backing-store $STORAGE/vm/child.vhd>" \
        "bs-type vhd" "lun 1" "lun 2" "initiator-name $INI" "initiator-address 0.0.0.0/32" \
        "incominguser webchap WebSecret123"; do
    grep -qF -- "$want" "$conf" || { cat "$conf"; fail "no '$want' in $conf"; }
done
[ "$(grep -c '^<target ' "$conf")" = 2 ] || { cat "$conf"; fail "not two targets in $conf"; }
# each LU with its disk's identity (tgt-admin -e below must give it back:
# tgt_view shows SCSI ID and SN)
[ "$(grep -cE '^		scsi_id IET     [0-9A-F]{28}$' "$conf")" = 2 ] &&
    [ "$(grep -cE '^		scsi_sn [0-9A-F]{16}$' "$conf")" = 2 ] ||
    { cat "$conf"; fail "not an identity for each LU in $conf"; }

url="iscsi://webchap%WebSecret123@127.0.0.1:$TGT_PORT/$web_iqn/1"
pat --initiator "$INI" "$url" write 41 0 300 || fail "write through istmd's target"

# tgtd's configuration without sessions (a restart forgets them)
tgt_view() { tgt_adm --mode target --op show | sed '/I_T nexus/,/LUN information/{/I_T nexus\|LUN information/!d}' |
                 grep -v '^ *0.0.0.0/32$'; }
tgt_view > "$tmp/tgt0"

# --- tgt.service reload: --update ALL -----------------------------------
admin --update ALL
tgt_view > "$tmp/tgt1"
diff -u "$tmp/tgt0" "$tmp/tgt1" || fail "tgt-admin --update ALL changed istmd's targets"
pat --initiator "$INI" "$url" check 41 0 300 || fail "data after --update ALL"

# --- tgtd restarts empty; tgt.service start: tgt-admin -e ---------------
tgt_kill
tgt_restart
admin -e
tgt_view > "$tmp/tgt2"
diff -u "$tmp/tgt0" "$tmp/tgt2" || fail "tgt-admin -e did not bring back istmd's targets as they were"
grep -q 'Backing store type: vhd' "$tmp/tgt2" || fail "no bs_vhd LU after tgt-admin -e"
pat --initiator "$INI" "$url" check 41 0 300 || fail "data after tgtd's restart and tgt-admin -e"
expect_fail pat --initiator iqn.2026-11.org.vhdtarget.test:other "$url" capacity
expect_fail pat --initiator "$INI" "iscsi://webchap%WrongSecret99@127.0.0.1:$TGT_PORT/$web_iqn/1" capacity

# --- a snapshot moves the disk to a new top layer: the file follows it --
istmctl -q snapshots create 'C:\vm\other.vhd' || fail "snapshot of other.vhd"
served=$(tgt_adm --mode target --op show | sed -n 's/^ *Backing store path: \(\/.*\)$/\1/p' |
             grep -v '/vm/child\.vhd$' || true)
[ -n "$served" ] && [ "$served" != "$STORAGE/vm/other.vhd" ] ||
    fail "tgtd does not serve a new top layer of other.vhd after a snapshot: '$served'"
for _ in $(seq 50); do grep -qF "<backing-store $served>" "$conf" && break; sleep 0.1; done
grep -qF "<backing-store $served>" "$conf" || { cat "$conf"; fail "$conf does not name the top layer $served"; }
grep -qF "<backing-store $STORAGE/vm/other.vhd>" "$conf" &&
    { cat "$conf"; fail "$conf still serves the frozen snapshot other.vhd"; }
tgt_view > "$tmp/tgt3"
admin --update ALL
tgt_view > "$tmp/tgt4"
diff -u "$tmp/tgt3" "$tmp/tgt4" || fail "tgt-admin --update ALL changed the snapshotted disk's LU"

# --- the file follows the store -----------------------------------------
istmctl -q unassign web 'C:\vm\other.vhd' || fail "unassign"
grep -qF "other.vhd" "$conf" && { cat "$conf"; fail "unassigned disk still in $conf"; }
istmctl -q targets delete closed || fail "targets delete"
[ "$(grep -c '^<target ' "$conf")" = 1 ] || { cat "$conf"; fail "deleted target still in $conf"; }

ISTMD_CHILD_DEATHS_OK=1 istmd_stop
