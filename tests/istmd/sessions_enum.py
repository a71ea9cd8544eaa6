#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# sessions_enum.py: ISessionManager/2, IEnumSession/2 and IEnumConnection
# against istmd and a real tgtd with libiscsi sessions held open
# (test-istmd-sessions-enum.sh).  Usage (after istm_py's --port --user
# --password --portal):
#   sessions_enum.py ... empty
#       no session: empty enumerations, bad TSIH/CID/Skip answers
#   sessions_enum.py ... expect TSIH:INITIATOR:TARGET-IQN:NAME:AUTH ...
#       exactly these sessions, by every method, each with one connection
#       from 127.0.0.1 to the portal; Skip, Reset, Clone, count-only Next
# Prints what it checked; exits 1 on the first mismatch.
import sys

from istm import base
from istm import sessions as sm
from istm_client import args, connected


def check(cond, what):
    if not cond:
        print('FAIL: ' + what, flush=True)
        sys.exit(1)
    print('ok: ' + what, flush=True)


def hr_of(fn):
    return base.call_status(fn)


def hex_hr(hr):
    return '0x%08x' % hr if hr is not None else 'None'


def bad_input(mgr):
    """Clear HRESULTs for a zero or unknown TSIH and an unknown CID."""
    for what, fn, want in (
            ('GetSession(0)', lambda: mgr.get_session(0), base.E_INVALIDARG),
            ('GetSession(65000)', lambda: mgr.get_session(65000), 0x80070002),
            ('EnumConnections(0)', lambda: mgr.enum_connections(0), base.E_INVALIDARG),
            ('EnumConnections(65000)', lambda: mgr.enum_connections(65000), 0x80070002),
            ('GetConnection(0, 0)', lambda: mgr.get_connection(0, 0), base.E_INVALIDARG),
            ('GetConnection(65000, 0)', lambda: mgr.get_connection(65000, 0), 0x80070002)):
        hr = hr_of(fn)
        check(hr == want, '%s -> %s' % (what, hex_hr(hr)))


def empty(mgr):
    e1, e2 = mgr.enum_sessions(), mgr.enum_sessions2()
    check(e1.count() == 0 and e2.count() == 0, 'no session: count-only Next says 0')
    hr, items = e2.next(1)
    check(hr == base.S_FALSE and items == [], 'no session: Next is S_FALSE with nothing')
    check(e1.skip(0) == base.E_INVALIDARG, 'Skip(0) -> E_INVALIDARG')
    check(e1.skip(1) == base.S_FALSE, 'Skip(1) past the end -> S_FALSE')
    bad_input(mgr)


def expect(mgr, specs, portal):
    want = []
    for spec in specs:
        tsih, ini, tgt, name, auth = spec.split('|')
        want.append({'tsih': int(tsih), 'initiator': ini, 'target_iqn': tgt, 'target': name,
                     'auth': auth})
    want.sort(key=lambda w: w['tsih'])
    paddr, pport = portal.rsplit(':', 1)

    got1 = mgr.enum_sessions().all()
    check([(s['initiator'], s['target_iqn']) for s in got1] ==
          [(w['initiator'], w['target_iqn']) for w in want],
          'EnumSessions lists %s' % [(s['initiator'], s['target_iqn']) for s in got1])
    e2 = mgr.enum_sessions2()
    check(e2.count() == len(want), 'count-only Next says %d' % len(want))
    got2 = e2.all()
    for g, w in zip(got2, want):
        check(g['tsih'] == w['tsih'] and g['initiator'] == w['initiator'] and
              g['target_iqn'] == w['target_iqn'] and g['target'] == w['target'] and
              g['type'] == 'normal' and g['auth'] == w['auth'] and g['isid'] == 0,
              'EnumSessions2 %r' % g)
    check(len(got2) == len(want), 'EnumSessions2 has %d sessions' % len(want))
    for w in want:
        s = mgr.get_session(w['tsih'])
        check(s == got2[want.index(w)], 'GetSession(%d) matches the enumeration' % w['tsih'])
        ec = mgr.enum_connections(w['tsih'])
        conns = ec.all()
        check(len(conns) == 1, 'session %d has one connection' % w['tsih'])
        c = conns[0]
        check(c['initiator_address'] == '127.0.0.1' and c['target_address'] == paddr and
              c['target_port'] == int(pport) and not c['header_digest'],
              'connection %r' % c)
        check(mgr.get_connection(w['tsih'], c['cid']) == c, 'GetConnection matches')
        hr = hr_of(lambda: mgr.get_connection(w['tsih'], c['cid'] + 7))
        check(hr == 0x80070002, 'unknown CID -> ERROR_FILE_NOT_FOUND (%s)' % hex_hr(hr))
        check(ec.count() == 0, 'connection enumerator at its end counts 0')
        ec.reset()
        check(ec.count() == 1, 'after Reset it counts 1')
    if len(want) >= 2:
        e = mgr.enum_sessions2()
        check(e.skip(1) == base.S_OK, 'Skip(1) -> S_OK')
        c = e.clone()
        hr, items = e.next(1)
        check(hr == base.S_OK and items[0]['tsih'] == want[1]['tsih'], 'Next after Skip(1)')
        hr, items = c.next(1)
        check(hr == base.S_OK and items[0]['tsih'] == want[1]['tsih'],
              'the clone continues from the same place')
        check(e.skip(len(want)) == base.S_FALSE, 'Skip past the end -> S_FALSE')
        e.reset()
        hr, items = e.next(5)
        check(hr == base.S_OK and len(items) == 1 and items[0]['tsih'] == want[0]['tsih'],
              'Reset, then Next(5) gives the first session (one per call)')
    bad_input(mgr)


def main():
    def add(ap):
        ap.add_argument('what')
        ap.add_argument('args', nargs='*')
    a = args(add, portal_required=True)
    with connected(a) as dcom:
        mgr = sm.activate_session_mgr(dcom)
        if a.what == 'empty':
            empty(mgr)
        else:
            expect(mgr, a.args, a.portal)


if __name__ == '__main__':
    main()
