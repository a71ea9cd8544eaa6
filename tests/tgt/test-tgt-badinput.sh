#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-badinput: a missing, corrupt, truncated or orphaned VHD makes
# `tgtadm --op new` fail with the reason in tgtd's log; tgtd keeps running
# and keeps serving its other LUN, under load, without a failed command.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool

pat="$ISCSI_PATTERN"
tgt_start 32606
tgt_target 1 bad
"$VHDTOOL" create --type dynamic --size 32M "$tmp/good.vhd"
tgt_lun 1 1 "$tmp/good.vhd"
u=$(tgt_url bad 1)
"$pat" "$u" write 7 0 4096

# Bad images, each refused for its own reason.
head -c 1048576 /dev/urandom > "$tmp/garbage.vhd"                  # no footer at all
"$VHDTOOL" create --type dynamic --size 32M "$tmp/truncated.vhd"
truncate -s 1024 "$tmp/truncated.vhd"                               # footer copy only
"$VHDTOOL" create --type dynamic --size 32M "$tmp/badheader.vhd"
printf 'xxxxxxxx' | dd of="$tmp/badheader.vhd" bs=1 seek=512 conv=notrunc 2>/dev/null  # dynamic header cookie
"$VHDTOOL" create --type dynamic --size 32M "$tmp/parent.vhd"
"$VHDTOOL" create --type diff --parent "$tmp/parent.vhd" "$tmp/orphan.vhd"
rm "$tmp/parent.vhd"                                                # missing parent
mkdir "$tmp/adir.vhd"                                               # not a file

# Load on the good LUN while the bad ones are tried.
"$ISCSI_LOAD" --rw write --pattern rand --seconds 6 --offset $((4 << 20)) "$u" > "$tmp/load" 2>&1 &
load=$!
cleanup_fn "kill $load 2>/dev/null"

lun=2
for f in missing.vhd garbage.vhd truncated.vhd badheader.vhd orphan.vhd adir.vhd; do
    if tgt_lun 1 $lun "$tmp/$f" 2>"$tmp/err"; then
        fail "'$f' was accepted"
    fi
    grep -q "bs_vhd: .*'$tmp/$f'" "$TGT_LOG" ||
        { tail "$TGT_LOG"; fail "no reason logged for '$f'"; }
    tgt_alive || fail "tgtd died on '$f'"
    tgt_adm --mode target --op show | grep -q "LUN: $lun" &&
        fail "a LUN was left behind for '$f'"
    lun=$((lun + 1))
done
# And a bad option for a good image.
if tgt_lun 1 9 "$tmp/good.vhd" vhd "cache_parent=2" 2>/dev/null; then
    fail "cache_parent=2 was accepted"
fi

wait $load || { cat "$tmp/load"; fail "the good LUN failed commands meanwhile"; }
grep -q 'errors=0' "$tmp/load" || { cat "$tmp/load"; fail "load errors"; }
"$pat" "$u" check 7 0 4096
tgt_alive || fail "tgtd died"
sed -n 's/.*\(bs_vhd: .*\)/\1/p' "$TGT_LOG"
echo "ok: bad images refused, tgtd and the good LUN unaffected"
