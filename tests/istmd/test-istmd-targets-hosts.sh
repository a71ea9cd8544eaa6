#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# IHostMgr/2/3 and IHost/2/3 from impacket (tests/istmd/targets_hosts.py)
# against istmd and a real tgtd: every method with good and bad input;
# after Save tgtd really has the target, its ACLs, CHAP accounts and iSCSI
# parameters; bad input changes neither tgtd nor the enumeration; secrets
# never reach the log; after a restart saved targets are back and the
# unsaved placeholder is gone.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

py="$top_srcdir/tests/istmd/targets_hosts.py"
lock_port 32671    # shares the tgt port with test-istmd-targets-luns
istm_start 32671
istm_py "$py" create > "$tmp/create.out" || { tail -30 "$tmp/istmd.log"; fail "IHostMgr/IHost calls"; }
iqn1=$(sed -n 's/^IQN1 //p' "$tmp/create.out")
iqn2=$(sed -n 's/^IQN2 //p' "$tmp/create.out")
[ -n "$iqn1" ] && [ -n "$iqn2" ] || fail "no IQNs from the client"

show() { tgt_adm --mode target --op show; }
show > "$tmp/show1"
# target DatabaseTarget: in tgtd with its ACLs and both accounts
tid1=$(sed -n "s/^Target \([0-9]*\): $iqn1\$/\1/p" "$tmp/show1")
[ -n "$tid1" ] || { cat "$tmp/show1"; fail "tgtd has no target $iqn1"; }
block1=$(awk -v t="Target $tid1: " 'index($0, t) == 1 {p = 1; print; next} /^Target / {p = 0} p' "$tmp/show1")
for want in 'iqn.1991-05.com.contoso:test-server' '127.0.0.1' '::1' 'user1' 'ruser1 (outgoing)'; do
    grep -qF -- "        $want" <<< "$block1" || { echo "$block1"; fail "target $iqn1 lacks '$want'"; }
done
if grep -qF 'host.example.com' <<< "$block1"; then fail "a removed ID is still an ACL"; fi
params=$(tgt_adm --mode target --op show --tid "$tid1")
for want in MaxRecvDataSegmentLength=32768 FirstBurstLength=16384 MaxBurstLength=131072; do
    grep -qx "$want" <<< "$params" || { echo "$params"; fail "target $iqn1: no $want"; }
done
# target ISTMTarget: disabled, so no ACL at all, but its CHAP account
tid2=$(sed -n "s/^Target \([0-9]*\): $iqn2\$/\1/p" "$tmp/show1")
[ -n "$tid2" ] || { cat "$tmp/show1"; fail "tgtd has no target $iqn2"; }
block2=$(awk -v t="Target $tid2: " 'index($0, t) == 1 {p = 1; print; next} /^Target / {p = 0} p' "$tmp/show1")
grep -qF '        user1' <<< "$block2" || { echo "$block2"; fail "target $iqn2 lacks its account"; }
[ "$(sed -n '/ACL information:/,$p' <<< "$block2" | wc -l)" -eq 1 ] ||
    { echo "$block2"; fail "a disabled target has ACLs"; }
# the deleted target is gone from tgtd; placeholders never reach it
[ "$(grep -c '^Target ' "$tmp/show1")" -eq 2 ] || { cat "$tmp/show1"; fail "tgtd has other targets"; }

# bad input: nothing changes in tgtd or in the enumeration
istm_py "$py" summary > "$tmp/sum1" || fail "enumerating the targets"
istm_py "$py" bad || { tail -30 "$tmp/istmd.log"; fail "bad input"; }
istm_py "$py" summary > "$tmp/sum2" || fail "enumerating the targets again"
show > "$tmp/show2"
diff "$tmp/sum1" "$tmp/sum2" || fail "bad input changed the targets"
diff "$tmp/show1" "$tmp/show2" || fail "bad input changed tgtd"

for secret in target-secret1 other-secret22 rev-secret-1234 yet-another-secret; do
    if grep -qF -- "$secret" "$tmp/istmd.log"; then fail "a CHAP secret is in the log"; fi
done

# restart istmd: the saved targets come back, the placeholder does not
istmd_stop
istm_restart
istm_py "$py" restart > "$tmp/sum3" || { tail -30 "$tmp/istmd.log"; fail "after a restart"; }
diff "$tmp/sum1" "$tmp/sum3" || fail "the targets changed across a restart"
show > "$tmp/show3"
diff "$tmp/show1" "$tmp/show3" || fail "tgtd changed across an istmd restart"
istmd_stop
echo "targets: $(wc -l < "$tmp/sum1") saved, tgtd matches, bad input changed nothing"
