#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# fuzz-run.sh: what `make fuzz` runs.  Builds every libFuzzer harness
# (fuzz-build.sh), then runs each for FUZZ_RUNS executions (default 10^7)
# under nice, FUZZ_JOBS at a time (default 1), and prints a table: harness,
# executions, executions per second, edges and features reached, crashes.
# The NDR harness runs once per ISTM interface (the list comes from the
# tables generated from the IDL: FUZZ_INTERFACE=list), each with its own
# corpus, seeded with one filled stub per method.
#   FUZZ_HARNESS   harnesses to run (default all; ndr-istm-<Interface> for one interface)
#   FUZZ_MAX_TIME  seconds a harness may run at most (default 0: until FUZZ_RUNS)
#   FUZZ_OUT       where corpora, crashes, logs and the table go
#                  (default tests/fuzz/fuzz-out in the build tree)
#   FUZZ_TMP       where the harnesses write their scratch images (default
#                  /dev/shm when writable: vhdx-open writes one per execution)
#   ASAN_OPTIONS   default quarantine_size_mb=16 (see below)
# Every run of a harness adds a line to FUZZ_OUT/history.tsv (UTC end time,
# harness, source commit, executions, seconds, edges, features, crashes), so
# a campaign that goes on over several runs from the kept corpus (a session,
# a night, FUZZ_MAX_TIME at a time) shows what each harness ran in all: the
# table's last column sums its runs, on whichever commits history.tsv names.
# A harness with a dictionary beside it (tests/fuzz/<harness>.dict) runs
# with -dict=.  The table goes to FUZZ_OUT/summary.txt, and as Markdown
# (the README's table) to FUZZ_OUT/summary.md, with the load average.
# Corpora are kept in FUZZ_OUT/corpus/<harness> from run to run, seeded
# from tests/fuzz/corpus/<harness>; crashes are saved in
# FUZZ_OUT/crashes/<harness>/ and make the run fail.  To keep what a run
# found in the source tree, minimize it there:
#   fuzz-<h> -merge=1 tests/fuzz/corpus/<h> FUZZ_OUT/corpus/<h>
# Trade-off: one process per harness (no -fork): a crash stops that
# harness's run, is reported, and the others go on.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
: "${FUZZ_RUNS:=10000000}" "${FUZZ_JOBS:=1}" "${FUZZ_MAX_TIME:=0}"
: "${FUZZ_OUT:=$top_builddir/tests/fuzz/fuzz-out}"
if [ -z "${FUZZ_TMP:-}" ]; then
    FUZZ_TMP=$FUZZ_OUT/tmp
    [ -d /dev/shm ] && [ -w /dev/shm ] && FUZZ_TMP=/dev/shm/vhdtarget-fuzz.$$
fi
bin=$FUZZ_OUT/bin
# ASan keeps freed memory in a 256 MiB quarantine, so until it is full
# every allocation lands on pages never touched, and on this kind of VM a
# page fault costs more than an execution: rpc-pdu ran 3-5x and vhd-open
# 2x faster with 16 MiB.  Trade-off: a use after free is caught only
# within the last 16 MiB freed, which is still many executions.
: "${ASAN_OPTIONS:=quarantine_size_mb=16}"
export ASAN_OPTIONS
mkdir -p "$bin" "$FUZZ_OUT/corpus" "$FUZZ_OUT/crashes" "$FUZZ_OUT/logs"

# only the programs FUZZ_HARNESS names (the NDR interfaces share one), so a
# run of one harness does not wait for every other one to compile
harnesses=${FUZZ_HARNESS:-}
programs=
for h in $harnesses; do
    case $h in ndr-istm-*) h=ndr-istm ;; esac
    case " $programs " in *" $h "*) ;; *) programs="$programs $h" ;; esac
done
# shellcheck disable=SC2086  # a list
nice -n 19 "$top_srcdir/tests/fuzz/fuzz-build.sh" "$bin" $programs || exit $?

if [ -z "$harnesses" ]; then
    harnesses="vhd-open vhdx-open rpc-pdu rpc-vtrailer ntlmssp spnego ndr-activation
               ndr-iwtgeneral objref parent-verbs ntlmssp-client"
    for i in $(FUZZ_INTERFACE=list "$bin/fuzz-ndr-istm" -runs=1 2>/dev/null); do
        harnesses="$harnesses ndr-istm-$i"
    done
fi

run_one() {
    local h=$1 exe=$1 corpus=$FUZZ_OUT/corpus/$1 crashes=$FUZZ_OUT/crashes/$1
    local log=$FUZZ_OUT/logs/$1.log maxlen=8192 iface= dict=()
    mkdir -p "$corpus" "$crashes"
    if [ -d "$top_srcdir/tests/fuzz/corpus/$h" ] && [ -z "$(ls -A "$corpus")" ]; then
        cp "$top_srcdir/tests/fuzz/corpus/$h"/* "$corpus/"
    fi
    # the seeds (one file per method or verb, named after it) are written at
    # every run, so a method or verb added since the corpus was made is seeded
    case $h in
    ndr-istm-*)
        exe=ndr-istm iface=${h#ndr-istm-} maxlen=4096
        FUZZ_INTERFACE=$iface FUZZ_SEEDS=$corpus "$bin/fuzz-ndr-istm" -runs=1 >/dev/null 2>&1 ;;
    parent-verbs)
        FUZZ_SEEDS=$corpus "$bin/fuzz-parent-verbs" -runs=1 >/dev/null 2>&1 ;;
    vhd-open) maxlen=262144 ;;
    ndr-*|objref) maxlen=4096 ;;
    esac
    [ -f "$top_srcdir/tests/fuzz/$h.dict" ] && dict=(-dict="$top_srcdir/tests/fuzz/$h.dict")
    # the harnesses write their temporary files under TMPDIR
    mkdir -p "$FUZZ_TMP/$h"
    (cd "$FUZZ_TMP/$h" &&
     TMPDIR=$FUZZ_TMP/$h FUZZ_INTERFACE=$iface nice -n 19 "$bin/fuzz-$exe" \
        -runs="$FUZZ_RUNS" -max_total_time="$FUZZ_MAX_TIME" -max_len=$maxlen -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
        "${dict[@]}" "$corpus" > "$log" 2>&1)
    local rc=$?
    echo "$h: exit $rc ($(date -u +%H:%M:%S))"
    rm -rf "${FUZZ_TMP:?}/$h"
    record_run "$h" "$log"
}

# last_stats LOG: executions, seconds, edges and features of the run LOG
# holds (the final statistics; for a run stopped without them, its last
# status line, and no seconds)
last_stats() {
    local execs secs cov
    execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$1" 2>/dev/null | tail -1)
    [ -n "$execs" ] || execs=$(grep -ao '^#[0-9]*' "$1" 2>/dev/null | tail -1 | tr -d '#')
    secs=$(grep -ao 'Done [0-9]* runs in [0-9]* second' "$1" 2>/dev/null | tail -1 | awk '{print $5}')
    cov=$(grep -ao 'cov: [0-9]* ft: [0-9]*' "$1" 2>/dev/null | tail -1)
    echo "${execs:-0} ${secs:--} $(echo "$cov" | awk '{print $2}') $(echo "$cov" | awk '{print $4}')"
}

# record_run HARNESS LOG: its line in history.tsv
record_run() {
    local h=$1 n
    read -r execs secs edges ft <<< "$(last_stats "$2")"
    n=$(find "$FUZZ_OUT/crashes/$h" -type f 2>/dev/null | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$h" "$commit" \
        "$execs" "$secs" "${edges:--}" "${ft:--}" "$n" >> "$FUZZ_OUT/history.tsv"
}
export -f run_one last_stats record_run
commit=$(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null) || commit=-
export FUZZ_OUT FUZZ_TMP FUZZ_RUNS FUZZ_MAX_TIME bin top_srcdir commit
echo "fuzz-run: $(wc -w <<< "$harnesses") harnesses, FUZZ_RUNS=$FUZZ_RUNS FUZZ_JOBS=$FUZZ_JOBS" \
     "FUZZ_MAX_TIME=$FUZZ_MAX_TIME, load $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086,SC2016
printf '%s\n' $harnesses | xargs -P "$FUZZ_JOBS" -I{} bash -c 'run_one "$1"' _ {}

rmdir "$FUZZ_TMP" 2>/dev/null

# the table, from each log's final statistics and last coverage line
table=$FUZZ_OUT/summary.txt md=$FUZZ_OUT/summary.md
echo "| harness | execs | exec/s | edges | features | crashes | all runs |" > "$md"
echo "|---|---|---|---|---|---|---|" >> "$md"
{
    printf '%-34s %12s %8s %7s %8s %7s %22s\n' harness execs exec/s edges features crashes \
        "all runs"
    for h in $harnesses; do
        log=$FUZZ_OUT/logs/$h.log
        read -r execs secs edges ft <<< "$(last_stats "$log")"
        rate=$(sed -n 's/^stat::average_exec_per_sec: //p' "$log" 2>/dev/null | tail -1)
        n=$(find "$FUZZ_OUT/crashes/$h" -type f 2>/dev/null | wc -l)
        all=$(awk -F'\t' -v h="$h" '$2 == h { s += $4; n++ }
              END { printf "%d in %d run%s", s, n, n == 1 ? "" : "s" }' "$FUZZ_OUT/history.tsv")
        printf '%-34s %12s %8s %7s %8s %7s %22s\n' "$h" "${execs:--}" "${rate:--}" "${edges:--}" \
            "${ft:--}" "$n" "$all"
        echo "| \`$h\` | ${execs:--} | ${rate:--} | ${edges:--} | ${ft:--} | $n | $all |" >> "$md"
    done
    echo "load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M) UTC"
} | tee "$table"
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M) UTC" >> "$md"
found=$(find "$FUZZ_OUT/crashes" -type f | wc -l)
if [ "$found" -gt 0 ]; then
    echo "fuzz-run: $found crash(es) saved under $FUZZ_OUT/crashes (reproduce: fuzz-<h> FILE)"
    find "$FUZZ_OUT/crashes" -type f
    exit 1
fi
