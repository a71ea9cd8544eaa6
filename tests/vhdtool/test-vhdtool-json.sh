#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# info --json is valid JSON (python's json and jq agree), has the keys
# DESIGN.md promises at the top and in every layer, and lists a depth-4
# chain from the top down to the base, each layer naming the next.
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/lib.sh"
requires jq --version

cd "$tmp"
"$VHDTOOL" create --type dynamic --size 3G --block-size 1M 'base "quoted".vhd'
"$VHDTOOL" create --type diff --parent 'base "quoted".vhd' l1.vhd
"$VHDTOOL" create --type diff --parent l1.vhd l2.vhd
"$VHDTOOL" create --type diff --parent l2.vhd top.vhd
"$VHDTOOL" info --json top.vhd > j
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' j || fail "python cannot parse the JSON"
jq -e . j >/dev/null || fail "jq cannot parse the JSON"

[ "$(jq -r .filename j)" = top.vhd ] || fail "top filename"
[ "$(jq -r .type j)" = differencing ] || fail "top type"
[ "$(jq -r '."virtual-size"' j)" = 3221225472 ] || fail "top virtual-size"
[ "$(jq -r '.chain | length' j)" = 4 ] || fail "chain length"
for i in 0 1 2 3; do
    jq -e ".chain[$i] | has(\"filename\") and has(\"type\") and has(\"virtual-size\") and has(\"uuid\")
           and has(\"timestamp\") and has(\"creator-app\") and has(\"geometry\")" j >/dev/null ||
        fail "layer $i lacks keys"
    [ "$(jq -r ".chain[$i].\"virtual-size\"" j)" = 3221225472 ] || fail "layer $i size"
    jq -r ".chain[$i].timestamp" j | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' ||
        fail "layer $i timestamp is not ISO 8601"
done
# Order and links: top first, each parent-uuid is the next layer's uuid.
for i in 0 1 2; do
    [ "$(jq -r ".chain[$i].\"parent-uuid\"" j)" = "$(jq -r ".chain[$((i + 1))].uuid" j)" ] ||
        fail "layer $i does not point at layer $((i + 1))"
    [ "$(jq -r ".chain[$i].\"backing-filename\"" j)" = "$(jq -r ".chain[$((i + 1))].filename" j)" ] ||
        fail "layer $i backing-filename"
done
[ "$(jq -r '[.chain[].filename | sub(".*/"; "")] | join(",")' j)" = 'top.vhd,l2.vhd,l1.vhd,base "quoted".vhd' ] ||
    fail "layer order: $(jq -c '[.chain[].filename]' j)"
[ "$(jq -r '[.chain[].type] | join(",")' j)" = differencing,differencing,differencing,dynamic ] || fail "types"
[ "$(jq -r '.chain[3]."block-size"' j)" = 1048576 ] || fail "base block size"
[ "$(jq -r '.chain[3]."max-table-entries"' j)" = 3072 ] || fail "base table entries"
[ "$(jq -r '.uuid' j)" = "$(jq -r '.chain[0].uuid' j)" ] || fail "top keys are not layer 0's"
[ "$(jq -r '.chain[3] | has("parent-uuid")' j)" = false ] || fail "a base with a parent-uuid"
# The human form shows every layer too.
[ "$("$VHDTOOL" info top.vhd | grep -c '^image:')" = 4 ] || fail "human info does not show 4 layers"
echo OK
