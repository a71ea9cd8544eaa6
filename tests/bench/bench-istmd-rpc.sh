#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# bench-istmd-rpc.sh: istmd's DCE/RPC transport driven by impacket: echo
# calls per second at packet privacy and packet integrity, small (64 B) and
# large (64 KiB, fragmented) stubs, interleaved rounds (bench-functions.sh)
# with min/median/max and the ratios of medians.  The
# client (impacket, pure Python) is most of the cost; the ratios show what
# sealing costs on top of signing.  Not part of make check.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istmd-functions.sh"

. "$top_srcdir/tests/bench/bench-functions.sh"

istmd_start
rpc()   # rpc privacy|integrity: calls/s of $cur_size-byte echo calls
{
    if [ "$cur_size" = 64 ]; then rpcclient bench "$1" 2000 64; else rpcclient bench "$1" 200 65536; fi
}
for cur_size in 64 65536; do
    bench_run echo$cur_size rpc privacy integrity
done
istmd_stop
echo "istmd echo calls/s through impacket, $BENCH_ROUNDS interleaved rounds; $(nproc) CPUs, $(bench_load)"
bench_header
bench_row echo64 privacy integrity "echo 64 B privacy/integrity"
bench_row echo65536 privacy integrity "echo 64 KiB privacy/integrity"
