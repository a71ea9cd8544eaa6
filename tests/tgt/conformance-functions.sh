# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# conformance-functions.sh: what both conformance scripts share (source
# after tgt-functions.sh): conformance_start PORT starts tgtd with an rdwr
# target (tid 1, raw file) and a bs_vhd target (tid 2, dynamic VHD), makes
# the fixed, base and differencing VHDs the thin suites use, and defines
# run_cu (one iscsi-test-cu run, summarised) and compare (bs_vhd fails no
# test rdwr passes).
requires_tgt
requires_vhdtool
requires command -v iscsi-test-cu

conformance_start()
{
    tgt_start "$1"
    truncate -s 16M "$tmp/raw.img"
    "$VHDTOOL" create --type dynamic --size 16M "$tmp/dynamic.vhd"
    "$VHDTOOL" create --type fixed --size 16M "$tmp/fixed.vhd"
    "$VHDTOOL" create --type dynamic --size 16M "$tmp/base.vhd"
    "$VHDTOOL" create --type diff --parent "$tmp/base.vhd" "$tmp/diff.vhd"
    tgt_target 1 rdwr
    tgt_lun 1 1 "$tmp/raw.img" rdwr
    tgt_target 2 vhd
    tgt_lun 2 1 "$tmp/dynamic.vhd"
}

# run_cu NAME URL [SUITE]: run the suite, keep the summary line ("tests
# total ran passed failed") in $tmp/NAME.sum and the failed tests, sorted,
# in $tmp/NAME.failed.  A run that does not finish fails the caller.
run_cu()
{
    local name=$1 url=$2 rc=0
    shift 2
    with_timeout 170 iscsi-test-cu --dataloss -n "$@" "$url" > "$tmp/$name.out" 2>&1 || rc=$?
    [ $rc -eq 124 ] && { echo "$name: iscsi-test-cu did not finish" >&2; return 1; }
    grep -E '^ +tests +[0-9]' "$tmp/$name.out" | awk '{print $2, $3, $4, $5}' > "$tmp/$name.sum"
    [ -s "$tmp/$name.sum" ] || { tail "$tmp/$name.out" >&2; echo "$name: no summary" >&2; return 1; }
    sed -n 's/^Suite \(.*\), Test \(.*\) had failures:$/\1.\2/p' "$tmp/$name.out" | sort -u > "$tmp/$name.failed"
}

# compare NAME: bs_vhd's run NAME fails no test that rdwr's run rdwr-NAME passes.
compare()
{
    local extra
    read -r total ran passed failed < "$tmp/rdwr-$1.sum"
    read -r vtotal vran vpassed vfailed < "$tmp/$1.sum"
    echo "$1: rdwr passed $passed of $total, bs_vhd passed $vpassed of $vtotal"
    [ "$vtotal" = "$total" ] && [ "$vran" = "$ran" ] || fail "$1: different numbers of tests ran"
    extra=$(comm -13 "$tmp/rdwr-$1.failed" "$tmp/$1.failed")
    [ -z "$extra" ] || fail "$1: bs_vhd fails tests rdwr passes: $extra"
    [ "$vpassed" -ge "$passed" ] || fail "$1: bs_vhd passed fewer tests"
}

