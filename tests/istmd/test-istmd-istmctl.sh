#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-istmctl.sh: contrib/istmctl against a real istmd managing a
# real tgtd: every subcommand and its --help, JSON output, failures shown
# with the HRESULT's name and the documented exit codes (0 done, 1 refused,
# 2 usage, 3 no answer), and that what istmctl changes is what tgtd serves.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires test -x "$top_builddir/tests/istmd/iscsi-hold"

istm_start 32683

# --- help: the top level and every subcommand, without a server ---------
ctl() { PYTHONPATH="$ISTM_PYTHONPATH" $PYTHON "$ISTMCTL" "$@"; }
expect_rc 0 ctl --help
grep -q 'Exit status' "$tmp/out" || fail "--help does not document the exit codes"
for sub in info "targets list" "targets show" "targets create" "targets delete" "targets set" \
           "targets allow" "targets disallow" "targets chap" "disks list" "disks show" \
           "disks create" "disks create-diff" "disks delete" assign unassign volumes ls sessions; do
    # shellcheck disable=SC2086  # SUB is a word list on purpose
    expect_rc 0 ctl $sub --help
    grep -q "^usage: istmctl $sub" "$tmp/out" || { cat "$tmp/out"; fail "no usage for '$sub'"; }
done
expect_rc 0 ctl targets --help
expect_rc 0 ctl disks --help

# --- usage errors: exit 2, nothing sent ----------------------------------
expect_rc 2 ctl
expect_rc 2 ctl --user alice --password x frobnicate
expect_rc 2 ctl --user alice --password x disks create 'C:\a.vhd' 12Q
grep -q "invalid size" "$tmp/err" || fail "bad size not explained"
expect_rc 2 ctl --user alice --password x targets allow t1
expect_rc 2 ctl --user alice --password x disks create 'C:\a.vhd'            # no size
expect_rc 2 ctl --user alice --password x disks create --existing 'C:\a.vhd' 1M
expect_rc 2 ctl --user alice --password x targets allow t1 --iqn a --ip 1.2.3.4
expect_rc 2 ctl --host 127.0.0.1 --port "$ISTMD_PORT" info       # no user
expect_rc 2 ctl --user alice --password-file "$tmp/nonexistent" info

# --- info, its JSON, and the password sources ----------------------------
expect_rc 0 istmctl info
grep -q "^name: *$(hostname)$" "$tmp/out" || { cat "$tmp/out"; fail "info shows no server name"; }
expect_rc 0 istmctl --json info
$PYTHON -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["name"] == sys.argv[2], d; assert d["clustered"] is False, d' \
    "$tmp/out" "$(hostname)" || fail "info --json is wrong"
printf 'Passw0rd!\n' > "$tmp/pw"
expect_rc 0 ctl --host 127.0.0.1 --port "$ISTMD_PORT" --user alice --password-file "$tmp/pw" info
expect_rc 0 env ISTMCTL_PASSWORD='Passw0rd!' PYTHONPATH="$ISTM_PYTHONPATH" $PYTHON "$ISTMCTL" \
    --port "$ISTMD_PORT" --user alice info

# --- no answer: wrong password, nothing listening: exit 3 ----------------
expect_rc 3 ctl --host 127.0.0.1 --port "$ISTMD_PORT" --user alice --password wrong info
grep -q "^istmctl: log on to '127.0.0.1' as 'alice' failed: access denied$" "$tmp/err" || { cat "$tmp/err"; fail "no message for a bad logon"; }
expect_rc 3 ctl --host 127.0.0.1 --port 32698 --user alice --password x info
grep -q "^istmctl: connect to '127.0.0.1:32698' failed" "$tmp/err" ||
    { cat "$tmp/err"; fail "no message for a refused connection"; }

# --- targets: create, list (text, JSON), show, set, allow, chap, delete --
expect_rc 0 istmctl targets create t1 --description 'first one'
grep -q "^created target 't1' (iqn\." "$tmp/out" || { cat "$tmp/out"; fail "no creation message"; }
expect_rc 0 istmctl -q targets create t2 --iqn iqn.2026-11.org.example:t2 --disable
[ ! -s "$tmp/out" ] || fail "-q printed something"
expect_rc 0 istmctl targets list --json
$PYTHON - "$tmp/out" <<'PY' || fail "targets list --json is wrong"
import json, sys
rows = {r['name']: r for r in json.load(open(sys.argv[1]))}
assert set(rows) == {'t1', 't2'}, rows
assert rows['t1']['description'] == 'first one' and rows['t1']['enabled'] is True, rows
assert rows['t2']['iqn'] == 'iqn.2026-11.org.example:t2' and rows['t2']['enabled'] is False, rows
PY
# qemu-img's spelling, before and after the command, gives the same document
cp "$tmp/out" "$tmp/list.json"
expect_rc 0 istmctl --output=json targets list
cmp -s "$tmp/out" "$tmp/list.json" || fail "--output=json differs from --json"
expect_rc 0 istmctl targets list --output=json
cmp -s "$tmp/out" "$tmp/list.json" || fail "targets list --output=json differs from --json"
expect_rc 0 istmctl targets list
grep -Eq '^t2 +iqn.2026-11.org.example:t2 +no' "$tmp/out" || { cat "$tmp/out"; fail "targets list text"; }
t1iqn=$(istmctl --json targets show t1 | $PYTHON -c 'import json, sys; print(json.load(sys.stdin)["iqn"])')
tgt_adm --mode target --op show | grep -q "^Target [0-9]*: $t1iqn\$" || fail "tgtd has no target $t1iqn"
tgt_adm --mode target --op show | grep -q "^Target [0-9]*: iqn.2026-11.org.example:t2\$" ||
    fail "tgtd has no target t2"

expect_rc 0 istmctl targets allow t1 --iqn iqn.1991-05.com.contoso:test-server
expect_rc 0 istmctl targets allow t1 --ip 127.0.0.1
expect_rc 0 istmctl targets chap t1 --user chapuser --secret 0123456789ab
expect_rc 0 istmctl targets set t1 --name t1b --description changed
expect_rc 0 istmctl --json targets show t1b
$PYTHON - "$tmp/out" <<'PY' || { cat "$tmp/out"; fail "targets show --json is wrong"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d['name'] == 't1b' and d['description'] == 'changed', d
assert d['chap'] is True and d['chap_user'] == 'chapuser', d
assert d['allowed'] == ['iqn:iqn.1991-05.com.contoso:test-server', 'ip:127.0.0.1'], d
assert '0123456789ab' not in json.dumps(d), 'the secret is shown'
PY
tgt_adm --mode target --op show > "$tmp/tgt"
grep -q '^        iqn.1991-05.com.contoso:test-server$' "$tmp/tgt" || fail "no IQN ACL in tgtd"
grep -q '^        127.0.0.1$' "$tmp/tgt" || fail "no address ACL in tgtd"
grep -q '^        chapuser$' "$tmp/tgt" || fail "no CHAP account bound in tgtd"
expect_rc 0 istmctl targets disallow t1b --ip 127.0.0.1
tgt_adm --mode target --op show | grep -q '^        127.0.0.1$' && fail "address ACL still in tgtd"
expect_rc 0 istmctl targets chap t1b --off
expect_rc 0 istmctl targets show t1b
grep -q '^chap: *no$' "$tmp/out" || { cat "$tmp/out"; fail "CHAP still on"; }
expect_rc 2 istmctl targets chap t1b --user u                       # no secret

# refusals by name, and nothing changed by them
istmctl --json targets list > "$tmp/before"
expect_hr ERROR_FILE_EXISTS istmctl targets create t2
grep -q "^istmctl: create target 't2' failed: " "$tmp/err" || fail "the failure does not say what"
expect_hr ERROR_FILE_NOT_FOUND istmctl targets show nope
expect_hr ERROR_FILE_NOT_FOUND istmctl targets delete nope
expect_hr ERROR_INVALID_DATA istmctl targets set t1b --iqn 'not an iqn'   # [MS-ISTM] 3.21.4.9
istmctl --json targets list > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || fail "a refused call changed the targets"

expect_rc 0 istmctl targets delete t2
tgt_adm --mode target --op show | grep -q 'iqn.2026-11.org.example:t2' && fail "t2 still in tgtd"
expect_rc 0 istmctl targets list
grep -q '^t2 ' "$tmp/out" && fail "t2 still listed"

# --- sessions: one initiator holding a session (tests/istmd/iscsi-hold) ---
ISCSI_HOLD="$top_builddir/tests/istmd/iscsi-hold"
expect_rc 0 istmctl -q targets create ts
expect_rc 0 istmctl targets allow ts --iqn iqn.2026-11.org.vhdtarget.test:ctl
tsiqn=$(istmctl --json targets show ts | $PYTHON -c 'import json, sys; print(json.load(sys.stdin)["iqn"])')
expect_rc 0 istmctl --json sessions
[ "$(cat "$tmp/out")" = "[]" ] || { cat "$tmp/out"; fail "sessions before any login"; }
"$ISCSI_HOLD" --initiator iqn.2026-11.org.vhdtarget.test:ctl --seconds 60 "127.0.0.1:$TGT_PORT" \
    "$tsiqn" > "$tmp/hold.out" 2>&1 &
hold=$!
cleanup_fn "kill $hold 2>/dev/null || true"
for i in $(seq 100); do grep -q 'logged in' "$tmp/hold.out" && break; sleep 0.1; done
grep -q 'logged in' "$tmp/hold.out" || { cat "$tmp/hold.out"; fail "the initiator did not log in"; }
expect_rc 0 istmctl --json sessions ts
$PYTHON - "$tmp/out" "$tsiqn" <<'PY' || { cat "$tmp/out"; fail "sessions ts --json is wrong"; }
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 1, rows
r = rows[0]
assert r['initiator'] == 'iqn.2026-11.org.vhdtarget.test:ctl' and r['target'] == 'ts', r
assert r['target_iqn'] == sys.argv[2] and r['tsih'] > 0, r
PY
expect_rc 0 istmctl sessions
grep -q 'iqn.2026-11.org.vhdtarget.test:ctl  *ts ' "$tmp/out" || { cat "$tmp/out"; fail "sessions text"; }
expect_rc 0 istmctl --json sessions t1b
[ "$(cat "$tmp/out")" = "[]" ] || { cat "$tmp/out"; fail "another target's sessions shown"; }
expect_hr ERROR_FILE_NOT_FOUND istmctl sessions nosuch
kill "$hold"
wait "$hold" 2>/dev/null || true

istmd_stop
