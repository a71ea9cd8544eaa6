#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# lu_identity.py: the identity of an LU, read two ways, for
# test-istmd-lu-identity.sh and test-istmd-vds-lun-info.sh.
#
#   wire VPD80-HEX VPD83-HEX   VPD pages 0x80 and 0x83 as the LU sent them
#                              (iscsi-pattern vpd), decoded here from SPC-4
#                              7.8.16 and 7.8.6 (libiscsi's unmarshalling
#                              keeps binary designators as C strings)
#   vds JSON                   the same from a VDS_LUN_INFORMATION
#                              (vds_lun_info.py's JSON)
#
# Both print one JSON object: serial (page 0x80 without its space padding),
# t10 (the T10 vendor ID designator's bytes in hex, NUL padding included),
# naa6 (the NAA IEEE Registered Extended designator in hex), and for wire
# also naa_local (NAA 3, which tgt makes of the tid and LUN).  What stays
# the same wherever a disk is mapped is serial, t10 and naa6.
import json
import sys


def page(hexdata, code):
    b = bytes.fromhex(hexdata.strip())
    if len(b) < 4 or b[1] != code:
        raise SystemExit('FAIL: not VPD page 0x%02x: %s' % (code, hexdata[:16]))
    n = int.from_bytes(b[2:4], 'big')
    if len(b) < 4 + n:
        raise SystemExit('FAIL: page 0x%02x says %d bytes, has %d' % (code, n, len(b) - 4))
    return b[4:4 + n]


def wire(p80, p83):
    out = {'serial': page(p80, 0x80).decode('latin-1').strip(' '), 't10': None,
           'naa6': None, 'naa_local': None}
    d = page(p83, 0x83)
    while len(d) >= 4:
        code_set, dtype, n = d[0] & 0x0f, d[1] & 0x0f, d[3]
        assoc = (d[1] >> 4) & 3
        value, d = d[4:4 + n], d[4 + n:]
        if assoc != 0:                    # of the LU, not of a port or target
            continue
        if dtype == 1 and code_set == 2:
            out['t10'] = value.hex()
        elif dtype == 3 and code_set == 1 and value and value[0] >> 4 == 6:
            out['naa6'] = value.hex()
        elif dtype == 3 and code_set == 1 and value and value[0] >> 4 == 3:
            out['naa_local'] = value.hex()
    return out


def vds(path):
    info = json.load(open(path))
    out = {'serial': info['serial'], 't10': None, 'naa6': None}
    for i in info['ids']:
        if i['type'] == 1 and i['codeset'] == 2:
            out['t10'] = i['hex']
        elif i['type'] == 3 and i['codeset'] == 1 and i['hex'][:1] == '6':
            out['naa6'] = i['hex']
    return out


def main():
    if sys.argv[1:2] == ['wire'] and len(sys.argv) == 4:
        print(json.dumps(wire(open(sys.argv[2]).read(), open(sys.argv[3]).read()),
                         sort_keys=True))
    elif sys.argv[1:2] == ['vds'] and len(sys.argv) == 3:
        print(json.dumps(vds(sys.argv[2]), sort_keys=True))
    else:
        raise SystemExit('usage: lu_identity.py wire VPD80 VPD83 | vds JSON')


if __name__ == '__main__':
    main()
