# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/packaging/packaging-functions.sh: what the packaging tests share
# (source after ../functions.sh): the skips, and build_debs, which builds
# the Debian packages of this checkout's HEAD once and keeps them in the
# build tree, so the lintian test and the install test (make -j2 check runs
# them side by side) pay for one dpkg-buildpackage, not two.
#
# The packages come from a fresh clone of HEAD (committed work only) built
# with dpkg-buildpackage -b (nocheck, -j2).  tgt's headers come from this
# build tree's tgt source (the clone is told TGT_SOURCE), so nothing is
# fetched.  Skips (77) outside a git checkout (a release tarball) or
# without dpkg-dev and debhelper.

requires command -v dpkg-buildpackage
requires command -v dh
requires command -v git
# the source tree itself must be a git checkout (a release tarball unpacked
# inside another checkout, as make distcheck does, is not)
[ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$top_srcdir" && pwd -P)" ] ||
    { echo "$0: skipped: $top_srcdir is not a git checkout"; exit 77; }
[ -f "$top_srcdir/debian/control" ] || fail "no debian/control in $top_srcdir"

TGT_SOURCE_TREE=$(sed -n 's/^TGT_SOURCE = //p' "$top_builddir/tgt-backend/Makefile")
TGT_SOURCE_TREE=${TGT_SOURCE_TREE//'$(abs_top_builddir)'/$top_builddir}
[ -f "$TGT_SOURCE_TREE/usr/tgtd.h" ] ||
    { echo "$0: skipped: no tgt source tree in this build ($TGT_SOURCE_TREE)"; exit 77; }

# build_debs: set DEBS to a directory holding the packages (and the
# .changes file) of HEAD, building them unless an earlier test did.  The
# directory is named after HEAD's commit; make clean removes them all.
build_debs()
{
    local head fd
    head=$(git -C "$top_srcdir" rev-parse HEAD)
    DEBS="$top_builddir/tests/packaging/debs/$head"
    mkdir -p "$top_builddir/tests/packaging/debs"
    exec {fd}>"$top_builddir/tests/packaging/debs/.lock"
    flock "$fd"
    if [ ! -f "$DEBS/built" ]; then
        rm -rf "$DEBS" "$DEBS.tmp"
        mkdir -p "$DEBS.tmp"
        git clone -q "$top_srcdir" "$DEBS.tmp/src"
        git -C "$DEBS.tmp/src" checkout -q "$head"
        if ! (cd "$DEBS.tmp/src" &&
              DEB_BUILD_OPTIONS="nocheck parallel=2" TGT_SOURCE="$TGT_SOURCE_TREE" \
              dpkg-buildpackage -b -us -uc) > "$DEBS.tmp/build.log" 2>&1; then
            tail -n 60 "$DEBS.tmp/build.log"
            flock -u "$fd"
            fail "dpkg-buildpackage failed (log: $DEBS.tmp/build.log)"
        fi
        rm -rf "$DEBS.tmp/src"
        touch "$DEBS.tmp/built"
        mv "$DEBS.tmp" "$DEBS"
    fi
    flock -u "$fd"
    exec {fd}>&-
}
