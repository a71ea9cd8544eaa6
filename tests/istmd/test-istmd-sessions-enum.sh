#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# ISessionManager/2, IEnumSession/2, IEnumConnection against a real tgtd
# with libiscsi sessions held open: the enumerations show each session with
# its initiator, target IQN and Name, TSIH (as tgtadm reports it), CHAP in
# use, and its connection's addresses; bad TSIH / CID / Skip answer clear
# HRESULTs; a target's LastLogIn and the cached initiators move forward
# with each new login, and ISnsMgr's IEnumCachedInitiator lists them;
# sessions gone are gone from the enumerations.
# The two targets are made by hand in tgtd and adopted at istmd's start.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

ISCSI_HOLD="$top_builddir/tests/istmd/iscsi-hold"
requires test -x "$ISCSI_HOLD"
PY="$top_srcdir/tests/istmd/sessions_enum.py"
IQN=iqn.2026-11.org.vhdtarget
HOLDS=

stop_holds()
{
    local p
    for p in $HOLDS; do
        kill "$p" 2>/dev/null || true
        with_timeout 10 tail --pid="$p" -f /dev/null || kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    HOLDS=
}
cleanup_fn stop_holds

# hold NAME INITIATOR [ARGS...]: a session to target NAME, held until
# stop_holds; waits for the login.  Sets HOLD_PID.
hold()
{
    local name=$1 ini=$2 i
    shift 2
    "$ISCSI_HOLD" --initiator "$ini" "$@" "127.0.0.1:$TGT_PORT" "$IQN:$name" \
        > "$tmp/hold.$ini.out" 2>&1 &
    HOLD_PID=$!
    HOLDS="$HOLDS $HOLD_PID"
    for i in $(seq 100); do
        grep -q 'logged in' "$tmp/hold.$ini.out" && return 0
        kill -0 "$HOLD_PID" 2>/dev/null || { cat "$tmp/hold.$ini.out"; fail "login of $ini to $name"; }
        sleep 0.1
    done
    fail "login of $ini to $name timed out"
}

# tsih INITIATOR: the session number tgtadm shows for INITIATOR
tsih()
{
    local tid
    for tid in 1 2; do
        tgt_adm --mode conn --op show --tid "$tid"
    done | awk -v ini="$1" '/^Session:/ { s = $2 } /Initiator:/ && $2 == ini { print s }'
}

# newest_tsih: the highest session number tgtadm shows for sess-a
newest_tsih()
{
    tgt_adm --mode conn --op show --tid 1 | awk '/^Session:/ { print $2 }' | sort -n | tail -1
}

# sql QUERY: one value from the store
sql()
{
    $PYTHON -c 'import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
r = db.execute(sys.argv[2]).fetchone()
print(r[0] if r else "")' "$tmp/state/istmd.db" "$1"
}

tgt_start 32680
tgt_adm --mode target --op new --tid 1 -T "$IQN:sess-a"
tgt_adm --mode target --op bind --tid 1 -I ALL
tgt_adm --mode target --op new --tid 2 -T "$IQN:sess-b"
tgt_adm --mode target --op bind --tid 2 -I ALL
istm_restart
grep -q "adopted tgt target 1 '$IQN:sess-a' as 'sess-a'" "$tmp/istmd.log" || fail "sess-a not adopted"

istm_py "$PY" empty || fail "no sessions"

# CHAP on sess-b, set in tgtd after istmd took the target (Save would
# apply the store's view; nothing saves here)
tgt_adm --mode account --op new --user sessuser --password sesssecret1234
tgt_adm --mode account --op bind --tid 2 --user sessuser
hold sess-a "$IQN:init1"
hold sess-b "$IQN:init2" --chap sessuser:sesssecret1234
t1=$(tsih "$IQN:init1")
t2=$(tsih "$IQN:init2")
[ -n "$t1" ] && [ -n "$t2" ] || fail "tgtadm shows no sessions"
istm_py "$PY" expect "$t1|$IQN:init1|$IQN:sess-a|sess-a|none" \
    "$t2|$IQN:init2|$IQN:sess-b|sess-b|chap" || fail "two sessions"

# istmctl lists the same sessions
out=$(istmctl sessions) || fail "istmctl sessions"
echo "$out"
echo "$out" | grep -q "^$t2 .*$IQN:init2 *sess-b *$IQN:sess-b .*chap" || fail "istmctl sessions: init2 missing"
[ "$(echo "$out" | wc -l)" = 3 ] || fail "istmctl sessions: not 2 sessions"

la1=$(sql "SELECT last_login FROM targets WHERE name = 'sess-a'")
ci1=$(sql "SELECT last_login FROM cached_initiators WHERE iqn = '$IQN:init1'")
[ "${la1:-0}" -gt 0 ] || fail "LastLogIn of sess-a not recorded"
[ "${ci1:-0}" -gt 0 ] || fail "init1 not a cached initiator"
now=$($PYTHON -c 'import time; print(int(time.time() * 1e7) + 116444736000000000)')
[ $((now - la1)) -lt 3000000000 ] || fail "LastLogIn $la1 is not now ($now)"
echo "LastLogIn of sess-a $la1, init1 cached at $ci1"

# init1 logs out and in again, init3 logs in: times move forward
stop_holds
sleep 1
hold sess-a "$IQN:init1"
hold sess-a "$IQN:init3"
t1=$(tsih "$IQN:init1")
t3=$(tsih "$IQN:init3")
istm_py "$PY" expect "$t1|$IQN:init1|$IQN:sess-a|sess-a|none" \
    "$t3|$IQN:init3|$IQN:sess-a|sess-a|none" || fail "sessions after new logins"
la2=$(sql "SELECT last_login FROM targets WHERE name = 'sess-a'")
ci2=$(sql "SELECT last_login FROM cached_initiators WHERE iqn = '$IQN:init1'")
ci3=$(sql "SELECT last_login FROM cached_initiators WHERE iqn = '$IQN:init3'")
[ "$la2" -gt "$la1" ] || fail "LastLogIn did not move forward ($la1 -> $la2)"
[ "$ci2" -gt "$ci1" ] || fail "init1's cached login did not move forward ($ci1 -> $ci2)"
[ "${ci3:-0}" -gt 0 ] || fail "init3 not cached"
[ "$(sql "SELECT count(*) FROM cached_initiators")" = 3 ] || fail "cached initiators are not 3"
echo "LastLogIn $la1 -> $la2, init1 $ci1 -> $ci2, init3 $ci3"
# ISnsMgr::EnumCachedInitiators lists them with these times
ci2b=$(sql "SELECT last_login FROM cached_initiators WHERE iqn = '$IQN:init2'")
istm_py "$top_srcdir/tests/istmd/sessions_initiators.py" "$IQN:init1=$ci2" \
    "$IQN:init2=$ci2b" "$IQN:init3=$ci3" || fail "cached initiators over ISTM"

# Beside initiators that log in and out without pause (a login per
# command, as the soak's initiators do), an enumeration still ends: each
# Next used to take the next TSIH above the last one, and new sessions
# kept appearing above it faster than istmctl read them (it never ended).
# It lists the held sessions and no session newer than its first Next.
for c in 1 2 3 4; do
    "$ISCSI_HOLD" --churn --seconds 600 --initiator "$IQN:churn$c" "127.0.0.1:$TGT_PORT" \
        "$IQN:sess-a" > "$tmp/churn$c.out" 2>&1 &
    HOLDS="$HOLDS $!"
done
for c in 1 2 3 4; do
    for i in $(seq 100); do grep -q 'logged in' "$tmp/churn$c.out" && break; sleep 0.1; done
    grep -q 'logged in' "$tmp/churn$c.out" || { cat "$tmp/churn$c.out"; fail "churn$c did not log in"; }
done
before=$(newest_tsih)
out=$(ISTMCTL_TIMEOUT=120 istmctl sessions) ||
    fail "istmctl sessions did not end (exit $?) beside initiators logging in and out"
after=$(newest_tsih)
echo "$out"
echo "$out" | grep -q "^$t1 .*$IQN:init1 " || fail "churn: the held session of init1 is missing"
echo "$out" | grep -q "^$t3 .*$IQN:init3 " || fail "churn: the held session of init3 is missing"
echo "newest TSIH $before before the enumeration, $after after it"
# the held two and at most one session of each churning initiator (those
# listed at the first Next); before, it listed every session it caught
rows=$(echo "$out" | tail -n +2 | wc -l)
[ "$rows" -le 6 ] || fail "churn: $rows sessions listed, more than were there at the start"
stop_holds
cat "$tmp/churn"[1-4].out
logins=$(cat "$tmp/churn"[1-4].out | awk '/ logins$/ { n += $1 } END { print n + 0 }')
[ "$logins" -gt 4 ] || fail "the churning initiators did not log in again ($logins logins)"
[ "$after" != "$before" ] || fail "no session logged in while istmctl enumerated"
istm_py "$PY" empty || fail "sessions still listed after logout"
istmd_stop
