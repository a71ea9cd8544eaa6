#!/bin/bash
# test-tgt-conformance-thin: libiscsi's conformance suite (iscsi-test-cu --dataloss)
# against a bs_vhd LUN passes every test that it passes against tgt's own
# rdwr backing store on the same tgtd (a raw file of the same size).  The
# whole suite runs on full-provisioned LUNs (the baseline the issue measured:
# 598 of 615 for rdwr, the failures being tgt's SCSI layer); the
# thin-provisioning suites run again on thin LUNs, for bs_vhd on a dynamic,
# a fixed and a differencing disk.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt
requires_vhdtool
requires command -v iscsi-test-cu

tgt_start 32604
truncate -s 16M "$tmp/raw.img"
"$VHDTOOL" create --type dynamic --size 16M "$tmp/dynamic.vhd"
"$VHDTOOL" create --type fixed --size 16M "$tmp/fixed.vhd"
"$VHDTOOL" create --type dynamic --size 16M "$tmp/base.vhd"
"$VHDTOOL" create --type diff --parent "$tmp/base.vhd" "$tmp/diff.vhd"
tgt_target 1 rdwr
tgt_lun 1 1 "$tmp/raw.img" rdwr
tgt_target 2 vhd
tgt_lun 2 1 "$tmp/dynamic.vhd"

# run_cu NAME URL [SUITE]: run the suite, keep the summary line ("tests
# total ran passed failed") in $tmp/NAME.sum and the failed tests, sorted,
# in $tmp/NAME.failed.  A run that does not finish fails the caller.
run_cu()
{
    local name=$1 url=$2 rc=0
    shift 2
    timeout 170 iscsi-test-cu --dataloss -n "$@" "$url" > "$tmp/$name.out" 2>&1 || rc=$?
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

# Thin provisioning: UNMAP, WRITE SAME with UNMAP, GET LBA STATUS.
tgt_adm --mode logicalunit --op update --tid 1 --lun 1 --params thin_provisioning=1
for f in fixed diff; do
    tgt_target $([ $f = fixed ] && echo 3 || echo 4) "$f"
done
tgt_lun 3 1 "$tmp/fixed.vhd"
tgt_lun 4 1 "$tmp/diff.vhd"
for tid in 2 3 4; do
    tgt_adm --mode logicalunit --op update --tid $tid --lun 1 --params thin_provisioning=1
done
for suite in SCSI.Unmap SCSI.WriteSame10 SCSI.WriteSame16 SCSI.GetLBAStatus; do
    run_cu "rdwr-$suite" "$(tgt_url rdwr 1)" -t "$suite" || fail "rdwr $suite"
    for f in vhd fixed diff; do
        run_cu "$suite" "$(tgt_url $f 1)" -t "$suite" || fail "$f $suite"
        compare "$suite"
    done
done
tgt_alive || fail "tgtd died"
echo "ok: bs_vhd passes every conformance test rdwr passes"
