#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# compare against qemu-img compare on the same images: the same verdict
# (exit 0 identical, 1 different), the same first differing offset, the
# same rule for different sizes (extra zeros are no difference; --strict
# makes them one); a differencing chain is compared as its data; a raw
# file is accepted with -f/-F raw; errors exit 3, usage 2.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires qemu-img --version

cd "$tmp"
MiB=1048576
truncate -s $((8 * MiB)) raw
random_file a $((2 * MiB)); dd if=a of=raw bs=1M seek=1 conv=notrunc status=none
qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on raw one.vhd
qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on raw two.vhd

# verdict FILE1 FILE2 [opts]: "rc: first line" of ours and of qemu-img's.
ours() { local rc=0; "$VHDTOOL" compare "$@" > out 2>&1 || rc=$?; echo "$rc: $(head -1 out)"; }
theirs() { local rc=0; qemu-img compare "$@" > out 2>&1 || rc=$?; echo "$rc: $(head -1 out)"; }

[ "$(ours one.vhd two.vhd)" = "0: Images are identical." ] || fail "equal: $(ours one.vhd two.vhd)"
[ "$(theirs -f vpc -F vpc one.vhd two.vhd)" = "0: Images are identical." ] || fail "qemu-img disagrees on equal"

# one byte changed in the middle of a sector
printf '\x5a' | dd of=raw bs=1 seek=$((2 * MiB + 777)) conv=notrunc status=none
qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on raw three.vhd
o=$(ours one.vhd three.vhd); t=$(theirs -f vpc -F vpc one.vhd three.vhd)
[ "$o" = "$t" ] || fail "different: ours '$o', qemu-img '$t'"
case $o in "1: Content mismatch at offset $((2 * MiB + 512))!") ;; *) fail "different: $o" ;; esac
[ "$(ours -f raw raw three.vhd)" = "0: Images are identical." ] || fail "raw vs vhd: $(ours -f raw raw three.vhd)"

# sizes: a longer disk whose extra part is zeros is the same, not with --strict
qemu-img create -q -f vpc -o subformat=dynamic,force_size=on long.vhd $((12 * MiB))
qemu-img convert -n -f raw -O vpc raw long.vhd 2>/dev/null || {
    truncate -s $((12 * MiB)) raw12; dd if=raw of=raw12 conv=notrunc status=none
    rm -f long.vhd; qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on raw12 long.vhd; }
o=$(ours three.vhd long.vhd); t=$(theirs -f vpc -F vpc three.vhd long.vhd)
[ "${o%%:*}" = 0 ] && [ "${t%%:*}" = 0 ] || fail "zero tail: ours '$o', qemu-img '$t'"
o=$(ours --strict three.vhd long.vhd); t=$(theirs -s -f vpc -F vpc three.vhd long.vhd)
[ "${o%%:*}" = 1 ] && [ "${t%%:*}" = 1 ] || fail "--strict: ours '$o', qemu-img '$t'"

# a chain: data written into a child makes it differ from its base there
"$VHDTOOL" create --type diff --parent one.vhd child.vhd
[ "$(ours child.vhd one.vhd)" = "0: Images are identical." ] || fail "empty child differs from its base"
random_file p 1024; poke child.vhd $((7 * MiB)) p
[ "$(ours child.vhd one.vhd)" = "1: Content mismatch at offset $((7 * MiB))!" ] ||
    fail "child: $(ours child.vhd one.vhd)"
"$VHDTOOL" compare -q child.vhd one.vhd > out && fail "-q: exit 0 for different disks"
[ ! -s out ] || fail "-q printed: $(cat out)"

# errors and usage
rc=0; "$VHDTOOL" compare one.vhd missing.vhd 2>/dev/null || rc=$?; [ $rc = 3 ] || fail "missing file: exit $rc"
rc=0; "$VHDTOOL" compare one.vhd 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "one file: exit $rc"
rc=0; "$VHDTOOL" compare -f qcow2 one.vhd two.vhd 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "bad format: exit $rc"
echo OK
