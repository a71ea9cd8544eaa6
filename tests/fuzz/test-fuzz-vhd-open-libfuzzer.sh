#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Build the libvhd open-path harness with clang's libFuzzer, ASan and UBSan
# and fuzz for FUZZ_TIME seconds (25 in make check) from the corpus.  Any
# crash, leak, sanitizer report or timeout fails the test.  `make -C
# tests/fuzz fuzz` runs it for an hour and keeps what it finds.
. "$(dirname "$0")/../functions.sh"
requires clang --version
: "${FUZZ_TIME:=25}"

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
    "$src"/error.c "$src"/format.c "$src"/layer.c "$src"/validate.c "$src"/chain.c "$src"/io.c \
    "$src"/alloc.c "$src"/create.c "$src"/commit.c "$src"/check.c "$src"/relink.c "$src"/grow.c \
    "$top_srcdir"/common/io.c "$top_srcdir"/common/utf16.c \
    "$top_srcdir/tests/fuzz/fuzz-vhd-open.c" -lpthread -o "$tmp/fuzz-vhd-open" ||
    fail "cannot build the fuzzer"

out="${FUZZ_CORPUS_OUT:-$tmp/new}"
mkdir -p "$out" "$tmp/work"
cd "$tmp/work"
TMPDIR=$tmp "$tmp/fuzz-vhd-open" -max_total_time="$FUZZ_TIME" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 "$out" "$top_srcdir/tests/fuzz/corpus/vhd-open" > "$tmp/log" 2>&1 || {
    tail -60 "$tmp/log"
    fail "the fuzzer found a problem (reproducer in $tmp/work)"
}
grep -E '^stat::number_of_executed_units' "$tmp/log"
