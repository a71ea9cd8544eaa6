#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# IEnumWTDisk over 200 virtual disks registered through CreateWTDisk
# (tests/istmd/disks_enum.py): Next(1), Next(50), count-only Next(0), Skip,
# Reset, Clone, deletions and additions during a walk, a deletion after it
# (istmctl lists the rest); the disks are all
# there after an istmd restart.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"

VHDTOOL="$top_builddir/vhdfs/vhdtool"
N=200
mkdir -p "$STORAGE/many"
# vhdtool syncs what it creates (about 0.3 s a file here): make one, copy it
"$VHDTOOL" create -q --type dynamic --size 1M "$tmp/one.vhd"
for i in $(seq 0 $((N - 1))); do
    cp "$tmp/one.vhd" "$STORAGE/many/$(printf 'd%03d' "$i").vhd"
done
cp "$tmp/one.vhd" "$STORAGE/many/late.vhd"

lock_port 32675
istm_start 32675
start=$(date +%s)
istm_py "$top_srcdir/tests/istmd/disks_enum.py" "$STORAGE" "$N" ||
    { tail -20 "$tmp/istmd.log"; fail "enumerations"; }
echo "enumeration test took $(( $(date +%s) - start )) s"
istmd_stop
istm_restart
n=$(istmctl --json disks list | $PYTHON -c 'import json,sys; print(len(json.load(sys.stdin)))') ||
    fail "istmctl disks list"
[ "$n" -eq "$((N - 2))" ] || fail "after the restart istmctl lists $n disks, expected $((N - 2))"
istmd_stop
