#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Crash: 50 times, kill -9 vhdfs in the middle of a write load on a
# differencing disk, unmount the dead mount (fusermount3 -u -z), and check
# the image with vhdtool check; at the end every write that was fsync'ed
# before a kill must be there (crash-writer.py records them), read both
# through a new mount and with vhdtool convert.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
[ -x "$VHDTOOL" ] || fail "vhdtool not built: $VHDTOOL"
writer="$PYTHON $(dirname "$0")/crash-writer.py"
rounds=${VHDFS_CRASH_ROUNDS:-50}
per_round=30

"$VHDTOOL" create --type dynamic --size 256M "$tmp/base.vhd"
vhd_create diff "$tmp/base.vhd" "$tmp/disk.vhd"
mnt="$tmp/m"
: > "$tmp/log"
for round in $(seq 0 $((rounds - 1))); do
    start_vhdfs "$tmp/disk.vhd" "$mnt"
    rm -f "$tmp/log.ready"
    $writer write "$mnt/disk" "$tmp/log" $((round * per_round)) $per_round &
    wpid=$!
    for i in $(seq 200); do
        [ -e "$tmp/log.ready" ] && break
        sleep 0.05
    done
    sleep "0.$((RANDOM % 2))$((RANDOM % 10))"
    kill -9 $VHDFS_PID
    fusermount3 -u -z "$mnt" 2>/dev/null || true
    { wait $VHDFS_PID; } 2>/dev/null || true
    wait $wpid || true
    "$VHDTOOL" check "$tmp/disk.vhd" >"$tmp/check.log" 2>&1 ||
        { cat "$tmp/check.log"; fail "round $round: image not clean after kill -9"; }
done
"$VHDTOOL" check "$tmp/base.vhd" >/dev/null || fail "the base is not clean"
start_vhdfs "$tmp/disk.vhd" "$mnt" -o ro
$writer verify "$mnt/disk" "$tmp/log" || fail "acknowledged writes lost (read through vhdfs)"
unmount "$mnt" $VHDFS_PID
"$VHDTOOL" convert "$tmp/disk.vhd" "$tmp/disk.raw"
$writer verify "$tmp/disk.raw" "$tmp/log" || fail "acknowledged writes lost (read by vhdtool convert)"
echo "PASS: $rounds kills, image valid, fsync'ed data present"
