#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# libvhd keeps its word: the shared library's dynamic symbol table holds
# exactly the functions vhd.h declares, no internal function and nothing
# from common/.  vhd.h is read through the preprocessor, so names in its
# comments do not count; the symbol table is read from the built library.
. "$(dirname "$0")/../functions.sh"
requires nm --version
requires cpp --version

lib="$top_builddir/libvhd/.libs/libvhd.so"
[ -f "$lib" ] || fail "no shared library at $lib"

# Declared: every identifier vhd_* directly followed by '(' (function
# pointer typedefs read '(*vhd_x_fn)(' and do not match).
cpp -P "$top_srcdir/libvhd/vhd.h" | grep -o '\bvhd_[a-z0-9_]*[[:space:]]*(' |
    tr -d '( \t' | sort -u > "$tmp/declared"
[ "$(wc -l < "$tmp/declared")" -ge 15 ] || { cat "$tmp/declared"; fail "too few declarations read from vhd.h"; }

# Exported: defined dynamic symbols without their version suffix; the
# version node itself (an absolute symbol named VHD_0) is not a symbol.
nm -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
    sort -u > "$tmp/exported"

if ! diff -u "$tmp/declared" "$tmp/exported" > "$tmp/diff"; then
    cat "$tmp/diff"
    fail "libvhd.so exports (+) or misses (-) symbols compared with vhd.h"
fi
echo "OK: $(wc -l < "$tmp/exported") symbols, as vhd.h declares"
