#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# fuzz-build.sh OUT [HARNESS...]: build the libFuzzer harnesses (clang,
# -fsanitize=fuzzer,address,undefined) into OUT, all of them or those
# named.  The one place that knows which sources each harness links: the
# make check tests (brief runs) and make fuzz (fuzz-run.sh) both call it.
# Each group of sources is compiled once into a static archive in OUT, so a
# harness links only the objects it reaches.  Needs top_srcdir and
# top_builddir in the environment (absolute); exits 77 without libFuzzer.
set -eu
out=$1
shift
: "${top_srcdir:?}" "${top_builddir:?}"
all="vhd-open vhdx-open rpc-pdu rpc-vtrailer ntlmssp spnego ndr-activation ndr-iwtgeneral
     objref ndr-istm parent-verbs ntlmssp-client"
want=${*:-$all}
mkdir -p "$out"

echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' > "$out/probe.c"
if ! clang -fsanitize=fuzzer -o "$out/probe" "$out/probe.c" 2>/dev/null; then
    echo "fuzz-build: clang cannot build libFuzzer programs (clang, libclang-rt-14-dev)" >&2
    exit 77
fi

s=$top_srcdir
b=$top_builddir
i=$s/istmd
cflags="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -fno-strict-aliasing -include $b/config.h -I$b -I$s"
ndr_inc="-I$i -I$i/net -I$b/istmd -I$s/tests/istmd"
rpc_inc="-I$i -I$i/net -I$i/net/rpc $(pkg-config --cflags nettle krb5-gssapi)"
nettle="$(pkg-config --libs nettle)"
gssapi="$(pkg-config --libs krb5-gssapi)"

# group NAME "FLAGS" FILE...: compile FILEs into OUT/NAME.a (once per build)
group() {
    local name=$1 flags=$2 f o objs=()
    shift 2
    mkdir -p "$out/obj-$name"
    for f in "$@"; do
        o=${f#"$s"/}
        o=${o#"$b"/}
        o="$out/obj-$name/${o//\//_}"
        o=${o%.c}.o
        if [ ! -e "$o" ] || [ "$f" -nt "$o" ]; then
            # shellcheck disable=SC2086
            clang $cflags $flags -c -o "$o" "$f"
        fi
        objs+=("$o")
    done
    rm -f "$out/$name.a"
    ar rcs "$out/$name.a" "${objs[@]}"
}

needs() { case " $want " in *" $1 "*) return 0;; esac; return 1; }
built=()

if needs vhd-open || needs vhdx-open || needs parent-verbs; then
    group vhd "-I$s/libvhd" "$s"/libvhd/*.c "$s/common/io.c" "$s/common/utf16.c" "$s/common/now.c"
fi
if needs rpc-pdu || needs rpc-vtrailer || needs spnego || needs ntlmssp || needs ntlmssp-client; then
    group rpc "$rpc_inc" "$i/log.c" "$i"/net/rpc/rpc_{buf,codec,pdu,iface,conn,vtrailer}.c \
        "$i"/net/rpc/{ntlmssp_msg,ntlmssp_sign,ntlmssp_client,rpc_auth_ntlm,rpc_auth_spnego,spnego}.c \
        "$i"/net/rpc/{rpc_auth_krb5,rpc_auth_wrap}.c \
        "$i/net/rpc/ntlmssp_mic.c" \
        "$s/common/utf16.c"
    group auth "$rpc_inc" "$i/auth/ntlmv2.c"
fi
if needs ndr-activation || needs ndr-iwtgeneral || needs objref || needs ndr-istm; then
    group objects "$ndr_inc" "$i"/net/ndr/*.c "$i"/net/dcom/*.c "$i"/net/istm/*.c \
        "$b/istmd/idl/istm_ndr.c" "$i/log.c" "$i/net/rpc/rpc_buf.c" "$i/net/priv/ask.c" \
        "$s/tests/istmd/dcom-standin.c" "$s/tests/istmd/istm-tables.c" \
        "$s/tests/istmd/ndr-fill.c" "$s/common/utf16.c" "$s/common/now.c" "$s/common/ip_literal.c"
fi
if needs parent-verbs; then
    group parent "-I$i -I$s/libvhd $(pkg-config --cflags sqlite3 nettle krb5-gssapi) -DVHDFS_PATH=\"/nonexistent\"" \
        "$i"/parent/*.c "$i"/parent/*/*.c "$i"/auth/*.c "$i/log.c" "$i/hresult.c" \
        "$s/common/ip_literal.c"
fi

# link NAME "FLAGS" SOURCE... -- LIBS...
link() {
    local name=$1 flags=$2
    shift 2
    # shellcheck disable=SC2086
    clang $cflags $flags -o "$out/fuzz-$name" "$@"
    built+=("$name")
}
# shellcheck disable=SC2046,SC2086  # library flags are lists
for h in $want; do
    case $h in
    vhd-open|vhdx-open)
        link "$h" "-I$s/libvhd" "$s/tests/fuzz/fuzz-$h.c" "$out/vhd.a" -lpthread ;;
    rpc-pdu|spnego)
        link "$h" "$rpc_inc" "$s/tests/fuzz/fuzz-$h.c" "$s/tests/fuzz/fuzz-priv-stub.c" \
            "$out/rpc.a" $nettle $gssapi ;;
    rpc-vtrailer)
        link "$h" "$rpc_inc" "$s/tests/fuzz/fuzz-$h.c" "$out/rpc.a" $gssapi ;;
    ntlmssp)
        link "$h" "$rpc_inc" "$s/tests/fuzz/fuzz-$h.c" "$s/tests/fuzz/fuzz-priv-stub.c" \
            "$out/rpc.a" "$out/auth.a" $nettle $gssapi ;;
    ntlmssp-client)
        link "$h" "$rpc_inc" "$s/tests/fuzz/fuzz-$h.c" "$out/rpc.a" "$out/auth.a" $nettle $gssapi ;;
    ndr-activation|ndr-iwtgeneral|objref|ndr-istm)
        link "$h" "$ndr_inc" "$s/tests/fuzz/fuzz-$h.c" "$out/objects.a" ;;
    parent-verbs)
        link "$h" "-I$i" "$s/tests/fuzz/fuzz-$h.c" "$out/parent.a" "$out/vhd.a" \
            $(pkg-config --libs sqlite3) $nettle $gssapi -lpthread ;;
    *)
        echo "fuzz-build: no harness $h" >&2
        exit 2 ;;
    esac
done
echo "fuzz-build: built ${built[*]} in $out"
