#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-tgt-module: Debian's tgtd loads bs_vhd.so from its module directory and
# lists backing store "vhd"; the module was built for this very tgtd; bad
# --bsopts make `tgtadm --op new` fail and leave tgtd running.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/tgt-functions.sh"
requires_tgt

# The headers came from the tgt that is installed (configure and the build
# check this too; here we check what was recorded in the module's build).
idh="$top_builddir/tgt-backend/tgt-build-id.h"
[ -f "$idh" ] || fail "no $idh"
built=$(sed -n 's/^#define TGT_BUILT_VERSION "\(.*\)"/\1/p' "$idh")
installed=$(dpkg-query -W -f='${Version}' tgt)
[ "$built" = "$installed" ] || fail "bs_vhd built for tgt '$built', installed is '$installed'"
upstream=${installed#*:}; upstream=${upstream%-*}
[ "$(tgtd --version)" = "$upstream" ] || fail "tgtd --version is not $upstream"

# The module exports exactly the entry point tgtd looks up.
syms=$(nm -D --defined-only "$BS_VHD_SO" | awk '{print $3}')
[ "$syms" = register_bs_module ] || fail "bs_vhd.so exports: $syms"

tgt_start 32601
tgt_adm --mode system --op show > "$tmp/show"
sed -n '/^Backing stores:/,/^Device types:/p' "$tmp/show" | grep -qx '    vhd' ||
    { cat "$tmp/show" "$TGT_LOG"; fail "tgtd does not list backing store vhd"; }
grep -q 'failed to dlopen' "$TGT_LOG" && { cat "$TGT_LOG"; fail "a module failed to load"; }

# Bad options are refused with a reason in tgtd's log; tgtd keeps running.
tgt_target 1 module
truncate -s 1M "$tmp/not-used.vhd"
if tgt_lun 1 1 "$tmp/not-used.vhd" vhd "cache_parent=yes" 2>"$tmp/err"; then
    fail "cache_parent=yes was accepted"
fi
grep -q "bad option 'cache_parent=yes'" "$TGT_LOG" || { cat "$TGT_LOG"; fail "no message for a bad option"; }
if tgt_lun 1 1 "$tmp/not-used.vhd" vhd "frobnicate=1" 2>"$tmp/err"; then
    fail "an unknown option was accepted"
fi
tgt_alive || fail "tgtd died after bad options"
echo "ok: module registered, options checked"
