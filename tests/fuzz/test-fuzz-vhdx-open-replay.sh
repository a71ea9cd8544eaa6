#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# Replay the VHDX fuzz corpus (patches to a template differencing VHDX with
# a dirty log) through the open, replay, read, write, map and check paths
# with the normal compiler (and the sanitizers under --enable-sanitizers).
. "$(dirname "$0")/../functions.sh"
corpus="$top_srcdir/tests/fuzz/corpus/vhdx-open"
[ "$(ls "$corpus" | wc -l)" -ge 10 ] || fail "corpus too small"
TMPDIR=$tmp "$top_builddir/tests/fuzz/fuzz-vhdx-open-replay" "$corpus" > "$tmp/out" || fail "replay failed"
cat "$tmp/out"
grep -q '^replayed [0-9]* inputs$' "$tmp/out" || fail "no replay summary"
