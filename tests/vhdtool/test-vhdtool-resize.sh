#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# resize against qemu-img: a grown or shrunk VHD has the size qemu-img info
# reads and the same data as the raw image qemu-img resize gives (qemu-img
# cannot resize vpc itself, so raw is the reference).  A shrink needs
# --shrink and is refused, changing nothing, while data lies past the new
# end; +SIZE/-SIZE are relative; a differencing disk is not shrunk.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
requires jq --version

cd "$tmp"
MiB=1048576
# qemu-img's virtual size of a fixed vpc is its file size, footer included
# (see vhdtool(1), QEMU AND SIZES): qsize gives the size it should show.
qsize() { local s; s=$(qemu-img info --output=json "$1" | jq '."virtual-size"')
          [ "$type" = fixed ] && s=$((s - 512)); echo $s; }
# same VHD RAW WHAT: the VHD's data (qemu-img's reading for dynamic disks,
# ours for fixed ones, see qsize) is RAW's.
same() {
    if [ "$type" = dynamic ]; then
        qemu-img compare -q -f vpc -F raw "$1" "$2" || fail "$1 differs from $2 ($3)"
    else
        "$VHDTOOL" convert -q "$1" same.raw && cmp -s same.raw "$2" || fail "$1 differs from $2 ($3)"
    fi
}

for type in dynamic fixed; do
    truncate -s $((20 * MiB)) raw
    random_file a $((3 * MiB)); dd if=a of=raw bs=1M seek=2 conv=notrunc status=none
    qemu-img convert -f raw -O vpc -o subformat=$type,force_size=on raw d.vhd

    # grow: qemu-img reads the new size, the new part reads as zeros
    "$VHDTOOL" resize -q d.vhd 30M || fail "$type: grow failed"
    qemu-img resize -q -f raw raw 30M
    [ "$(qsize d.vhd)" = $((30 * MiB)) ] || fail "$type: qemu-img sees $(qsize d.vhd) after grow"
    same d.vhd raw "$type grown"
    "$VHDTOOL" check -q d.vhd || fail "$type: not clean after grow"
    "$VHDTOOL" resize -q d.vhd +2M
    [ "$(qsize d.vhd)" = $((32 * MiB)) ] || fail "$type: +2M gave $(qsize d.vhd)"
    qemu-img resize -q -f raw raw 32M

    # shrink without --shrink: refused, unchanged
    before=$(sha d.vhd)
    expect_error_line d.vhd "$VHDTOOL" resize d.vhd 10M
    grep -q "shrinking must be asked for" "$tmp/err" || fail "$type: message: $(cat "$tmp/err")"
    [ "$(sha d.vhd)" = "$before" ] || fail "$type: refused shrink changed the file"
    # shrink over data: refused, unchanged, the offset named
    expect_error_line d.vhd "$VHDTOOL" resize --shrink d.vhd 3M
    grep -q "data at offset $((3 * MiB))" "$tmp/err" || fail "$type: message: $(cat "$tmp/err")"
    [ "$(sha d.vhd)" = "$before" ] || fail "$type: refused shrink changed the file"
    # shrink of zeros only: done, as qemu-img resize --shrink on raw
    "$VHDTOOL" resize -q --shrink d.vhd -24M || fail "$type: shrink to 8M failed"
    qemu-img resize -q --shrink -f raw raw 8M
    [ "$(qsize d.vhd)" = $((8 * MiB)) ] || fail "$type: qemu-img sees $(qsize d.vhd) after shrink"
    same d.vhd raw "$type shrunk"
    "$VHDTOOL" check -q d.vhd || fail "$type: not clean after shrink"
    [ "$type" != fixed ] || [ "$(stat -c %s d.vhd)" = $((8 * MiB + 512)) ] ||
        fail "fixed: file is $(stat -c %s d.vhd) bytes after shrink"
done

# a dynamic disk with an allocated all-zero block past the new end: the
# block is returned, check stays clean
"$VHDTOOL" create --type dynamic --size 16M z.vhd
head -c $MiB /dev/zero > zeros; poke z.vhd $((12 * MiB)) zeros
"$VHDTOOL" resize -q --shrink z.vhd 8M || fail "shrink over an all-zero block failed"
"$VHDTOOL" check -q z.vhd || fail "not clean after dropping a zero block"
[ "$("$VHDTOOL" info --json z.vhd | jq '."allocated-blocks"')" = 0 ] || fail "zero block still allocated"

# differencing: not shrunk
"$VHDTOOL" create --type dynamic --size 16M b.vhd
"$VHDTOOL" create --type diff --parent b.vhd c.vhd
expect_error_line c.vhd "$VHDTOOL" resize --shrink c.vhd 8M
grep -q "differencing" "$tmp/err" || fail "diff shrink message: $(cat "$tmp/err")"
# usage
rc=0; "$VHDTOOL" resize d.vhd 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "no SIZE: exit $rc"
rc=0; "$VHDTOOL" resize d.vhd 12Q 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "bad SIZE: exit $rc"
echo OK
