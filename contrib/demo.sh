#!/bin/sh
# contrib/demo.sh: the README's run command.  Makes a demo chain in
# ${DEMO_DIR:-/var/tmp/vhdtarget-demo}: a 64 MiB dynamic base with some data
# and a differencing disk on top, then shows the chain.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
vhdtool="$top/vhdfs/vhdtool"
dir="${DEMO_DIR:-/var/tmp/vhdtarget-demo}"
mkdir -p "$dir"
rm -f "$dir/base.vhd" "$dir/child.vhd"

"$vhdtool" create --type dynamic --size 64M "$dir/base.vhd"
"$vhdtool" create --type diff --parent "$dir/base.vhd" "$dir/child.vhd"
echo "== $dir/child.vhd"
"$vhdtool" info "$dir/child.vhd"
"$vhdtool" check "$dir/child.vhd"
