#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Progress: convert, commit and merge draw a progress line on a terminal (a pty
# from script(1)), and nothing with --quiet or when stderr is not a tty.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires script --version
requires command -v jq

cd "$tmp"
"$VHDTOOL" create --type dynamic --size 64M base.vhd
random_file a $((8 << 20)); poke base.vhd 0 a
"$VHDTOOL" create --type diff --parent base.vhd child.vhd
poke child.vhd $((20 << 20)) a

# on_tty CMD: run CMD with a pseudo-terminal as stdin/stdout/stderr.
on_tty() { script -qec "$*" /dev/null < /dev/null; }

on_tty "'$VHDTOOL' convert child.vhd out.raw" > tty.txt
grep -q 'converting: *[0-9]*%' tty.txt || { cat -v tty.txt; fail "no progress on a tty"; }
on_tty "'$VHDTOOL' --quiet convert child.vhd out.raw" > tty.txt
! grep -q 'converting' tty.txt || fail "progress despite --quiet"
on_tty "'$VHDTOOL' convert -q child.vhd out.raw" > tty.txt
! grep -q 'converting' tty.txt || fail "progress despite convert -q"
"$VHDTOOL" convert child.vhd out.raw 2> err
[ ! -s err ] || fail "progress without a tty"

on_tty "'$VHDTOOL' commit child.vhd" > tty.txt || { cat -v tty.txt; fail "commit on a tty"; }
grep -q 'committing' tty.txt || { cat -v tty.txt; fail "no commit progress on a tty"; }
"$VHDTOOL" convert base.vhd base.raw
cmp out.raw base.raw || fail "commit under a tty did not merge"

# merge: a middle layer into its child, on a tty
"$VHDTOOL" create --type diff --parent child.vhd top.vhd
poke top.vhd $((30 << 20)) a
"$VHDTOOL" convert top.vhd top-before.raw
on_tty "'$VHDTOOL' merge child.vhd top.vhd" > tty.txt || { cat -v tty.txt; fail "merge on a tty"; }
grep -q 'merging: *[0-9]*%' tty.txt || { cat -v tty.txt; fail "no merge progress on a tty"; }
"$VHDTOOL" convert top.vhd top-after.raw
cmp top-before.raw top-after.raw || fail "merge under a tty changed the data"
[ "$("$VHDTOOL" info --json top.vhd | jq '."chain-depth"')" = 2 ] || fail "merge left the layer in the chain"
echo OK
