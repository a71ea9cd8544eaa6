#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-soak-iscsi-istm.sh: I/O and management together for a while, then
# a crash of tgtd and istmd in the middle of it.
#
# A private tgtd serves 16 LUNs (4 targets of 4): 5 fixed VHDs, 5 dynamic
# VHDs and 6 differencing VHDs over one shared parent (cache_parent=1), all
# made before istmd starts, which adopts them.  One initiator per LUN
# (tests/tgt/iscsi-pattern, a libiscsi login per command) writes patterns
# of fresh seeds into regions of its LUN and reads them back, and re-checks
# older regions.  Meanwhile ISTM_CLIENTS (8) istmctl loops do management
# work through istmd on their own targets and disks (list, create, assign,
# list sessions, snapshot the served disk, delete its snapshots, unassign,
# delete).  Phase 1 runs 2/3 of SOAK_SECONDS; phase 2 the rest,
# with tgtd and istmd killed (SIGKILL) and restarted a third of the way in
# (istmd puts the adopted targets back into the new tgtd; initiators and
# clients retry while they are down: failures then are not errors).
# Shown: 0 I/O errors, 0 mismatches, 0 management failures (outside the
# crash window) in either phase, every client finishing rounds in both,
# no object left in istmd for the clients once they ended,
# every VHD passes vhdtool check, the shared parent is unchanged, how long
# istmctl calls took and the CPU tgtd and istmd used (printed), and
# tgtd's and istmd's resident memory and open descriptors,
# sampled every few seconds, printed; descriptors must not grow after the
# warm-up (the first third of phase 1), memory not by more than 64 MiB
# (bs_vhd's shared parent cache alone may take that).
#
# make check runs it for SOAK_SECONDS=120; make soak for 600 (10 minutes).
# Not a benchmark: it prints what it did, asserts no timings.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"

SOAK_SECONDS=${SOAK_SECONDS:-120}
ISTM_CLIENTS=${ISTM_CLIENTS:-8}
PORT=32620
P1=$((SOAK_SECONDS * 2 / 3))
P2=$((SOAK_SECONDS - P1))

tgt_start $PORT
mkdir -p "$STORAGE/soak" "$STORAGE/mgmt" "$tmp/io" "$tmp/mgmt"
LOOP_PIDS=()
soak_stop_loops() { touch "$tmp/stop"; rm -f "$tmp/down"; ! declare -F stop_loops >/dev/null || stop_loops; }
cleanup_fn soak_stop_loops

# --- the disks, the parent's fingerprint, the targets --------------------
"$VHDTOOL" create --type dynamic --size 32M "$STORAGE/soak/base.vhd"
tgt_target 1 soak-base-fill
tgt_lun 1 1 "$STORAGE/soak/base.vhd"
"$ISCSI_PATTERN" "$(tgt_url soak-base-fill 1)" write 7 0 65536 || fail "cannot fill the parent"
tgt_adm --mode target --op delete --force --tid 1
parent_sum=$(sha256sum < "$STORAGE/soak/base.vhd")

declare -a KIND URL
for i in $(seq 0 15); do
    case $i in
        [0-4]) KIND[$i]=fixed ;;
        [5-9]) KIND[$i]=dynamic ;;
        *) KIND[$i]=diff ;;
    esac
    f="$STORAGE/soak/lun$i.vhd"
    case ${KIND[$i]} in
        fixed) "$VHDTOOL" create --type fixed --size 16M "$f" ;;
        dynamic) "$VHDTOOL" create --type dynamic --size 32M "$f" ;;
        diff) "$VHDTOOL" create --type diff --parent "$STORAGE/soak/base.vhd" "$f" ;;
    esac
done
for t in 0 1 2 3; do
    tgt_target $((t + 1)) "soak$t"
    for l in 0 1 2 3; do
        i=$((t * 4 + l))
        if [ "${KIND[$i]}" = diff ]; then
            tgt_lun $((t + 1)) $((l + 1)) "$STORAGE/soak/lun$i.vhd" vhd "cache_parent=1"
        else
            tgt_lun $((t + 1)) $((l + 1)) "$STORAGE/soak/lun$i.vhd"
        fi
        URL[$i]=$(tgt_url "soak$t" $((l + 1)))
    done
done
ISTMD_STORAGE_ROOT="C:=$STORAGE" istmd_start --tgt-control-port "$PORT" --vhdfs "$top_builddir/vhdfs/vhdfs"
echo "$ISTMD_PORT" > "$tmp/istmd.port"
echo "soak: istmd serves on port $ISTMD_PORT" >&2

# --- the loops ------------------------------------------------------------
# A failure while $tmp/down exists (the crash window), or of an attempt
# that began before the crash ($tmp/gen counts crashes), is retried, not
# counted; otherwise it is counted and the loop goes on.
echo 0 > "$tmp/gen"
down() { [ -e "$tmp/down" ] || [ "$(cat "$tmp/gen")" != "$1" ]; }

# pattern IDX ARGS...: iscsi-pattern on LUN IDX; retried through the crash
# window; prints nothing, returns 0, 1 (error) or 2 (mismatch).
pattern()
{
    local i=$1 err gen
    shift
    while :; do
        gen=$(cat "$tmp/gen")
        if err=$("$ISCSI_PATTERN" "${URL[$i]}" "$@" 2>&1 >/dev/null); then
            return 0
        fi
        if down "$gen"; then
            sleep 0.5
            continue
        fi
        case $err in
            *UNIT_ATTENTION*)
                # the first command after tgtd came back: the reset is
                # reported once, as to any initiator; it is not an error
                echo "lun$i: $*: $err" >> "$tmp/io/unit-attentions"
                continue ;;
        esac
        echo "lun$i: $* : $err" >> "$tmp/io/log"
        case $err in *differs*|*MISCOMPARE*) return 2 ;; esac
        return 1
    done
}

io_loop()
{
    local i=$1 regions=8 blocks rb r r2 s n=0 errs=0 bad=0 rc
    local -a seed
    blocks=$(( $("$ISCSI_PATTERN" "${URL[$i]}" capacity) / 512 ))
    rb=$((blocks / regions))
    # what each region holds: from the previous phase, or the parent's
    # pattern (differencing disks), or nothing known yet
    if [ -f "$tmp/io/seeds$i" ]; then
        read -r -a seed < "$tmp/io/seeds$i"
        read -r n errs bad < "$tmp/io/lun$i"
    else
        for ((r = 0; r < regions; r++)); do
            if [ "${KIND[$i]}" = diff ]; then seed[$r]=7; else seed[$r]=-; fi
        done
    fi
    while [ ! -e "$tmp/stop" ]; do
        n=$((n + 1))
        r=$((RANDOM % regions))
        s=$((i * 1000000 + n))
        rc=0; pattern "$i" write "$s" $((r * rb)) "$rb" || rc=$?
        # a failed write leaves the region unknown
        if [ $rc = 0 ]; then seed[$r]=$s; else seed[$r]=-; fi
        [ $rc = 1 ] && errs=$((errs + 1))
        if [ $rc = 0 ]; then
            rc=0; pattern "$i" check "$s" $((r * rb)) "$rb" || rc=$?
            [ $rc = 1 ] && errs=$((errs + 1)); [ $rc = 2 ] && bad=$((bad + 1))
        fi
        r2=$((RANDOM % regions))
        if [ "${seed[$r2]}" != - ]; then
            rc=0; pattern "$i" check "${seed[$r2]}" $((r2 * rb)) "$rb" || rc=$?
            [ $rc = 1 ] && errs=$((errs + 1)); [ $rc = 2 ] && bad=$((bad + 1))
        fi
        if ((n % 8 == 0)); then
            rc=0; pattern "$i" sync || rc=$?
            [ $rc = 1 ] && errs=$((errs + 1))
        fi
        echo "$n $errs $bad" > "$tmp/io/lun$i"
        echo "${seed[*]}" > "$tmp/io/seeds$i"
    done
    # the last word: every region as recorded
    for ((r = 0; r < regions; r++)); do
        [ "${seed[$r]}" = - ] && continue
        rc=0; pattern "$i" check "${seed[$r]}" $((r * rb)) "$rb" || rc=$?
        [ $rc = 1 ] && errs=$((errs + 1)); [ $rc = 2 ] && bad=$((bad + 1))
    done
    echo "$n $errs $bad" > "$tmp/io/lun$i"
}

# ctl K ARGS...: istmctl for client K; retried through the crash window.
ctl()
{
    local k=$1 rc gen retried=${CTL_RETRIED:-0} t0 c
    shift
    while :; do
        rc=0
        gen=$(cat "$tmp/gen")
        t0=$(date +%s%N)
        # istmd's port changes when it is restarted; an istmctl whose
        # server was killed under it may never return (impacket keeps
        # trying): give up on an attempt after 120 s
        PYTHONPATH="$ISTM_PYTHONPATH" with_timeout 120 $PYTHON "$ISTMCTL" --host 127.0.0.1 \
            --port "$(cat "$tmp/istmd.port")" --user alice --password 'Passw0rd!' "$@" \
            >"$tmp/mgmt/out$k" 2>"$tmp/mgmt/err$k" || rc=$?
        # how long each attempt took, by command (printed at the end)
        for c in "$@"; do case $c in -*) ;; *) break ;; esac; done
        echo "$c $(( ($(date +%s%N) - t0) / 1000000 )) $rc" >> "$tmp/mgmt/times$k"
        [ $rc = 0 ] && return 0
        if down "$gen"; then retried=1; sleep 1; continue; fi
        # An attempt cut off by the crash may have been carried out before
        # istmd died (its answer never arrived): the retry then finds its
        # effect, which is what a retried create or delete should find.
        # "disks create" is two calls (CreateWtFile, then CreateWTDisk):
        # a crash between them leaves the file made and not registered,
        # which an administrator completes with --existing (answered
        # ERROR_ALREADY_EXISTS when the registration had been done too).
        if [ $retried = 1 ] && [ "$1 $2" = "disks create" ] && [ $# = 4 ] &&
           grep -q 'ERROR_FILE_EXISTS' "$tmp/mgmt/err$k"; then
            echo "client $k: $* : file made by the attempt the crash cut off; registering it" >> "$tmp/mgmt/retried"
            CTL_RETRIED=1 ctl "$k" disks create "$3" --existing
            return
        fi
        if [ $retried = 1 ] && grep -qE 'ERROR_FILE_EXISTS|ERROR_FILE_NOT_FOUND|ERROR_ALREADY_EXISTS' "$tmp/mgmt/err$k"; then
            echo "client $k: $* : done by the attempt the crash cut off" >> "$tmp/mgmt/retried"
            return 0
        fi
        echo "client $k: $* : exit $rc at $(date +%T): $(cat "$tmp/mgmt/err$k")" >> "$tmp/mgmt/log"
        return 1
    done
}

# mgmt_loop K: client K's rounds until $tmp/stop; "rounds failures" of
# this phase in $tmp/mgmt/p$PHASE.client$K.
mgmt_loop()
{
    local k=$1 n=0 fails=0 out="$tmp/mgmt/p$PHASE.client$1" t d
    echo "0 0" > "$out"
    while [ ! -e "$tmp/stop" ]; do
        t="m$k-$PHASE-$((n + 1))" d="C:\\mgmt\\c$k-$PHASE-$((n + 1)).vhd"
        ctl "$k" targets list || fails=$((fails + 1))
        ctl "$k" disks list || fails=$((fails + 1))
        [ -e "$tmp/stop" ] && break
        if ctl "$k" targets create "$t"; then
            if ctl "$k" disks create "$d" 8M; then
                ctl "$k" assign "$t" "$d" || fails=$((fails + 1))
                ctl "$k" sessions || fails=$((fails + 1))
                # a snapshot of the served disk, then every snapshot of it
                # deleted (a create retried through the crash may have made
                # two; a disk with snapshots cannot be deleted)
                ctl "$k" snapshots create "$d" || fails=$((fails + 1))
                if ctl "$k" --json snapshots list "$d"; then
                    for sid in $($PYTHON -c 'import json, sys
print(" ".join(s["id"] for s in json.load(sys.stdin)))' < "$tmp/mgmt/out$k"); do
                        ctl "$k" snapshots delete "$sid" || fails=$((fails + 1))
                    done
                else
                    fails=$((fails + 1))
                fi
                ctl "$k" unassign "$t" "$d" || fails=$((fails + 1))
                ctl "$k" disks delete "$d" --delete-file || fails=$((fails + 1))
            else
                fails=$((fails + 1))
            fi
            ctl "$k" targets delete "$t" || fails=$((fails + 1))
        else
            fails=$((fails + 1))
        fi
        n=$((n + 1))
        echo "$n $fails" > "$out"
    done
    echo "$n $fails" > "$out"
}

# sample LABEL: one line of tgtd's and istmd's (parent and child) RSS and fds.
sample()
{
    local p line="$1"
    for p in "$TGT_PID" "$ISTMD_PID" "$(istmd_child_pid 2>/dev/null || true)"; do
        if [ -n "$p" ] && [ -d "/proc/$p" ]; then
            line+=" $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status") $(ls "/proc/$p/fd" | wc -l)"
        else
            line+=" - -"
        fi
    done
    echo "$line" >> "$tmp/samples"
}

# cpu LABEL: the CPU seconds (user + system) tgtd, istmd's parent and its
# network child have used so far, to $tmp/cpu (printed at the end: where
# the machine's time went besides the initiators and clients).
cpu()
{
    local p line="$1:" tck
    tck=$(getconf CLK_TCK)
    for p in "$TGT_PID" "$ISTMD_PID" "$(istmd_child_pid 2>/dev/null || true)"; do
        if [ -n "$p" ] && [ -r "/proc/$p/stat" ]; then
            line+=" $(awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / t }' "/proc/$p/stat")"
        else
            line+=" -"
        fi
    done
    echo "$line" >> "$tmp/cpu"
}

start_loops()
{
    local i k
    rm -f "$tmp/stop"
    LOOP_PIDS=()
    for i in $(seq 0 15); do io_loop "$i" & LOOP_PIDS+=($!); done
    for ((k = 0; k < ISTM_CLIENTS; k++)); do mgmt_loop "$k" & LOOP_PIDS+=($!); done
}

# stop_loops: ask the loops to finish their round and wait for them (only
# them: tgtd and istmd are children of this shell too).
stop_loops()
{
    local p
    touch "$tmp/stop"
    for p in "${LOOP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    LOOP_PIDS=()
}

# run SECONDS [KILL_AT]: the loops for SECONDS, sampling every 5 s; at
# KILL_AT seconds in, SIGKILL tgtd and istmd and start both again.
run()
{
    local secs=$1 kill_at=${2:-} t0 now child
    t0=$(date +%s)
    start_loops
    while now=$(date +%s); [ $((now - t0)) -lt "$secs" ]; do
        if [ -n "$kill_at" ] && [ $((now - t0)) -ge "$kill_at" ]; then
            kill_at=
            cpu "phase $PHASE, before the kill"
            touch "$tmp/down"
            echo $(($(cat "$tmp/gen") + 1)) > "$tmp/gen"
            child=$(istmd_child_pid || true)
            kill -9 "$ISTMD_PID" $child 2>/dev/null || true
            wait "$ISTMD_PID" 2>/dev/null || true
            tgt_kill
            echo "soak: killed tgtd and istmd at $((now - t0)) s" >&2
            tgt_restart
            ISTMD_STORAGE_ROOT="C:=$STORAGE" istmd_start --tgt-control-port "$PORT" \
                --vhdfs "$top_builddir/vhdfs/vhdfs"
            echo "$ISTMD_PORT" > "$tmp/istmd.port"
            echo "soak: istmd serves on port $ISTMD_PORT" >&2
            for _ in $(seq $((120 * TEST_TIMEOUT_SCALE))); do
                [ "$(tgt_adm --mode target --op show | grep -c '^Target [0-9]*: iqn.2026-11.org.vhdtarget:soak')" = 4 ] &&
                    [ "$(tgt_adm --mode target --op show | grep -c 'Backing store path: .*/soak/lun')" = 16 ] && break
                sleep 1
            done
            sleep 3
            # attempts begun in the window (with the old port) count as
            # begun before the crash: a second generation step
            echo $(($(cat "$tmp/gen") + 1)) > "$tmp/gen"
            rm -f "$tmp/down"
            echo "# after the restart: new tgtd and istmd" >> "$tmp/samples"
            echo "soak: tgtd and istmd back at $(date +%T), serving the 16 LUNs, at $(($(date +%s) - t0)) s" >&2
        fi
        sample "$(($(date +%s) - t0))"
        sleep 5
    done
    stop_loops
    cpu "phase $PHASE, at its end"
    # every client has ended: istmd should hold no object for them (istmctl
    # gives back what it was handed)
    echo "$PHASE $(istmd_live_objects)" >> "$tmp/live"
}

echo "soak: phase 1, $P1 s: 16 initiators, $ISTM_CLIENTS ISTM clients" >&2
echo "# phase 1: seconds tgtd-rss-KiB tgtd-fds istmd-rss istmd-fds child-rss child-fds" > "$tmp/samples"
PHASE=1
run "$P1"
ISTMD_CHILD_DEATHS_OK=1
cat "$tmp/io/lun"* | awk '{ n += $1; e += $2; m += $3 } END { printf "soak: phase 1: %d rounds, %d I/O errors, %d mismatches\n", n, e, m }' >&2
echo "# phase 2 (seconds from its start)" >> "$tmp/samples"
echo "soak: phase 2, $P2 s, tgtd and istmd killed at $((P2 / 3)) s" >&2
PHASE=2
run "$P2" $((P2 / 3))

# --- the verdict ------------------------------------------------------------
echo "tgtd and istmd (parent, network child): resident KiB and open descriptors every 5 s:" >&2
cat "$tmp/samples" >&2
io=$(cat "$tmp/io/lun"* | awk '{ n += $1; e += $2; m += $3 } END { print n, e, m }')
mg=$(cat "$tmp/mgmt/p"[12].client* | awk '{ n += $1; f += $2 } END { print n, f }')
for p in 1 2; do
    echo "soak: phase $p: management rounds (failures) by client:" \
        $(for ((k = 0; k < ISTM_CLIENTS; k++)); do
              read -r n f < "$tmp/mgmt/p$p.client$k"; echo "$n($f)"; done) >&2
done
echo "soak: CPU seconds used by tgtd, istmd's parent and its network child (since each started):" >&2
sed 's/^/soak:   /' "$tmp/cpu" >&2
echo "soak: istmctl attempts by command: count, mean and longest ms, failed:" >&2
cat "$tmp/mgmt/times"* | awk '{ c[$1]++; s[$1] += $2; if ($2 > m[$1]) m[$1] = $2; if ($3) f[$1]++ }
    END { for (k in c) printf "soak:   %-10s %5d %7d %7d %4d\n", k, c[k], s[k] / c[k], m[k], f[k] }' |
    sort >&2
set -- $io $mg
echo "soak: $SOAK_SECONDS s in all: $1 I/O rounds, $2 I/O errors, $3 mismatches; $4 management rounds, $5 failures" >&2
[ -f "$tmp/io/unit-attentions" ] &&
    echo "soak: $(wc -l < "$tmp/io/unit-attentions") UNIT ATTENTIONs after the restart, retried" >&2
[ -f "$tmp/io/log" ] && cat "$tmp/io/log" >&2
[ -f "$tmp/mgmt/log" ] && head -20 "$tmp/mgmt/log" >&2
[ "$2" = 0 ] || fail "$2 I/O errors"
[ "$3" = 0 ] || fail "$3 mismatches"
[ "$5" = 0 ] || fail "$5 management failures"
while read -r p n; do
    echo "soak: phase $p: $n objects live in istmd once its clients had ended" >&2
    [ "$n" = 0 ] || fail "istmd still holds ${n:-an unknown number of} objects for clients that ended"
done < "$tmp/live"
[ "$1" -ge 16 ] || fail "the initiators hardly ran ($1 rounds)"
# every client finished rounds in both phases (a client stuck in one call
# for a whole phase counts no round there)
for p in 1 2; do
    for ((k = 0; k < ISTM_CLIENTS; k++)); do
        read -r n f < "$tmp/mgmt/p$p.client$k"
        [ "$n" -ge 1 ] || fail "ISTM client $k finished no management round in phase $p"
    done
done

# Flat after warm-up, for each set of processes (before and after the
# restart): the floor of the last three samples (connections in flight come
# and go, a leak raises the floor) against the first sample after the
# warm-up, plus room for the connections that may be open at any moment
# (one per initiator in tgtd, a few per ISTM client in istmd's network
# child) and, for memory, 64 MiB (bs_vhd's shared parent cache).
awk -v warm=$((P1 / 3)) -v clients="$ISTM_CLIENTS" '
    function verdict(   c, lim) {
        if (n < 2) return
        for (c = 2; c <= cols; c++) {
            if (base[c] == "-" || floor[c] == "-") continue
            lim = (c % 2 == 0) ? base[c] + 65536 : base[c] + (c == 3 ? 16 : c == 7 ? 3 * clients : 4)
            if (floor[c] > lim) {
                printf "soak: column %d grew from %s to %s (floor of the last 3 samples)\n", c, base[c], floor[c]
                bad = 1
            }
        }
    }
    /^# phase 2/ { phase = 2; next }
    /^# after the restart/ { verdict(); n = 0; next }
    /^#/ { next }
    phase != 2 && $1 < warm { next }
    { n++; cols = NF
      for (c = 2; c <= NF; c++) {
          if (n == 1) base[c] = $c
          last3[c, n % 3] = $c
          f = ""
          for (j = 0; j < 3 && j < n; j++) if (f == "" || last3[c, j] + 0 < f + 0) f = last3[c, j]
          floor[c] = f
      } }
    END { verdict(); exit bad }' "$tmp/samples" >&2 || fail "tgtd or istmd grew after the warm-up"

stop_everything() { istmd_stop; tgt_stop; }
stop_everything
for f in "$STORAGE"/soak/*.vhd; do
    "$VHDTOOL" check "$f" >/dev/null || fail "vhdtool check '$f' found problems"
done
[ "$(sha256sum < "$STORAGE/soak/base.vhd")" = "$parent_sum" ] || fail "the shared parent changed"
echo "soak: every VHD passes vhdtool check; the shared parent is unchanged" >&2
