#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Hostile stubs for the object layers: replay the activation and IWTGeneral
# corpora (every file and every prefix) through the harnesses built with
# the project's compiler, then, when clang's libFuzzer is there, fuzz each
# briefly under ASan+UBSan (FUZZ_SECONDS, default 15) from the corpus.
. "$(dirname "$0")/../functions.sh"

corpus="$top_srcdir/tests/fuzz/corpus"
for h in activation iwtgeneral; do
    "$top_builddir/tests/istmd/fuzz-ndr-$h-replay" "$corpus/ndr-$h" || fail "ndr-$h corpus replay"
done
# every ISTM interface's [in] lists over both corpora (see fuzz-ndr-istm.c)
"$top_builddir/tests/istmd/fuzz-ndr-istm-replay" "$corpus/ndr-iwtgeneral" "$corpus/ndr-activation" ||
    fail "ndr-istm corpus replay"

if ! command -v clang >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
     clang -x c -fsanitize=fuzzer -o "$tmp/probe" - 2>/dev/null; then
    echo "no libFuzzer: corpus replay only"
    exit 0
fi
src="$top_srcdir/istmd"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -fno-strict-aliasing -include $top_builddir/config.h -I$top_builddir -I$top_srcdir -I$src -I$src/net
        -I$top_builddir/istmd -I$top_srcdir/tests/istmd"
# the object layers once (with the tables generated from the IDL), then
# one link per harness
mkdir -p "$tmp/obj"
for f in "$src"/net/ndr/*.c "$src"/net/dcom/*.c "$src"/net/istm/*.c "$top_builddir/istmd/idl/istm_ndr.c" \
         "$src/log.c" "$src/net/rpc/rpc_buf.c" "$src/net/priv/ask.c" \
         "$top_srcdir/tests/istmd/dcom-standin.c" "$top_srcdir/tests/istmd/istm-tables.c" \
         "$top_srcdir/common/utf16.c" "$top_srcdir/common/now.c"; do
    # shellcheck disable=SC2086
    clang $cflags -c -o "$tmp/obj/$(basename "$f" .c).o" "$f" || fail "compiling $f"
done
for h in activation iwtgeneral istm; do
    # shellcheck disable=SC2086
    clang $cflags -o "$tmp/fuzz-ndr-$h" "$top_srcdir/tests/fuzz/fuzz-ndr-$h.c" "$tmp"/obj/*.o ||
        fail "building fuzz-ndr-$h"
    mkdir -p "$tmp/corpus-$h"
    if [ "$h" = istm ]; then
        cp "$corpus/ndr-iwtgeneral"/* "$corpus/ndr-activation"/* "$tmp/corpus-$h/"
    else
        cp "$corpus/ndr-$h"/* "$tmp/corpus-$h/"
    fi
    "$tmp/fuzz-ndr-$h" -max_total_time="${FUZZ_SECONDS:-15}" -rss_limit_mb=1024 -max_len=4096 \
        -artifact_prefix="$tmp/crash-$h-" "$tmp/corpus-$h" > "$tmp/fuzz-$h.log" 2>&1 ||
        { tail -40 "$tmp/fuzz-$h.log"; fail "fuzz-ndr-$h found a crash"; }
    grep -E '^Done [0-9]+ runs' "$tmp/fuzz-$h.log" || tail -3 "$tmp/fuzz-$h.log"
done
