#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Block allocation table entries that point past the end of the file, into
# the metadata, or at the same block twice: check lists every problem (not
# just the first), reading is refused, and nothing is changed.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
dynamic_with_data bat.vhd 16M
sectors=$(( $(stat -c %s bat.vhd) / 512 ))
b0=$(vhdpatch bat-get bat.vhd 0)
[ "$b0" != 4294967295 ] || fail "block 0 not allocated by the setup"

vhdpatch bat bat.vhd 0 $((sectors + 1000))   # past the end
vhdpatch bat bat.vhd 5 1                     # on top of the dynamic header
vhdpatch bat bat.vhd 6 "$(vhdpatch bat-get bat.vhd 2)"   # block 2's data twice
before=$(sha bat.vhd)
"$VHDTOOL" check bat.vhd > out 2> err && fail "check passes a broken BAT"
[ "$(grep -c "^'.*bat.vhd': " out)" -ge 3 ] || { cat out; fail "check does not list every problem"; }
[ "$(wc -l < err)" -eq 1 ] && grep -q "^vhdtool: check failed: '.*bat.vhd'" err || { cat err; fail "check's failure line"; }
expect_error_line bat.vhd "$VHDTOOL" convert bat.vhd out.raw
[ ! -e out.raw ] || fail "failed convert left out.raw"
[ "$(sha bat.vhd)" = "$before" ] || fail "bat.vhd changed"

# Only one entry past the end: still refused.
dynamic_with_data one.vhd 16M
vhdpatch bat one.vhd 1 $(( $(stat -c %s one.vhd) / 512 + 4096 ))
expect_error_line one.vhd "$VHDTOOL" check one.vhd
expect_error_line one.vhd "$VHDTOOL" convert one.vhd out.raw
echo OK
