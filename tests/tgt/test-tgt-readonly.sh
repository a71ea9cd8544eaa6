#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-readonly: tgt's "readonly" LU parameter and bs_vhd's chain locks
# say the same thing.  An LU made with --bstype vhd alone and then updated
# with "--params readonly=1" (what tgt-admin sends for targets.conf's
# "readonly 1") shows Readonly: Yes, refuses writes, and its chain is open
# read-only under shared locks: vhdfs -o ro mounts the same chain beside it
# and reads the same bytes (with the chain writable the exclusive lock
# refuses that mount, checked first).  readonly=0 makes it writable again,
# but not while vhdfs holds its shared lock (the update fails and the LU
# stays read-only).  The switches happen under a read load that must see
# no failed command, and data written just before a switch is in the file.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
. "$top_srcdir/tests/vhdfs/vhdfs-lib.sh"
requires_tgt
requires_vhdtool
requires_fuse

pat="$ISCSI_PATTERN"
tgt_start 32611
tgt_target 1 readonly
u=$(tgt_url readonly 1)

# a differencing chain with data in both layers
"$VHDTOOL" create -q --type dynamic --size 16M "$tmp/base.vhd"
tgt_lun 1 1 "$tmp/base.vhd"
"$pat" "$u" write 5 0 256 || fail "writing the base"
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
"$VHDTOOL" create -q --type diff --parent "$tmp/base.vhd" "$tmp/child.vhd"
tgt_lun 1 1 "$tmp/child.vhd"
"$pat" "$u" write 7 128 256 || fail "writing the child"

readonly_field() { # what tgtadm shows as LUN 1's Readonly
    tgt_adm --mode target --op show |
        awk '/^ *LUN: /{cur=$2} cur==1 && /^ *Readonly:/ {print $2; exit}'
}
set_readonly() { # N: tgtadm's update, as tgt-admin sends it
    tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params "readonly=$1"
}
mkdir -p "$tmp/mnt"
cleanup_fn "mountpoint -q '$tmp/mnt' && fusermount3 -u -z '$tmp/mnt'"
# vhdfs_refused: vhdfs -o ro cannot mount the chain (a lock is held).
# Without -f vhdfs reports a refusal before mounting, with a non-zero exit.
vhdfs_refused() {
    if "$VHDFS" -o ro "$tmp/child.vhd" "$tmp/mnt" 2> "$tmp/refused.log"; then
        fusermount3 -u "$tmp/mnt"
        return 1
    fi
    grep -q "in use" "$tmp/refused.log" || { cat "$tmp/refused.log"; return 1; }
}

[ "$(readonly_field)" = No ] || fail "a fresh LU shows Readonly: $(readonly_field)"
vhdfs_refused || fail "vhdfs mounted a chain tgtd has open for writing"

# --- switches under load: no command fails, writes before a switch land -
"$ISCSI_LOAD" --rw read --pattern rand --qd 16 --seconds 8 "$u" > "$tmp/load" 2>&1 &
load=$!
cleanup_fn "kill $load 2>/dev/null"
for i in 1 2 3; do
    "$pat" "$u" write $((20 + i)) $((1024 + 8 * i)) 8 || fail "write $i before readonly=1"
    set_readonly 1 || fail "readonly=1 refused (round $i)"
    [ "$(readonly_field)" = Yes ] || fail "readonly=1 not shown (round $i)"
    if "$pat" "$u" write 3 0 8 2>/dev/null; then fail "a read-only LU took a write (round $i)"; fi
    "$pat" "$u" check $((20 + i)) $((1024 + 8 * i)) 8 || fail "write $i lost over readonly=1"
    sleep 1
    set_readonly 0 || fail "readonly=0 refused (round $i)"
    [ "$(readonly_field)" = No ] || fail "readonly=0 not shown (round $i)"
    sleep 1
done
wait $load || { cat "$tmp/load"; fail "the read load saw failed commands"; }
grep -q 'errors=0 retries=0' "$tmp/load" || { cat "$tmp/load"; fail "read load errors"; }
cat "$tmp/load"

# --- read-only: vhdfs mounts the same chain at the same time -------------
"$pat" "$u" write 9 2048 64 || fail "the last write before readonly=1"
set_readonly 1 || fail "readonly=1 refused"
[ "$(readonly_field)" = Yes ] || fail "readonly=1 not shown"
if "$pat" "$u" write 3 0 8 2>/dev/null; then fail "the read-only LU took a write"; fi
start_vhdfs "$tmp/child.vhd" "$tmp/mnt" -o ro
"$pat" "$u" dump "$tmp/lun.iscsi" || fail "reading the LU while vhdfs has the chain"
cmp "$tmp/lun.iscsi" "$tmp/mnt/child" || fail "vhdfs and tgtd read the chain differently"
"$pat" "$u" check 9 2048 64 || fail "the last write is not there"
grep -q "now serves '$tmp/child.vhd' read-only (shared lock)" "$TGT_LOG" ||
    fail "tgtd's log does not show the chain reopened read-only"

# --- readonly=0 is refused while vhdfs holds its shared lock --------------
if set_readonly 0 2>/dev/null; then fail "readonly=0 succeeded beside a vhdfs mount"; fi
[ "$(readonly_field)" = Yes ] || fail "the LU shows Readonly: No without a writable chain"
if "$pat" "$u" write 3 0 8 2>/dev/null; then fail "the LU took a write beside vhdfs"; fi
"$pat" "$u" check 7 128 256 || fail "the LU does not read after a refused readonly=0"
grep -q "stays read-only" "$TGT_LOG" || fail "no reason logged for the refused readonly=0"
unmount "$tmp/mnt" "$VHDFS_PID"

# --- and succeeds once vhdfs is gone: the exclusive lock is back ----------
set_readonly 0 || fail "readonly=0 refused after vhdfs unmounted"
[ "$(readonly_field)" = No ] || fail "readonly=0 not shown after vhdfs unmounted"
"$pat" "$u" write 11 4096 64 || fail "writing after readonly=0"
"$pat" "$u" check 11 4096 64 || fail "reading back after readonly=0"
vhdfs_refused || fail "vhdfs mounted the chain after readonly=0"

# --- --bsopts readonly=1 is the same setting ------------------------------
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
tgt_lun 1 1 "$tmp/child.vhd" vhd "readonly=1"
[ "$(readonly_field)" = Yes ] || fail "--bsopts readonly=1 not shown"
start_vhdfs "$tmp/child.vhd" "$tmp/mnt" -o ro
unmount "$tmp/mnt" "$VHDFS_PID"
set_readonly 0 || fail "readonly=0 refused on a --bsopts readonly=1 LU"
[ "$(readonly_field)" = No ] || fail "readonly=0 not shown on a --bsopts readonly=1 LU"
vhdfs_refused || fail "vhdfs mounted the chain of a --bsopts readonly=1 LU made writable"

# the chain reads the same through vhdtool, and checks clean
"$pat" "$u" dump "$tmp/lun.iscsi"
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
"$VHDTOOL" convert "$tmp/child.vhd" "$tmp/child.raw"
cmp "$tmp/lun.iscsi" "$tmp/child.raw" || fail "the chain reads differently through vhdtool"
"$VHDTOOL" check "$tmp/child.vhd" > /dev/null || fail "child.vhd does not check clean"
tgt_alive || fail "tgtd died"
echo "ok: readonly=1/0 reopen the chain with matching locks, nothing failed"
