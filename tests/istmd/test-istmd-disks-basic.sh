#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Virtual disks through impacket (tests/istmd/disks_basic.py): every
# IWTDiskMgr/2/3/4 and IWTDisk/2/3 method on fixed, dynamic and
# differencing VHDs made with vhdtool; the configuration read back through
# the interface after an istmd restart; bad paths (.., symlinks out,
# /etc/passwd, devices, FIFOs, a parent outside the root), indexes, flags
# and types refused with clear HRESULTs and nothing changed.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

VHDTOOL="$top_builddir/vhdfs/vhdtool"
mkdir -p "$STORAGE/disks" "$tmp/outside"
"$VHDTOOL" create -q --type fixed --size 64M "$STORAGE/disks/base.vhd"
"$VHDTOOL" create -q --type dynamic --size 32M "$STORAGE/disks/dyn.vhd"
"$VHDTOOL" create -q --parent "$STORAGE/disks/base.vhd" "$STORAGE/disks/child.vhd"
"$VHDTOOL" create -q --type fixed --size 4M "$STORAGE/disks/late-base.vhd"
"$VHDTOOL" create -q --parent "$STORAGE/disks/late-base.vhd" "$STORAGE/disks/late-child.vhd"
for f in np np2 np3; do
    "$VHDTOOL" create -q --type dynamic --size 8M "$STORAGE/disks/$f.vhd"
done
# what must be refused
"$VHDTOOL" create -q --type dynamic --size 8M "$tmp/outside/out.vhd"
"$VHDTOOL" create -q --parent "$tmp/outside/out.vhd" "$STORAGE/disks/outchild.vhd"
"$VHDTOOL" create -q --type dynamic --size 8M "$tmp/gone.vhd"
"$VHDTOOL" create -q --parent "$tmp/gone.vhd" "$STORAGE/disks/orphan.vhd"
rm "$tmp/gone.vhd"
ln -s "$tmp/outside/out.vhd" "$STORAGE/disks/out-link.vhd"
mknod "$STORAGE/disks/dev-null" c 1 3
mkfifo "$STORAGE/disks/fifo"
head -c 100000 /dev/urandom > "$STORAGE/disks/garbage.vhd"
sums_before=$(cd "$tmp/outside" && sha256sum out.vhd; sha256sum /etc/passwd)

lock_port 32674    # one tgtd per port, also across worktrees
istm_start 32674
istm_py "$top_srcdir/tests/istmd/disks_basic.py" create "$STORAGE" "$tmp/disks.json" ||
    { tail -40 "$tmp/istmd.log"; fail "virtual disk methods"; }
istm_py "$top_srcdir/tests/istmd/disks_basic.py" badinput "$STORAGE" ||
    { tail -40 "$tmp/istmd.log"; fail "bad input"; }
istmd_stop
istm_restart
istm_py "$top_srcdir/tests/istmd/disks_basic.py" check "$STORAGE" "$tmp/disks.json" ||
    { tail -40 "$tmp/istmd.log"; fail "virtual disks after a restart"; }
istmd_stop
sums_after=$(cd "$tmp/outside" && sha256sum out.vhd; sha256sum /etc/passwd)
[ "$sums_before" = "$sums_after" ] || fail "a file outside the storage root changed"
[ -c "$STORAGE/disks/dev-null" ] && [ -p "$STORAGE/disks/fifo" ] || fail "device or FIFO touched"
echo "virtual disks: all methods, restart and bad input checked"
