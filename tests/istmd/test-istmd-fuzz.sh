#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Hostile bytes: replay the PDU, NTLMSSP (server and client sides), SPNEGO,
# verification trailer and parent verb corpora (every file and every prefix of it) through the
# harnesses built with the project's compiler, then, when clang's libFuzzer
# is there, fuzz each harness briefly under ASan+UBSan (FUZZ_SECONDS,
# default 20) starting from the corpus.
. "$(dirname "$0")/../functions.sh"

corpus="$top_srcdir/tests/fuzz/corpus"
"$top_builddir/tests/istmd/fuzz-rpc-pdu-replay" "$corpus/rpc-pdu" || fail "rpc-pdu corpus replay"
"$top_builddir/tests/istmd/fuzz-ntlmssp-replay" "$corpus/ntlmssp" || fail "ntlmssp corpus replay"
"$top_builddir/tests/istmd/fuzz-spnego-replay" "$corpus/spnego" || fail "spnego corpus replay"
"$top_builddir/tests/istmd/fuzz-ntlmssp-client-replay" "$corpus/ntlmssp-client" ||
    fail "ntlmssp-client corpus replay"

"$top_builddir/tests/istmd/fuzz-rpc-vtrailer-replay" "$corpus/rpc-vtrailer" || fail "rpc-vtrailer corpus replay"
"$top_builddir/tests/istmd/fuzz-parent-verbs-replay" "$corpus/parent-verbs" || fail "parent-verbs corpus replay"

if ! command -v clang >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
     clang -x c -fsanitize=fuzzer -o "$tmp/probe" - 2>/dev/null; then
    echo "no libFuzzer: corpus replay only"
    exit 0
fi
"$top_srcdir/tests/fuzz/fuzz-build.sh" "$tmp/bin" rpc-pdu rpc-vtrailer ntlmssp spnego parent-verbs \
    ntlmssp-client ||
    fail "building the harnesses"
for h in rpc-pdu rpc-vtrailer ntlmssp spnego parent-verbs ntlmssp-client; do
    mkdir -p "$tmp/corpus-$h"
    cp "$corpus/$h"/* "$tmp/corpus-$h/"
    (cd "$tmp" && TMPDIR=$tmp "$tmp/bin/fuzz-$h" -max_total_time="${FUZZ_SECONDS:-20}" \
        -rss_limit_mb=1024 -max_len=8192 -artifact_prefix="$tmp/crash-$h-" "$tmp/corpus-$h" \
        > "$tmp/fuzz-$h.log" 2>&1) ||
        { tail -40 "$tmp/fuzz-$h.log"; fail "fuzz-$h found a crash"; }
    grep -E '^#[0-9]+.*DONE' "$tmp/fuzz-$h.log" || tail -3 "$tmp/fuzz-$h.log"
done
