#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# vds_inq_compare.py JSON INQ INQ-80 INQ-83: does a VDS_LUN_INFORMATION
# (vds_lun_info.py's JSON) describe the LU libiscsi's iscsi-inq read
# (standard INQUIRY, VPD pages 0x80 and 0x83, its text output)?  For
# test-istmd-vds-lun-info.sh.
#   vendor, product, revision  the INQUIRY fields without their padding
#   serial                     page 0x80's serial number without its padding
#   identifiers                each ASCII one is one of page 0x83's
#                              designators: same code set and type, and its
#                              bytes are the designator iscsi-inq prints
#                              (which stops at the first NUL: NUL padding is
#                              checked to be padding only); binary ones
#                              (NAA) iscsi-inq prints as C strings, so
#                              lu_identity.py compares them with the raw
#                              page instead
#   the rest                   version 1, direct access, queueing as
#                              CmdQue says, bus type iSCSI
import json
import re
import sys


def fields(path):
    out = {}
    for line in open(path, errors='replace'):
        k, sep, v = line.rstrip('\n').partition(':')
        if sep and k not in out:
            out[k] = v
    return out


def designators(path):
    """[(code set, type, text)] of iscsi-inq's page 0x83 output."""
    out, cur = [], None
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('DEVICE DESIGNATOR'):
            cur = {}
            out.append(cur)
        elif cur is not None:
            m = re.match(r'(Code Set|Designator Type):\((\d+)\)', line)
            if m:
                cur[m.group(1)] = int(m.group(2))
            elif line.startswith('Designator:['):
                cur['text'] = line[len('Designator:['):-1]
    return [(d.get('Code Set'), d.get('Designator Type'), d.get('text')) for d in out]


def main():
    info = json.load(open(sys.argv[1]))
    inq, p80 = fields(sys.argv[2]), fields(sys.argv[3])
    desig = designators(sys.argv[4])
    bad = []

    def same(what, ours, theirs):
        if ours != theirs:
            bad.append('%s: istmd %r, iscsi-inq %r' % (what, ours, theirs))

    same('vendor', info['vendor'], inq['Vendor'].strip())
    same('product', info['product'], inq['Product'].strip())
    same('revision', info['revision'], inq['Revision'].strip())
    same('serial', info['serial'], p80['Unit Serial Number'].strip(' []'))
    same('version', info['version'], 1)
    same('device type', info['device_type'] == 0, inq['Peripheral Device Type'] == 'DIRECT_ACCESS')
    same('command queueing', info['queueing'], int(inq['CmdQue']))
    same('bus type', info['bus'], 9)
    same('identifier count', info['id_count'], len(info['ids']))
    if not info['ids']:
        bad.append('no storage identifier')
    for i in info['ids']:
        if i['codeset'] == 1:
            continue
        b = bytes.fromhex(i['hex'])
        text = b.rstrip(b'\0')
        if b'\0' in text:
            bad.append('identifier %r: a NUL inside' % b)
        elif (i['codeset'], i['type'], text.decode('latin-1')) not in desig:
            bad.append('identifier (code set %d, type %d) %r is none of page 0x83\'s %r'
                       % (i['codeset'], i['type'], b, desig))
    for b in bad:
        print('MISMATCH ' + b)
    if bad:
        return 1
    print('%s: vendor, product, revision, serial and %d identifier(s) agree with iscsi-inq'
          % (sys.argv[1], len(info['ids'])))
    return 0


if __name__ == '__main__':
    sys.exit(main())
