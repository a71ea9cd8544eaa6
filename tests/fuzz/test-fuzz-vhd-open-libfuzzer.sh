#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Build a libvhd open-path harness with clang's libFuzzer, ASan and UBSan
# and fuzz for FUZZ_TIME seconds (25 in make check) from its corpus.  Any
# crash, leak, sanitizer report or timeout fails the test.  `make -C
# tests/fuzz fuzz` runs it for an hour and keeps what it finds.
# FUZZ_HARNESS=vhdx-open picks the VHDX harness (default vhd-open).
. "$(dirname "$0")/../functions.sh"
requires clang --version
: "${FUZZ_TIME:=25}"
: "${FUZZ_HARNESS:=vhd-open}"

src="$top_srcdir/libvhd"
cat > "$tmp/probe.c" <<'C'
#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
C
if ! clang -fsanitize=fuzzer "$tmp/probe.c" -o "$tmp/probe" 2>/dev/null; then
    echo "skipped: clang cannot build libFuzzer programs (libclang-rt-dev missing?)"
    exit 77
fi
clang -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$top_builddir" -I"$top_srcdir" -I"$src" \
    "$src"/*.c "$top_srcdir"/common/io.c "$top_srcdir"/common/utf16.c \
    "$top_srcdir/tests/fuzz/fuzz-$FUZZ_HARNESS.c" -lpthread -o "$tmp/fuzz-$FUZZ_HARNESS" ||
    fail "cannot build the fuzzer"

out="${FUZZ_CORPUS_OUT:-$tmp/new}"
mkdir -p "$out" "$tmp/work"
cd "$tmp/work"
TMPDIR=$tmp "$tmp/fuzz-$FUZZ_HARNESS" -max_total_time="$FUZZ_TIME" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 "$out" "$top_srcdir/tests/fuzz/corpus/$FUZZ_HARNESS" > "$tmp/log" 2>&1 || {
    tail -60 "$tmp/log"
    fail "the fuzzer found a problem (reproducer in $tmp/work)"
}
grep -E '^stat::number_of_executed_units' "$tmp/log"
