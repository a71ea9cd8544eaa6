#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Truncated images (footer lost, blocks cut off, nearly empty files) are
# refused with one line naming the file, and never changed.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
dynamic_with_data good.vhd 16M
size=$(stat -c %s good.vhd)

# Cut inside the data: the trailing footer and the last blocks are gone.
# The front copy of the footer may let the image open, but reading the
# missing blocks must fail, and check must say so.
cp good.vhd half.vhd; truncate -s $((size / 2 + 1000)) half.vhd
before=$(sha half.vhd)
expect_error_line half.vhd "$VHDTOOL" convert half.vhd out.raw
[ ! -e out.raw ] || fail "failed convert left out.raw"
expect_error_line half.vhd "$VHDTOOL" check half.vhd
[ "$(sha half.vhd)" = "$before" ] || fail "half.vhd changed"

# Smaller than a footer and a header; and empty.
cp good.vhd tiny.vhd; truncate -s 700 tiny.vhd; refused tiny.vhd
: > empty.vhd; refused empty.vhd

# A fixed disk that lost its footer is no VHD at all.
"$VHDTOOL" create --type fixed --size 2M fixed.vhd
truncate -s $((2 * 1048576)) fixed.vhd; refused fixed.vhd
echo OK
