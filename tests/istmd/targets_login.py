#!/usr/bin/python3
# targets_login.py OP [ARGS]: configure target LoginTarget through IHost
# for test-istmd-targets-login.sh, which then logs in with libiscsi.
#   setup               create it: allowed initiator iqn.2000-01.com.example:init-ok,
#                       CHAP chapuser / chap-secret-123, reverse CHAP off; prints its IQN
#   enable 0|1          [propput]Enable, Save
#   ids KIND:VALUE...   RemoveAllIDs, then AddID each (KIND iqn, ip, ipv6, dns)
#   chap SECRET         a new CHAP secret, Save
#   rchap 0|1           reverse CHAP (tgtuser / target-secret-99) off or on, Save
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
    elif a.op == 'chap':
        h.put('CHAPSecret', a.rest[0])
    elif a.op == 'rchap':
        h.put('ReverseCHAPUserName', 'tgtuser')
        h.put('ReverseCHAPSecret', 'target-secret-99')
        h.put('EnableReverseCHAP', int(a.rest[0]))
    h.save()
dcom.disconnect()
