#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# resize of VHDX against qemu-img: fixed and dynamic VHDX (ours and
# qemu-img's) grow within their BAT region and past it (the BAT moves to
# the end of the file, the region tables change through the log); each
# time qemu-img info reads the new size, `qemu-img check -f vhdx` is clean,
# vhdtool check is clean, and qemu-img reads the same bytes as a raw image
# grown alike, including data written into the new space afterwards.
# Shrinking a VHDX and growing a differencing one are refused, unchanged.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version
requires jq --version

cd "$tmp"
MiB=1048576
vsize() { qemu-img info -f vhdx --output=json "$1" | jq '."virtual-size"'; }
# grown IMG RAW SIZE WHAT: IMG grown to SIZE agrees with RAW grown alike
grown() {
    "$VHDTOOL" resize -q "$1" "$3" || fail "$4: resize to $3 failed"
    qemu-img resize -q -f raw "$2" "$3"
    [ "$(vsize "$1")" = "$(stat -c %s "$2")" ] || fail "$4: qemu-img sees $(vsize "$1")"
    qemu-img check -q -f vhdx "$1" || fail "$4: qemu-img check"
    "$VHDTOOL" check -q "$1" || fail "$4: vhdtool check"
    qemu-img compare -q -f vhdx -F raw "$1" "$2" || fail "$4: data differs from raw"
}
# write_end IMG RAW: 1 MiB of new data 3 MiB before the end of both
write_end() {
    local at=$(( $(stat -c %s "$2") - 3 * MiB ))
    random_file piece $MiB
    poke "$1" $at piece > /dev/null
    dd if=piece of="$2" bs=1M seek=$((at / MiB)) conv=notrunc status=none
}

random_file a $((3 * MiB))
for kind in ours-dynamic qemu-dynamic ours-fixed qemu-fixed; do
    truncate -s $((20 * MiB)) raw
    dd if=a of=raw bs=1M seek=2 conv=notrunc status=none
    case $kind in
    ours-*)
        "$VHDTOOL" create -q --type ${kind#ours-} --size 20M $([ $kind = ours-dynamic ] && echo --block-size 1M) d.vhdx
        poke d.vhdx $((2 * MiB)) a > /dev/null ;;
    qemu-dynamic) qemu-img convert -f raw -O vhdx -o block_size=1M raw d.vhdx ;;
    qemu-fixed) qemu-img convert -f raw -O vhdx -o subformat=fixed raw d.vhdx ;;
    esac
    qemu-img compare -q -f vhdx -F raw d.vhdx raw || fail "$kind: setup"

    grown d.vhdx raw 100M "$kind in place"
    write_end d.vhdx raw
    qemu-img compare -q -f vhdx -F raw d.vhdx raw || fail "$kind: data written after the grow"
    if [ ${kind#*-} = dynamic ]; then
        # 1 MiB blocks: 200 GiB needs 1.6 MiB of BAT, more than its region
        bat0=$("$PY" - d.vhdx <<'PYEOF'
import struct, sys, uuid
t = open(sys.argv[1], "rb").read()[192 << 10:(192 << 10) + 4096]
bat = uuid.UUID("2dc27766-f623-4200-9d64-115e9bfd4a08").bytes_le
for i in range(struct.unpack_from("<I", t, 8)[0]):
    e = t[16 + 32 * i:48 + 32 * i]
    if e[:16] == bat:
        print(struct.unpack_from("<Q", e, 16)[0])
PYEOF
)
        grown d.vhdx raw 200G "$kind with the BAT moved"
        bat1=$("$PY" - d.vhdx <<'PYEOF'
import struct, sys, uuid
t = open(sys.argv[1], "rb").read()[192 << 10:(192 << 10) + 4096]
bat = uuid.UUID("2dc27766-f623-4200-9d64-115e9bfd4a08").bytes_le
for i in range(struct.unpack_from("<I", t, 8)[0]):
    e = t[16 + 32 * i:48 + 32 * i]
    if e[:16] == bat:
        print(struct.unpack_from("<Q", e, 16)[0])
PYEOF
)
        [ "$bat0" != "$bat1" ] || fail "$kind: the BAT did not move ($bat0)"
        write_end d.vhdx raw
        qemu-img compare -q -f vhdx -F raw d.vhdx raw || fail "$kind: data written after the move"
    else
        [ $(stat -c %s d.vhdx) -ge $((100 * MiB)) ] || fail "$kind: fixed file not grown"
    fi
    "$VHDTOOL" resize -q d.vhdx +1M
    qemu-img resize -q -f raw raw +1M
    [ "$(vsize d.vhdx)" = "$(stat -c %s raw)" ] || fail "$kind: +1M"

    # shrinking: refused, unchanged
    before=$(sha d.vhdx)
    expect_error_line d.vhdx "$VHDTOOL" resize --shrink d.vhdx 10M
    grep -q "shrinking a VHDX is not supported" "$tmp/err" || fail "$kind: $(cat "$tmp/err")"
    [ "$(sha d.vhdx)" = "$before" ] || fail "$kind: refused shrink changed the file"
    rm -f d.vhdx raw
done

# a differencing VHDX keeps its parent's size
"$VHDTOOL" create -q --size 20M --block-size 1M p.vhdx
"$VHDTOOL" create -q --parent p.vhdx c.vhdx
before=$(sha c.vhdx)
expect_error_line c.vhdx "$VHDTOOL" resize c.vhdx 40M
grep -q "size of its parent" "$tmp/err" || fail "diff: $(cat "$tmp/err")"
[ "$(sha c.vhdx)" = "$before" ] || fail "refused grow changed the differencing disk"
echo OK
