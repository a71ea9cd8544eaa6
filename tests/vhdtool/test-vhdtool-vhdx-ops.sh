#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# relink and commit of a differencing VHDX: after the parent moves, the
# child refuses to open, relink points it at the new place (its data and
# DataWriteGuid unchanged, the new relative path recorded), commit merges
# the child into the parent, which then reads like the child did and is
# clean for qemu-img.  A relinked child of the wrong parent is refused.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires command -v qemu-img

random_file "$tmp/base.raw" $((16 << 20))
random_file "$tmp/a" 3000
random_file "$tmp/b" $((3 << 20))
"$VHDTOOL" convert -q --to vhdx --block-size 1M "$tmp/base.raw" "$tmp/p.vhdx"
"$VHDTOOL" create -q --parent "$tmp/p.vhdx" "$tmp/c.vhdx"
cp "$tmp/base.raw" "$tmp/model"
poke "$tmp/c.vhdx" 12345 "$tmp/a" > /dev/null
dd if="$tmp/a" of="$tmp/model" bs=1 seek=12345 conv=notrunc status=none
poke "$tmp/c.vhdx" $((5 << 20)) "$tmp/b" > /dev/null
dd if="$tmp/b" of="$tmp/model" bs=1 seek=$((5 << 20)) conv=notrunc status=none
guid=$(json "$tmp/c.vhdx" '."data-write-guid"')

mkdir "$tmp/moved"
mv "$tmp/p.vhdx" "$tmp/moved/p.vhdx"
expect_error_line "$tmp/c.vhdx" "$VHDTOOL" info "$tmp/c.vhdx"
"$VHDTOOL" create -q --size 16M "$tmp/other.vhdx"
expect_error_line "$tmp/c.vhdx" "$VHDTOOL" relink "$tmp/c.vhdx" "$tmp/other.vhdx"
"$VHDTOOL" relink "$tmp/c.vhdx" "$tmp/moved/p.vhdx" || fail "relink"
[ "$(json "$tmp/c.vhdx" '.chain[0]."parent-locator".relative_path')" = '.\moved\p.vhdx' ] ||
    fail "relative path not rewritten"
[ "$(json "$tmp/c.vhdx" '."data-write-guid"')" = "$guid" ] || fail "relink changed the DataWriteGuid"
"$VHDTOOL" check "$tmp/c.vhdx" > /dev/null || fail "check after relink"
"$VHDTOOL" convert -q "$tmp/c.vhdx" "$tmp/c.raw"
cmp "$tmp/c.raw" "$tmp/model" || fail "child reads differently after relink"

"$VHDTOOL" commit "$tmp/c.vhdx" > /dev/null || fail "commit"
"$VHDTOOL" convert -q "$tmp/moved/p.vhdx" "$tmp/p.raw"
cmp "$tmp/p.raw" "$tmp/model" || fail "parent after commit differs from the child"
qemu-img check -q -f vhdx "$tmp/moved/p.vhdx" || fail "qemu-img check after commit"
qemu-img convert -f vhdx -O raw "$tmp/moved/p.vhdx" "$tmp/q.raw"
cmp "$tmp/q.raw" "$tmp/model" || fail "qemu-img reads the committed parent differently"
echo OK
