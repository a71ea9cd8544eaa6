#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# rebase keeps the data: a child moved onto a parent with different data
# reads as before (qemu-img compare of the raw data before and after), now
# links to the new parent (its unique id), is clean, and the old parent is
# untouched; onto a parent with the same data nothing is copied; -u only
# rewrites the link (the data then is the new parent's) and works with the
# old parent gone; a loop, a size mismatch and a non-differencing disk are
# refused, changing nothing.  qemu-img cannot open differencing vpc images,
# so the data is exported with vhdtool convert and compared with qemu-img.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
requires jq --version

cd "$tmp"
MiB=1048576
"$VHDTOOL" create --type dynamic --size 16M old.vhd
random_file a $((3 * MiB)); poke old.vhd $((1 * MiB)) a
"$VHDTOOL" create --type diff --parent old.vhd child.vhd
random_file p 5000; poke child.vhd $((2 * MiB + 1000)) p
random_file p2 $((MiB)); poke child.vhd $((10 * MiB)) p2
"$VHDTOOL" create --type dynamic --size 16M new.vhd
random_file b $((2 * MiB)); poke new.vhd $((3 * MiB)) b
poke new.vhd $((12 * MiB)) b

"$VHDTOOL" convert -q child.vhd before.raw
old_sum=$(sha old.vhd)
"$VHDTOOL" rebase -q child.vhd new.vhd || fail "rebase failed"
"$VHDTOOL" convert -q child.vhd after.raw
qemu-img compare -q -f raw -F raw before.raw after.raw || fail "the data changed"
[ "$(json child.vhd '."parent-uuid"')" = "$(json new.vhd .uuid)" ] || fail "not linked to new.vhd"
[ "$(realpath "$(json child.vhd '.chain[1].filename')")" = "$(realpath new.vhd)" ] || fail "chain: $(json child.vhd '.chain[1].filename')"
"$VHDTOOL" check -q child.vhd || fail "child not clean after rebase"
[ "$(sha old.vhd)" = "$old_sum" ] || fail "old parent changed"
# the old parent is not needed any more
mv old.vhd old-moved.vhd
"$VHDTOOL" compare -q -f vhd -F raw child.vhd before.raw || fail "child needs its old parent"
mv old-moved.vhd old.vhd

# onto the same data under another id: nothing is copied
"$VHDTOOL" convert -q --to vhd --from vhd new.vhd same.vhd
blocks=$(json child.vhd '."allocated-blocks"')
"$VHDTOOL" rebase -q -b same.vhd child.vhd || fail "rebase onto a copy failed"
[ "$(json child.vhd '."allocated-blocks"')" = "$blocks" ] || fail "rebase onto equal data copied blocks"
"$VHDTOOL" compare -q -F raw child.vhd before.raw || fail "data changed (onto a copy)"

# -u: the link only; works with the old parent gone
# (other.vhd differs from every earlier parent at 14 MiB, where the child
# holds nothing)
"$VHDTOOL" create --type dynamic --size 16M other.vhd
random_file c $((MiB)); poke other.vhd $((14 * MiB)) c
mv same.vhd same-gone.vhd
"$VHDTOOL" rebase -q -u child.vhd other.vhd || fail "rebase -u failed"
[ "$(json child.vhd '."parent-uuid"')" = "$(json other.vhd .uuid)" ] || fail "-u did not link to other.vhd"
"$VHDTOOL" compare -F raw child.vhd before.raw > out && fail "-u copied data (it must not)"
grep -q "offset $((14 * MiB))!" out || fail "-u: $(cat out)"
"$VHDTOOL" check -q child.vhd || fail "child not clean after rebase -u"

# refusals change nothing
"$VHDTOOL" create --type diff --parent child.vhd grandchild.vhd
sum=$(sha child.vhd)
expect_error_line child.vhd "$VHDTOOL" rebase child.vhd grandchild.vhd
grep -q "contains the disk itself" "$tmp/err" || fail "loop message: $(cat "$tmp/err")"
"$VHDTOOL" create --type dynamic --size 8M small.vhd
expect_error_line child.vhd "$VHDTOOL" rebase child.vhd small.vhd
expect_error_line new.vhd "$VHDTOOL" rebase new.vhd old.vhd
[ "$(sha child.vhd)" = "$sum" ] || fail "a refused rebase changed the child"
rc=0; "$VHDTOOL" rebase child.vhd 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "no parent: exit $rc"
echo OK
