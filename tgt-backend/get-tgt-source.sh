#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tgt-backend/get-tgt-source.sh: fetch (or check) the tgt source tree whose
# headers bs_vhd is compiled against.
#
# tgt installs no headers, and bs_vhd reads tgt's private structs, so the
# headers must be those of exactly the tgtd that will load the module.  This
# script takes them from Debian's own source package of the installed
# version (apt-get source tgt=VERSION), so nothing of tgt is ever committed
# here.  It uses a private apt state under the destination (its own
# deb-src list, package lists and cache, derived from the machine's deb
# lines): nothing under /etc/apt changes and it needs no root.  The trade-off
# is one download of the Sources indexes per fresh build tree.
#
# Usage:
#   get-tgt-source.sh fetch DESTDIR   unpack tgt-<upstream> into DESTDIR
#                                     (skipped when already there and matching)
#   get-tgt-source.sh check TREE      verify TREE matches the installed tgtd
# Exit 0 on success; on failure one line naming the problem, exit 1.
set -eu

die()
{
    echo "get-tgt-source: $*" >&2
    exit 1
}

PATH="$PATH:/usr/sbin:/sbin"

deb_version=$(dpkg-query -W -f='${Version}' tgt 2>/dev/null) ||
    die "package tgt is not installed (apt-get install tgt, or configure --with-tgt-source=DIR)"
upstream=${deb_version#*:}
upstream=${upstream%-*}
running=$(tgtd --version 2>/dev/null | head -n 1) || running=""
[ "$running" = "$upstream" ] ||
    die "installed tgtd reports version '${running}' but package tgt is $deb_version"

# tree_version TREE: the upstream version a tgt tree declares.
tree_version()
{
    sed -n 's/^VERSION ?= *//p' "$1/Makefile" 2>/dev/null
}

check_tree()
{
    tree=$1
    [ -f "$tree/usr/tgtd.h" ] && [ -f "$tree/usr/bs_thread.h" ] ||
        die "'$tree' is not a tgt source tree (no usr/tgtd.h)"
    v=$(tree_version "$tree")
    [ "$v" = "$upstream" ] ||
        die "tgt source '$tree' is version '${v:-unknown}' but the installed tgtd is $upstream: rebuild against matching headers"
    # A Debian tree also names its exact package version; a mismatch there
    # (e.g. a security update of tgt) means the structs may differ.
    if [ -f "$tree/debian/changelog" ]; then
        dv=$(sed -n '1s/^tgt (\([^)]*\)).*/\1/p' "$tree/debian/changelog")
        [ "$dv" = "$deb_version" ] ||
            die "tgt source '$tree' is Debian version '$dv' but package tgt is $deb_version"
    fi
}

case "${1:-}" in
check)
    [ $# -eq 2 ] || die "usage: get-tgt-source.sh check TREE"
    check_tree "$2"
    exit 0
    ;;
fetch)
    [ $# -eq 2 ] || die "usage: get-tgt-source.sh fetch DESTDIR"
    ;;
*)
    die "usage: get-tgt-source.sh fetch DESTDIR | check TREE"
    ;;
esac

dest=$2
tree="$dest/tgt-$upstream"
if [ -f "$tree/.vhdtarget-source" ] && [ "$(cat "$tree/.vhdtarget-source")" = "$deb_version" ]; then
    check_tree "$tree"
    exit 0
fi

command -v dpkg-source >/dev/null 2>&1 ||
    die "dpkg-source is missing (apt-get install dpkg-dev)"

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
apt="$dest/apt"
rm -rf "$apt" "$tree"
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/unpack"

# The private deb-src list: every deb line of the machine, as deb-src.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
done > "$apt/sources.list.d/tgt-src.list"
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$f"
    echo
done > "$apt/sources.list.d/tgt-src.sources"

aptget()
{
    apt-get -q \
        -o Dir::Etc::SourceList="$apt/none.list" \
        -o Dir::Etc::SourceParts="$apt/sources.list.d" \
        -o Dir::State::Lists="$apt/lists" \
        -o Dir::Cache="$apt/cache" \
        -o APT::Sandbox::User="$(id -un)" \
        "$@"
}

log="$apt/apt.log"
aptget update >"$log" 2>&1 ||
    die "apt-get update of the private deb-src list failed (see $log; offline? use configure --with-tgt-source=DIR)"
(cd "$apt/unpack" && aptget source "tgt=$deb_version") >>"$log" 2>&1 ||
    die "apt-get source tgt=$deb_version failed (see $log; use configure --with-tgt-source=DIR)"
mv "$apt/unpack/tgt-$upstream" "$tree" ||
    die "apt-get source did not unpack tgt-$upstream (see $log)"
echo "$deb_version" > "$tree/.vhdtarget-source"
check_tree "$tree"
# The downloaded indexes and archives are not needed any more.
rm -rf "$apt"
echo "get-tgt-source: tgt $deb_version source in $tree"
