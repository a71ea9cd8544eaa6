#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istmd's command line: --help, --version, --nt-hash ([MS-NLMP] 4.2.2.1.2:
# NTOWFv1("Password") = a4f49c40...), and refusals at start-up.
. "$(dirname "$0")/../functions.sh"
ISTMD="$top_builddir/istmd/istmd"

"$ISTMD" --help | grep -q -- '--state-dir' || fail "--help does not list --state-dir"
"$ISTMD" --version | grep -q '^istmd (vhdtarget) [0-9]' || fail "--version"
rc=0; "$ISTMD" --no-such-option >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "unknown option: exit $rc, want 2"
rc=0; "$ISTMD" -f extra-argument >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "extra argument: exit $rc, want 2"
# istmctl: --version, --help, usage errors exit 2 (argparse), all without a server
ISTMCTL="$top_srcdir/contrib/istmctl"
if /usr/bin/python3 "$ISTMCTL" --help > /dev/null 2>&1; then
    /usr/bin/python3 "$ISTMCTL" --version | grep -q '^istmctl (vhdtarget) [0-9]' || fail "istmctl --version"
    rc=0; /usr/bin/python3 "$ISTMCTL" --no-such-option >/dev/null 2>&1 || rc=$?
    [ $rc = 2 ] || fail "istmctl unknown option: exit $rc, want 2"
    rc=0; /usr/bin/python3 "$ISTMCTL" targets >/dev/null 2>&1 || rc=$?
    [ $rc = 2 ] || fail "istmctl targets without an action: exit $rc, want 2"
else
    echo "note: istmctl does not run here (no impacket?): its command line was not tested"
fi
[ "$(printf 'Password\n' | "$ISTMD" --nt-hash)" = a4f49c406510bdcab6824ee7c30fd852 ] ||
    fail "--nt-hash of Password"
[ "$(printf 'Passw0rd!' | "$ISTMD" --nt-hash)" = fc525c9683e8fe067095ba2ddc971889 ] ||
    fail "--nt-hash without a newline"

mkdir -p "$tmp/state" "$tmp/storage"
printf 'alice:%s\n' "$(printf 'x\n' | "$ISTMD" --nt-hash)" > "$tmp/users"
expect_fail "$ISTMD" -f --listen 127.0.0.1:0 --users "$tmp/users" --storage-root "$tmp/storage"
grep -q 'state-dir' "$tmp/err" || fail "missing --state-dir not reported"
expect_fail "$ISTMD" -f --listen 127.0.0.1 --state-dir "$tmp/state" --users "$tmp/users" \
    --storage-root "$tmp/storage"
grep -q "bad listen address '127.0.0.1'" "$tmp/err" || fail "bad listen address not reported"
expect_fail "$ISTMD" -f --listen 127.0.0.1:0 --state-dir "$tmp/state" --users "$tmp/users" \
    --storage-root "$tmp/nonexistent"
grep -q "bad storage root" "$tmp/err" || fail "bad storage root not reported"
echo 'alice:nothex' > "$tmp/badusers"
expect_fail "$ISTMD" -f --listen 127.0.0.1:0 --state-dir "$tmp/state" --users "$tmp/badusers" \
    --storage-root "$tmp/storage"
grep -q "line 1 is not name:32-hex-digits" "$tmp/err" || fail "bad users file not reported"
printf 'listen 127.0.0.1\nbogus 1\n' > "$tmp/conf"
expect_fail "$ISTMD" -f --config "$tmp/conf"
grep -q "unknown setting 'bogus'" "$tmp/err" || fail "bad config not reported"
echo "cli ok"
