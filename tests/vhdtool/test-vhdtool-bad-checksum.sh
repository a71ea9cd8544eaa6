#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# A flipped byte (dd) under a checksum: in the only footer of a fixed disk,
# in the dynamic header, or in both footer copies of a dynamic disk.  Each
# is refused naming the file and the checksum, and nothing is changed.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
# flip FILE OFFSET: invert one byte in place.
flip()
{
    local b
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\$(printf %03o $((b ^ 0xff)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
expect_checksum() { grep -qi checksum "$tmp/err" || { cat "$tmp/err"; fail "$1: reason is not the checksum"; }; }

"$VHDTOOL" create --type fixed --size 4M fixed.vhd
flip fixed.vhd $((4 * 1048576 + 100))   # reserved byte of the footer
refused fixed.vhd
expect_error_line fixed.vhd "$VHDTOOL" info fixed.vhd; expect_checksum fixed.vhd

dynamic_with_data dyn.vhd 8M
flip dyn.vhd $((512 + 70))              # reserved byte of the dynamic header
refused dyn.vhd
expect_error_line dyn.vhd "$VHDTOOL" info dyn.vhd; expect_checksum dyn.vhd

dynamic_with_data both.vhd 8M
size=$(stat -c %s both.vhd)
flip both.vhd 100; flip both.vhd $((size - 512 + 100))   # both footer copies
refused both.vhd
expect_error_line both.vhd "$VHDTOOL" info both.vhd; expect_checksum both.vhd
echo OK
