#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Local surfacing of virtual disks (tests/istmd/disks_mount.py):
# IWTDisk::DVMountDirect mounts the VHD with vhdfs under the state
# directory and the mount shows the bytes the VHD was made from (checked
# against the raw source); writes through the mount land in the VHD
# (vhdtool convert and qemu-img convert read them back); refused while the
# disk is assigned to a target, mounted read-only for a parent; the mount
# survives an istmd restart; a mount that vanished is forgotten.  Saving a
# disk mapped to a target re-applies the target (tgtadm's view), and the
# base rule holds through the interface.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

VHDTOOL="$top_builddir/vhdfs/vhdtool"
requires command -v fusermount3

# unmount whatever the test left mounted, and stop its vhdfs
disks_unmount()
{
    local m pid
    for m in "$tmp"/state/mounts/*; do
        [ -d "$m" ] || continue
        mountpoint -q "$m" && { umount "$m" 2>/dev/null || umount -l "$m"; }
        pid=$(cat "$m.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
    done
    return 0
}
cleanup_fn disks_unmount

mkdir -p "$STORAGE/m"
head -c 6M /dev/urandom > "$tmp/data.raw"
head -c 2M /dev/zero >> "$tmp/data.raw"
"$VHDTOOL" convert -q --to vhd --type dynamic "$tmp/data.raw" "$STORAGE/m/data.vhd"
"$VHDTOOL" create -q --type fixed --size 4M "$STORAGE/m/base.vhd"
"$VHDTOOL" create -q --parent "$STORAGE/m/base.vhd" "$STORAGE/m/child.vhd"
"$VHDTOOL" create -q --type dynamic --size 4M "$STORAGE/m/apply.vhd"
"$VHDTOOL" create -q --parent "$STORAGE/m/apply.vhd" "$STORAGE/m/apply-child.vhd"

lock_port 32676    # one tgtd per port, also across worktrees
istm_start 32676
istm_py "$top_srcdir/tests/istmd/disks_mount.py" first "$STORAGE" "$tmp/data.raw" "$tmp/expected.raw" ||
    { tail -30 "$tmp/istmd.log"; fail "local mounts"; }
# the disk stays mounted across an istmd restart
istmd_stop
istm_restart
mp=$(istm_py "$top_srcdir/tests/istmd/disks_mount.py" restarted "$STORAGE" | tail -1) ||
    { tail -30 "$tmp/istmd.log"; fail "local mounts after a restart"; }
mountpoint -q "$mp" || fail "'$mp' is not mounted"
# make the mount vanish (as a reboot would): stop its vhdfs
pid=$(cat "$mp.pid") || fail "no pid file for '$mp'"
umount "$mp" || fail "umount '$mp'"
for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
istm_py "$top_srcdir/tests/istmd/disks_mount.py" gone "$STORAGE" ||
    { tail -30 "$tmp/istmd.log"; fail "a vanished mount"; }
istm_py "$top_srcdir/tests/istmd/disks_mount.py" apply "$STORAGE" ||
    { tail -30 "$tmp/istmd.log"; fail "saving mapped disks"; }
istmd_stop

# what was written through the mount is in the VHD
"$VHDTOOL" convert -q "$STORAGE/m/data.vhd" "$tmp/out.raw" || fail "vhdtool convert"
cmp "$tmp/out.raw" "$tmp/expected.raw" || fail "the VHD does not hold what was written through the mount"
if command -v qemu-img >/dev/null; then
    qemu-img convert -f vpc -O raw "$STORAGE/m/data.vhd" "$tmp/qemu.raw" || fail "qemu-img convert"
    cmp -n "$(stat -c %s "$tmp/expected.raw")" "$tmp/qemu.raw" "$tmp/expected.raw" ||
        fail "qemu-img reads other bytes from the VHD"
fi
echo "local mounts: bytes, writes, refusals, restart and a vanished mount checked"
