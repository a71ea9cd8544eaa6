# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/vhdfs/vhdfs-lib.sh: helpers for the vhdfs tests, sourced after
# ../functions.sh.  Every mount is started in the foreground (-f) in the
# background of the test, so the test knows its PID; its cleanup is
# registered before it starts and unmounts with fusermount3 -u (lazily if
# the mount is busy or dead) and waits for the process to exit.

PYTHON=/usr/bin/python3

requires_fuse()
{
    requires_root
    [ -c /dev/fuse ] || { echo "$0: skipped: no /dev/fuse"; exit 77; }
    requires fusermount3 --version
    [ -x "$VHDFS" ] || fail "vhdfs not built: $VHDFS"
}

# wait_exit PID DEV: wait (at most 60 s) for the vhdfs PID, whose mount
# (device DEV, as `mountpoint -d` prints it) was just unmounted, to exit.
# A copy of the mount can survive in a mount namespace made while it was
# mounted (another test's `unshare -m`, e.g. a private tgtd): the kernel then
# keeps the FUSE connection open and vhdfs waits for requests.  That is not
# vhdfs's doing, so after 10 s such a connection is aborted, which ends it.
wait_exit()
{
    local pid=$1 dev=${2:-} i
    for i in $(seq 600); do
        kill -0 "$pid" 2>/dev/null || return 0
        if [ $i = 100 ] && [ -n "$dev" ] &&
            cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -q " $dev "; then
            mountpoint -q /sys/fs/fuse/connections ||
                mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null || true
            echo "note: the mount $dev lives on in another mount namespace; aborting its connection" >&2
            echo 1 > "/sys/fs/fuse/connections/${dev#*:}/abort" 2>/dev/null || true
        fi
        sleep 0.1
    done
    return 1
}

# stop_vhdfs MNT PID: unmount MNT and wait for PID to exit (cleanup).
stop_vhdfs()
{
    local mnt=$1 pid=$2 dev i
    dev=$(mountpoint -d "$mnt" 2>/dev/null || true)
    for i in 1 2 3 4 5; do
        mountpoint -q "$mnt" || break
        fusermount3 -u "$mnt" 2>/dev/null && break
        sleep 0.2
    done
    mountpoint -q "$mnt" && fusermount3 -u -z "$mnt" 2>/dev/null
    if ! wait_exit "$pid" "$dev"; then
        echo "vhdfs $pid did not exit after unmount; killing it" >&2
        kill -9 "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    return 0
}

# start_vhdfs SOURCE MNT [OPTIONS...]: mount and wait until the mount is up.
# Sets VHDFS_PID; stderr of vhdfs goes to $tmp/vhdfs.log.
start_vhdfs()
{
    local src=$1 mnt=$2 i
    shift 2
    mkdir -p "$mnt"
    "$VHDFS" -f "$src" "$mnt" "$@" 2>>"$tmp/vhdfs.log" &
    VHDFS_PID=$!
    cleanup_fn "stop_vhdfs '$mnt' $VHDFS_PID"
    for i in $(seq 200); do
        mountpoint -q "$mnt" && return 0
        kill -0 "$VHDFS_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$tmp/vhdfs.log" >&2
    fail "vhdfs did not mount $src on $mnt"
}

# unmount MNT PID: a clean unmount in the middle of a test; vhdfs must exit
# with status 0 and without a sanitizer report in its log.
unmount()
{
    local rc=0 dev i
    dev=$(mountpoint -d "$1")
    # A loop device on a file of this mount (mount -o loop, then umount)
    # lets go of the file asynchronously (autoclear runs in a kernel
    # worker), so the first unmount right after can see EBUSY: retry for
    # up to 10 s, which only a mount still really in use outlasts.
    for i in $(seq 100); do
        fusermount3 -u "$1" 2>/dev/null && break
        sleep 0.1
    done
    mountpoint -q "$1" && { fusermount3 -u "$1"; fail "cannot unmount $1"; }
    wait_exit "$2" "$dev" || fail "vhdfs $2 did not exit within 60 s of unmounting $1"
    wait "$2" || rc=$?
    check_vhdfs_log
    [ $rc = 0 ] || fail "vhdfs exited with status $rc after unmounting $1"
}

# check_vhdfs_log: fail on AddressSanitizer/UBSan/LeakSanitizer reports.
check_vhdfs_log()
{
    if grep -qE 'Sanitizer|runtime error:' "$tmp/vhdfs.log" 2>/dev/null; then
        cat "$tmp/vhdfs.log" >&2
        fail "sanitizer report in vhdfs's log"
    fi
}

# pattern FILE SIZE SEED: write SIZE bytes of seeded pseudo-random data.
pattern()
{
    "$PYTHON" - "$1" "$2" "$3" <<'EOF'
import random, sys
path, size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
with open(path, "wb") as f:
    left = size
    while left:
        n = min(left, 1 << 20)
        f.write(r.randbytes(n))
        left -= n
EOF
}

# range_of FILE OFFSET LEN: print the SHA-256 of LEN bytes of FILE at OFFSET.
range_sum()
{
    "$PYTHON" - "$1" "$2" "$3" <<'EOF'
import hashlib, sys
path, off, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
h = hashlib.sha256()
with open(path, "rb") as f:
    f.seek(off)
    while n:
        b = f.read(min(n, 1 << 20))
        if not b:
            break
        h.update(b)
        n -= len(b)
print(h.hexdigest())
EOF
}

# vhd_create TYPE SIZE FILE / vhd_create diff PARENT FILE: make an image with
# qemu-img (fixed, dynamic: exact size) or vhdtool (differencing).
vhd_create()
{
    case "$1" in
        fixed|dynamic)
            qemu-img create -q -f vpc -o "subformat=$1,force_size=on" "$3" "$2" ;;
        diff)
            "$VHDTOOL" create --type diff --parent "$2" "$3" ;;
    esac
}
