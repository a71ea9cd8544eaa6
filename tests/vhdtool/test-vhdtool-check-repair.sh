#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# check --repair on corrupted images repairs only what it claims and loses
# no data it did not report: a damaged footer copy and a damaged end footer
# come back byte for byte; block table entries past the end of the file are
# left alone (file unchanged, exit 1) without --force and cleared with it,
# changing only those entries and losing only the blocks it names; a
# truncated disk is made usable again the same way.  check --json and
# --output=json give qemu-img check's counters and the lists.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires jq --version

cd "$tmp"
MiB=1048576
# changed_bytes A B: how many bytes differ (files of the same size).
changed_bytes() { cmp -l "$1" "$2" | wc -l; }
# zero_range FILE OFF LEN: FILE with LEN bytes at OFF zeroed.
zero_range() { dd if=/dev/zero of="$1" bs=1M seek=$(($2 / MiB)) count=$(($3 / MiB)) conv=notrunc status=none; }

dynamic_with_data orig.vhd 16M
"$VHDTOOL" convert -q orig.vhd before.raw
"$VHDTOOL" check -q orig.vhd || fail "setup image not clean"
"$VHDTOOL" check --json orig.vhd > j || fail "check --json of a clean disk"
[ "$(jq -c '[."check-errors", .corruptions, ."corruptions-fixed", (.problems | length)]' j)" = "[0,0,0,0]" ] ||
    fail "clean JSON: $(cat j)"

# 1. the footer copy at 0 damaged: restored, file identical to the original
cp orig.vhd d.vhd
printf 'XXXXXXXX' | dd of=d.vhd bs=1 conv=notrunc status=none
"$VHDTOOL" check d.vhd > out && fail "check passes a damaged footer copy"
grep -q "footer copy" out || fail "problem not named: $(cat out)"
"$VHDTOOL" check --repair d.vhd > out 2>/dev/null || { cat out; fail "repair of the footer copy"; }
grep -q "repaired: the footer copy" out || fail "repair not reported: $(cat out)"
cmp -s d.vhd orig.vhd || fail "footer copy repair changed more than the copy ($(changed_bytes d.vhd orig.vhd) bytes)"

# 2. the end footer damaged: restored from the copy, identical again
cp orig.vhd d.vhd
size=$(stat -c %s d.vhd)
printf '\x01' | dd of=d.vhd bs=1 seek=$((size - 512 + 100)) conv=notrunc status=none
"$VHDTOOL" check --output=json d.vhd > j && fail "check passes a damaged end footer"
[ "$(jq .corruptions j)" -ge 1 ] || fail "JSON: $(cat j)"
"$VHDTOOL" check --repair --json d.vhd > j 2>/dev/null || fail "repair of the end footer: $(cat j)"
[ "$(jq '."corruptions-fixed"' j)" = 1 ] && [ "$(jq .corruptions j)" = 0 ] || fail "repair JSON: $(cat j)"
jq -e '.repairs[0].repair | test("footer at the end")' j > /dev/null || fail "repair JSON: $(cat j)"
cmp -s d.vhd orig.vhd || fail "end footer repair changed more than the footer ($(changed_bytes d.vhd orig.vhd) bytes)"

# 3. a BAT entry past the end: not without --force; with it, only that entry
cp orig.vhd d.vhd
vhdpatch bat d.vhd 1 $(( $(stat -c %s d.vhd) / 512 + 4096 ))
cp d.vhd broken.vhd
"$VHDTOOL" check --repair d.vhd > out 2>/dev/null && fail "--repair without --force passed"
grep -q "repaired" out && fail "--repair without --force repaired: $(cat out)"
cmp -s d.vhd broken.vhd || fail "--repair without --force changed the file"
rc=0; "$VHDTOOL" check --force d.vhd 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "--force alone: exit $rc"
"$VHDTOOL" check --repair --force d.vhd > out 2>/dev/null || { cat out; fail "forced repair"; }
grep -q "repaired: block table entry 1 " out || fail "entry not named: $(cat out)"
[ "$(grep -c repaired out)" = 1 ] || fail "more repairs than one: $(cat out)"
[ "$(changed_bytes d.vhd broken.vhd)" -le 4 ] || fail "forced repair changed $(changed_bytes d.vhd broken.vhd) bytes"
cp before.raw want.raw; zero_range want.raw $((2 * MiB)) $((2 * MiB))
"$VHDTOOL" compare -q -F raw d.vhd want.raw || fail "data other than block 1 changed"

# 4. truncated in the middle of the last block (block 3): end footer gone
cp orig.vhd d.vhd
truncate -s $(( $(stat -c %s d.vhd) - MiB )) d.vhd
cp d.vhd broken.vhd
"$VHDTOOL" check --repair d.vhd > out 2>/dev/null && fail "truncated: --repair without --force passed"
cmp -s d.vhd broken.vhd || fail "truncated: --repair without --force changed the file"
"$VHDTOOL" check --repair --force d.vhd > out 2>/dev/null || { cat out; fail "truncated: forced repair"; }
grep -q "repaired: block table entry 3 .*bytes of the block were inside the file" out || fail "truncated: $(cat out)"
grep -q "repaired: the damaged footer at the end" out || fail "truncated: end footer: $(cat out)"
cp before.raw want.raw; zero_range want.raw $((6 * MiB)) $((2 * MiB))
"$VHDTOOL" compare -q -F raw d.vhd want.raw || fail "truncated: data other than block 3 changed"
"$VHDTOOL" check -q d.vhd || fail "truncated: not clean after repair"
echo OK
