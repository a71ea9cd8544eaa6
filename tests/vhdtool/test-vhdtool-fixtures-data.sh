#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The data of the real-world fixtures: `vhdtool convert` gives the same
# bytes as `qemu-img convert -O raw` for every fixture both tools open with
# the same size (qemu uses the CHS size for some creators; those differ by
# design and are left to the info test) and that is small enough to compare.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
[ -r "$FIXTURES/VERIFY.txt" ] || { echo "skipped: no fixtures at $FIXTURES"; exit 77; }

"$PY" "$top_srcdir/tests/vhdtool/verify-txt.py" "$FIXTURES/VERIFY.txt" > "$tmp/expect"
n=0
while read -r name fmt size id pid qsize; do
    [ "$fmt" = VHD ] && [ "$pid" = - ] && [ "$qsize" = "$size" ] || continue
    [ "$size" -le $((2 << 30)) ] || continue
    img=$(fixture "$name")
    "$VHDTOOL" convert "$img" "$tmp/v.raw"
    qemu-img convert -f vpc -O raw "$img" "$tmp/q.raw"
    cmp "$tmp/v.raw" "$tmp/q.raw" || fail "$name: vhdtool and qemu read different data"
    # Unallocated blocks must stay holes in the output.
    blocks=$(stat -c %b "$tmp/v.raw")
    [ $((blocks * 512)) -le $(( $(stat -c %s "$img") + (1 << 20) )) ] ||
        fail "$name: raw output is not sparse ($((blocks * 512)) bytes allocated)"
    rm -f "$img" "$tmp/v.raw" "$tmp/q.raw"
    n=$((n + 1))
done < "$tmp/expect"
[ "$n" -ge 6 ] || fail "only $n fixtures compared"
echo "OK ($n fixtures)"
