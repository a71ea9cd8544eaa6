#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-serving-cache-parent.sh: IWTDisk3::CacheParent.  Three
# differencing disks of one fixed base, made through ISTM with CacheParent
# set and each on its own target, become bs_vhd LUs with cache_parent=1:
# tgtd's log shows the three sharing one cache of the base, and reading the
# three LUs whole reads the base's bytes from its file once (pread bytes on
# the base's descriptor, counted with strace), where three children made
# without CacheParent read them three times.  Bad input changes nothing;
# the setting survives istmd's restart and a tgtd crash (the LUs made again
# from the store carry cache_parent=1 again, and so does tgt-admin's copy
# of the targets, --tgt-conf).
# tgtadm cannot show it: tgt 1.0.85 prints no backing-store options, so
# bs_vhd's own log line is what shows the option reached the LU.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool
requires command -v strace

PY="$top_srcdir/tests/istmd/serving_cache_parent.py"
SIZE=$((16 << 20))
STRACE_PID=
stop_strace()
{
    if [ -n "$STRACE_PID" ]; then
        kill "$STRACE_PID" 2>/dev/null || true
        wait "$STRACE_PID" 2>/dev/null || true
    fi
    STRACE_PID=
}
cleanup_fn stop_strace

cp_py()
{
    istm_py "$PY" "$@" > "$tmp/py.out" 2>&1 || { cat "$tmp/py.out"; fail "$*"; }
    cat "$tmp/py.out"
}

# base_reads PREFIX: bytes tgtd preads from base.vhd while every LUN of
# targets PREFIX1..3 is read whole
base_reads()
{
    local i
    strace -qq -f -y -e trace=pread64,preadv,preadv2 -e signal=none -p "$TGT_PID" \
        -o "$tmp/strace.$1" &
    STRACE_PID=$!
    sleep 1     # attached to every thread
    for i in 1 2 3; do
        timeout 120 "$ISCSI_PATTERN" --initiator "iqn.2026-11.org.vhdtarget.test:r$1$i" \
            "iscsi://127.0.0.1:$TGT_PORT/iqn.2026-11.org.vhdtarget.test:$1$i/1" \
            dump "$tmp/$1$i.raw" || fail "reading $1$i"
        cmp -n "$SIZE" "$tmp/$1$i.raw" "$tmp/os.img" || fail "$1$i does not read as the base"
    done
    sleep 0.5
    stop_strace
    awk -v f="$STORAGE/base.vhd>" 'index($0, f) { n = $NF; if (n ~ /^[0-9]+$/) s += n }
        END { print s + 0 }' "$tmp/strace.$1"
}

istm_start 32694
"$VHDTOOL" create --type fixed --size "$SIZE" "$STORAGE/base.vhd" >/dev/null
head -c "$SIZE" /dev/urandom > "$tmp/os.img"
dd if="$tmp/os.img" of="$STORAGE/base.vhd" bs=1M conv=notrunc status=none
# the base is a registered disk (the children's parent); nothing maps it
PYTHONPATH="$ISTM_PYTHONPATH" $PYTHON - "$ISTMD_PORT" <<'PYEOF' || fail "register the base"
import sys
from istm import access as A, base, disks
dcom = base.connect('127.0.0.1', 'alice', 'Passw0rd!', port=int(sys.argv[1]))
A.create_wtdisk(disks.activate_disk_mgr(dcom), 'C:\\base.vhd', 'base')
PYEOF

cp_py make c 1
cp_py make n 0
cp_py badinput c
tgt_adm --mode target --op show > "$tmp/show"
for p in c1 c2 c3 n1 n2 n3; do
    grep -q "Backing store path: $STORAGE/$p.vhd\$" "$tmp/show" ||
        { cat "$tmp/show"; fail "$p not served"; }
done
grep -q "bs_vhd: '$STORAGE/c3.vhd' shares the cache of parent '$STORAGE/base.vhd' (3 users)" \
    "$TGT_LOG" || { grep bs_vhd "$TGT_LOG"; fail "c1..c3 do not share one cache of the base"; }
grep -q "bs_vhd: '$STORAGE/n.\.vhd' shares" "$TGT_LOG" &&
    fail "a child without CacheParent shares a cache"

cached=$(base_reads c)
uncached=$(base_reads n)
echo "base bytes read for three whole LUs: with CacheParent $cached, without $uncached" \
     "(virtual size $SIZE; load $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$uncached" -ge $((3 * SIZE)) ] ||
    fail "without CacheParent the base was read $uncached bytes, not 3 x $SIZE"
[ "$cached" -ge "$SIZE" ] && [ "$cached" -lt $((SIZE + SIZE / 4)) ] ||
    fail "with CacheParent the base was read $cached bytes, not once ($SIZE)"

# istmd restart keeps the setting; a tgtd crash loses the LUs, istmd's
# start makes them again from the store, with cache_parent=1
istmd_kill
tgt_kill
: > "$TGT_LOG"
tgt_restart
istm_restart --tgt-conf "$tmp/istmd-tgt.conf"
cp_py check c 1
cp_py check n 0
# tgt-admin's copy of the targets carries the option too
grep -A4 "<backing-store $STORAGE/c1.vhd>" "$tmp/istmd-tgt.conf" |
    grep -q 'bsopts "cache_parent=1"' ||
    { cat "$tmp/istmd-tgt.conf"; fail "the tgt-admin file lacks cache_parent=1 for c1"; }
grep -A4 "<backing-store $STORAGE/n1.vhd>" "$tmp/istmd-tgt.conf" | grep -q bsopts &&
    fail "the tgt-admin file has backing-store options for n1"
grep -q "bs_vhd: '$STORAGE/c3.vhd' shares the cache of parent '$STORAGE/base.vhd' (3 users)" \
    "$TGT_LOG" ||
    { grep bs_vhd "$TGT_LOG"; fail "after tgtd's restart c1..c3 lost cache_parent=1"; }
grep -q "bs_vhd: '$STORAGE/n.\.vhd' shares" "$TGT_LOG" && fail "n1..n3 gained cache_parent"
cached=$(base_reads c)
echo "after the restart, with CacheParent: $cached"
[ "$cached" -lt $((SIZE + SIZE / 4)) ] || fail "after the restart the base was read $cached bytes"
istmd_stop
