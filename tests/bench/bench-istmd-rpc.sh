#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# bench-istmd-rpc.sh: istmd's DCE/RPC transport driven by impacket: echo
# calls per second at packet privacy and packet integrity, small (64 B) and
# large (64 KiB, fragmented) stubs, one run each, and the ratios.  The
# client (impacket, pure Python) is most of the cost; the ratios show what
# sealing costs on top of signing.  Not part of make check.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istmd-functions.sh"

istmd_start
p64=$(rpcclient bench privacy 2000 64)
i64=$(rpcclient bench integrity 2000 64)
p64k=$(rpcclient bench privacy 200 65536)
i64k=$(rpcclient bench integrity 200 65536)
istmd_stop
awk -v p="$p64" -v i="$i64" -v pk="$p64k" -v ik="$i64k" 'BEGIN {
    printf "echo 64 B:   privacy %s calls/s, integrity %s calls/s, privacy/integrity %.2f\n", p, i, p / i
    printf "echo 64 KiB: privacy %s calls/s, integrity %s calls/s, privacy/integrity %.2f\n", pk, ik, pk / ik
    printf "echo 64 KiB vs 64 B at privacy: %.3f of the call rate (%.1f MB/s each way)\n", pk / p, pk * 65536 / 1e6
}'
