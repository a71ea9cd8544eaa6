# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/refs.py: the references this process holds on the server's objects,
# and giving them all back when it is done, as a COM client does when it
# uninitializes ([MS-DCOM] 3.2.4.4.2, IRemUnknown::RemRelease).
#
# impacket releases nothing unless told to, object by object.  So every
# object a short-lived client such as istmctl was handed lived on in the
# server until the ping timeout (6 minutes) after it exited: the soak's 8
# istmctl loops filled istmd's table of 4096 objects in under 4 minutes,
# and every client was then refused with E_OUTOFMEMORY.
#
# Counted: the public references of every standard OBJREF that arrives
# (activation, [out] interface pointers) and of RemQueryInterface; less
# those released one by one (impacket's RemRelease).  release_all() sends
# one RemRelease per object exporter for what is left, in batches.

from impacket.dcerpc.v5.dcomrt import (INTERFACE, OBJREF, OBJREF_STANDARD, FLAGS_OBJREF_STANDARD,
                                       IID_IRemUnknown, REMINTERFACEREF, RemRelease)

BATCH = 512          # references in one RemRelease (cInterfaceRefs is 16 bits)

# (target, OXID) -> {'via': an INTERFACE of that exporter, 'refs': {IPID: count}}
_held = {}


def _count(iface, ipid, refs):
    ent = _held.setdefault((iface.get_target(), iface.get_oxid()), {'via': iface, 'refs': {}})
    left = ent['refs'].get(ipid, 0) + refs
    if left > 0:
        ent['refs'][ipid] = left
    else:
        ent['refs'].pop(ipid, None)


def install():
    """Count references from now on (once per process)."""
    from impacket.dcerpc.v5.dcomrt import IRemUnknown
    if getattr(INTERFACE, '_istm_refs', False):
        return
    process = INTERFACE.process_interface
    query = IRemUnknown.RemQueryInterface
    release = IRemUnknown.RemRelease

    def process_interface(self, data):
        process(self, data)
        if OBJREF(data)['flags'] == FLAGS_OBJREF_STANDARD:
            std = OBJREF_STANDARD(data)['std']
            _count(self, std['ipid'], std['cPublicRefs'])

    def rem_query_interface(self, cRefs, iids):
        new = query(self, cRefs, iids)
        _count(new, new.get_iPid(), max(cRefs, 1))   # istmd grants what is asked, 1 for 0
        return new

    def rem_release(self):
        resp = release(self)
        _count(self, self.get_iPid(), -1)
        return resp
    INTERFACE.process_interface = process_interface
    IRemUnknown.RemQueryInterface = rem_query_interface
    IRemUnknown.RemRelease = rem_release
    INTERFACE._istm_refs = True


def held():
    """References still held, over every exporter."""
    return sum(sum(e['refs'].values()) for e in _held.values())


def release_all():
    """Give back every reference still held; the number given back.  A
    failure stops that exporter's release (the server collects the rest
    when the ping timeout passes) and is not raised: this runs on the way
    out, when the answer no longer matters to the caller."""
    from istm.base import S_FALSE, hresult_of   # base imports this module
    done = 0
    for key, ent in list(_held.items()):
        via, refs = ent['via'], list(ent['refs'].items())
        for i in range(0, len(refs), BATCH):
            req = RemRelease()
            req['ORPCthis'] = via.get_cinstance().get_ORPCthis()
            req['ORPCthis']['flags'] = 0
            chunk = refs[i:i + BATCH]
            req['cInterfaceRefs'] = len(chunk)
            for ipid, n in chunk:
                r = REMINTERFACEREF()
                r['ipid'] = ipid
                r['cPublicRefs'] = n
                r['cPrivateRefs'] = 0
                req['InterfaceRefs'].append(r)
            try:
                via.request(req, IID_IRemUnknown, via.get_ipidRemUnknown())
            except Exception as e:  # noqa: BLE001
                if hresult_of(e) != S_FALSE:
                    break           # no answer: the server collects the rest in time
                # S_FALSE: some were gone already (collected); the rest went
            done += sum(n for _, n in chunk)
            for ipid, _ in chunk:
                ent['refs'].pop(ipid, None)
        del _held[key]
    return done
