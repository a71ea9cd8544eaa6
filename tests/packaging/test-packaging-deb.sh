#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-packaging-deb.sh: debian/ builds the packages the README names, as a
# Debian packager would: dpkg-buildpackage -b in a fresh clone of this
# checkout's HEAD (committed work only), lintian with no
# error, then every package unpacked (dpkg-deb -x) and each part checked
# where Debian's tools look for it: the library and its symlinks in the
# multiarch directory (a program compiles and links against the unpacked
# header, pkg-config file and library), the header in include/libvhd,
# bs_vhd.so in tgt's module directory with a Depends on exactly the tgt
# installed, istmd's unit, sysusers and tmpfiles entries and conffile, and
# no RUNPATH in any ELF file.
#
# The packages are built once per commit by build_debs (packaging-functions.sh).
# Skips (77) outside a git checkout (a release tarball) or without dpkg-dev,
# debhelper or lintian.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/packaging-functions.sh"
requires command -v lintian

tgt_version=$(dpkg-query -W -f='${Version}' tgt)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
build_debs

changes=$(ls "$DEBS"/*.changes)
lintian --no-tag-display-limit "$changes" > "$tmp/lintian.log" 2>&1 || true
if grep -q '^E: ' "$tmp/lintian.log"; then
    cat "$tmp/lintian.log"
    fail "lintian reports errors"
fi
echo "lintian: $(grep -c '^W: ' "$tmp/lintian.log") warnings, no errors"

mkdir -p "$tmp/x"
for p in libvhd0 libvhd-dev vhdfs tgt-vhd istmd; do
    deb=$(ls "$DEBS"/${p}_*.deb 2>/dev/null) || fail "no package $p"
    dpkg-deb -x "$deb" "$tmp/x/$p"
    dpkg-deb -e "$deb" "$tmp/x/$p/DEBIAN"
done
has() { [ -e "$tmp/x/$1/$2" ] || [ -L "$tmp/x/$1/$2" ] || { (cd "$tmp/x/$1" && find . | sort); fail "$1 lacks /$2"; }; }

# libvhd0 / libvhd-dev: a program builds against the unpacked files alone
has libvhd0 "usr/lib/$ma/libvhd.so.0"
has libvhd-dev usr/include/libvhd/vhd.h
has libvhd-dev "usr/lib/$ma/libvhd.so"
has libvhd-dev "usr/lib/$ma/pkgconfig/libvhd.pc"
PKG_CONFIG_PATH="$tmp/x/libvhd-dev/usr/lib/$ma/pkgconfig" pkg-config --cflags libvhd |
    grep -qx -- '-I/usr/include/libvhd *' || fail "libvhd.pc's Cflags"
cp -a "$tmp/x/libvhd0/usr/lib/$ma/." "$tmp/x/libvhd-dev/usr/lib/$ma/"
cat > "$tmp/use.c" <<'C'
#include <vhd.h>
#include <stdio.h>
int main(void) { puts(vhd_errmsg()); return 0; }
C
gcc -I"$tmp/x/libvhd-dev/usr/include/libvhd" "$tmp/use.c" -L"$tmp/x/libvhd-dev/usr/lib/$ma" -lvhd \
    -o "$tmp/use" || fail "a program does not build against libvhd-dev"
LD_LIBRARY_PATH="$tmp/x/libvhd0/usr/lib/$ma" "$tmp/use" > /dev/null || fail "the program does not run"
grep -q '^Package: libvhd0$' "$tmp/x/libvhd0/DEBIAN/control" || fail "libvhd0 control"
[ -s "$tmp/x/libvhd0/DEBIAN/shlibs" ] || fail "libvhd0 has no shlibs file"

# vhdfs: the programs and their pages (and mount.vhdfs where the tree has it)
for f in usr/bin/vhdfs usr/bin/vhdtool usr/share/man/man1/vhdfs.1.gz usr/share/man/man1/vhdtool.1.gz; do
    has vhdfs "$f"
done
if ls "$top_srcdir"/vhdfs/mount.vhdfs* > /dev/null 2>&1; then
    [ -n "$(find "$tmp/x/vhdfs" -name mount.vhdfs)" ] || fail "vhdfs lacks mount.vhdfs"
fi
grep -q '^Depends:.*libvhd0' "$tmp/x/vhdfs/DEBIAN/control" || fail "vhdfs does not depend on libvhd0"

# tgt-vhd: in tgt's module directory, tied to exactly this tgt
has tgt-vhd usr/lib/tgt/backing-store/bs_vhd.so
[ "$(find "$tmp/x/tgt-vhd/usr/lib/tgt/backing-store" -type f | wc -l)" = 1 ] ||
    fail "tgt-vhd puts more than the module in tgt's module directory (tgtd loads every file)"
grep -q "^Depends:.*tgt (= $tgt_version)" "$tmp/x/tgt-vhd/DEBIAN/control" ||
    { cat "$tmp/x/tgt-vhd/DEBIAN/control"; fail "tgt-vhd does not depend on tgt (= $tgt_version)"; }

# istmd: daemon, client and its modules, unit, user, directories, config
for f in usr/sbin/istmd usr/bin/istmctl usr/share/vhdtarget/python/istm/__init__.py \
        usr/share/man/man8/istmd.8.gz lib/systemd/system/istmd.service \
        usr/lib/sysusers.d/istmd.conf usr/lib/tmpfiles.d/istmd.conf etc/istmd/istmd.conf; do
    has istmd "$f"
done
unit="$tmp/x/istmd/lib/systemd/system/istmd.service"
grep -q '^ExecStart=/usr/sbin/istmd .*--config /etc/istmd/istmd.conf' "$unit" || fail "the unit's ExecStart"
grep -q '^ProtectSystem=strict' "$unit" || fail "the unit is not hardened"
grep -q '^u _istmd ' "$tmp/x/istmd/usr/lib/sysusers.d/istmd.conf" || fail "no _istmd user"
grep -q '^run-as _istmd' "$tmp/x/istmd/etc/istmd/istmd.conf" || fail "the config does not use _istmd"
grep -q '^tgt-conf /etc/tgt/conf.d/' "$tmp/x/istmd/etc/istmd/istmd.conf" || fail "the config keeps no tgt-admin file"
grep -qx /etc/istmd/istmd.conf "$tmp/x/istmd/DEBIAN/conffiles" || fail "istmd.conf is not a conffile"
grep -q 'systemd-sysusers' "$tmp/x/istmd/DEBIAN/postinst" || fail "postinst does not create the user"
grep -q 'istmd.service' "$tmp/x/istmd/DEBIAN/postinst" || fail "postinst does not enable the unit"
grep -q '^ISTM_PYDIR = "/usr/share/vhdtarget/python"' "$tmp/x/istmd/usr/bin/istmctl" ||
    fail "istmctl does not find its modules"
if command -v systemd-analyze > /dev/null; then
    # the unit as systemd reads it (with the unpacked daemon as ExecStart)
    sed "s|/usr/sbin/istmd|$tmp/x/istmd/usr/sbin/istmd|" "$unit" > "$tmp/istmd.service"
    systemd-analyze verify --man=no "$tmp/istmd.service" > "$tmp/verify" 2>&1 ||
        { cat "$tmp/verify"; fail "systemd-analyze verify"; }
fi

# the README's demo (its vhdtool part) on the packaged vhdtool and libvhd
LD_LIBRARY_PATH="$tmp/x/libvhd0/usr/lib/$ma" DEMO_VHDTOOL_ONLY=1 DEMO_DIR="$tmp/demo" \
    VHDTOOL="$tmp/x/vhdfs/usr/bin/vhdtool" sh "$top_srcdir/contrib/demo.sh" > "$tmp/demo.log" 2>&1 ||
    { cat "$tmp/demo.log"; fail "the demo fails on the packaged vhdtool"; }

# no RUNPATH anywhere (Debian's libraries are found through ld.so.conf)
find "$tmp/x" -type f -not -path '*/DEBIAN/*' | while read -r f; do
    if readelf -h "$f" > /dev/null 2>&1 && readelf -d "$f" 2>/dev/null | grep -q 'RPATH\|RUNPATH'; then
        fail "$f carries a RUNPATH"
    fi
done
