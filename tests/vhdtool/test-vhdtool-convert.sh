#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# convert's own guarantees: a sparse raw output, an existing output replaced,
# an output that is one of the inputs refused (nothing touched), a chain
# flattened into a new VHD with --from vhd, and no progress without a tty.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
MiB=1048576
"$VHDTOOL" create --type dynamic --size 256M base.vhd
random_file a $((3 * MiB)); poke base.vhd $((100 * MiB)) a
"$VHDTOOL" create --type diff --parent base.vhd child.vhd
random_file b 1000; poke child.vhd 12345 b

"$VHDTOOL" convert child.vhd out.raw 2> err
[ ! -s err ] || { cat err; fail "convert wrote to stderr without a tty"; }
[ "$(stat -c %s out.raw)" = $((256 * MiB)) ] || fail "raw size"
[ $(( $(stat -c %b out.raw) * 512 )) -le $((5 * MiB)) ] || fail "raw output is not sparse"
cmp -n 1000 -i 0:12345 b out.raw || fail "child data"
cmp -n $((3 * MiB)) -i 0:$((100 * MiB)) a out.raw || fail "base data"

# An existing output (with data where the disk has holes) is replaced.
random_file junk $((2 * MiB)); cp junk old.raw
dd if=junk of=old.raw bs=$MiB seek=200 conv=notrunc status=none
"$VHDTOOL" convert child.vhd old.raw
cmp out.raw old.raw || fail "old data survived in the holes of a replaced output"

# An output that is one of the inputs: refused, unchanged.
for victim in child.vhd base.vhd; do
    before=$(sha $victim)
    expect_error_line $victim "$VHDTOOL" convert child.vhd $victim
    [ "$(sha $victim)" = "$before" ] || fail "convert overwrote its input $victim"
done

# Flatten the chain into one new dynamic VHD.
"$VHDTOOL" convert --to vhd --from vhd child.vhd flat.vhd
[ "$(json flat.vhd .type)" = dynamic ] && [ "$(json flat.vhd '.chain | length')" = 1 ] || fail "flat.vhd"
[ "$(json flat.vhd '."allocated-blocks"')" = 3 ] || fail "flat.vhd allocates $(json flat.vhd '."allocated-blocks"') blocks, want 3"
"$VHDTOOL" convert flat.vhd flat.raw
cmp out.raw flat.raw || fail "flattened VHD reads differently"

# A missing input: one line, no output created.
expect_error_line nothing.vhd "$VHDTOOL" convert nothing.vhd new.raw
[ ! -e new.raw ] || fail "output created for a missing input"
expect_error_line nothing.raw "$VHDTOOL" convert --to vhd nothing.raw new.vhd
[ ! -e new.vhd ] || fail "output created for a missing input"
echo OK
