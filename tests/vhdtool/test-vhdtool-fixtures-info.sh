#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Every real-world VHD under the shared fixtures goes through `vhdtool info
# --json` and `vhdtool check`: unique id and virtual size agree with what
# libvhdi's vhdiinfo recorded in VERIFY.txt (both use the footer's current
# size), clean images check clean, differencing disks whose parent is not
# beside them are refused naming the file but open alone with
# --no-parents, and images with bad checksums are refused.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
[ -r "$FIXTURES/VERIFY.txt" ] || { echo "skipped: no fixtures at $FIXTURES"; exit 77; }

"$PY" "$top_srcdir/tests/vhdtool/verify-txt.py" "$FIXTURES/VERIFY.txt" > "$tmp/expect"
n=0
while read -r name fmt size id pid qsize; do
    [ "$fmt" = VHD ] || continue
    img=$(fixture "$name")
    # Alone in its own folder, so a differencing disk cannot find a parent.
    mkdir -p "$tmp/alone"
    mv "$img" "$tmp/alone/"
    img="$tmp/alone/$(basename "$img")"
    before=$(sha "$img")
    case "$name" in
    dfvfs/image.vhd|dfvfs/image-differential.vhd)
        # Footer (and header) checksums are wrong: qemu refuses these too.
        expect_error_line "$img" "$VHDTOOL" info "$img"
        grep -qi checksum "$tmp/err" || { cat "$tmp/err"; fail "$name: reason is not the checksum"; }
        "$VHDTOOL" check "$img" > "$tmp/out" 2>&1 && fail "$name: check passes a bad checksum"
        grep -qi checksum "$tmp/out" || { cat "$tmp/out"; fail "$name: check does not name the checksum"; }
        ;;
    *)
        if [ "$pid" != - ]; then
            expect_error_line "$img" "$VHDTOOL" info --json "$img"
            "$VHDTOOL" info --json --no-parents "$img" > "$tmp/j" || fail "$name: --no-parents"
            [ "$(jq -r '."parent-uuid"' "$tmp/j")" = "$pid" ] || fail "$name: parent uuid"
            [ "$(jq -r .type "$tmp/j")" = differencing ] || fail "$name: type"
        else
            "$VHDTOOL" info --json "$img" > "$tmp/j" || fail "$name: info"
            "$VHDTOOL" check "$img" > "$tmp/out" || { cat "$tmp/out"; fail "$name: check"; }
        fi
        [ "$(jq -r .uuid "$tmp/j")" = "$id" ] || fail "$name: uuid $(jq -r .uuid "$tmp/j"), want $id"
        [ "$(jq -r '."virtual-size"' "$tmp/j")" = "$size" ] ||
            fail "$name: virtual size $(jq -r '."virtual-size"' "$tmp/j"), want $size"
        [ "$(jq -r '.chain | length' "$tmp/j")" = 1 ] || fail "$name: chain length"
        ;;
    esac
    [ "$(sha "$img")" = "$before" ] || fail "$name: changed by info/check"
    rm -f "$img"
    n=$((n + 1))
done < "$tmp/expect"
[ "$n" -ge 12 ] || fail "only $n VHD fixtures found"
echo "OK ($n fixtures)"
