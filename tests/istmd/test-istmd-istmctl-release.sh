#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-istmctl-release.sh: istmctl gives back every object reference
# it was handed when it is done (contrib/istm/refs.py), so istmd holds no
# object for a client that has gone: its verbose log's "live:" counts
# (istmd/net/dcom/objtab.c) are back at 0 after each command.  A client
# that only disconnects (impacket's way) leaves its objects behind until
# the ping timeout, as every istmctl did before: 8 istmctl loops filled the
# table of 4096 objects in under 4 minutes of the soak (E_OUTOFMEMORY).
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool

istm_start 32691
mkdir -p "$STORAGE/r"

for i in 1 2 3; do
    "$VHDTOOL" create -q --type dynamic --size 4M "$STORAGE/r/d$i.vhd"
    expect_rc 0 istmctl -q disks create --existing "C:\\r\\d$i.vhd"
    expect_rc 0 istmctl -q targets create "r$i"
done
expect_rc 0 istmctl -q assign r1 'C:\r\d1.vhd'
n=$(istmd_live_objects)
[ "$n" = 0 ] || { tail -20 "$tmp/istmd.log"; fail "istmd holds $n objects after the setup commands"; }

for cmd in "targets list" "disks list" "sessions" "targets show r1" "disks show C:\\r\\d2.vhd" \
           "dvd list"; do
    # shellcheck disable=SC2086
    expect_rc 0 istmctl $cmd
    n=$(istmd_live_objects)
    echo "after istmctl $cmd: $n objects live"
    [ "$n" = 0 ] || fail "istmctl $cmd left $n objects in istmd"
done

# the library's own count, and the server's, with and without the release
istm_py "$top_srcdir/tests/istmd/refs_release.py" release > "$tmp/rel.out" ||
    { cat "$tmp/rel.out"; fail "refs_release.py release"; }
cat "$tmp/rel.out"
held=$(awk '/^held/ { print $2 }' "$tmp/rel.out")
[ "${held:-0}" -ge 8 ] || fail "the client counted $held references for 3 targets and 3 disks"
grep -q "^gave back $held$" "$tmp/rel.out" || fail "it did not give back the $held it held"
n=$(istmd_live_objects)
[ "$n" = 0 ] || fail "istmd holds $n objects after a client that released"

istm_py "$top_srcdir/tests/istmd/refs_release.py" keep > "$tmp/keep.out" ||
    { cat "$tmp/keep.out"; fail "refs_release.py keep"; }
n=$(istmd_live_objects)
echo "a client that only disconnected: $n objects live"
[ "$n" -ge 7 ] || fail "a client that did not release left $n objects (the count does not see them)"
istmd_stop
