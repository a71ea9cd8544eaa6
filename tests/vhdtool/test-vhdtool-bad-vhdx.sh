#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Damaged VHDX files: one bad header is survived (the other is used, with a
# warning); both bad headers, bad region tables, overlapping regions, BAT
# entries that overlap metadata or point past the end, a log past the end
# of the file, an unknown metadata item marked required, and a parent
# whose DataWriteGuid no longer matches the child are each refused with one
# clear line naming the file, by info, check and convert alike.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
PATCH="$top_srcdir/tests/vhdtool/vhdxpatch.py"
patch_vhdx() { "$PY" "$PATCH" "$@"; }

make_img() {
    "$VHDTOOL" create -q --size 16M --block-size 1M "$1"
    poke "$1" 0 "$tmp/data" > /dev/null
}
# refused_with IMG TEXT: info, check and convert fail, naming IMG and TEXT.
refused_with() {
    local img=$1 text=$2 cmd
    for cmd in info check convert; do
        if [ $cmd = convert ]; then
            expect_error_line "$img" "$VHDTOOL" convert --quiet "$img" "$tmp/out.raw"
        else
            expect_error_line "$img" "$VHDTOOL" $cmd "$img"
        fi
        # check prints the problems on stdout, then a one-line verdict
        cat "$tmp/out" "$tmp/err" | grep -qF -- "$text" ||
            { cat "$tmp/out" "$tmp/err"; fail "$cmd $img: message lacks '$text'"; }
    done
    [ ! -e "$tmp/out.raw" ] || fail "convert left an output"
}

random_file "$tmp/data" $((3 << 20))

# one damaged header: the other one serves, with a warning
make_img "$tmp/h1.vhdx"
patch_vhdx "$tmp/h1.vhdx" $((64 << 10 | 100)) ff
patch_vhdx "$tmp/h1.vhdx" $((128 << 10 | 100)) ff
refused_with "$tmp/h1.vhdx" "both VHDX headers are damaged"
make_img "$tmp/one.vhdx"
patch_vhdx "$tmp/one.vhdx" $((64 << 10 | 200)) ee
"$VHDTOOL" convert --quiet "$tmp/one.vhdx" "$tmp/one.raw" 2> "$tmp/one.err" || fail "one bad header refused"
grep -q "header 1 is damaged" "$tmp/one.err" || fail "no warning for a damaged header"
cmp -n $((3 << 20)) "$tmp/one.raw" "$tmp/data" || fail "data wrong with one header"

# both region tables damaged
make_img "$tmp/r.vhdx"
patch_vhdx "$tmp/r.vhdx" $((192 << 10 | 40)) 01
patch_vhdx "$tmp/r.vhdx" $((256 << 10 | 40)) 01
refused_with "$tmp/r.vhdx" "both VHDX region tables are damaged"

# metadata region moved onto the BAT (3 MiB), region tables re-sealed
make_img "$tmp/o.vhdx"
patch_vhdx "$tmp/o.vhdx" $((192 << 10 | 64)) 0000300000000000 seal-regions
refused_with "$tmp/o.vhdx" "overlap"

# a BAT entry (block 1) onto the metadata region (2 MiB), one past the end
make_img "$tmp/b.vhdx"
patch_vhdx "$tmp/b.vhdx" $((3 << 20 | 8)) 0600200000000000
refused_with "$tmp/b.vhdx" "overlaps the metadata"
make_img "$tmp/e.vhdx"
patch_vhdx "$tmp/e.vhdx" $((3 << 20 | 8)) 060000f000000000
refused_with "$tmp/e.vhdx" "points past the end"

# the log (in both headers) past the end of the file
make_img "$tmp/l.vhdx"
patch_vhdx "$tmp/l.vhdx" $((64 << 10 | 72)) 0000000001000000 seal-header 1
patch_vhdx "$tmp/l.vhdx" $((128 << 10 | 72)) 0000000001000000 seal-header 2
refused_with "$tmp/l.vhdx" "log"

# an unknown metadata item marked required (the disk id's GUID changed)
make_img "$tmp/m.vhdx"
off=$("$PY" - "$tmp/m.vhdx" <<'PYEOF'
import sys, uuid
want = uuid.UUID("beca12ab-b2e6-4523-93ef-c309e000c746").bytes_le
d = open(sys.argv[1], "rb").read()[2 << 20:(2 << 20) + 65536]
print((2 << 20) + d.index(want))
PYEOF
)
patch_vhdx "$tmp/m.vhdx" "$off" 0102030405060708090a0b0c0d0e0f10
refused_with "$tmp/m.vhdx" "unknown required VHDX metadata item"

# a parent written after the child was made: DataWriteGuid mismatch
"$VHDTOOL" create -q --size 16M --block-size 1M "$tmp/p.vhdx"
"$VHDTOOL" create -q --parent "$tmp/p.vhdx" "$tmp/c.vhdx"
poke "$tmp/p.vhdx" 0 "$tmp/data" > /dev/null
refused_with "$tmp/c.vhdx" "DataWriteGuid"

# a VHD parent under a VHDX child is refused at create
"$VHDTOOL" create -q --size 16M "$tmp/vp.vhd"
expect_error_line "$tmp/vx.vhdx" "$VHDTOOL" create --parent "$tmp/vp.vhd" --format vhdx "$tmp/vx.vhdx"
echo OK
