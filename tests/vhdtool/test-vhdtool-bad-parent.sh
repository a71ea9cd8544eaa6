#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# A differencing disk whose parent is gone: every command that needs the
# chain fails with one line naming the child and the missing parent, and
# nothing is changed; info --no-parents still shows the child.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

cd "$tmp"
"$VHDTOOL" create --type dynamic --size 4M gone-parent.vhd
"$VHDTOOL" create --type diff --parent gone-parent.vhd orphan.vhd
random_file a 4096; poke orphan.vhd 0 a
rm gone-parent.vhd
before=$(sha orphan.vhd)
for cmd in info map commit; do
    expect_error_line orphan.vhd "$VHDTOOL" $cmd orphan.vhd
    grep -q 'gone-parent' "$tmp/err" || { cat "$tmp/err"; fail "$cmd: the missing parent is not named"; }
done
expect_error_line orphan.vhd "$VHDTOOL" convert orphan.vhd out.raw
[ ! -e out.raw ] || fail "failed convert left out.raw"
expect_error_line orphan.vhd "$VHDTOOL" check orphan.vhd
[ "$(sha orphan.vhd)" = "$before" ] || fail "orphan.vhd changed"
"$VHDTOOL" info --no-parents orphan.vhd | grep -q 'gone-parent.vhd' || fail "info --no-parents"
echo OK
