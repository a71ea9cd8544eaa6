# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# tests/vhdtool/lib.sh: helpers shared by the vhdtool tests, sourced after
# ../functions.sh.  Kept here (not in functions.sh) because only this part
# needs them.

POKE="$top_builddir/tests/vhdtool/vhd-poke"
VHDPATCH="$top_srcdir/tests/vhdtool/vhdpatch.py"
# Debian's python3, not whatever python3 comes first on PATH.
PY=/usr/bin/python3

requires test -x "$VHDTOOL"
# libtool's wrapper script costs ~0.4 s of forks per call on this kind of
# machine, which adds up to minutes over the suite: run the real binary
# with the build tree's libvhd instead, as the wrapper itself would.
if [ -x "$top_builddir/vhdfs/.libs/vhdtool" ] && [ -d "$top_builddir/libvhd/.libs" ]; then
    VHDTOOL="$top_builddir/vhdfs/.libs/vhdtool"
    LD_LIBRARY_PATH="$top_builddir/libvhd/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }

vhdpatch() { "$PY" "$VHDPATCH" "$@"; }

# poke VHD OFFSET SRC: write SRC's bytes into VHD at OFFSET through libvhd.
poke() {
    [ -x "$POKE" ] || fail "test helper $POKE not built"
    "$POKE" "$@"
}

# expect_error_line FILE CMD...: CMD exits 1 with exactly one error line
# on stderr, "vhdtool: VERB failed: ...", naming FILE.  libvhd's warnings
# ("vhdtool: warning: ...", e.g. a footer read from its copy) may precede
# it; nothing else may.  The error line is left in $tmp/err.
expect_error_line()
{
    local file=$1 rc=0
    shift
    "$@" >"$tmp/out" 2>"$tmp/stderr" || rc=$?
    [ "$rc" -ne 0 ] || fail "expected failure: $*"
    [ "$rc" -eq 1 ] || { cat "$tmp/stderr" >&2; fail "exit status $rc, want 1: $*"; }
    grep -v '^vhdtool: \(warning\|notice\): ' "$tmp/stderr" > "$tmp/err" || true
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || { cat "$tmp/stderr" >&2; fail "want one error line: $*"; }
    grep -q "^vhdtool: [a-z]* failed: '" "$tmp/err" || { cat "$tmp/stderr" >&2; fail "bad message shape: $*"; }
    grep -qF "$(basename "$file")" "$tmp/err" || { cat "$tmp/stderr" >&2; fail "message does not name $file: $*"; }
}

# random_file PATH SIZE: PATH with SIZE random bytes.
random_file() { head -c "$2" /dev/urandom > "$1"; }

# json FILE EXPR: evaluate a jq expression over `vhdtool info --json FILE`.
json() { "$VHDTOOL" info --json "$1" | jq -r "$2"; }

# refused IMG CMD...: every read-side command refuses IMG with one line
# naming it, writes no output and leaves IMG byte-for-byte unchanged.
refused()
{
    local img=$1 before cmd
    before=$(sha "$img")
    for cmd in info check convert map; do
        case $cmd in
        convert) expect_error_line "$img" "$VHDTOOL" convert "$img" "$tmp/refused.raw"
                 [ ! -e "$tmp/refused.raw" ] || fail "convert of a bad $img left output" ;;
        *)       expect_error_line "$img" "$VHDTOOL" $cmd "$img" ;;
        esac
    done
    [ "$(sha "$img")" = "$before" ] || fail "$img was changed"
}

# dynamic_with_data IMG SIZE: a dynamic disk with data in several blocks.
dynamic_with_data()
{
    "$VHDTOOL" create --type dynamic --size "$2" "$1"
    random_file "$tmp/dwd" 3000000
    poke "$1" 0 "$tmp/dwd"
    poke "$1" 5000000 "$tmp/dwd"
}
