#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# check of a VHDX damaged in several independent places lists every
# problem, not only the first (as for VHD): a damaged header and region
# table copy (which open survives), a bad physical sector size, BAT
# entries past the end, onto the metadata and onto another block.  (A log
# left holding changes is listed too: test-vhdx-torn checks that.)  The text and --json forms agree; a clean
# image stays clean; damage the later rules depend on (both region tables)
# stops the check with that one problem.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires jq
patch_vhdx() { "$PY" "$top_srcdir/tests/vhdtool/vhdxpatch.py" "$@"; }

random_file "$tmp/data" $((3 << 20))
# 16 MiB, 1 MiB blocks: headers at 64/128 KiB, region tables at 192/256
# KiB, log at 1 MiB, metadata at 2 MiB, BAT at 3 MiB; blocks 0-2 present
"$VHDTOOL" create -q --size 16M --block-size 1M "$tmp/a.vhdx"
poke "$tmp/a.vhdx" 0 "$tmp/data" > /dev/null
"$VHDTOOL" check -q "$tmp/a.vhdx" || fail "clean image has problems"
"$VHDTOOL" check --json "$tmp/a.vhdx" > "$tmp/j" || fail "check --json of a clean image"
[ "$(jq -c '[."check-errors", .corruptions, (.problems | length)]' "$tmp/j")" = "[0,0,0]" ] ||
    { cat "$tmp/j"; fail "clean image: $(cat "$tmp/j")"; }
block0=$(od -An -tx1 -j $((3 << 20)) -N 8 "$tmp/a.vhdx" | tr -d ' \n')

cp "$tmp/a.vhdx" "$tmp/b.vhdx"
patch_vhdx "$tmp/b.vhdx" $((64 << 10 | 300)) ee                 # header 1, not resealed
patch_vhdx "$tmp/b.vhdx" $((256 << 10 | 300)) ee                # region table 2
patch_vhdx "$tmp/b.vhdx" $(((2 << 20) + 65556)) e8030000        # physical sector 1000
patch_vhdx "$tmp/b.vhdx" $(((3 << 20) + 5 * 8)) 060000f000000000 # block 5 past the end
patch_vhdx "$tmp/b.vhdx" $(((3 << 20) + 6 * 8)) 0600200000000000 # block 6 onto the metadata
patch_vhdx "$tmp/b.vhdx" $(((3 << 20) + 7 * 8)) "$block0"        # block 7 onto block 0
want=("VHDX header 1 is damaged" "VHDX region table 2 (the copy) is damaged"
      "invalid VHDX sector sizes (logical 512, physical 1000)"
      "VHDX BAT entry 5 (offset 4026531840) points past the end of the file"
      "VHDX block at offset 2097152 (BAT entry 6) overlaps the metadata"
      "VHDX blocks at offsets 4194304 and 4194304 overlap")

rc=0; "$VHDTOOL" check "$tmp/b.vhdx" > "$tmp/out" 2> "$tmp/err" || rc=$?
[ $rc = 1 ] || { cat "$tmp/out" "$tmp/err"; fail "check exit $rc, want 1"; }
for w in "${want[@]}"; do
    grep -qF -- "$w" "$tmp/out" || { cat "$tmp/out"; fail "check does not list: $w"; }
done
grep -qF "6 problems found" "$tmp/err" || { cat "$tmp/out" "$tmp/err"; fail "not 6 problems"; }

rc=0; "$VHDTOOL" check --json "$tmp/b.vhdx" > "$tmp/j" 2>/dev/null || rc=$?
[ $rc = 1 ] || fail "check --json exit $rc, want 1"
[ "$(jq '.corruptions' "$tmp/j")" = 6 ] || { cat "$tmp/j"; fail "--json corruptions"; }
[ "$(jq '.problems | length' "$tmp/j")" = 6 ] || { cat "$tmp/j"; fail "--json problem list"; }
for w in "${want[@]}"; do
    jq -r '.problems[] | (.problem // .)' "$tmp/j" | grep -qF -- "$w" ||
        { cat "$tmp/j"; fail "--json does not list: $w"; }
done

# open still survives what it can (one header, one region table) and
# refuses the first problem it cannot
expect_error_line "$tmp/b.vhdx" "$VHDTOOL" info "$tmp/b.vhdx"
grep -qF "invalid VHDX sector sizes" "$tmp/err" || { cat "$tmp/err"; fail "open's first problem"; }

# damage the later rules depend on ends the check with that problem alone
cp "$tmp/a.vhdx" "$tmp/r.vhdx"
patch_vhdx "$tmp/r.vhdx" $((192 << 10 | 40)) 01
patch_vhdx "$tmp/r.vhdx" $((256 << 10 | 40)) 01
patch_vhdx "$tmp/r.vhdx" $(((3 << 20) + 5 * 8)) 060000f000000000
rc=0; "$VHDTOOL" check --json "$tmp/r.vhdx" > "$tmp/j" 2>/dev/null || rc=$?
[ $rc = 1 ] && [ "$(jq '.corruptions' "$tmp/j")" = 1 ] || { cat "$tmp/j"; fail "both region tables"; }
echo OK
