#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Absurd virtual sizes in an otherwise valid footer (checksum fixed up): a
# dynamic disk claiming 16 EiB, a fixed disk claiming far more than its
# file holds.  Refused with one line naming the file; nothing changed.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
dynamic_with_data huge.vhd 8M
vhdpatch set-size huge.vhd 0xfffffffffffffe00
refused huge.vhd

"$VHDTOOL" create --type fixed --size 1M fixed.vhd
vhdpatch set-size fixed.vhd $((1 << 40))
refused fixed.vhd

# Not a multiple of a sector.
dynamic_with_data odd.vhd 8M
vhdpatch set-size odd.vhd 8388609
refused odd.vhd
echo OK
