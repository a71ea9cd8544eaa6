#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Hostile bytes: replay the PDU, NTLMSSP and SPNEGO corpora (every file and every
# prefix of it) through the harnesses built with the project's compiler,
# then, when clang's libFuzzer is there, fuzz each harness briefly under
# ASan+UBSan (FUZZ_SECONDS, default 20) starting from the corpus.
. "$(dirname "$0")/../functions.sh"

corpus="$top_srcdir/tests/fuzz/corpus"
"$top_builddir/tests/istmd/fuzz-rpc-pdu-replay" "$corpus/rpc-pdu" || fail "rpc-pdu corpus replay"
"$top_builddir/tests/istmd/fuzz-ntlmssp-replay" "$corpus/ntlmssp" || fail "ntlmssp corpus replay"
"$top_builddir/tests/istmd/fuzz-spnego-replay" "$corpus/spnego" || fail "spnego corpus replay"

if ! command -v clang >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
     clang -x c -fsanitize=fuzzer -o "$tmp/probe" - 2>/dev/null; then
    echo "no libFuzzer: corpus replay only"
    exit 0
fi
src="$top_srcdir/istmd"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -I$top_builddir -I$top_srcdir -I$src -I$src/net -I$src/net/rpc $(pkg-config --cflags nettle krb5-gssapi)"
libs="$(pkg-config --libs nettle krb5-gssapi)"
rpc="$src/log.c $src/net/rpc/rpc_buf.c $src/net/rpc/rpc_codec.c $src/net/rpc/rpc_pdu.c $src/net/rpc/rpc_iface.c
     $src/net/rpc/rpc_conn.c $src/net/rpc/ntlmssp_msg.c $src/net/rpc/ntlmssp_sign.c
     $src/net/rpc/rpc_vtrailer.c $src/net/rpc/rpc_auth_ntlm.c $src/net/rpc/rpc_auth_spnego.c $src/net/rpc/spnego.c
     $src/net/rpc/rpc_auth_krb5.c $src/net/rpc/rpc_auth_wrap.c $top_srcdir/common/utf16.c"
# shellcheck disable=SC2086
clang $cflags -o "$tmp/fuzz-rpc-pdu" "$top_srcdir/tests/fuzz/fuzz-rpc-pdu.c" \
    "$top_srcdir/tests/fuzz/fuzz-priv-stub.c" $rpc $libs || fail "building fuzz-rpc-pdu"
# shellcheck disable=SC2086
clang $cflags -o "$tmp/fuzz-ntlmssp" "$top_srcdir/tests/fuzz/fuzz-ntlmssp.c" \
    $src/net/rpc/rpc_buf.c $src/net/rpc/rpc_codec.c $src/net/rpc/ntlmssp_msg.c $src/auth/ntlmv2.c \
    $src/net/rpc/ntlmssp_sign.c \
    $top_srcdir/common/utf16.c $libs || fail "building fuzz-ntlmssp"
# shellcheck disable=SC2086
clang $cflags -o "$tmp/fuzz-spnego" "$top_srcdir/tests/fuzz/fuzz-spnego.c" \
    "$top_srcdir/tests/fuzz/fuzz-priv-stub.c" $rpc $libs || fail "building fuzz-spnego"
for h in rpc-pdu ntlmssp spnego; do
    mkdir -p "$tmp/corpus-$h"
    cp "$corpus/$h"/* "$tmp/corpus-$h/"
    "$tmp/fuzz-$h" -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=1024 -max_len=8192 \
        -artifact_prefix="$tmp/crash-$h-" "$tmp/corpus-$h" > "$tmp/fuzz-$h.log" 2>&1 ||
        { tail -40 "$tmp/fuzz-$h.log"; fail "fuzz-$h found a crash"; }
    grep -E '^#[0-9]+.*DONE' "$tmp/fuzz-$h.log" || tail -3 "$tmp/fuzz-$h.log"
done
