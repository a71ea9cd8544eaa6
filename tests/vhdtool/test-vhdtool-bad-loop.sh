#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Parent locators that lead back into the chain (a disk that is its own
# parent, two disks that are each other's parent) are refused, not followed
# forever, and nothing is changed.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
mkdir self pair
# Self: A is a child of P.vhd; put A itself at P.vhd and make its recorded
# parent id its own, so locator and id both lead back to it.
"$VHDTOOL" create --type dynamic --size 4M self/P.vhd
"$VHDTOOL" create --type diff --parent self/P.vhd self/A.vhd
vhdpatch parent-uuid self/A.vhd "$(vhdpatch uuid self/A.vhd)"
mv self/A.vhd self/P.vhd
refused self/P.vhd
expect_error_line self/P.vhd "$VHDTOOL" commit self/P.vhd

# Pair: A -> P.vhd, B -> A.vhd; B moves to P.vhd and A records B's id.
"$VHDTOOL" create --type dynamic --size 4M pair/P.vhd
"$VHDTOOL" create --type diff --parent pair/P.vhd pair/A.vhd
"$VHDTOOL" create --type diff --parent pair/A.vhd pair/B.vhd
vhdpatch parent-uuid pair/A.vhd "$(vhdpatch uuid pair/B.vhd)"
mv pair/B.vhd pair/P.vhd
refused pair/A.vhd
refused pair/P.vhd
a=$(sha pair/A.vhd); p=$(sha pair/P.vhd)
expect_error_line pair/A.vhd "$VHDTOOL" commit pair/A.vhd
[ "$(sha pair/A.vhd)$(sha pair/P.vhd)" = "$a$p" ] || fail "a refused commit changed the loop"
echo OK
