# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/functions.sh: sourced by every test-*.sh script.
#
# Gives each script: set -eu, a private scratch directory ($tmp), cleanup
# hooks that run even when the test fails (register them before starting
# anything), `requires` to skip (exit 77) when a tool is missing, and the
# paths of the programs under test.

set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SHARED_DIR:=$top_srcdir/../shared}"
FIXTURES="$SHARED_DIR/fixtures/vhd"

VHDTOOL="$top_builddir/vhdfs/vhdtool"
VHDFS="$top_builddir/vhdfs/vhdfs"

# TEST_TIMEOUT_SCALE (a whole number, default 1) multiplies the time limits
# tests put on what they run (with_timeout), for a loaded machine where a
# healthy run takes longer: TEST_TIMEOUT_SCALE=4 make check.  The limits
# only turn a hang into a failure; a test never asserts a duration.
: "${TEST_TIMEOUT_SCALE:=1}"
case "$TEST_TIMEOUT_SCALE" in
    ''|*[!0-9]*|0) echo "$0: TEST_TIMEOUT_SCALE must be a whole number from 1" >&2; exit 99 ;;
esac

# with_timeout SECONDS CMD...: timeout(1) with SECONDS * TEST_TIMEOUT_SCALE.
with_timeout()
{
    local s=$1
    shift
    timeout $((s * TEST_TIMEOUT_SCALE)) "$@"
}

_cleanup_hooks=()

# cleanup_fn CMD...: run CMD when the script exits, last registered first.
cleanup_fn()
{
    _cleanup_hooks+=("$*")
}

_run_cleanup()
{
    local rc=$? i
    set +e
    for (( i=${#_cleanup_hooks[@]}-1; i>=0; i-- )); do
        eval "${_cleanup_hooks[$i]}"
    done
    exit $rc
}
trap _run_cleanup EXIT
trap 'exit 130' INT TERM

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vhdtest.XXXXXX")
cleanup_fn "rm -rf '$tmp'"

# requires CMD...: skip the test (exit 77) unless CMD succeeds.
requires()
{
    if ! "$@" >/dev/null 2>&1; then
        echo "$0: skipped: requires $*"
        exit 77
    fi
}

requires_root()
{
    if [ "$(id -u)" != 0 ]; then
        echo "$0: skipped: requires root"
        exit 77
    fi
}

# fail MSG: print MSG and fail the test.
fail()
{
    echo "FAIL: $*" >&2
    exit 1
}

# expect_fail CMD...: CMD must exit non-zero; its stderr is kept in $tmp/err.
expect_fail()
{
    if "$@" 2>"$tmp/err"; then
        fail "expected failure: $*"
    fi
    [ -s "$tmp/err" ] || fail "no error message from: $*"
}

# fixture NAME: path of an uncompressed copy of a fixture in $tmp.
fixture()
{
    local src="$FIXTURES/$1" dst="$tmp/fixtures/$(basename "${1%.bz2}")"
    mkdir -p "$tmp/fixtures"
    [ -e "$dst" ] && { echo "$dst"; return; }
    case "$src" in
        *.bz2) bzip2 -dc "$src" > "$dst" ;;
        *) cp "$src" "$dst" ;;
    esac
    chmod u+w "$dst"
    echo "$dst"
}

# lock_port PORT: hold an exclusive lock named after PORT until the script
# exits, so that tests which must bind a fixed port (istmd on 135, the port
# impacket's DCOMConnection activates on) run one at a time under make -j.
lock_port()
{
    local fd
    exec {fd}>"${TMPDIR:-/tmp}/vhdtarget-port-$1.lock"
    flock "$fd"
}
