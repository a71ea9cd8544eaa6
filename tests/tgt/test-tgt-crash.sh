#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-crash: two initiators on two differencing disks that share one
# parent (served with cache_parent=1, so both LUs read the parent through one
# shared cache); tgtd is killed with SIGKILL while both write; afterwards
# every image checks clean, and everything written and flushed (SYNCHRONIZE
# CACHE) before the kill reads back after tgtd is restarted.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool

pat="$ISCSI_PATTERN"
ini_a=iqn.2026-11.org.vhdtarget:initiator-a
ini_b=iqn.2026-11.org.vhdtarget:initiator-b
tgt_start 32605
tgt_target 1 crash

# The shared parent, with data of its own.
"$VHDTOOL" create --type dynamic --size 64M "$tmp/base.vhd"
tgt_lun 1 1 "$tmp/base.vhd"
"$pat" "$(tgt_url crash 1)" write 1 0 16384          # first 8 MiB
tgt_adm --mode logicalunit --op delete --tid 1 --lun 1
"$VHDTOOL" create --type diff --parent "$tmp/base.vhd" "$tmp/a.vhd"
"$VHDTOOL" create --type diff --parent "$tmp/base.vhd" "$tmp/b.vhd"

serve_children()
{
    tgt_lun 1 1 "$tmp/a.vhd" vhd "cache_parent=1"
    tgt_lun 1 2 "$tmp/b.vhd" vhd "cache_parent=1"
}
serve_children
grep -q "'$tmp/b.vhd' shares the cache of parent '$tmp/base.vhd' (2 users)" "$TGT_LOG" ||
    { cat "$TGT_LOG"; fail "the two LUs do not share the parent's cache"; }
ua=$(tgt_url crash 1)
ub=$(tgt_url crash 2)

# Both initiators read the parent's data (through the shared cache), write
# their own, and flush it.
"$pat" --initiator $ini_a "$ua" check 1 0 16384
"$pat" --initiator $ini_b "$ub" check 1 0 16384
"$pat" --initiator $ini_a "$ua" write 2 1000 3000
"$pat" --initiator $ini_b "$ub" write 3 5000 3000
"$pat" --initiator $ini_a "$ua" sync
"$pat" --initiator $ini_b "$ub" sync
"$pat" --initiator $ini_a "$ua" write 4 20000 100 fua  # FUA: durable without a sync
"$pat" --initiator $ini_a "$ua" check 2 1000 3000
"$pat" --initiator $ini_b "$ub" check 3 5000 3000
"$pat" --initiator $ini_b "$ub" check 1 0 5000

# Both keep writing (4 KiB random and 1 MiB sequential, much of it into
# unallocated blocks) when tgtd is killed.
"$ISCSI_LOAD" --initiator $ini_a --rw write --pattern rand --seconds 30 \
    --offset $((24 << 20)) --span $((40 << 20)) "$ua" > "$tmp/load-a" 2>&1 &
load_a=$!
"$ISCSI_LOAD" --initiator $ini_b --rw write --pattern seq --bs 1048576 --qd 4 \
    --seconds 30 --offset $((16 << 20)) "$ub" > "$tmp/load-b" 2>&1 &
load_b=$!
cleanup_fn "kill $load_a $load_b 2>/dev/null"
sleep 3
tgt_kill
wait $load_a 2>/dev/null && fail "initiator a did not notice tgtd die"
wait $load_b 2>/dev/null && fail "initiator b did not notice tgtd die"

# The images are valid...
for f in base a b; do
    "$VHDTOOL" check "$tmp/$f.vhd" > "$tmp/check-$f" 2>&1 ||
        { cat "$tmp/check-$f"; fail "$f.vhd is damaged after tgtd was killed"; }
done

# ... and after a restart, flushed data is there and the disks work.
tgt_restart
tgt_target 1 crash
serve_children
"$pat" --initiator $ini_a "$ua" check 2 1000 3000
"$pat" --initiator $ini_a "$ua" check 4 20000 100
"$pat" --initiator $ini_a "$ua" check 1 0 1000
"$pat" --initiator $ini_a "$ua" check 1 4000 12384
"$pat" --initiator $ini_b "$ub" check 3 5000 3000
"$pat" --initiator $ini_b "$ub" check 1 0 5000
"$pat" --initiator $ini_b "$ub" check 1 8000 8384
"$pat" --initiator $ini_a "$ua" write 5 30000 500
"$pat" --initiator $ini_a "$ua" check 5 30000 500
tgt_adm --mode target --op delete --force --tid 1
for f in base a b; do
    "$VHDTOOL" check "$tmp/$f.vhd" > "$tmp/check-$f" 2>&1 ||
        { cat "$tmp/check-$f"; fail "$f.vhd is damaged after the restart"; }
done
echo "ok: images valid and flushed data present after SIGKILL"
