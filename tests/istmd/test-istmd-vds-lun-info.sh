#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# [MS-VDS] VDS_LUN_INFORMATION from istmd against what an initiator sees:
#  - a disk on a target and a snapshot exported with ISnapshot::ExportAsWTDisk
#    (pWTD is the new disk, ExportedWTD says the same) and then mapped;
#  - IWTDisk::GetVdsLunInfo of both and ISnapshot::GetVdsLunInfo, decoded by
#    hand-written impacket NDR (vds_lun_info.py), name the same vendor,
#    product, revision and serial number libiscsi's iscsi-inq reads from
#    the LU (standard INQUIRY, VPD page 0x80), and storage identifiers
#    that are the LU's page 0x83 T10 and NAA 6 designators, byte for byte
#    (lu_identity.py reads the raw page), and the disk signature of the
#    MBR the disk starts with;
#  - ExportAsWTDisk's pVdsLunInfo, given before any target maps the new
#    disk, names the identity its LU has once mapped;
#  - a disk on no target is described too (its serial number and
#    designators); refusals: a snapshot never exported (E_FAIL, 3.36.4.17),
#    a second export (E_ABORT, nothing changed).
. "$(dirname "$0")/../functions.sh"
. "$(dirname "$0")/istm-functions.sh"
requires_vhdtool
requires command -v iscsi-inq
lock_port 32697    # one tgtd per port, also across worktrees

py="$top_srcdir/tests/istmd/vds_lun_info.py"
idpy="$top_srcdir/tests/istmd/lu_identity.py"
INIT=iqn.2000-01.com.example:vds-init    # the initiator vds_lun_info.py allows
mkdir -p "$STORAGE" "$tmp/state"
# d0 starts with an MBR whose disk signature is a1b2c3d4 (little-endian at
# byte 440): m_diskSignature is it in its first 32 bits
$PYTHON -c "
import sys
b = bytearray(8 << 20)
b[440:444] = (0xa1b2c3d4).to_bytes(4, 'little')
b[446 + 4] = 0x83                      # one Linux partition
b[510:512] = b'\x55\xaa'
open(sys.argv[1], 'wb').write(b)" "$tmp/d0.raw"
"$VHDTOOL" --quiet convert --to vhd --type dynamic "$tmp/d0.raw" "$STORAGE/d0.vhd"
"$VHDTOOL" --quiet create --type dynamic --size 8M "$STORAGE/lone.vhd"

istm_start 32697
istm_py "$py" --export-info "$tmp/export-early.json" setup > "$tmp/setup" || { tail -20 "$tmp/istmd.log"; fail "setting up"; }
read -r iqn d0 exported sid < <(tail -1 "$tmp/setup")
[ -n "$sid" ] || { cat "$tmp/setup"; fail "no setup line"; }

istm_py "$py" info "$d0" > "$tmp/d0.json" || fail "GetVdsLunInfo of disk $d0"
istm_py "$py" info "$exported" > "$tmp/export.json" || fail "GetVdsLunInfo of disk $exported"
istm_py "$py" snapinfo "$sid" > "$tmp/snap.json" || fail "ISnapshot::GetVdsLunInfo"
cat "$tmp/d0.json" "$tmp/export.json"
cmp -s "$tmp/export.json" "$tmp/snap.json" ||
    { cat "$tmp/snap.json"; fail "the snapshot's LUN is not its exported disk's"; }

# what libiscsi reads from the same LUs (ISTM LUN n is tgt LUN n + 1)
for l in 1 2; do
    url="iscsi://127.0.0.1:$TGT_PORT/$iqn/$l"
    inq() { with_timeout 60 iscsi-inq -i "$INIT" "$@" "$url"; }
    inq > "$tmp/inq$l" 2>&1 || { cat "$tmp/inq$l"; fail "iscsi-inq LUN $l"; }
    inq -e 1 -c 128 > "$tmp/inq$l-80" 2>&1 || { cat "$tmp/inq$l-80"; fail "page 0x80, LUN $l"; }
    inq -e 1 -c 131 > "$tmp/inq$l-83" 2>&1 || { cat "$tmp/inq$l-83"; fail "page 0x83, LUN $l"; }
    for p in 0x80 0x83; do
        with_timeout 60 "$ISCSI_PATTERN" --initiator "$INIT" "$url" vpd $p > "$tmp/vpd$l-$p" ||
            fail "raw page $p, LUN $l"
    done
    $PYTHON "$idpy" wire "$tmp/vpd$l-0x80" "$tmp/vpd$l-0x83" > "$tmp/wire$l" || fail "decoding LUN $l"
done
cat "$tmp/inq1" "$tmp/inq1-80" "$tmp/inq1-83"
$PYTHON "$top_srcdir/tests/istmd/vds_inq_compare.py" "$tmp/d0.json" "$tmp/inq1" \
    "$tmp/inq1-80" "$tmp/inq1-83" || fail "disk $d0 against iscsi-inq"
$PYTHON "$top_srcdir/tests/istmd/vds_inq_compare.py" "$tmp/export.json" "$tmp/inq2" \
    "$tmp/inq2-80" "$tmp/inq2-83" || fail "disk $exported against iscsi-inq"
cmp -s "$tmp/d0.json" "$tmp/export.json" && fail "two LUs with the same identity"
# the binary designators (and the T10 one's exact bytes) against the raw pages
for j in d0:1 export:2 export-early:2; do
    $PYTHON "$idpy" vds "$tmp/${j%:*}.json" > "$tmp/${j%:*}.vds"
    $PYTHON - "$tmp/${j%:*}.vds" "$tmp/wire${j#*:}" <<'PY' || fail "${j%:*} against LUN ${j#*:}'s raw pages"
import json, sys
v, w = (json.load(open(f)) for f in sys.argv[1:])
bad = [k for k in ('serial', 't10', 'naa6') if not v[k] or v[k] != w[k]]
if bad:
    sys.exit('MISMATCH %s: GetVdsLunInfo %r, the LU %r' % (bad, v, w))
PY
done
for j in d0 export; do
    $PYTHON -c "import json, sys; sys.exit(json.load(open('$tmp/$j.json'))['signature'] !=
                'd4c3b2a1' + '00' * 12)" || fail "$j: m_diskSignature is not the MBR's"
done

istm_py "$py" bad "$d0" "$sid" || { tail -20 "$tmp/istmd.log"; fail "refusals"; }
istmd_stop
echo "VDS_LUN_INFORMATION agrees with iscsi-inq for a disk and an exported snapshot"
