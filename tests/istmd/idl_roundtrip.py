#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# idl_roundtrip.py ECHO: the Python client's wire classes (istm/wire.py) and
# the C server's tables (idl/istm_ndr.c), both generated from the IDL,
# agree for every method.  For each [in] and [out] list, both ways:
#  - client to server: fill an impacket instance with deterministic values,
#    pack it, have ndr-echo (the server's engine over the generated tables)
#    pull and push it back, unpack that in Python and compare with what was
#    packed, value by value (referent ids are impacket's random choice and
#    the engine's own, so bytes may differ there and nowhere else);
#  - server to client: ndr-echo pushes the list filled with every byte of
#    every value non-zero, Python unpacks and packs it again, ndr-echo
#    pulls and pushes that: the bytes must be the server's first push (a
#    member the client reads narrower than the server writes loses bytes).
# Prints one line per disagreement.
import struct
import subprocess
import sys

from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.dcomrt import PMInterfacePointer
from impacket.dcerpc.v5.dtypes import GUID, LPSTR
from impacket.dcerpc.v5.ndr import (NDR, NDRCALL, NDRENUM, NDRPOINTER, NDRSTRUCT,
                                    NDRUniConformantArray, NDRUniFixedArray)

from istm import wire


def sized_item(typ):
    """The element of a [size_is] T * member (wire.sized_pointer), or None."""
    if not (isinstance(typ, type) and issubclass(typ, NDRPOINTER) and typ.referent):
        return None
    arr = typ.referent[0][1]
    if isinstance(arr, type) and issubclass(arr, NDRUniConformantArray):
        return arr.item
    return None


def fill(obj, structure, k):
    """Set every member of OBJ (described by STRUCTURE) from counter K;
    return the next K."""
    for name, typ in structure:
        k += 1
        item = sized_item(typ)
        if typ is LPSTR:
            obj[name] = 'c%d\0' % k       # [string] carries its NUL; impacket adds none
        elif item == 'c':
            obj[name] = [b'p', b'q', bytes([k % 256])]
        elif item is not None:
            elems = []
            for _ in range(3):
                e = item()
                k = fill(e, item.structure, k)
                elems.append(e)
            obj[name] = elems
        elif typ is BSTR:
            obj[name]['asData'] = 's%d' % k
        elif typ is PMInterfacePointer:
            obj[name]['ulCntData'] = 3
            obj[name]['abData'] = [b'm', b'i', bytes([k % 256])]
        elif typ is wire.CHAR_ARRAY:
            obj[name] = [b'a', b'b', bytes([k % 256])]
        elif typ is GUID:
            obj[name] = bytes((k + i) % 256 for i in range(16))
        elif isinstance(typ, type) and issubclass(typ, NDRENUM):
            obj[name] = k % 7
        elif isinstance(typ, type) and issubclass(typ, NDRUniFixedArray):
            obj[name] = bytes((k + i) % 251 for i in range(typ.nbytes))
        elif isinstance(typ, type) and issubclass(typ, NDRSTRUCT):
            k = fill(obj[name], typ.structure, k)
        else:
            size = struct.calcsize(typ.structure[0][1].split('=')[0])
            obj[name] = (k * 0x01010101) & ((1 << (8 * min(size, 4) - 1)) - 1)
    # a conformant array is sized by the member before it (SetCHAPInfoByBlob's
    # nBlobSize; [MS-VDS]'s counts before their [size_is] pointers)
    names = [n for n, _ in structure]
    for i, (name, typ) in enumerate(structure):
        if (typ is wire.CHAR_ARRAY or sized_item(typ) is not None) and i > 0:
            obj[names[i - 1]] = 3
    return k


def canon(v):
    """A comparable value of an impacket NDR object (referent ids left out)."""
    if isinstance(v, NDRPOINTER):
        if v.fields.get('ReferentID', 1) == 0:
            return None
        return canon(v.fields.get('Data'))
    if isinstance(v, NDR):
        return {k: canon(x) for k, x in v.fields.items() if k != 'ReferentID'}
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    return v


def main():
    echo = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    bad = lists = 0
    for (iface, opnum), (name, ins, outs) in sorted(wire.PARAMS.items()):
        for direction, structure in (('in', ins), ('out', outs)):
            cls = type(name + '_' + direction, (NDRCALL,), {'structure': structure})
            obj = cls()
            fill(obj, structure, opnum)
            packed = obj.getData()
            echo.stdin.write('%s %d %s %s\n' % (iface, opnum, direction, packed.hex()))
            echo.stdin.flush()
            answer = echo.stdout.readline().strip()
            lists += 1
            if answer.startswith('ERR'):
                print('%s [%s]: the server refuses what the client packs (%s)'
                      % (name, direction, answer))
                bad += 1
                continue
            want = canon(cls(data=packed))
            got = canon(cls(data=bytes.fromhex(answer)))
            if want != got:
                print('%s [%s]: the server answers other values than the client packed'
                      % (name, direction))
                bad += 1
            # server to client and back
            echo.stdin.write('FILL %s %d %s\n' % (iface, opnum, direction))
            echo.stdin.flush()
            first = echo.stdout.readline().strip()
            again = cls(data=bytes.fromhex(first)).getData() if not first.startswith('ERR') else b''
            echo.stdin.write('%s %d %s %s\n' % (iface, opnum, direction, again.hex()))
            echo.stdin.flush()
            second = echo.stdout.readline().strip()
            if first.startswith('ERR') or second != first:
                print('%s [%s]: the client does not read back what the server writes (%s)'
                      % (name, direction, second[:40]))
                bad += 1
    echo.stdin.close()
    echo.wait()
    print('%d lists of %d methods, %d disagreements' % (lists, len(wire.PARAMS), bad))
    return 1 if bad or lists < 2 * len(wire.PARAMS) else 0


if __name__ == '__main__':
    sys.exit(main())
