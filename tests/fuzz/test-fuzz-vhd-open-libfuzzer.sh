#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Build a libvhd open-path harness with clang's libFuzzer, ASan and UBSan
# (fuzz-build.sh) and fuzz for FUZZ_TIME seconds (default 25) from its
# corpus.  Any crash, leak, sanitizer report or timeout fails the test.
# `make fuzz` runs every harness at length (fuzz-run.sh).
# FUZZ_HARNESS=vhdx-open picks the VHDX harness (default vhd-open).
. "$(dirname "$0")/../functions.sh"
requires clang --version
: "${FUZZ_TIME:=25}"
: "${FUZZ_HARNESS:=vhd-open}"

rc=0
"$top_srcdir/tests/fuzz/fuzz-build.sh" "$tmp" "$FUZZ_HARNESS" || rc=$?
[ "$rc" != 77 ] || exit 77
[ "$rc" = 0 ] || fail "cannot build the fuzzer"

out="${FUZZ_CORPUS_OUT:-$tmp/new}"
mkdir -p "$out" "$tmp/work"
cd "$tmp/work"
TMPDIR=$tmp "$tmp/fuzz-$FUZZ_HARNESS" -max_total_time="$FUZZ_TIME" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 "$out" "$top_srcdir/tests/fuzz/corpus/$FUZZ_HARNESS" > "$tmp/log" 2>&1 || {
    tail -60 "$tmp/log"
    fail "the fuzzer found a problem (reproducer in $tmp/work)"
}
grep -E '^stat::number_of_executed_units' "$tmp/log"
