#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The Python client's wire classes and the C server's NDR tables, both
# generated from the IDL of [MS-ISTM], agree for every [in] and [out] list
# of every method (idl_roundtrip.py, over ndr-echo).
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istmd-functions.sh"

echo_bin="$top_builddir/tests/istmd/ndr-echo"
requires test -x "$echo_bin"
requires test -f "$top_builddir/contrib/istm/wire.py"
PYTHONPATH="$top_srcdir/contrib:$top_builddir/contrib" with_timeout 300 $PYTHON \
    "$top_srcdir/tests/istmd/idl_roundtrip.py" "$echo_bin" > "$tmp/out" 2>&1 ||
    { cat "$tmp/out"; fail "the generated Python client and C tables disagree"; }
tail -1 "$tmp/out"
