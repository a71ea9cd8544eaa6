#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Targets made by hand in tgtd are adopted into the store when istmd starts
# (name from the IQN, tid, ACLs as identification methods, VHD LUNs under
# the storage root as disks with their parent chain and LUN mappings) and
# keep serving unchanged; ISTM shows them (a session's HostName); after a
# SIGKILL of tgtd and a restart of istmd they come back from the store.
# Targets the store cannot hold (a LUN outside the storage roots, CHAP
# accounts) are left alone in tgtd, not destroyed.  IWTGeneral's Name is
# kept across restarts.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

requires_vhdtool
ISCSI_HOLD="$top_builddir/tests/istmd/iscsi-hold"
requires test -x "$ISCSI_HOLD"
IQN=iqn.2026-11.org.vhdtarget
HOLD=

stop_hold()
{
    if [ -n "$HOLD" ]; then
        kill "$HOLD" 2>/dev/null || true
        with_timeout 10 tail --pid="$HOLD" -f /dev/null || kill -9 "$HOLD" 2>/dev/null || true
        wait "$HOLD" 2>/dev/null || true
    fi
    HOLD=
}
cleanup_fn stop_hold

# rows QUERY: the store's answer, one row a line, columns '|'-separated
rows()
{
    $PYTHON -c 'import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for r in db.execute(sys.argv[2]):
    print("|".join(str(c) for c in r))' "$tmp/state/istmd.db" "$1"
}

# lu TID LUN: "path readonly" of tgt's LU, from tgtadm's listing
lu()
{
    tgt_adm --mode target --op show | awk -v tid="$1" -v lun="$2" '
        /^Target / { t = $2; sub(":", "", t) }
        /^ *LUN: / { l = $2 }
        t == tid && l == lun && /Readonly:/ { ro = $2 }
        t == tid && l == lun && /Backing store path:/ { print $4, ro }'
}

mkdir -p "$STORAGE/disks"
"$VHDTOOL" -q create --type fixed --size 8M "$STORAGE/disks/a.vhd"
"$VHDTOOL" -q create --type fixed --size 8M "$STORAGE/disks/base.vhd"
"$VHDTOOL" -q create --parent "$STORAGE/disks/base.vhd" "$STORAGE/disks/child.vhd"
"$VHDTOOL" -q create --type fixed --size 8M "$tmp/outside.vhd"

tgt_start 32681
tgt_adm --mode target --op new --tid 1 -T "$IQN:adopt-a"
tgt_lun 1 1 "$STORAGE/disks/a.vhd"
tgt_adm --mode target --op bind --tid 1 -I "$IQN:ini-a"
tgt_adm --mode target --op bind --tid 1 -I 127.0.0.1
tgt_adm --mode target --op new --tid 2 -T "$IQN:adopt-b"
tgt_lun 2 1 "$STORAGE/disks/child.vhd"
tgt_adm --mode target --op bind --tid 2 -I ALL
tgt_adm --mode target --op new --tid 3 -T "$IQN:adopt-out"
tgt_lun 3 1 "$tmp/outside.vhd"
tgt_adm --mode target --op bind --tid 3 -I ALL
tgt_adm --mode target --op new --tid 4 -T "$IQN:adopt-chap"
tgt_adm --mode account --op new --user adoptuser --password adoptsecret1234
tgt_adm --mode account --op bind --tid 4 --user adoptuser
tgt_adm --mode target --op bind --tid 4 -I ALL
before=$(tgt_adm --mode target --op show)

istm_restart
echo "--- store after adoption"
rows "SELECT id, name, iqn, tid, flags FROM targets ORDER BY tid"
rows "SELECT t.name, i.method, i.value FROM target_ids i JOIN targets t ON t.id = i.target_id ORDER BY i.seq"
rows "SELECT wtd, path, size, vhd_type, read_only, parent_wtd FROM disks ORDER BY wtd"
rows "SELECT t.name, m.lun, d.path FROM lun_mappings m JOIN targets t ON t.id = m.target_id JOIN disks d ON d.wtd = m.wtd"

[ "$(rows "SELECT name || ' ' || tid FROM targets ORDER BY tid")" = "adopt-a 1
adopt-b 2" ] || fail "adopted targets are not adopt-a (tid 1) and adopt-b (tid 2)"
[ "$(rows "SELECT i.method || ' ' || i.value FROM target_ids i JOIN targets t ON t.id = i.target_id WHERE t.name = 'adopt-a' ORDER BY i.value")" = "2 127.0.0.1
4 $IQN:ini-a" ] || fail "adopt-a's ACLs are not IDIPAddress 127.0.0.1 and IDIQN ini-a"
[ "$(rows "SELECT i.method || ' ' || i.value FROM target_ids i JOIN targets t ON t.id = i.target_id WHERE t.name = 'adopt-b'")" = "2 ALL" ] ||
    fail "adopt-b's ACL ALL is not IDIPAddress ALL"
[ "$(rows "SELECT m.lun FROM lun_mappings m JOIN disks d ON d.wtd = m.wtd WHERE d.path = '$STORAGE/disks/a.vhd'")" = 0 ] ||
    fail "a.vhd is not mapped at ISTM LUN 0"
[ "$(rows "SELECT size || ' ' || vhd_type FROM disks WHERE path = '$STORAGE/disks/a.vhd'")" = "8388608 1" ] ||
    fail "a.vhd is not a fixed 8 MiB disk"
[ "$(rows "SELECT c.vhd_type || ' ' || p.path || ' ' || p.read_only FROM disks c JOIN disks p ON p.wtd = c.parent_wtd WHERE c.path = '$STORAGE/disks/child.vhd'")" = "2 $STORAGE/disks/base.vhd 1" ] ||
    fail "child.vhd is not a differencing disk of base.vhd (read-only)"
[ "$(rows "SELECT count(*) FROM lun_mappings m JOIN disks d ON d.wtd = m.wtd WHERE d.path = '$STORAGE/disks/base.vhd'")" = 0 ] ||
    fail "base.vhd is mapped"
grep -q "target '$IQN:adopt-out' (tid 3) not adopted" "$tmp/istmd.log" || fail "adopt-out: no reason logged"
grep -q "target '$IQN:adopt-chap' (tid 4) not adopted: it has CHAP accounts" "$tmp/istmd.log" ||
    fail "adopt-chap: no reason logged"
if grep -q adoptsecret "$tmp/istmd.log"; then fail "a CHAP secret reached the log"; fi
# tgtd serves all four as before (sync re-applied the adopted ones)
after=$(tgt_adm --mode target --op show)
[ "$(echo "$before" | grep -v 'I_T nexus\|Initiator:\|Connection:\|IP Address:')" = \
  "$(echo "$after" | grep -v 'I_T nexus\|Initiator:\|Connection:\|IP Address:')" ] ||
    { diff <(echo "$before") <(echo "$after"); fail "tgtd's targets changed at adoption"; }
[ "$(lu 3 1)" = "$tmp/outside.vhd No" ] || fail "adopt-out lost its LUN"

# ISTM shows the adopted target: a session's HostName is its Name
"$ISCSI_HOLD" --initiator "$IQN:ini-a" "127.0.0.1:$TGT_PORT" "$IQN:adopt-a" > "$tmp/hold.out" 2>&1 &
HOLD=$!
for i in $(seq 100); do grep -q 'logged in' "$tmp/hold.out" && break; sleep 0.1; done
grep -q 'logged in' "$tmp/hold.out" || { cat "$tmp/hold.out"; fail "login to adopt-a"; }
tsih=$(tgt_adm --mode conn --op show --tid 1 | awk '/^Session:/ { print $2 }')
istm_py "$top_srcdir/tests/istmd/sessions_enum.py" expect \
    "$tsih|$IQN:ini-a|$IQN:adopt-a|adopt-a|none" || fail "session to adopt-a through ISTM"
stop_hold

# IWTGeneral Name: kept in the store
[ "$(istm_py "$top_srcdir/tests/istmd/sessions_name.py" put adopt-server)" = adopt-server ] ||
    fail "put_Name"
istm_py "$top_srcdir/tests/istmd/sessions_name.py" put-bad > /dev/null || fail "put_Name('')"

# tgtd crashes, istmd restarts: the adopted targets come back from the store
istmd_stop
tgt_kill
tgt_restart
istm_restart
[ "$(lu 1 1)" = "$STORAGE/disks/a.vhd No" ] || fail "adopt-a's LUN not back after the restart"
[ "$(lu 2 1)" = "$STORAGE/disks/child.vhd No" ] || fail "adopt-b's LUN not back after the restart"
tgt_adm --mode target --op show | grep -q "$IQN:ini-a" || fail "adopt-a's ACL not back"
[ "$(rows "SELECT count(*) FROM targets")" = 2 ] || fail "targets duplicated by a second adoption"
[ "$(istm_py "$top_srcdir/tests/istmd/sessions_name.py" get)" = adopt-server ] ||
    fail "the server name did not survive a restart"
istmd_stop
