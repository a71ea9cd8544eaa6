#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# contrib/demo.sh: the README's run command.  Builds a demo chain in
# ${DEMO_DIR:-/var/tmp/vhdtarget-demo} and shows it with vhdtool:
#   base.vhd   a 64 MiB dynamic VHD holding an ext4 file system with a file
#              in it (made from a raw image by `vhdtool convert --to vhd`,
#              so only the blocks the file system uses are allocated);
#   child.vhd  a differencing disk on top of it (a snapshot: new writes go
#              there, base.vhd stays as it was).
# It then checks the chain, maps where each extent lives, and reads the
# file back out of the flattened chain to show the data round-trips.
# DEMO_INSTALLED=1 runs it on the installed programs (the Debian packages
# or make install with --prefix=/usr) instead of this build's.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${DEMO_INSTALLED:-0}" = 1 ]; then
    : "${VHDTOOL:=/usr/bin/vhdtool}" "${VHDFS:=/usr/bin/vhdfs}" "${ISTMD:=/usr/sbin/istmd}"
    : "${ISTMCTL:=/usr/bin/istmctl}" "${BS_VHD_SO:=/usr/lib/tgt/backing-store/bs_vhd.so}"
fi
vhdtool="${VHDTOOL:-$top/vhdfs/vhdtool}"
dir="${DEMO_DIR:-/var/tmp/vhdtarget-demo}"

if [ ! -x "$vhdtool" ]; then
    echo "demo: '$vhdtool' is not built; run contrib/setup.sh first" >&2
    exit 1
fi
mkdir -p "$dir"
rm -f "$dir/base.raw" "$dir/base.vhd" "$dir/child.vhd" "$dir/flat.raw"

if [ -t 1 ]; then bold='\033[1m' plain='\033[0m'; else bold='' plain=''; fi
step() { printf "\n${bold}== %s${plain}\n" "$*"; }

# Some data for the base: a small file system when mkfs.ext4 is there
# (e2fsprogs, installed by setup.sh), random bytes otherwise.
step "a 64 MiB raw image with data"
truncate -s 64M "$dir/base.raw"
if command -v mkfs.ext4 >/dev/null 2>&1; then
    mkdir -p "$dir/files"
    echo "hello from a VHD chain made by vhdtarget on $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$dir/files/hello.txt"
    mkfs.ext4 -q -F -L vhddemo -d "$dir/files" "$dir/base.raw"
    rm -rf "$dir/files"
    echo "ext4 file system with /hello.txt"
else
    head -c 3145728 /dev/urandom | dd of="$dir/base.raw" bs=1M seek=5 conv=notrunc status=none
    echo "3 MiB of random data at 5 MiB"
fi

step "vhdtool convert --to vhd --type dynamic base.raw base.vhd"
"$vhdtool" convert --to vhd --type dynamic "$dir/base.raw" "$dir/base.vhd"
rm -f "$dir/base.raw"

step "vhdtool create --type diff --parent base.vhd child.vhd"
"$vhdtool" create --type diff --parent "$dir/base.vhd" "$dir/child.vhd"

step "vhdtool info child.vhd"
"$vhdtool" info "$dir/child.vhd"

step "vhdtool check child.vhd"
"$vhdtool" check "$dir/child.vhd"

step "vhdtool map child.vhd (which layer holds what)"
"$vhdtool" map "$dir/child.vhd"

step "vhdtool convert child.vhd flat.raw (the whole chain, sparse)"
"$vhdtool" convert "$dir/child.vhd" "$dir/flat.raw"
if command -v debugfs >/dev/null 2>&1 && [ -n "$(command -v mkfs.ext4)" ]; then
    printf 'hello.txt read back from the chain: '
    debugfs -R 'cat /hello.txt' "$dir/flat.raw" 2>/dev/null
fi
rm -f "$dir/flat.raw"

echo "The chain is in $dir: base.vhd <- child.vhd.  Try:"
echo "  $vhdtool info --json $dir/child.vhd"

# DEMO_VHDTOOL_ONLY=1 stops here: tests/vhdtool/test-vhdtool-demo.sh runs
# the demo inside make check, where the serving steps below (a FUSE mount,
# a tgtd on port 3260) would collide with the parts' own tests.
if [ "${DEMO_VHDTOOL_ONLY:-0}" = 1 ]; then
    exit 0
fi

# ---- vhdfs step (owned by the vhdfs part) --------------------------------
# Mount the chain with vhdfs: child.vhd (and, through it, base.vhd) becomes
# one flat file; show it, mount the ext4 inside it, and unmount everything.
vhdfs="${VHDFS:-$top/vhdfs/vhdfs}"
if [ -x "$vhdfs" ] && [ -c /dev/fuse ]; then
    mnt="$dir/mnt" inner="$dir/inner"
    mkdir -p "$mnt" "$inner"
    step "vhdfs -o ro child.vhd $mnt (the whole chain as one flat file)"
    "$vhdfs" -o ro "$dir/child.vhd" "$mnt"
    ls -l "$mnt"
    step "the flat image: blkid, first bytes of the ext4 superblock"
    blkid "$mnt/child" 2>/dev/null || true
    hexdump -C -s 1024 -n 128 "$mnt/child"
    if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null 2>&1; then
        step "mount -o loop,ro $mnt/child $inner"
        mount -o loop,ro "$mnt/child" "$inner"
        ls -l "$inner"
        printf 'hello.txt through vhdfs: '
        cat "$inner/hello.txt"
        umount "$inner"
    fi
    step "fusermount3 -u $mnt"
    fusermount3 -u "$mnt"
    rmdir "$inner" 2>/dev/null || true
fi
# ---- end of vhdfs step ---------------------------------------------------

# ---- tgt step (owned by the bs_vhd part) ---------------------------------
# Serve child.vhd as an iSCSI LUN through bs_vhd on 127.0.0.1:3260.  When no
# tgtd runs, start one that loads this build's bs_vhd.so: tgtd only loads
# modules from /usr/lib/tgt/backing-store, so it runs in a private mount
# namespace where this build's module is bind-mounted there (nothing is
# installed).  A tgtd that already runs is used if it lists backing store
# "vhd" (bs_vhd installed with `make install` before it started).
bs_vhd_so="${BS_VHD_SO:-$top/tgt-backend/.libs/bs_vhd.so}"
if [ "$(id -u)" = 0 ] && [ -f "$bs_vhd_so" ] && command -v tgtd >/dev/null 2>&1 &&
   command -v iscsi-ls >/dev/null 2>&1; then
    iqn=iqn.2026-11.org.vhdtarget:demo
    step "tgt: serve child.vhd as an iSCSI LUN on 127.0.0.1:3260 (bstype vhd)"
    if ! tgtadm --mode system --op show >/dev/null 2>&1; then
        if [ "$bs_vhd_so" -ef /usr/lib/tgt/backing-store/bs_vhd.so ]; then
            # installed (DEMO_INSTALLED=1): tgtd finds it by itself
            tgtd --iscsi portal=127.0.0.1:3260
        else
            mkdir -p /usr/lib/tgt/backing-store "$dir/tgt-modules"
            cp "$bs_vhd_so" "$dir/tgt-modules/bs_vhd.so"
            unshare -m --propagation private sh -c \
                'mount --bind "$0" /usr/lib/tgt/backing-store && exec tgtd --iscsi portal=127.0.0.1:3260' \
                "$dir/tgt-modules"
        fi
        for i in $(seq 50); do
            tgtadm --mode system --op show >/dev/null 2>&1 && break
            sleep 0.1
        done
        echo "started tgtd (portal 127.0.0.1:3260); to stop it, delete its targets"
        echo "(tgtadm --lld iscsi --mode target --op delete --force --tid N), then"
        echo "tgtadm --mode system --op delete"
    fi
    if tgtadm --mode system --op show 2>/dev/null | grep -qx '    vhd'; then
        old=$(tgtadm --lld iscsi --mode target --op show | sed -n "s/^Target \([0-9]*\): $iqn\$/\1/p")
        [ -z "$old" ] || tgtadm --lld iscsi --mode target --op delete --force --tid "$old"
        last=$(tgtadm --lld iscsi --mode target --op show | sed -n 's/^Target \([0-9]*\):.*/\1/p' | sort -n | tail -n 1)
        tid=$(( ${last:-0} + 1 ))
        tgtadm --lld iscsi --mode target --op new --tid "$tid" -T "$iqn"
        tgtadm --lld iscsi --mode logicalunit --op new --tid "$tid" --lun 1 \
            --bstype vhd --backing-store "$dir/child.vhd"
        tgtadm --lld iscsi --mode target --op bind --tid "$tid" -I ALL
        echo "\$ iscsi-ls -s iscsi://127.0.0.1:3260"
        iscsi-ls -s iscsi://127.0.0.1:3260
        echo "The chain is LUN 1 of $iqn:"
        echo "  iscsi-ls -s iscsi://127.0.0.1:3260"
        echo "  iscsi-inq iscsi://127.0.0.1:3260/$iqn/1"
    else
        echo "the running tgtd has no backing store vhd: install bs_vhd (the tgt-vhd package, or make install) and restart tgtd (systemctl restart tgt)"
    fi
fi
# ---- end of tgt step -----------------------------------------------------

# ---- istmd step (owned by the istmctl part) -------------------------------
# Manage the demo's tgtd over ISTM: istmd on 127.0.0.1 (port
# ${DEMO_ISTM_PORT:-135}) with the demo user demo / demo-password and the
# drive C: = $dir.  At start istmd adopts the target the tgt step made by
# hand (child.vhd, and base.vhd as its read-only parent), and one istmctl
# call lists the target and its disk.  istmd is stopped and its state
# removed when the demo ends (DEMO_KEEP=1 keeps it running); the target
# stays in tgtd as the tgt step left it.
istmd="${ISTMD:-$top/istmd/istmd}"
istm_port="${DEMO_ISTM_PORT:-135}"
if [ "$(id -u)" = 0 ] && [ -x "$istmd" ] && [ -x /usr/bin/python3 ] &&
   tgtadm --mode system --op show 2>/dev/null | grep -qx '    vhd' &&
   /usr/bin/python3 -c 'import impacket.dcerpc.v5.dcomrt' 2>/dev/null; then
    step "istmd: ISTM management on 127.0.0.1:$istm_port, user demo, C: = $dir"
    rm -rf "$dir/istmd-state"
    mkdir -p "$dir/istmd-state"
    printf 'demo-password\n' > "$dir/istm-password"
    chmod 600 "$dir/istm-password"
    printf 'demo:%s\n' "$("$istmd" --nt-hash < "$dir/istm-password")" > "$dir/istmd-users"
    "$istmd" -f --listen "127.0.0.1:$istm_port" --exporter-port 0 --state-dir "$dir/istmd-state" \
        --users "$dir/istmd-users" --storage-root "C:=$dir" --vhdfs "$vhdfs" \
        > "$dir/istmd.log" 2>&1 &
    istmd_pid=$!
    istm_cleanup()
    {
        kill "$istmd_pid" 2>/dev/null && wait "$istmd_pid" 2>/dev/null
        rm -rf "$dir/istmd-state" "$dir/istmd-users" "$dir/istm-password"
    }
    if [ "${DEMO_KEEP:-0}" != 1 ]; then trap istm_cleanup EXIT; fi
    istmctl()
    {
        /usr/bin/python3 "${ISTMCTL:-$top/contrib/istmctl}" --host 127.0.0.1 --port "$istm_port" \
            --user demo --password-file "$dir/istm-password" "$@"
    }
    for i in $(seq 100); do
        grep -q 'serving on port' "$dir/istmd.log" && break
        kill -0 "$istmd_pid" 2>/dev/null || { cat "$dir/istmd.log"; exit 1; }
        sleep 0.1
    done
    grep 'adopted' "$dir/istmd.log" | sed 's/^.*adopted/adopted/' || true
    echo "(istmctl stands for: contrib/istmctl --host 127.0.0.1 --port $istm_port"
    echo " --user demo --password-file $dir/istm-password)"
    step "istmctl targets show demo (the demo target and its disk, over ISTM)"
    istmctl targets show demo
    step "istmctl disks list"
    istmctl disks list
    if [ "${DEMO_KEEP:-0}" = 1 ]; then
        echo "istmd keeps running (pid $istmd_pid, log $dir/istmd.log); stop it with kill $istmd_pid"
    else
        step "stopping istmd"
    fi
fi
# ---- end of istmd step ----------------------------------------------------
