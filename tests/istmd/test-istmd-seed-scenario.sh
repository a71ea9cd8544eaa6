#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-seed-scenario.sh: the seed's scenario end to end.  A fixed
# base VHD holding an "operating system", three differencing disks made
# from it through ILocalDeviceMgr3::CreateDiffWtFile, three targets, and
# three initiators each booting from its own child and writing its own
# data; the base's bytes stay unchanged (sha256), each client reads the
# base through its child where it wrote nothing, and while children exist
# the base can neither be mapped to a target nor deleted (scenarios_seed.py).
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool

SEED="$top_srcdir/tests/istmd/scenarios_seed.py"
base="$STORAGE/boot/base.vhd"
seed_py() { istm_py "$SEED" "$1" > "$tmp/$1.out" || { cat "$tmp/$1.out"; fail "seed phase $1"; }; cat "$tmp/$1.out"; }

istm_start 32685
mkdir -p "$STORAGE/boot"

seed_py base
# the "operating system": 8 MiB of data at the start of the fixed base
# (a fixed VHD's data starts at offset 0), written before any child exists
head -c $((8 << 20)) /dev/urandom > "$tmp/os.img"
dd if="$tmp/os.img" of="$base" bs=1M conv=notrunc status=none
"$VHDTOOL" check "$base" >/dev/null || fail "the base is not a valid VHD after the OS install"
sum0=$(sha256sum < "$base")

seed_py children
seed_py guard
tgt_adm --mode target --op show > "$tmp/tgt"
grep -q "Backing store path: $base\$" "$tmp/tgt" && fail "the base is a LU of a target"
for i in 1 2 3; do
    grep -q "Backing store path: $STORAGE/boot/client$i.vhd\$" "$tmp/tgt" ||
        { cat "$tmp/tgt"; fail "client$i.vhd is not served"; }
done

# three initiators, each on its own target (tgt LUN 1 = ISTM LUN 0)
url() { echo "iscsi://127.0.0.1:$TGT_PORT/iqn.2026-11.org.vhdtarget.test:boot$1/1"; }
ini() { echo "iqn.2026-11.org.vhdtarget.test:client$1"; }
pat() { with_timeout 60 "$ISCSI_PATTERN" "$@"; }
for i in 1 2 3; do
    # client i boots: its first 64 KiB are the base's, then it writes its own
    # data at a different place each
    pat --initiator "$(ini $i)" "$(url $i)" dump "$tmp/boot$i.raw" || fail "client $i cannot read"
    cmp -n $((8 << 20)) "$tmp/boot$i.raw" "$tmp/os.img" || fail "client $i does not see the base"
    pat --initiator "$(ini $i)" "$(url $i)" write $((100 + i)) $((i * 4096)) 2048 ||
        fail "client $i cannot write"
    pat --initiator "$(ini $i)" "$(url $i)" sync
done
for i in 1 2 3; do
    pat --initiator "$(ini $i)" "$(url $i)" check $((100 + i)) $((i * 4096)) 2048 ||
        fail "client $i lost its data"
    for j in 1 2 3; do
        [ "$j" = "$i" ] && continue
        # another client's data is not here: these blocks are still the base's
        pat --initiator "$(ini $i)" "$(url $i)" check $((100 + j)) $((j * 4096)) 16 2>/dev/null &&
            fail "client $j's data is visible to client $i"
    done
    # and client i cannot log in to client j's target
    j=$(( i % 3 + 1 ))
    expect_fail pat --initiator "$(ini $i)" "$(url $j)" capacity
done
# the children's data is in the children, the base is unchanged
[ "$(sha256sum < "$base")" = "$sum0" ] || fail "the base changed"

# the refusals hold after the I/O too, and the base is still untouched
seed_py guard
[ "$(sha256sum < "$base")" = "$sum0" ] || fail "the base changed"
[ -f "$base" ] || fail "the base was deleted"

# with tgtd gone (it holds the children open), the chain is sound
istmd_stop
tgt_stop
for i in 1 2 3; do
    "$VHDTOOL" check "$STORAGE/boot/client$i.vhd" >/dev/null || fail "client$i.vhd is damaged"
done
[ "$(sha256sum < "$base")" = "$sum0" ] || fail "the base changed"
