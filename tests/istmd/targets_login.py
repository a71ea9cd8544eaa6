#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# targets_login.py OP [ARGS]: configure target LoginTarget through IHost
# for test-istmd-targets-login.sh, which then logs in with libiscsi.
#   setup               create it: allowed initiator iqn.2000-01.com.example:init-ok,
#                       CHAP chapuser / chap-secret-123, reverse CHAP off; prints its IQN
#   enable 0|1          [propput]Enable, Save
#   ids KIND:VALUE...   RemoveAllIDs, then AddID each (KIND iqn, ip, ipv6, dns)
#   removeid KIND:VALUE RemoveID
#   chap SECRET         a new CHAP secret, Save
#   rchap 0|1           reverse CHAP (tgtuser / target-secret-99) off or on, Save
#   status INITIATOR|-  Status, LastLogIn and EnumSessions while INITIATOR holds
#                       a session (connected, a login time, its session), or none
from targets_common import args, session, check

a = args(lambda p: (p.add_argument('op'), p.add_argument('rest', nargs='*')))
dcom, mgr = session(a)
if a.op == 'setup':
    h = mgr.new_host('LoginTarget')
    h.add_id('iqn', 'iqn.2000-01.com.example:init-ok')
    h.put('CHAPUserName', 'chapuser')
    h.put('CHAPSecret', 'chap-secret-123')
    h.put('EnableCHAP', 1)
    h.save()
    print(h.get('TargetIQN'))
elif a.op == 'status':
    h = mgr.get_host('LoginTarget')
    sessions = h.enum_sessions().all()
    if a.rest[0] == '-':
        check(h.get('Status') == 0, 'idle without sessions')
        check(sessions == [], 'no sessions: %r' % sessions)
    else:
        check(h.get('Status') == 1, 'connected while a session is held')
        check(h.get('LastLogIn') > 0, 'a login time')
        check([x['initiator'] for x in sessions] == [a.rest[0]], 'its session: %r' % sessions)
        check(sessions[0]['target_iqn'] == h.get('TargetIQN'), 'the session is on this target')
else:
    h = mgr.get_host('LoginTarget')
    if a.op == 'enable':
        h.put('Enable', int(a.rest[0]))
    elif a.op == 'ids':
        h.remove_all_ids()
        for spec in a.rest:
            kind, value = spec.split(':', 1)
            h.add_id(kind, value)
        check(len(h.enum_ids().all()) == len(a.rest), 'IDs replaced')
    elif a.op == 'removeid':
        kind, value = a.rest[0].split(':', 1)
        h.remove_id(kind, value)
    elif a.op == 'chap':
        h.put('CHAPSecret', a.rest[0])
    elif a.op == 'rchap':
        h.put('ReverseCHAPUserName', 'tgtuser')
        h.put('ReverseCHAPSecret', 'target-secret-99')
        h.put('EnableReverseCHAP', int(a.rest[0]))
    h.save()
dcom.disconnect()
