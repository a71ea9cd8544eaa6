#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Every real-world VHD fixture opens through libvhd and reads the bytes
# qemu-img reads (where qemu reads the same size), the genuinely corrupt
# ones are refused with a clear message, and the two Windows-made
# differencing disks read through their parents: win8-child.vhd over
# win8.vhd, and dfvfs/fat-differential.vhd over a stand-in parent built as
# SOURCES.txt describes (expected bytes computed independently in Python
# from the child's BAT and sector bitmap).
. "$(dirname "$0")/../functions.sh"
requires qemu-img --version
requires python3 --version
requires bzip2 --help

PROBE="$top_builddir/tests/libvhd/vhd-probe"
[ -d "$FIXTURES" ] || { echo "skipped: no fixtures at $FIXTURES"; exit 77; }

# The large compressed fixtures are mostly zeros: unpack them sparse.
fixture_sparse()
{
    local dst="$tmp/fixtures/$(basename "${1%.bz2}")"
    mkdir -p "$tmp/fixtures"
    case "$1" in
        *.bz2) [ -e "$dst" ] || bzip2 -dc "$FIXTURES/$1" | cp --sparse=always /dev/stdin "$dst" ;;
        *) fixture "$1" > /dev/null ;;
    esac
    echo "$dst"
}

# Images whose virtual size qemu takes from the current-size field, as we do.
for f in go-vhd/win8.vhd go-vhd/win8.1-1GB.vhd go-vhd/xapi.vhd go-vhd/qemu.vhd dfvfs/ext2.vhd \
         qemu-iotests/d2v-zerofilled.vhd.bz2 qemu-iotests/hyperv2012r2-dynamic.vhd.bz2; do
    img=$(fixture_sparse "$f")
    "$PROBE" info "$img" > "$tmp/info" || fail "$f does not open: $(cat "$tmp/info")"
    qsize=$(qemu-img info -f vpc --output=json "$img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')
    grep -q " size=$qsize " "$tmp/info" || fail "$f: size differs from qemu's $qsize: $(cat "$tmp/info")"
    if [ "$f" = qemu-iotests/d2v-zerofilled.vhd.bz2 ]; then
        # 251 MiB, every block allocated (BAT out of order), all zeros
        cmp -n "$qsize" <("$PROBE" cat "$img") /dev/zero || fail "$f: not all zeros"
    elif [ "$qsize" -le $((64 << 20)) ]; then
        "$PROBE" cat "$img" > "$tmp/ours.raw"
        qemu-img convert -f vpc -O raw "$img" "$tmp/qemu.raw"
        cmp "$tmp/ours.raw" "$tmp/qemu.raw" || fail "$f: bytes differ from qemu-img convert"
    fi
    "$PROBE" check "$img" > "$tmp/check" || fail "$f: check reports problems: $(cat "$tmp/check")"
    echo "ok: $f"
done

# Images qemu sizes by CHS (creator 'vbox', 'vpc '): we use current_size,
# as libvhdi and Windows do; the bytes qemu sees are a prefix of ours.
for f in go-vhd/vbox.vhd qemu-iotests/virtualpc-dynamic.vhd.bz2; do
    img=$(fixture_sparse "$f")
    "$PROBE" info "$img" > "$tmp/info" || fail "$f does not open"
    vsize=$(vhdiinfo "$img" 2>/dev/null | sed -n 's/.*Media size.*(\([0-9]*\) bytes).*/\1/p' || true)
    [ -z "$vsize" ] || grep -q " size=$vsize " "$tmp/info" || fail "$f: size differs from vhdiinfo's $vsize"
    echo "ok: $f"
done
img=$(fixture go-vhd/vbox.vhd)
"$PROBE" cat "$img" | head -c 41909760 > "$tmp/ours.raw"
qemu-img convert -f vpc -O raw "$img" "$tmp/qemu.raw"
cmp "$tmp/ours.raw" "$tmp/qemu.raw" || fail "vbox.vhd: bytes differ from qemu-img convert"

# Genuinely corrupt: refused, with the reason.
for f in dfvfs/image.vhd dfvfs/image-differential.vhd; do
    img=$(fixture "$f")
    expect_fail "$PROBE" open "$img"
    grep -q "bad footer checksum" "$tmp/err" || fail "$f: unclear error: $(cat "$tmp/err")"
    grep -q "$(basename "$f")" "$tmp/err" || fail "$f: error does not name the file"
done
# VHDX is another format: refused clearly.
img=$tmp/iotest-dynamic-1G.vhdx
{ bzip2 -dc "$FIXTURES/qemu-iotests/iotest-dynamic-1G.vhdx.bz2" || true; } | head -c 1048576 > "$img"
expect_fail "$PROBE" open "$img"
grep -q "VHDX" "$tmp/err" || fail "vhdx: unclear error: $(cat "$tmp/err")"

# win8-child.vhd (Windows 10) over win8.vhd: found through W2ru '.\win8.vhd'.
child=$(fixture go-vhd/win8-child.vhd)
parent=$(fixture go-vhd/win8.vhd)
"$PROBE" info "$child" > "$tmp/info" || fail "win8-child.vhd does not open: $(cat "$tmp/info")"
[ "$(wc -l < "$tmp/info")" = 2 ] || fail "win8-child.vhd: expected a chain of 2: $(cat "$tmp/info")"
grep -q "^1 .*win8.vhd dynamic .*uuid=adb71975-4b5b-0b40-b025-d06dab31b26f" "$tmp/info" ||
    fail "win8-child.vhd: wrong parent: $(cat "$tmp/info")"
"$PROBE" cat "$child" | cmp - <("$PROBE" cat "$parent") || fail "win8-child.vhd reads differ from win8.vhd"
"$PROBE" check "$child" || fail "win8-child.vhd: check reports problems"
# Without its parent: a clear error naming what is missing.
mkdir "$tmp/alone"
cp "$child" "$tmp/alone/"
expect_fail "$PROBE" open "$tmp/alone/win8-child.vhd"
grep -q "cannot find the parent" "$tmp/err" || fail "missing parent: unclear error: $(cat "$tmp/err")"
# With a wrong parent (same name, other id): refused.
cp "$(fixture go-vhd/vbox.vhd)" "$tmp/alone/win8.vhd"
expect_fail "$PROBE" open "$tmp/alone/win8-child.vhd"
grep -q "unique id" "$tmp/err" || fail "wrong parent: unclear error: $(cat "$tmp/err")"

# dfvfs/fat-differential.vhd over a stand-in fat-parent.vhd.
mkdir "$tmp/fat"
cp "$FIXTURES/dfvfs/fat-differential.vhd" "$tmp/fat/"
chmod u+w "$tmp/fat/fat-differential.vhd"
"$PROBE" create fixed 4194304 "$tmp/fat/fat-parent.vhd"
python3 - "$tmp/fat" <<'EOF'
import os, random, struct, sys
d = sys.argv[1]
child = open(os.path.join(d, "fat-differential.vhd"), "rb").read()
hdr_off = struct.unpack(">Q", child[16:24])[0]
hdr = child[hdr_off:hdr_off + 1024]
parent_uuid = hdr[40:56]
# Stand-in parent: random data, footer id = the child's parent id, timestamp 0.
size = 4194304
rnd = random.Random(7)
data = rnd.randbytes(size)
p = os.path.join(d, "fat-parent.vhd")
img = bytearray(open(p, "rb").read())
img[:size] = data
foot = bytearray(img[size:size + 512])
foot[24:28] = b"\0\0\0\0"
foot[68:84] = parent_uuid
foot[64:68] = b"\0\0\0\0"
foot[64:68] = struct.pack(">I", (~sum(foot)) & 0xffffffff)
img[size:size + 512] = foot
open(p, "wb").write(img)
# Expected: the parent with every sector whose bit is set taken from the child.
table = struct.unpack(">Q", hdr[16:24])[0]
entries, bsize = struct.unpack(">II", hdr[28:36])
bm_size = ((bsize // 512 // 8) + 511) // 512 * 512
exp = bytearray(data)
nset = 0
for b in range(entries):
    e = struct.unpack(">I", child[table + 4 * b:table + 4 * b + 4])[0]
    if e == 0xffffffff:
        continue
    bm = child[e * 512:e * 512 + bm_size]
    for s in range(bsize // 512):
        if bm[s // 8] & (0x80 >> (s % 8)):
            v = b * bsize + s * 512
            src = e * 512 + bm_size + s * 512
            exp[v:v + 512] = child[src:src + 512]
            nset += 1
assert nset == 18, nset
open(os.path.join(d, "expected.raw"), "wb").write(exp)
EOF
"$PROBE" info "$tmp/fat/fat-differential.vhd" > "$tmp/info" 2>&1 || fail "fat-differential does not open: $(cat "$tmp/info")"
"$PROBE" cat "$tmp/fat/fat-differential.vhd" > "$tmp/fat/ours.raw"
cmp "$tmp/fat/ours.raw" "$tmp/fat/expected.raw" || fail "fat-differential.vhd: bytes differ from parent+bitmap"
"$PROBE" check "$tmp/fat/fat-differential.vhd" || fail "fat-differential.vhd: check reports problems"
echo "ok: fat-differential.vhd over a stand-in parent"
