# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/bench/bench-functions.sh: interleaved rounds and robust summaries for
# the benchmarks in tests/bench/ (sourced, bash).
#
# The development machines are shared and their disks drift by 2-3x within
# minutes, so one run of A then one run of B says little.  Every comparison
# here runs its cases interleaved - round 1: A B, round 2: B A, round 3: A B
# ... (the order alternates so neither case always runs right after the
# other's cache or writeback) - for BENCH_ROUNDS (default 5, at least 5
# unless BENCH_ROUNDS_MIN_OK=1 for a quick try) rounds, and reports min,
# median and max of each case and the ratio of the medians.  Medians, not
# means or bests: one burst of somebody else's I/O moves a mean and a best
# (a quiet moment) far more than it moves a median.  The trade: a benchmark
# takes ROUNDS times as long as a single run.
#
# A ratio is only as good as its spread: a case whose relative spread
# ((max - min) / median) is wider than the effect |ratio - 1| is flagged
# "spread > effect", meaning that this run cannot tell the cases apart.
#
# Use:
#   bench_run NAME FUNC CASE...   runs FUNC CASE for every case, interleaved,
#                                 BENCH_ROUNDS times; FUNC prints one number
#                                 (higher is better: MB/s, IOPS) or "fail"
#   bench_row NAME A B [LABEL] [TARGET]
#                                 prints min/median/max of A and B, the ratio
#                                 of medians A/B, whether it meets TARGET (a
#                                 ratio), and the spread flag
#   bench_header                  the column titles of bench_row
#   bench_load                    "load average 1/5/15 min: ..." for the notes

BENCH_ROUNDS=${BENCH_ROUNDS:-5}
if [ "$BENCH_ROUNDS" -lt 5 ] && [ "${BENCH_ROUNDS_MIN_OK:-0}" != 1 ]; then
    echo "bench: BENCH_ROUNDS=$BENCH_ROUNDS is below 5 (set BENCH_ROUNDS_MIN_OK=1 for a quick try)" >&2
    exit 1
fi
declare -A BENCH_SAMPLES   # "NAME,CASE" -> space-separated samples
declare -A BENCH_LOAD      # "NAME" -> load averages at start and end

bench_load() { echo "load average 1/5/15 min: $(cut -d' ' -f1-3 /proc/loadavg)"; }

# bench_run NAME FUNC CASE...: the interleaved rounds of one comparison.
bench_run()
{
    local name=$1 func=$2 round c v order
    shift 2
    BENCH_LOAD[$name]="$(cut -d' ' -f1 /proc/loadavg)"
    for ((round = 1; round <= BENCH_ROUNDS; round++)); do
        if ((round % 2)); then order=("$@"); else order=(); for c in "$@"; do order=("$c" "${order[@]}"); done; fi
        for c in "${order[@]}"; do
            v=$("$func" "$c") || v=fail
            [ -n "$v" ] || v=fail
            BENCH_SAMPLES[$name,$c]+="$v "
            printf '  %-28s round %d/%d %-10s %s\n' "$name" "$round" "$BENCH_ROUNDS" "$c" "$v" >&2
        done
    done
    BENCH_LOAD[$name]+=" -> $(cut -d' ' -f1 /proc/loadavg)"
}

# bench_stats NAME CASE: "min median max" of the samples ("fail" if any failed).
bench_stats()
{
    local s=${BENCH_SAMPLES[$1,$2]:-}
    case " $s" in *" fail"*|" ") echo "fail fail fail"; return ;; esac
    # shellcheck disable=SC2086
    printf '%s\n' $s | sort -g | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%g %g %g\n", v[1], m, v[NR] }'
}

bench_header()
{
    printf '%-34s %-24s %-24s %7s %7s  %s\n' "comparison (A vs B)" "A min/med/max" "B min/med/max" \
        "A/B" "target" "note"
}

# bench_row NAME A B [LABEL] [TARGET]: one line of the table.
bench_row()
{
    local name=$1 a=$2 b=$3 label=${4:-"$1: $2 vs $3"} target=${5:-}
    local sa sb
    sa=$(bench_stats "$name" "$a")
    sb=$(bench_stats "$name" "$b")
    # shellcheck disable=SC2086
    awk -v label="$label" -v target="$target" -v loadavg="${BENCH_LOAD[$name]:-?}" \
        -v sa="$sa" -v sb="$sb" 'BEGIN {
        split(sa, A, " "); split(sb, B, " ")
        fa = sprintf("%s/%s/%s", A[1], A[2], A[3]); fb = sprintf("%s/%s/%s", B[1], B[2], B[3])
        if (A[2] == "fail" || B[2] == "fail" || B[2] + 0 <= 0) {
            printf "%-34s %-24s %-24s %7s %7s  %s\n", label, fa, fb, "-", target, "a run failed"
            exit
        }
        r = A[2] / B[2]
        effect = r > 1 ? r - 1 : 1 - r
        spa = A[2] > 0 ? (A[3] - A[1]) / A[2] : 0
        spb = (B[3] - B[1]) / B[2]
        note = sprintf("spread %.0f%%/%.0f%%", 100 * spa, 100 * spb)
        if (spa > effect || spb > effect)
            note = note ", spread > effect"
        if (target != "")
            note = note ((r >= target) ? ", meets target" : ", BELOW target")
        note = note ", load " loadavg
        printf "%-34s %-24s %-24s %7.2f %7s  %s\n", label, fa, fb, r, target == "" ? "-" : ">=" target, note
    }'
}
