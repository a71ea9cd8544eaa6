#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# The bash completion scripts of vhdtool, vhdfs (and mount.vhdfs) and
# istmctl load in a plain bash without a word on stderr, register their
# function, and complete what a user types: vhdtool's verbs (every one in
# `vhdtool --help`) and a verb's options; vhdfs's -o options after a comma;
# istmctl's commands and a command's actions.  With bash-completion
# installed, its loader finds them by name in the completions folder.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
dir="$top_srcdir/contrib/bash-completion"

# complete_words CMD WORD...: what the completion offers for the last WORD
# (the command runs from the build tree).
complete_words()
{
    PATH="$(dirname "$VHDTOOL"):$top_srcdir/contrib:$PATH" bash --norc --noprofile -c '
        set -u
        source "$0/vhdtool"; source "$0/vhdfs"; source "$0/istmctl"
        COMP_WORDS=("${@:1}"); COMP_CWORD=$(( $# - 1 ))
        f=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/")
        "$f"
        printf "%s\n" "${COMPREPLY[@]}"' "$dir" "$@"
}

for f in vhdtool vhdfs istmctl; do
    bash --norc --noprofile -c 'set -eu; source "$1"' _ "$dir/$f" 2> err || fail "$f does not load: $(cat err)"
    [ ! -s err ] || fail "$f printed while loading: $(cat err)"
done

# vhdtool: every verb of --help, and nothing else but help
verbs=$("$VHDTOOL" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | sort)
[ "$(echo "$verbs" | wc -l)" -ge 13 ] || fail "vhdtool --help lists too few verbs: $verbs"
[ "$(complete_words vhdtool "" | grep -v '^help$' | sort)" = "$verbs" ] || fail "verbs: $(complete_words vhdtool "" | tr '\n' ' ')"
[ "$(complete_words vhdtool re | sort | tr '\n' ' ')" = "rebase relink resize " ] || fail "re: $(complete_words vhdtool re)"
[ "$(complete_words vhdtool check --rep)" = "--repair" ] || fail "check --rep: $(complete_words vhdtool check --rep)"
[ "$(complete_words vhdtool info --output= | tr '\n' ' ')" = "human json " ] || fail "--output="
complete_words vhdtool --quiet map --j | grep -qx -- --json || fail "map --j after a global option"
touch "$tmp/disk-one.vhd"
[ "$(complete_words vhdtool info "$tmp/disk-o")" = "$tmp/disk-one.vhd" ] || fail "file names"

# vhdfs and mount.vhdfs: -o options, after a comma too
[ "$(complete_words vhdfs -o ro,par)" = "ro,partitions" ] || fail "vhdfs -o: $(complete_words vhdfs -o ro,par)"
[ "$(complete_words mount.vhdfs -o read)" = "readahead_kb=" ] || fail "mount.vhdfs -o"
complete_words vhdfs --ver | grep -qx -- --version || fail "vhdfs --ver"

# istmctl: its argparse help, when it runs here (it needs impacket)
if "$top_srcdir/contrib/istmctl" --help > /dev/null 2>&1; then
    complete_words istmctl "" | grep -qx targets || fail "istmctl commands: $(complete_words istmctl "")"
    [ "$(complete_words istmctl --user u targets cr)" = create ] || fail "istmctl targets cr"
    complete_words istmctl --vers | grep -qx -- --version || fail "istmctl --vers"
else
    echo "note: istmctl does not run here (no impacket?): its completion was only loaded"
fi
echo OK
