#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# ILocalDeviceMgr's volume view and bad input, against a real istmd and
# tgtd with two roots (C: and D:): EnumVolumes/2 (Next, Skip, Reset, Clone),
# GetVolumeInfo, GetDriveInfo against statvfs and df, EnumDisks/2 (empty),
# the non-cluster answers, EnumDirectory/IDirectoryEnum against what ls
# lists (no symlinks, devices, FIFOs or names a client cannot send back);
# then every method taking a path or a size with bad input: .., symlinks
# out, /etc/passwd, a device and a FIFO in the root, UNC and device paths,
# an unknown drive, reserved names, commas, sizes 0/negative/unaligned/huge.
# Each answer is a clear HRESULT and nothing changes anywhere: the storage
# root and a canary directory outside it are compared (find listing and
# sha256) before and after.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_root
requires qemu-img --version

CALLS="$top_srcdir/tests/istmd/devices_calls.py"
mkdir -p "$STORAGE" "$tmp/other" "$tmp/outside"
# the storage root's content
"$VHDTOOL" create -q --type fixed --size 16M "$STORAGE/good.vhd"
"$VHDTOOL" create -q --type dynamic --size 1G "$STORAGE/Dyn.VHD"
echo "not a disk" > "$STORAGE/text.txt"
echo hidden > "$STORAGE/.hidden"
echo café > "$STORAGE/café.txt"
echo colon > "$STORAGE/bad:name"            # a client could not name it back
mkdir -p "$STORAGE/dir/sub" "$STORAGE/empty" "$STORAGE/mnt"
echo x > "$STORAGE/dir/a.vhd"
echo y > "$STORAGE/dir/b.txt"
ln -s /etc "$STORAGE/link-out"
# outside the roots: a canary VHD a symlink leads to, and a canary file
"$VHDTOOL" create -q --type fixed --size 8M "$tmp/outside/canary.vhd"
echo canary > "$tmp/outside/canary.txt"
ln -s "$tmp/outside/canary.vhd" "$STORAGE/link-abs.vhd"
ln -s good.vhd "$STORAGE/link-in.vhd"       # stays inside: allowed, but not listed
ln -s nowhere.vhd "$STORAGE/dangling-in.vhd"
ln -s "$tmp/outside/new.vhd" "$STORAGE/dangling-out.vhd"
mknod "$STORAGE/dev-null" c 1 3
mkfifo "$STORAGE/fifo"
# another file system mounted inside the root (IsPathValid: ERROR_INVALID_DRIVE)
cleanup_fn "umount -l '$STORAGE/mnt' 2>/dev/null || true"
mount -t tmpfs -o size=1M devtest "$STORAGE/mnt" || true

istm_start 32678 --storage-root "D:=$tmp/other"
run() { istm_py "$CALLS" "$@" || { tail -20 "$tmp/istmd.log"; fail "step $1"; }; }

run volumes "$STORAGE" "$tmp/other"

# what ls shows, minus symlinks, devices, FIFOs and unsendable names
expected=$($PYTHON - "$STORAGE" <<'PY'
import json, os, stat, subprocess, sys
root = sys.argv[1]
out = {}
for sub in ('', 'dir', 'dir/sub'):
    d = os.path.join(root, sub)
    names = subprocess.check_output(['ls', '-A', d], text=True, env={'LC_ALL': 'C'}).split('\n')
    rows = []
    for n in sorted((n for n in names if n), key=lambda n: n.encode()):
        st = os.lstat(os.path.join(d, n))
        if ':' in n or not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            continue
        rows.append((n, 'dir' if stat.S_ISDIR(st.st_mode) else 'file'))
    out[sub] = rows
print(json.dumps(out))
PY
)
run directory "$STORAGE" "$expected"

snapshot()
{
    (cd "$tmp" && find storage outside -xdev -printf '%p %y %m %s %T@\n' | LC_ALL=C sort
     find storage outside -xdev -type f -exec sha256sum {} + | LC_ALL=C sort)
}
snapshot > "$tmp/before"
sum_etc=$(sha256sum < /etc/passwd)
run bad "$STORAGE"
snapshot > "$tmp/after"
diff "$tmp/before" "$tmp/after" || fail "bad input changed files"
[ "$(sha256sum < /etc/passwd)" = "$sum_etc" ] || fail "/etc/passwd changed"
[ -c "$STORAGE/dev-null" ] && [ -p "$STORAGE/fifo" ] || fail "the device or the FIFO went"
[ ! -e "$tmp/outside/new.vhd" ] && [ ! -e "$STORAGE/nowhere.vhd" ] ||
    fail "a file was made where a dangling symlink points"
echo "ok   nothing changed in the root or outside it"
istmd_stop
