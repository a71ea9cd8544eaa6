#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# vhdtool's command line contract: --help and --version succeed, every
# subcommand has --help, and usage errors exit 2 with one line on stderr.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"

"$VHDTOOL" --help | grep -q '^usage: vhdtool' || fail "--help"
"$VHDTOOL" --version | grep -q '^vhdtool .* [0-9]' || fail "--version"
# every subcommand the help lists: --help, help VERB, and exit 2 on an
# unknown option
verbs=$("$VHDTOOL" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
for cmd in create info check commit convert relink map resize compare measure rebase compact copy; do
    echo "$verbs" | grep -qx "$cmd" || fail "vhdtool --help does not list $cmd"
done
for cmd in $verbs; do
    "$VHDTOOL" "$cmd" --help | grep -q "^usage: vhdtool $cmd" || fail "$cmd --help"
    "$VHDTOOL" help "$cmd" | grep -q "^usage: vhdtool $cmd" || fail "help $cmd"
    rc=0; "$VHDTOOL" "$cmd" --no-such-option x >/dev/null 2>&1 || rc=$?
    [ $rc = 2 ] || fail "$cmd --no-such-option: exit $rc, want 2"
done

# usage_error CMD...: exit 2, one line, nothing created.
usage_error()
{
    local rc=0
    "$VHDTOOL" "$@" >/dev/null 2>"$tmp/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "exit $rc, want 2: vhdtool $*"
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "want one line: vhdtool $*"; }
    grep -q '^vhdtool: ' "$tmp/err" || fail "message shape: vhdtool $*"
}

cd "$tmp"
usage_error
usage_error frobnicate x.vhd
usage_error --bogus
usage_error create x.vhd                                  # no --size
usage_error create --type dynamic x.vhd
usage_error create --type sparse --size 1M x.vhd
usage_error create --type dynamic --size 12Q x.vhd
usage_error create --type dynamic --size -5 x.vhd
usage_error create --type dynamic --size 99999999999999999999 x.vhd
usage_error create --type fixed --size 1M --block-size 1M x.vhd
usage_error create --type diff x.vhd                      # no --parent
usage_error create --type diff --parent p.vhd --size 1M x.vhd
usage_error create --type fixed --parent p.vhd --size 1M x.vhd
usage_error create --type dynamic --size 1M
usage_error create --type dynamic --size 1M a.vhd b.vhd
usage_error info
usage_error info --frob x.vhd
usage_error check
usage_error commit
usage_error convert only-one.vhd
usage_error convert --to qcow2 a b
usage_error convert --type fixed a.vhd b.raw              # --type only with --to vhd
usage_error relink only-one.vhd
usage_error map
[ -z "$(ls -A "$tmp" | grep -v '^err$')" ] || { ls -la "$tmp"; fail "a usage error created a file"; }

# Sizes that parse but cannot be a disk: one failure line, exit 1.
expect_error_line x.vhd "$VHDTOOL" create --type dynamic --size 1000 x.vhd
expect_error_line x.vhd "$VHDTOOL" create --type dynamic --size 3000G x.vhd
[ ! -e x.vhd ] || fail "a refused create left x.vhd"
echo OK
