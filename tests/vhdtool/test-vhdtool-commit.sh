#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# commit: data written into a differencing disk over a dynamic base is
# merged into the base, which afterwards reads exactly as the chain did;
# the child is left unchanged, and qemu reads the merged base the same.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
MiB=1048576
"$VHDTOOL" create --type dynamic --size 24M base.vhd
random_file a $((3 * MiB));  poke base.vhd 0 a
random_file b 5000;          poke base.vhd $((10 * MiB + 100)) b
"$VHDTOOL" create --type diff --parent base.vhd child.vhd
# Child writes: overlapping base data, unaligned, in untouched blocks, and
# across a block boundary.
random_file c 777;           poke child.vhd 1000 c
random_file d $((MiB + 3));  poke child.vhd $((4 * MiB - 512)) d
random_file e 512;           poke child.vhd $((24 * MiB - 512)) e
random_file f 10;            poke child.vhd $((10 * MiB + 101)) f

"$VHDTOOL" convert child.vhd chain.raw
"$VHDTOOL" convert base.vhd base-before.raw
cmp -s chain.raw base-before.raw && fail "the child's writes are not visible in the chain"
child_sum=$(sha child.vhd)

"$VHDTOOL" commit child.vhd 2> err || { cat err; fail "commit"; }
[ ! -s err ] || { cat err; fail "commit printed something without a terminal"; }
[ "$(sha child.vhd)" = "$child_sum" ] || fail "commit changed the child"
"$VHDTOOL" convert base.vhd base-after.raw
cmp chain.raw base-after.raw || fail "the base does not read as the chain did"
"$VHDTOOL" check -q base.vhd || fail "check after commit"
"$VHDTOOL" convert child.vhd chain-after.raw
cmp chain.raw chain-after.raw || fail "the chain reads differently after commit"
if qemu-img --version >/dev/null 2>&1; then
    qemu-img convert -f vpc -O raw base.vhd base-qemu.raw
    cmp chain.raw base-qemu.raw || fail "qemu reads the committed base differently"
fi

# Commit of a disk that is not differencing: refused, unchanged.
before=$(sha base.vhd)
expect_error_line base.vhd "$VHDTOOL" commit base.vhd
[ "$(sha base.vhd)" = "$before" ] || fail "a refused commit changed base.vhd"
echo OK
