#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# mount.vhdfs through a real mount(8): `mount -t vhdfs IMAGE DIR -o ro` and
# an fstab line of type vhdfs (mount -T FILE DIR) both mount the image with
# the options applied, umount(8) ends vhdfs; mount -f does nothing; the
# helper's own --help, --version and usage errors.
# mount(8) looks for helpers in /sbin only, so the test runs in a private
# mount namespace where a read-only overlay adds a copy of the built helper
# (pointing at the build tree's vhdfs) to /usr/sbin: nothing is installed on
# the host, and the overlay and the mounts vanish with the namespace.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/vhdfs-lib.sh"
requires_fuse
requires qemu-img --version
requires unshare --version
requires command -v mount.fuse3
helper_built="$top_builddir/vhdfs/mount.vhdfs"
[ -x "$helper_built" ] || fail "mount.vhdfs not built: $helper_built"

"$helper_built" --help | grep -q "usage: mount.vhdfs" || fail "--help"
"$helper_built" --version | grep -q "^mount.vhdfs (vhdtarget) " || fail "--version"
rc=0; "$helper_built" 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "no arguments: exit $rc, want 2"
rc=0; "$helper_built" a b -x 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "unknown option: exit $rc, want 2"

img="$tmp/disk.vhd"
pattern "$tmp/p" $((1 << 20)) 7
truncate -s $((16 << 20)) "$tmp/raw"
dd if="$tmp/p" of="$tmp/raw" bs=1M seek=3 conv=notrunc status=none
qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on "$tmp/raw" "$img"
want=$(range_sum "$tmp/p" 0 $((1 << 20)))

mkdir -p "$tmp/sbin" "$tmp/m"
# The build's helper, with vhdfs taken from the build tree.
sed "s|^bindir=.*|bindir='$(dirname "$VHDFS")'|" "$helper_built" > "$tmp/sbin/mount.vhdfs"
chmod +x "$tmp/sbin/mount.vhdfs"
echo "$img $tmp/m vhdfs ro,noauto,nofail,x-test 0 0" > "$tmp/fstab"

cat > "$tmp/inner.sh" <<INNER
set -eu
. "$top_srcdir/tests/vhdfs/vhdfs-lib.sh"
fail() { echo "FAIL: \$*" >&2; exit 1; }
mount -t overlay overlay -o "lowerdir=$tmp/sbin:/usr/sbin" /usr/sbin 2>/dev/null || exit 77
check() {
    mountpoint -q "$tmp/m" || fail "\$1: not mounted"
    [ "\$(range_sum "$tmp/m/disk" $((3 << 20)) $((1 << 20)))" = "$want" ] || fail "\$1: wrong data"
    grep -q "^$img $tmp/m fuse.vhdfs ro," /proc/mounts || fail "\$1: /proc/mounts: \$(grep " $tmp/m " /proc/mounts)"
    ! dd if=/dev/zero of="$tmp/m/disk" bs=512 count=1 conv=notrunc status=none 2>/dev/null ||
        fail "\$1: ro mount is writable"
    umount "$tmp/m" || fail "\$1: umount failed"
    mountpoint -q "$tmp/m" && fail "\$1: still mounted after umount"
    return 0
}
mount -t vhdfs -o ro "$img" "$tmp/m" || fail "mount -t vhdfs failed"
check "mount -t vhdfs"
mount -T "$tmp/fstab" "$tmp/m" || fail "fstab mount failed"
check "fstab type vhdfs"
mount -f -t vhdfs "$img" "$tmp/m" || fail "mount -f failed"
mountpoint -q "$tmp/m" && fail "mount -f mounted"
rc=0; mount -t vhdfs "$tmp/missing.vhd" "$tmp/m" 2>"$tmp/err" || rc=\$?
[ \$rc != 0 ] || fail "mount of a missing image succeeded"
grep -q "missing.vhd" "$tmp/err" || fail "no message naming the image: \$(cat "$tmp/err")"
mountpoint -q "$tmp/m" && fail "missing image mounted"
exit 0
INNER
# A vhdfs left behind by a failure dies with its mount when the namespace
# goes; fusermount3 -u -z in case the namespace outlived it.
cleanup_fn "mountpoint -q '$tmp/m' && fusermount3 -u -z '$tmp/m'"
rc=0; unshare -m --propagation private bash "$tmp/inner.sh" || rc=$?
[ $rc != 77 ] || { echo "$0: skipped: no overlayfs to add the helper to /usr/sbin"; exit 77; }
[ $rc = 0 ] || fail "mount helper checks failed"
"$VHDTOOL" check "$img" > /dev/null || fail "image not clean after the mounts"
echo "PASS: mount -t vhdfs, fstab type vhdfs, mount -f, helper usage"
