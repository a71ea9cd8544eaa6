#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The command itself: --help, --version, usage errors; the daemon (no -f)
# detaches only once mounted; mount.fuse3's conventions (fstab); SIGTERM unmounts and flushes, leaving the
# data in the image.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
[ -x "$VHDTOOL" ] || fail "vhdtool not built: $VHDTOOL"

"$VHDFS" --help > "$tmp/help" || fail "--help failed"
grep -q "partitions" "$tmp/help" || fail "--help does not list -o partitions"
grep -q "usage: vhdfs" "$tmp/help" || fail "--help has no usage line"
[ "$(grep -c -- '--help' "$tmp/help")" = 1 ] || fail "--help lists --help more than once"
[ "$(grep -c -- '--version' "$tmp/help")" = 1 ] || fail "--help lists --version more than once"
"$VHDFS" --version > "$tmp/version" 2> "$tmp/version.err" || fail "--version failed"
head -1 "$tmp/version" | grep -q "^vhdfs (vhdtarget) " || fail "--version: $(head -1 "$tmp/version")"
[ ! -s "$tmp/version.err" ] || fail "--version wrote to stderr: $(cat "$tmp/version.err")"
# expect_usage CMD...: exit status 2 (bad usage) with a message.
expect_usage()
{
    local rc=0
    "$@" 2>"$tmp/err" || rc=$?
    [ $rc = 2 ] || fail "exit status $rc, want 2: $*"
    [ -s "$tmp/err" ] || fail "no message: $*"
}
expect_usage "$VHDFS"
grep -q "missing SOURCE" "$tmp/err" || fail "no-argument message: $(cat "$tmp/err")"
expect_usage "$VHDFS" "$tmp/x.vhd"
grep -q "MOUNTPOINT" "$tmp/err" || fail "one-argument message: $(cat "$tmp/err")"
rc=0; "$VHDFS" "$tmp/x.vhd" "$tmp" 2>/dev/null || rc=$?
[ $rc = 1 ] || fail "missing image: exit status $rc, want 1"

img="$tmp/disk.vhd"
vhd_create dynamic $((16 << 20)) "$img"
mkdir -p "$tmp/u"
expect_usage "$VHDFS" -f --no-such-option "$img" "$tmp/u"
expect_usage "$VHDFS" -f -o no_such_option "$img" "$tmp/u"
pattern "$tmp/p" $((1 << 20)) 3
mnt="$tmp/m"
mkdir -p "$mnt"
cleanup_fn "mountpoint -q '$mnt' && fusermount3 -u -z '$mnt'"

# pid_of MNT: the vhdfs serving MNT (the mount point is unique to this test).
pid_of()
{
    local p
    for p in /proc/[0-9]*; do
        { tr '\0' ' ' < "$p/cmdline" | grep -F "$1" | grep -q vhdfs; } 2>/dev/null &&
            { echo "${p#/proc/}"; return; }
    done
}

# Daemon: returns once mounted.
"$VHDFS" "$img" "$mnt" || fail "daemon start failed"
mountpoint -q "$mnt" || fail "not mounted when vhdfs returned"
pid=$(pid_of "$mnt")
[ -n "$pid" ] || fail "no daemon process"
cleanup_fn "kill $pid 2>/dev/null"
dd if="$tmp/p" of="$mnt/disk" bs=1M seek=2 conv=notrunc status=none
# SIGTERM: unmounts, flushes, exits.
dev=$(mountpoint -d "$mnt")
kill -TERM "$pid"
wait_exit "$pid" "$dev" || fail "vhdfs still running 60 s after SIGTERM"
mountpoint -q "$mnt" && fail "still mounted after SIGTERM"
"$VHDTOOL" check "$img" >/dev/null || fail "image not clean after SIGTERM"
qemu-img convert -f vpc -O raw "$img" "$tmp/raw"
[ "$(range_sum "$tmp/raw" $((2 << 20)) $((1 << 20)))" = "$(range_sum "$tmp/p" 0 $((1 << 20)))" ] ||
    fail "data written before SIGTERM is not in the image"

# mount.fuse3's conventions: mount -t fuse.vhdfs runs the helper as
# "mount.fuse3 SOURCE MOUNTPOINT -t vhdfs -o OPTS", which runs
# "vhdfs SOURCE MOUNTPOINT -o OPTS" from PATH (mount(8) resets PATH to the
# standard directories, where `make install` puts vhdfs; the build tree is
# not there, so the helper is called directly here); and mount(8) itself
# with the program named in the source, as fstab's "fuse" type allows.
# check_helper_mount: the mount is read-only, shows the data and the
# partitions option worked (no partitions on this disk: one file).
check_helper_mount()
{
    pid=$(pid_of "$mnt")
    [ -n "$pid" ] || fail "$1: no vhdfs process"
    cleanup_fn "kill $pid 2>/dev/null"
    [ "$(range_sum "$mnt/disk" $((2 << 20)) $((1 << 20)))" = "$(range_sum "$tmp/p" 0 $((1 << 20)))" ] ||
        fail "$1: wrong data"
    grep -q "^$img $mnt fuse.vhdfs ro," /proc/mounts || fail "$1: /proc/mounts: $(grep " $mnt " /proc/mounts)"
    dd if=/dev/zero of="$mnt/disk" bs=512 count=1 conv=notrunc status=none 2>/dev/null &&
        fail "$1: -o ro mount is writable"
    dev=$(mountpoint -d "$mnt")
    umount "$mnt" || fail "$1: umount failed"
    wait_exit "$pid" "$dev" || fail "$1: vhdfs still running 60 s after umount"
    return 0
}
helper=$(command -v mount.fuse3 || true)
[ -n "$helper" ] || fail "no mount.fuse3"
PATH="$(dirname "$VHDFS"):$PATH" "$helper" "$img" "$mnt" -t vhdfs -o ro,partitions ||
    fail "mount.fuse3 -t vhdfs failed"
check_helper_mount "mount.fuse3 -t vhdfs"
mount -t fuse -o ro,partitions "$VHDFS#$img" "$mnt" || fail "mount -t fuse vhdfs#IMAGE failed"
check_helper_mount "mount -t fuse vhdfs#IMAGE"
echo "PASS: command line, daemon, SIGTERM, mount -t fuse.vhdfs"
