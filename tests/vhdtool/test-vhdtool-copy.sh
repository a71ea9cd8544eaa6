#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# copy of a whole chain into another folder (Hyper-V's export/import with
# relocated VHD paths): every layer lands in the folder under its name,
# each copied child points at its copied parent (the copy still opens, and
# reads the same, with the source folder gone), the copy is sparse, the
# source is byte for byte untouched; an existing target name and a missing
# folder are refused, leaving nothing behind.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires jq --version

cd "$tmp"
MiB=1048576
mkdir -p src/base-dir dest
"$VHDTOOL" create --type dynamic --size 64M src/base-dir/base.vhd
random_file a $((3 * MiB)); poke src/base-dir/base.vhd $((MiB)) a
"$VHDTOOL" create --type diff --parent src/base-dir/base.vhd src/mid.vhd
random_file b 70000; poke src/mid.vhd $((2 * MiB + 512)) b
"$VHDTOOL" create --type diff --parent src/mid.vhd src/top.vhd
random_file c $((MiB)); poke src/top.vhd $((40 * MiB)) c
"$VHDTOOL" convert -q src/top.vhd before.raw
sums=$(sha256sum src/top.vhd src/mid.vhd src/base-dir/base.vhd)

"$VHDTOOL" copy -q src/top.vhd dest || fail "copy failed"
[ "$(ls dest | sort | tr '\n' ' ')" = "base.vhd mid.vhd top.vhd " ] || fail "dest holds: $(ls -a dest)"
[ "$(sha256sum src/top.vhd src/mid.vhd src/base-dir/base.vhd)" = "$sums" ] || fail "the source changed"
for i in 0 1 2; do
    f=$(json dest/top.vhd ".chain[$i].filename")
    [ "$(dirname "$(realpath "$f")")" = "$(realpath dest)" ] || fail "layer $i of the copy is $f"
done
[ "$(json dest/top.vhd '.chain[1].uuid')" = "$(json src/mid.vhd .uuid)" ] || fail "unique ids not kept"
"$VHDTOOL" check -q dest/top.vhd || fail "copy not clean"
# sparse: the 64 MiB base copy takes about its data, not its size
[ "$(du -k dest/base.vhd | cut -f1)" -lt 8192 ] || fail "base copy is not sparse: $(du -k dest/base.vhd)"
# independent of the source folder
mv src src-gone
"$VHDTOOL" compare -q -F raw dest/top.vhd before.raw || fail "the copy reads differently"
mv src-gone src

# refusals leave nothing behind
mkdir -p dest2; touch dest2/mid.vhd
expect_error_line src/top.vhd "$VHDTOOL" copy src/top.vhd dest2
[ "$(ls -a dest2 | wc -l)" = 3 ] || fail "refused copy left files: $(ls -a dest2)"
expect_error_line src/top.vhd "$VHDTOOL" copy src/top.vhd no-such-dir
rc=0; "$VHDTOOL" copy src/top.vhd 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "no DIR: exit $rc"
echo OK
