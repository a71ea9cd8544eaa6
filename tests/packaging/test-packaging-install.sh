#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-packaging-install.sh: the README's third path, as an administrator
# takes it: apt-get installs the five built packages, the demo runs every
# step on the installed files (DEMO_INSTALLED=1 contrib/demo.sh: vhdtool,
# a vhdfs mount, tgtd serving the chain through the installed bs_vhd, istmd
# and istmctl), and dpkg --purge takes everything away again.
#
# All of it happens in a throwaway root: a private mount, network and PID
# namespace in which /usr, /etc and /var are overlays on the machine's own
# (the changes go to a tmpfs), /run is empty and the only network is a
# private loopback.  The trade-off: the packages meet the real system
# (its tgt, fuse3, python3-impacket, dpkg database) but change nothing of
# it, even when the test dies half-way; the demo's fixed ports (tgtd on
# 3260, istmd on 135) cannot meet another test's; every process started
# inside dies with the namespace.  No service manager runs inside, and
# policy-rc.d refuses service starts as on a build chroot, so what is not
# shown here is systemd starting istmd.service (test-packaging-deb runs
# systemd-analyze verify on the unit).  Skips (77) as build_debs does, and
# without root, unshare or overlayfs.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/packaging-functions.sh"
requires_root
requires command -v unshare
requires command -v apt-get
requires command -v ip
requires command -v tgtd
requires command -v iscsi-ls
requires grep -qw overlay /proc/filesystems
requires unshare --mount --net --pid --fork true

build_debs
pkgs="libvhd0 libvhd-dev vhdfs tgt-vhd istmd"
debs=""
for p in $pkgs; do
    deb=$(ls "$DEBS"/${p}_*.deb 2>/dev/null) || fail "no package $p in $DEBS"
    debs="$debs $deb"
done
for p in $pkgs; do
    if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$'; then
        echo "$0: skipped: $p is installed on this machine"
        exit 77
    fi
done

mkdir -p "$tmp/root" "$tmp/demo"
machine_before=$(ls -d /etc/istmd /usr/sbin/istmd /usr/bin/vhdtool /var/lib/istmd 2>/dev/null || true)
cat > "$tmp/inside.sh" <<'INSIDE'
# Runs as PID 1 of the throwaway root; $1 scratch dir, $2 source tree, then the .debs.
set -eu
tmp=$1 top_srcdir=$2
shift 2
fail() { echo "FAIL: $*" >&2; exit 1; }
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
step() { echo "== $*"; }

# The namespace starts with a copy of every mount, including other tests'
# FUSE and loop mounts; a copy would keep them busy after they unmount.
awk '$3 ~ /^fuse/ || $1 ~ /^\/dev\/loop/ { print $2 }' /proc/self/mounts |
    sort -r | while read -r m; do umount -l "$(printf '%b' "$m")" 2>/dev/null || true; done
mount -t tmpfs -o mode=700 tmpfs "$tmp/root"
for d in usr etc var; do
    mkdir -p "$tmp/root/upper/$d" "$tmp/root/work/$d"
    mount -t overlay overlay \
        -o "lowerdir=/$d,upperdir=$tmp/root/upper/$d,workdir=$tmp/root/work/$d" "/$d"
done
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/lock
ip link set lo up
# As on a build chroot: maintainer scripts may not start services.  (No
# network here: apt can install only what the machine already has.)
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d

step "apt-get install$(printf ' ./%s' "${@##*/}")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "apt-get install"; }
for p in libvhd0 libvhd-dev vhdfs tgt-vhd istmd; do
    dpkg-query -W -f='${Status}\n' "$p" | grep -qx 'install ok installed' || fail "$p is not installed"
    dpkg -L "$p" | while read -r f; do [ -d "$f" ] || echo "$f"; done >> "$tmp/files"
done
getent passwd _istmd > /dev/null || fail "the istmd package did not create the user _istmd"
[ -d /var/lib/istmd/disks ] || fail "no /var/lib/istmd/disks (tmpfiles.d)"
[ -f /etc/istmd/istmd.conf ] || fail "no /etc/istmd/istmd.conf"
[ -f /usr/lib/tgt/backing-store/bs_vhd.so ] || fail "bs_vhd.so is not in tgt's module directory"
vhdtool --version | grep -q '^vhdtool ' || fail "vhdtool --version"
istmctl --version > /dev/null || fail "istmctl --version"
/usr/sbin/mount.vhdfs --help > /dev/null || fail "mount.vhdfs --help"

step "DEMO_INSTALLED=1 contrib/demo.sh"
DEMO_INSTALLED=1 DEMO_DIR="$tmp/demo" sh "$top_srcdir/contrib/demo.sh" > "$tmp/demo.log" 2>&1 ||
    { cat "$tmp/demo.log"; fail "the demo fails on the installed packages"; }
cat "$tmp/demo.log"
grep -q '^hello.txt read back from the chain: hello from a VHD chain' "$tmp/demo.log" ||
    fail "vhdtool convert did not give the file back"
grep -q '^hello.txt through vhdfs: hello from a VHD chain' "$tmp/demo.log" ||
    fail "the vhdfs step did not run"
grep -q 'iqn.2026-11.org.vhdtarget:demo' "$tmp/demo.log" || fail "the tgt step did not run"
grep -q '^== istmctl targets show demo' "$tmp/demo.log" || fail "the istmd step did not run"
sed -n '/^== istmctl targets show demo/,/^== /p' "$tmp/demo.log" | grep -q 'child.vhd' ||
    fail "istmctl does not show the demo's disk"
grep -q "$top_srcdir/\(vhdfs\|istmd\|tgt-backend\)" "$tmp/demo.log" &&
    fail "the demo used a program of the build tree"

step "stop the demo's tgtd, dpkg --purge"
tgtadm --lld iscsi --mode target --op delete --force --tid 1 > /dev/null 2>&1 || true
tgtadm --mode system --op delete > /dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive dpkg --purge istmd tgt-vhd vhdfs libvhd-dev libvhd0 \
    > "$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; fail "dpkg --purge"; }
for p in libvhd0 libvhd-dev vhdfs tgt-vhd istmd; do
    if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv '^unknown ok not-installed$\|^purge ok not-installed$'; then
        fail "$p is still known to dpkg after the purge: $(dpkg-query -W -f='${Status}' "$p")"
    fi
done
left=$(while read -r f; do if [ -e "$f" ] || [ -L "$f" ]; then echo "$f"; fi; done < "$tmp/files")
[ -z "$left" ] || fail "files left after the purge: $left"
for d in /etc/istmd /var/lib/istmd /usr/share/vhdtarget; do
    [ ! -e "$d" ] || fail "$d is left after the purge: $(find "$d" | head)"
done
echo "installed, demo run, purged"
INSIDE

# shellcheck disable=SC2086  # $debs is a list of paths without spaces
unshare --mount --net --pid --fork --mount-proc --propagation private \
    bash "$tmp/inside.sh" "$tmp" "$top_srcdir" $debs || fail "inside the throwaway root"

# Nothing of it is left on the machine.
for p in $pkgs; do
    if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$'; then
        fail "$p is installed on the machine"
    fi
done
[ "$(ls -d /etc/istmd /usr/sbin/istmd /usr/bin/vhdtool /var/lib/istmd 2>/dev/null || true)" = "$machine_before" ] ||
    fail "the machine's own /etc, /usr or /var changed"
echo "ok: installed, demo run and purged in a throwaway root; the machine is unchanged"
