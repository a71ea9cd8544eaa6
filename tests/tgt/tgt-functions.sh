# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/tgt/tgt-functions.sh: a private tgtd for one test script, with
# bs_vhd.so from the build tree.  Source after ../functions.sh.
#
# tgtd loads backing-store modules only from its compiled-in directory
# (/usr/lib/tgt/backing-store).  To load the module under test without
# touching the installed system, each tgtd runs in its own mount namespace
# with a private copy of the module bind-mounted over that directory; other
# tgtds (and other tests running in parallel) see nothing.  Where mount
# namespaces are unavailable the module is installed there for the test
# (under a lock) and removed afterwards only if this test put it there.
#
# Each script picks its own control port N (tgtadm -C N) and serves its
# portal on 127.0.0.1:N, so tests run in parallel (make -j2 check).

TGT_MODDIR=/usr/lib/tgt/backing-store
BS_VHD_SO="$top_builddir/tgt-backend/.libs/bs_vhd.so"
ISCSI_PATTERN="$top_builddir/tests/tgt/iscsi-pattern"
ISCSI_LOAD="$top_builddir/tests/tgt/iscsi-load"
ISCSI_VERIFY="$top_builddir/tests/tgt/iscsi-verify"
TGT_LOCK=/run/lock/vhdtarget-tgt-module.lock
PATH="$PATH:/usr/sbin:/sbin"

# requires_tgt: skip unless root, tgt, libiscsi's tools and the module exist.
requires_tgt()
{
    requires_root
    requires command -v tgtd
    requires command -v tgtadm
    requires command -v iscsi-ls
    requires command -v iscsi-inq
    requires test -f "$BS_VHD_SO"
    requires test -x "$ISCSI_PATTERN"
}

# requires_vhdtool: skip until vhdtool is built.
requires_vhdtool()
{
    requires test -x "$VHDTOOL"
}

# tgt_adm ARGS...: tgtadm against this test's tgtd.
tgt_adm()
{
    tgtadm -C "$TGT_C" --lld iscsi "$@"
}

_tgt_module_dir_private()
{
    mkdir -p "$TGT_MODDIR" "$tmp/modules"
    cp "$BS_VHD_SO" "$tmp/modules/bs_vhd.so"
    unshare -m --propagation private true 2>/dev/null
}

# tgt_start N: start tgtd with control port N and portal 127.0.0.1:N; sets
# TGT_C, TGT_PORT, TGT_PID, TGT_LOG.  Stopped by the registered cleanup.
tgt_start()
{
    TGT_C=$1
    TGT_PORT=$1
    TGT_LOG="$tmp/tgtd.log"
    # Another checkout may run the same script at once: wait for its port.
    lock_port "tgt-$TGT_C"
    if tgtadm -C "$TGT_C" --mode system --op show >/dev/null 2>&1; then
        fail "a tgtd already listens on control port $TGT_C"
    fi
    rm -f "/var/run/tgtd/socket.$TGT_C" "/var/run/tgtd/socket.$TGT_C.lock"
    cleanup_fn tgt_stop
    if _tgt_module_dir_private; then
        TGT_MODE=namespace
        _tgt_launch
        _tgt_wait_ready
    else
        TGT_MODE=installed
        exec 9>"$TGT_LOCK"
        flock 9
        if [ ! -e "$TGT_MODDIR/bs_vhd.so" ]; then
            cp "$BS_VHD_SO" "$TGT_MODDIR/bs_vhd.so"
            TGT_INSTALLED=1
        elif ! cmp -s "$BS_VHD_SO" "$TGT_MODDIR/bs_vhd.so"; then
            flock -u 9
            fail "a different bs_vhd.so is installed in $TGT_MODDIR and mount namespaces are unavailable"
        fi
        _tgt_launch
        _tgt_wait_ready
        flock -u 9
    fi
}

_tgt_wait_ready()
{
    local i
    for i in $(seq $((100 * TEST_TIMEOUT_SCALE))); do
        kill -0 "$TGT_PID" 2>/dev/null || { cat "$TGT_LOG" >&2; fail "tgtd exited at start-up"; }
        tgtadm -C "$TGT_C" --mode system --op show >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    fail "tgtd did not answer on control port $TGT_C"
}

# _tgt_launch: start tgtd in the background; sets TGT_PID.  A sanitizer
# build's module needs its sanitizer runtimes loaded before anything else,
# so they are preloaded into tgtd (and only into tgtd).  TGTD_PREFIX, if
# set, is a command line tgtd runs under (a benchmark's valgrind), which
# must exec tgtd in its own process so that TGT_PID stays tgtd's.
_tgt_launch()
{
    local preload
    preload=$(ldd "$BS_VHD_SO" 2>/dev/null |
              awk '$1 ~ /^lib(asan|ubsan)\.so/ { printf "%s%s", sep, $3; sep = ":" }')
    if [ "$TGT_MODE" = namespace ]; then
        # unshare and sh exec tgtd in place, so $! is tgtd's pid.
        # The new namespace starts with a copy of every mount, including
        # other tests' FUSE and loop mounts, and a copy would keep their
        # FUSE connection or loop device busy after they unmount: drop
        # those copies here (lazily; private propagation keeps it local).
        unshare -m --propagation private sh -c \
            'awk '\''$3 ~ /^fuse/ || $1 ~ /^\/dev\/loop/ { print $2 }'\'' /proc/self/mounts |
                 sort -r | while read -r m; do umount -l "$(printf "%b" "$m")" 2>/dev/null; done
             mount --bind "$0" "$1" && LD_PRELOAD="$3" exec $4 tgtd -f -C "$2" --iscsi portal=127.0.0.1:"$2"' \
            "$tmp/modules" "$TGT_MODDIR" "$TGT_C" "$preload" "${TGTD_PREFIX:-}" >>"$TGT_LOG" 2>&1 &
    else
        # shellcheck disable=SC2086 # TGTD_PREFIX is a command line
        LD_PRELOAD="$preload" ${TGTD_PREFIX:-} tgtd -f -C "$TGT_C" --iscsi portal=127.0.0.1:"$TGT_C" >>"$TGT_LOG" 2>&1 &
    fi
    TGT_PID=$!
}

# tgt_restart: start tgtd again on the same ports (after tgt_kill).
tgt_restart()
{
    _tgt_launch
    _tgt_wait_ready
}

# tgt_kill: SIGKILL this test's tgtd (a crash) and wait for it to go.
tgt_kill()
{
    kill -9 "$TGT_PID" 2>/dev/null || true
    wait "$TGT_PID" 2>/dev/null || true
    rm -f "/var/run/tgtd/socket.$TGT_C" "/var/run/tgtd/socket.$TGT_C.lock"
}

# tgt_alive: tgtd still runs and answers.
tgt_alive()
{
    kill -0 "$TGT_PID" 2>/dev/null &&
        tgtadm -C "$TGT_C" --mode system --op show >/dev/null 2>&1
}

# tgt_stop: delete every target (closing the LUs cleanly), shut tgtd down;
# SIGKILL if it does not go.  Removes the module only if this test put it.
tgt_stop()
{
    local tid i
    if [ -n "${TGT_PID:-}" ] && kill -0 "$TGT_PID" 2>/dev/null; then
        for tid in $(tgt_adm --mode target --op show 2>/dev/null |
                     sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
            tgt_adm --mode target --op delete --force --tid "$tid" || true
        done
        tgtadm -C "$TGT_C" --mode system --op delete >/dev/null 2>&1 || true
        for i in $(seq 30); do
            kill -0 "$TGT_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$TGT_PID" 2>/dev/null || true
        wait "$TGT_PID" 2>/dev/null || true
    fi
    rm -f "/var/run/tgtd/socket.$TGT_C" "/var/run/tgtd/socket.$TGT_C.lock"
    if [ "${TGT_INSTALLED:-0}" = 1 ]; then
        exec 9>"$TGT_LOCK"
        flock 9
        rm -f "$TGT_MODDIR/bs_vhd.so"
        flock -u 9
    fi
}

# tgt_target TID NAME: a target iqn.2026-11.org.vhdtarget:NAME open to all.
tgt_target()
{
    tgt_adm --mode target --op new --tid "$1" -T "iqn.2026-11.org.vhdtarget:$2"
    tgt_adm --mode target --op bind --tid "$1" -I ALL
}

# tgt_lun TID LUN FILE [BSTYPE [BSOPTS]]: add a LUN (bs_vhd by default).
tgt_lun()
{
    local bstype=${4:-vhd}
    if [ -n "${5:-}" ]; then
        tgt_adm --mode logicalunit --op new --tid "$1" --lun "$2" \
            --bstype "$bstype" --backing-store "$3" --bsopts "$5"
    else
        tgt_adm --mode logicalunit --op new --tid "$1" --lun "$2" \
            --bstype "$bstype" --backing-store "$3"
    fi
}

# tgt_url NAME LUN: the libiscsi URL of a LUN of this tgtd.
tgt_url()
{
    echo "iscsi://127.0.0.1:$TGT_PORT/iqn.2026-11.org.vhdtarget:$1/$2"
}
