# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm-functions.sh: for the ISTM management tests: a private
# tgtd with bs_vhd (tests/tgt/tgt-functions.sh) and istmd managing it, with
# the storage root C: = $tmp/storage.  Source after ../functions.sh.
#
# Ports: each script passes its own tgt control port / portal port
# (32671..32699 are for these tests; see the list in tests/istmd/README).
. "$top_srcdir/tests/tgt/tgt-functions.sh"
. "$top_srcdir/tests/istmd/istmd-functions.sh"

requires_tgt
requires test -x "$top_builddir/vhdfs/vhdfs"
ISTM_PYTHONPATH="$top_srcdir/contrib:$top_builddir/contrib:$top_srcdir/tests/istmd"
ISTMCTL="$top_srcdir/contrib/istmctl"
STORAGE="$tmp/storage"

# istm_start PORT [ISTMD ARGS...]: start tgtd on control port and portal
# 127.0.0.1:PORT, then istmd (ephemeral DCOM ports, see istmd_start) with
# C: = $STORAGE managing it.
istm_start()
{
    local port=$1
    shift
    mkdir -p "$STORAGE"
    tgt_start "$port"
    ISTMD_STORAGE_ROOT="C:=$STORAGE" istmd_start --tgt-control-port "$port" \
        --vhdfs "$top_builddir/vhdfs/vhdfs" "$@"
}

# istm_restart [ISTMD ARGS...]: start istmd again on the same state (after
# istmd_kill or a SIGKILL of $ISTMD_PID).
istm_restart()
{
    ISTMD_STORAGE_ROOT="C:=$STORAGE" istmd_start --tgt-control-port "$TGT_C" \
        --vhdfs "$top_builddir/vhdfs/vhdfs" "$@"
}

# istm_py SCRIPT [ARGS...]: run an impacket client script against istmd as
# alice; the script gets --port, --user, --password, --portal first.
istm_py()
{
    local script=$1
    shift
    PYTHONPATH="$ISTM_PYTHONPATH" with_timeout 600 $PYTHON "$script" --port "$ISTMD_PORT" \
        --user alice --password 'Passw0rd!' --portal "127.0.0.1:$TGT_PORT" "$@"
}

# istmctl ARGS...: the command-line client against this istmd, given
# ISTMCTL_TIMEOUT seconds (300).
istmctl()
{
    PYTHONPATH="$ISTM_PYTHONPATH" with_timeout "${ISTMCTL_TIMEOUT:-300}" $PYTHON "$ISTMCTL" \
        --host 127.0.0.1 --port "$ISTMD_PORT" --user alice --password 'Passw0rd!' "$@"
}

# expect_rc RC CMD...: CMD exits with RC; its stdout in $tmp/out, stderr in $tmp/err.
expect_rc()
{
    local want=$1 rc=0
    shift
    "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    [ "$rc" = "$want" ] || { cat "$tmp/out" "$tmp/err"; fail "exit $rc, not $want: $*"; }
}

# expect_hr NAME CMD...: CMD (istmctl) is refused (exit 1) with the HRESULT
# NAME in the documented message shape.
expect_hr()
{
    local name=$1
    shift
    expect_rc 1 "$@"
    grep -Eq "^istmctl: .* failed: $name \(0x[0-9a-f]{8}\)$" "$tmp/err" ||
        { cat "$tmp/err"; fail "no '$name' failure message from: $*"; }
}

# json PYTHON-EXPR MESSAGE: run PYTHON-EXPR with d = the JSON in $tmp/out.
json() { $PYTHON -c "import json, sys; d = json.load(open('$tmp/out')); $1" || { cat "$tmp/out"; fail "$2"; }; }

# istm_target_iqn NAME: print target NAME's IQN (from istmctl's JSON).
istm_target_iqn()
{
    expect_rc 0 istmctl --json targets show "$1"
    json "print(d['iqn'])" "no IQN for target '$1'"
}

# istm_serve_disk TARGET WINPATH: register the existing image WINPATH, make
# TARGET, map the disk (index 0) as its LUN 0 and let 127.0.0.1 in.
istm_serve_disk()
{
    expect_rc 0 istmctl -q disks create "$2" --existing
    expect_rc 0 istmctl -q targets create "$1"
    expect_rc 0 istmctl assign "$1" 0 --lun 0
    expect_rc 0 istmctl targets allow "$1" --ip 127.0.0.1
}
