#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# relink: a chain copied to another folder with its parent renamed no longer
# opens; relink points the child at the new parent and it reads the same
# again; a relink to a disk with another unique id is refused and changes
# nothing.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
mkdir -p old new
"$VHDTOOL" create --type dynamic --size 8M old/base.vhd
random_file a 300000; poke old/base.vhd 12345 a
"$VHDTOOL" create --type diff --parent old/base.vhd old/child.vhd
random_file b 70000;  poke old/child.vhd 200000 b
"$VHDTOOL" convert old/child.vhd before.raw

# Hyper-V import style: copy the chain elsewhere, parent under a new name,
# and take the old location away.
cp old/child.vhd new/child.vhd
cp old/base.vhd new/renamed-base.vhd
rm -rf old
expect_error_line new/child.vhd "$VHDTOOL" info new/child.vhd
expect_error_line new/child.vhd "$VHDTOOL" convert new/child.vhd x.raw
[ ! -e x.raw ] || fail "a failed convert left its output"

# A disk with the same size but another unique id is not the parent.
"$VHDTOOL" create --type dynamic --size 8M new/impostor.vhd
child_sum=$(sha new/child.vhd); impostor_sum=$(sha new/impostor.vhd)
expect_error_line new/child.vhd "$VHDTOOL" relink new/child.vhd new/impostor.vhd
[ "$(sha new/child.vhd)" = "$child_sum" ] || fail "a refused relink changed the child"
[ "$(sha new/impostor.vhd)" = "$impostor_sum" ] || fail "a refused relink changed the impostor"
# Nor is a missing file, nor the child itself.
expect_error_line new/child.vhd "$VHDTOOL" relink new/child.vhd new/nothing.vhd
expect_error_line new/child.vhd "$VHDTOOL" relink new/child.vhd new/child.vhd
[ "$(sha new/child.vhd)" = "$child_sum" ] || fail "a refused relink changed the child"

"$VHDTOOL" relink new/child.vhd new/renamed-base.vhd
"$VHDTOOL" info --json new/child.vhd > j
[ "$(jq -r '.chain | length' j)" = 2 ] || fail "chain depth after relink"
[ "$(jq -r '.chain[1].filename' j)" -ef new/renamed-base.vhd ] || fail "parent path after relink"
jq -r '.chain[0]."parent-name"' j | grep -q 'renamed-base.vhd$' || fail "parent name not rewritten"
"$VHDTOOL" convert new/child.vhd after.raw
cmp before.raw after.raw || fail "the relinked chain reads differently"
"$VHDTOOL" check -q new/child.vhd || fail "check after relink"

# The folder can move again: the relative locator still finds the parent.
mv new moved
"$VHDTOOL" convert moved/child.vhd moved.raw
cmp before.raw moved.raw || fail "relative locator not written"
echo OK
