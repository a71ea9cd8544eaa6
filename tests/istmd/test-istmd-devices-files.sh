#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# ILocalDeviceMgr's files against a real istmd and tgtd: CreateWtFile
# ([MS-ISTM] 4.1 call by call, fixed and sparse, sizes, an 8 GiB fixed VHD
# in seconds), GrowWtFile, CreateDiffWtFile (three children of one base,
# checked by vhdiinfo and qemu-img), the base rule (a base with children is
# neither deleted nor grown; a parent open for writing gets no child), a
# write through a child leaves the base's bytes unchanged, DeleteWtFile;
# registered disks (IWTDiskMgr) and their ancestors are neither deleted nor
# grown, a registered disk's size follows GrowWtFile.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
. "$top_srcdir/tests/vhdfs/vhdfs-lib.sh"
requires qemu-img --version
requires vhdiinfo -V
requires_fuse

CALLS="$top_srcdir/tests/istmd/devices_calls.py"
istm_start 32677
run() { istm_py "$CALLS" "$@" "$STORAGE" || { tail -20 "$tmp/istmd.log"; fail "step $1"; }; }

run create
run diff
"$VHDTOOL" create -q --type dynamic --size 999M "$STORAGE/dyn.vhd"
run grow-dynamic

base="$STORAGE/iSCSI_target_disks/VirtualDisk1.vhd"
sum_before=$(sha256sum < "$base")
# write through the first child (vhdfs, read-write): its parent is opened
# read-only by libvhd; the base's bytes must not change
start_vhdfs "$STORAGE/children/child1.vhd" "$tmp/mnt"
pattern "$tmp/data" $((4 << 20)) 7
dd if="$tmp/data" of="$tmp/mnt/child1" bs=1M seek=3 conv=notrunc,fsync status=none
cmp -n $((4 << 20)) "$tmp/data" <(dd if="$tmp/mnt/child1" bs=1M skip=3 count=4 status=none) ||
    fail "the data written through the child does not read back"
unmount "$tmp/mnt" "$VHDFS_PID"
[ "$(sha256sum < "$base")" = "$sum_before" ] || fail "writing through a child changed the base"
echo "ok   4 MiB written through child1; the base's sha256 is unchanged"
# the child holds the data: qemu-img and vhdiinfo agree it is a differencing VHD of 97 MiB
qemu-img info -f vpc "$STORAGE/children/child1.vhd" | grep -q 'virtual size: 97 MiB' ||
    fail "qemu-img does not see the child's size"

# parent open for writing (the base mounted read-write) and a VHD in use
start_vhdfs "$base" "$tmp/mnt2"
base_pid=$VHDFS_PID
start_vhdfs "$STORAGE/sparse.vhd" "$tmp/mnt3"
sparse_pid=$VHDFS_PID
run locked-parent
unmount "$tmp/mnt3" "$sparse_pid"
unmount "$tmp/mnt2" "$base_pid"
[ "$(sha256sum < "$base")" = "$sum_before" ] || fail "the refused calls changed the base"

run delete
[ ! -e "$base" ] || fail "the base was not deleted"
# with the disks area: registered disks and their ancestors are kept
run registered
grep -q "deleting '.*/reg/base.vhd' refused: it is the parent of virtual disk" "$tmp/istmd.log" ||
    fail "the base of a registered child was not refused by the store's record"
istmd_stop
