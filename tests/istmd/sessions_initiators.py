#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# sessions_initiators.py: ISnsMgr::EnumCachedInitiators and
# IEnumCachedInitiator ([MS-ISTM] 3.37, 3.4) against istmd
# (test-istmd-sessions-enum.sh).  Usage (after istm_py's --port --user
# --password --portal):
#   sessions_initiators.py ... IQN=LAST_LOGIN ...
# The enumeration must list exactly these initiators with these times, one
# per Next; count-only Next, Skip, Reset and Clone behave as for every
# IEnum*; removing an iSNS server never added is ERROR_FILE_NOT_FOUND.
# Exits 1 on the first mismatch.
import sys

from istm import base, wire
from istm.base import S_FALSE, S_OK
from istm_client import args, connected, ERROR_FILE_NOT_FOUND


class IEnumCachedInitiator(base.IstmEnum):
    IID = wire.IID_IEnumCachedInitiator
    PFX = 'IEnumCachedInitiator'
    ELEM = wire.CACHED_INITIATOR

    def _elem(self, e):
        raw = bytes(e['szInitiatorIqn'])
        end = next((i for i in range(0, len(raw), 2) if raw[i:i + 2] == b'\0\0'), len(raw))
        return '%s=%d' % (raw[:end].decode('utf-16-le'), e['hyLastLoggedOnTime'])


class ISnsMgr(base.IstmObject):
    IID = wire.IID_ISnsMgr


def check(cond, what):
    if not cond:
        print('FAIL: ' + what)
        sys.exit(1)
    print('ok: ' + what)


def main():
    a = args(lambda ap: ap.add_argument('expect', nargs='*'), portal_required=True)
    with connected(a) as dcom:
        check_initiators(dcom, sorted(a.expect))


def check_initiators(dcom, want):
    mgr = ISnsMgr(dcom.CoCreateInstanceEx(base.CLSID_SnsMgr, wire.IID_ISnsMgr))
    req = wire.ISnsMgr_EnumCachedInitiators()
    enum = mgr._wrap(mgr._req(req)['ppEnumCachedInitiator'], IEnumCachedInitiator)
    check(enum is not None, 'EnumCachedInitiators hands out an enumerator')
    check(enum.count() == len(want), 'count-only Next: %d left' % len(want))
    got = enum.all()
    check(sorted(got) == want, 'the cached initiators: %s' % ', '.join(got))
    check(enum.next(1)[0] == S_FALSE, 'Next at the end is S_FALSE')
    enum.reset()
    if want:
        check(enum.skip(1) == S_OK, 'Skip(1)')
        copy = enum.clone()
        check(copy.all() == got[1:], 'a Clone continues where its enumerator is')
        copy.release()
    check(enum.skip(len(want) + 1) == S_FALSE, 'Skip past the end is S_FALSE')
    req = wire.ISnsMgr_RemoveSnsServer()
    req['SnsServerName']['asData'] = 'isns.example'
    check(mgr._hr(req) == ERROR_FILE_NOT_FOUND, 'RemoveSnsServer of a server never added')
    enum.release()
    mgr.release()


if __name__ == '__main__':
    main()
