#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Status notification callbacks with the client's security, and pings of
# the client's resolver ([MS-ISTM] 3.42.4, [MS-DCOM] 3.2.6.1).  istmd runs
# with a callback account (--callback-user / --callback-password-file);
# the client's IStatusNotify object (notify_target.py auth) accepts only
# NTLM at packet privacy and checks the NTLMv2 response with impacket's
# ntlm helpers against the password it knows, an implementation
# independent of istmd's.
#  - right password: every LunListChanged / LunStatusUpdate of create,
#    assign, disable, unassign and delete arrives sealed and signed, and
#    the password is nowhere in istmd's log;
#  - wrong password: the target refuses the call (access denied), the
#    registration is dropped, and management calls stay fast (latencies
#    printed, not asserted);
#  - a client whose resolver lists no security binding (it takes no
#    authentication) is called unauthenticated, and hears everything;
#  - a target that authenticates istmd but answers in clear is not
#    believed: the registration is dropped;
#  - pings: the target's resolver sees a ComplexPing adding the object's
#    OID, then SimplePings of that set every ping period, and a new set
#    from a restarted notifier (SIGKILL); when the resolver goes away, the
#    registration is dropped for that reason;
#  - --callback-user without --callback-password-file, or with a file that
#    cannot be read, stops istmd at start.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"
. "$(dirname "$0")/notify-functions.sh"

# wait_log PATTERN FILE [TENTHS]: wait until FILE has a line matching PATTERN
wait_log()
{
    local i
    for i in $(seq "${3:-150}"); do
        grep -Eq "$1" "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

requires $PYTHON -c "import impacket.ntlm, Cryptodome.Cipher.ARC4"
export VHDTOOL
password='Callback-Pass1!'
printf '%s\n' "$password" > "$tmp/callback.pw"
chmod 600 "$tmp/callback.pw"
lock_port 32686
istm_start 32686 --ping-period 1 --callback-user 'WORKGROUP\callback' \
    --callback-password-file "$tmp/callback.pw"
grep -q 'callbacks are unauthenticated' "$tmp/istmd.log" &&
    fail "istmd says callbacks are unauthenticated although an account is configured"

# the right password: every notification sealed, the proof checked by impacket
notify_target auth one "$password"
istm_py "$top_srcdir/tests/istmd/notify_client.py" events "$TARGET_PORT" "$tmp/one.log" "$STORAGE" \
    --ping 1 || { echo "client exit status $?"; cat "$tmp/one.log.auth" 2>/dev/null
                  grep -iE 'notif|registration' "$tmp/istmd.log" | tail -30
                  fail "notifications with the callback account"; }
cat "$tmp/one.log.auth"
grep -q '"authenticated": "callback", "domain": "WORKGROUP"' "$tmp/one.log.auth" ||
    fail "the target did not authenticate istmd's account"
grep -q '"key_exch": true' "$tmp/one.log.auth" || fail "no key exchange"
grep -q '"mic": "verified"' "$tmp/one.log.auth" ||
    fail "istmd's AUTHENTICATE carried no MIC the target could verify"
grep -q refused "$tmp/one.log.auth" && fail "the target refused a callback with the right password"
[ "$(grep -c '"sealed": true' "$tmp/one.log")" = "$(wc -l < "$tmp/one.log")" ] ||
    { cat "$tmp/one.log"; fail "a notification arrived without privacy"; }
[ "$(wc -l < "$tmp/one.log")" -ge 10 ] || { cat "$tmp/one.log"; fail "too few notifications"; }
grep -qF "$password" "$tmp/istmd.log" && fail "the callback password is in istmd's log"
# pings: a set with the OID (0x99), then SimplePings of it, one each ping
# period (1 s) after the first: waited for, since the events above can all
# arrive within the first period
wait_log '"ping": "complex", .*"add": \[153\]' "$tmp/one.log.pings" 100 ||
    { cat "$tmp/one.log.pings"; fail "no ComplexPing adding the registered object's OID"; }
wait_log '"ping": "simple", .*"known": true' "$tmp/one.log.pings" 100 ||
    { cat "$tmp/one.log.pings"; fail "no SimplePing of the set"; }
head -3 "$tmp/one.log.pings"

# a client that takes no authentication (no security binding): called without
notify_target anon five
rm -f "$STORAGE/notify1.vhd"            # the events phase makes its disk anew
istm_py "$top_srcdir/tests/istmd/notify_client.py" events "$TARGET_PORT" "$tmp/five.log" "$STORAGE" \
    --ping 1 || { echo "client exit status $?"; grep -iE 'notif|registration' "$tmp/istmd.log" | tail
                  fail "notifications to a client without security bindings"; }
[ "$(grep -c '"sealed": false' "$tmp/five.log")" = "$(wc -l < "$tmp/five.log")" ] ||
    { cat "$tmp/five.log"; fail "a client without security bindings was called authenticated"; }

# a wrong password: refused by the target, the registration dropped, management fast
notify_target auth two 'not-the-password'
istm_py "$top_srcdir/tests/istmd/notify_client.py" refused "$TARGET_PORT" "$tmp/two.log" "$STORAGE" \
    --ping 1 || { echo "client exit status $?"; tail -30 "$tmp/istmd.log"
                  fail "management calls while the callback is refused"; }
uptime
wait_log 'cookie 41.*dropped: calling it: it answered .*0x00000005' "$tmp/istmd.log" ||
    { grep "cookie 41" "$tmp/istmd.log"; fail "the refusing target's registration was not dropped"; }
grep 'cookie 41' "$tmp/istmd.log"
grep -q '"refused": "NTLMv2 response does not verify"' "$tmp/two.log.auth" ||
    fail "the target did not see a wrong NTLMv2 response"
[ ! -s "$tmp/two.log" ] || { cat "$tmp/two.log"; fail "a call was served with the wrong password"; }

# answers in clear after authenticating: not believed
notify_target plain four "$password"
istm_py "$top_srcdir/tests/istmd/notify_client.py" plain "$TARGET_PORT" "$tmp/four.log" "$STORAGE" \
    --ping 1 || { echo "client exit status $?"; tail -30 "$tmp/istmd.log"
                  fail "management calls while the callback answers in clear"; }
wait_log 'cookie 61.*dropped: calling it failed: Permission denied' "$tmp/istmd.log" ||
    { grep "cookie 61" "$tmp/istmd.log"; fail "an unsealed answer was believed"; }
grep -q '"authenticated": "callback"' "$tmp/four.log.auth" || fail "the clear target did not authenticate istmd"

# the client's resolver goes away: pings fail, the registration is dropped
notify_target serve three
PYTHONPATH="$ISTM_PYTHONPATH" with_timeout 120 $PYTHON "$top_srcdir/tests/istmd/notify_client.py" \
    --port "$ISTMD_PORT" --user alice --password 'Passw0rd!' --portal "127.0.0.1:$TGT_PORT" \
    hold "$TARGET_PORT" "$tmp/three.log" "$STORAGE" --ping 1 > "$tmp/hold.out" 2>&1 &
holder=$!
cleanup_fn "kill $holder 2>/dev/null; true"
wait_log '"ping": "simple"' "$tmp/three.log.pings" 100 ||
    { cat "$tmp/hold.out"; fail "the held registration was not pinged"; }
# a notifier that dies is replaced; the new one gets the account (it does
# nothing before) and pings the held object again, in a new set
notifier=$(istmd_notifier_pid) || fail "no notifier process"
kill -9 "$notifier"
for i in $(seq 50); do
    n=$(istmd_notifier_pid) && [ "$n" != "$notifier" ] && break
    sleep 0.1
done
for i in $(seq 50); do
    [ "$(grep -c '"ping": "complex", .*"add": \[81\]' "$tmp/three.log.pings")" -ge 2 ] && break
    sleep 0.1
done
[ "$(grep -c '"ping": "complex", .*"add": \[81\]' "$tmp/three.log.pings")" -ge 2 ] ||
    { cat "$tmp/three.log.pings"; fail "the restarted notifier did not ping the held object"; }
kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null || true
wait_log "cookie 51.*dropped: pinging its resolver failed: Connection refused" "$tmp/istmd.log" 60 ||
    { grep "cookie 51" "$tmp/istmd.log"; fail "the registration outlived its client's resolver"; }
grep 'cookie 51' "$tmp/istmd.log"
wait "$holder" || { cat "$tmp/hold.out"; fail "the holding client"; }
istmd_stop

# bad settings stop istmd at start (leaving its parsed settings to the
# exit: no leak check for these two)
mkdir -p "$tmp/bad"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
expect_rc 2 "$ISTMD" -f --state-dir "$tmp/bad" --users "$tmp/users" --storage-root "$STORAGE" \
    --listen 127.0.0.1:0 --callback-user callback
grep -q 'go together' "$tmp/err" || { cat "$tmp/err"; fail "no message for a missing password file"; }
expect_rc 1 "$ISTMD" -f --state-dir "$tmp/bad" --users "$tmp/users" --storage-root "$STORAGE" \
    --listen 127.0.0.1:0 --callback-user callback --callback-password-file "$tmp/nonexistent"
grep -q "reading callback password file '$tmp/nonexistent' failed" "$tmp/err" ||
    { cat "$tmp/err"; fail "no message for an unreadable password file"; }
echo "status notifications: sealed callbacks as the configured account, refusal, pings checked"
