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
"$top_builddir/tests/istmd/fuzz-objref-replay" "$corpus/objref" || fail "objref corpus replay"

if ! command -v clang >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
     clang -x c -fsanitize=fuzzer -o "$tmp/probe" - 2>/dev/null; then
    echo "no libFuzzer: corpus replay only"
    exit 0
fi
"$top_srcdir/tests/fuzz/fuzz-build.sh" "$tmp/bin" ndr-activation ndr-iwtgeneral objref ndr-istm ||
    fail "building the harnesses"
# the whole-interface NDR harness over both corpora, then one interface
# with the stubs generated from its tables
mkdir -p "$tmp/corpus-istm" "$tmp/corpus-ndr-istm-IWTDiskMgr"
cp "$corpus/ndr-iwtgeneral"/* "$corpus/ndr-activation"/* "$tmp/corpus-istm/"
FUZZ_INTERFACE=IWTDiskMgr FUZZ_SEEDS=$tmp/corpus-ndr-istm-IWTDiskMgr "$tmp/bin/fuzz-ndr-istm" -runs=1 \
    >/dev/null 2>&1
for h in activation iwtgeneral objref istm ndr-istm-IWTDiskMgr; do
    exe=fuzz-ndr-$h iface= seeds=$corpus/ndr-$h
    case $h in
    objref) exe=fuzz-objref seeds=$corpus/objref ;;
    istm|ndr-istm-*) exe=fuzz-ndr-istm iface=${h#ndr-istm-} iface=${iface#istm} ;;
    esac
    if [ ! -d "$tmp/corpus-$h" ]; then
        mkdir -p "$tmp/corpus-$h"
        cp "$seeds"/* "$tmp/corpus-$h/"
    fi
    (cd "$tmp" && FUZZ_INTERFACE=$iface "$tmp/bin/$exe" -max_total_time="${FUZZ_SECONDS:-15}" \
        -rss_limit_mb=1024 -max_len=4096 -artifact_prefix="$tmp/crash-$h-" "$tmp/corpus-$h" \
        > "$tmp/fuzz-$h.log" 2>&1) ||
        { tail -40 "$tmp/fuzz-$h.log"; fail "$exe ($h) found a crash"; }
    grep -E '^Done [0-9]+ runs' "$tmp/fuzz-$h.log" || tail -3 "$tmp/fuzz-$h.log"
done
