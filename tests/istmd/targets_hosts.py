#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# targets_hosts.py PHASE: IHostMgr/2/3 and IHost/2/3 from impacket, for
# test-istmd-targets-hosts.sh.  Phases:
#   create   every IHostMgr and IHost method, good and bad input; leaves
#            DatabaseTarget and ISTMTarget saved (prints their IQNs) and an
#            unsaved placeholder Pending1 open until it exits
#   bad      bad input for every method taking a name, IQN, index or size
#            against the saved targets: each refused with its HRESULT
#   summary  one line per saved target (the enumeration), for comparing
#   restart  after an istmd restart: saved targets back, placeholder gone
from targets_common import args, session, expect, check, hosts, S_FALSE
import sys

a = args(lambda p: p.add_argument('phase'))
dcom, mgr = session(a)
SECRET1, SECRET2, RSECRET = 'target-secret1', 'other-secret22', 'rev-secret-1234'


def summary():
    out = []
    for h in mgr.enum_hosts().all():
        ids = h.enum_ids().all()
        out.append('%s|%s|%s|%d|%d|%s|%s|%s' % (
            h.get('Name'), h.get('TargetIQN'), h.get('Description'), h.get('Enable'),
            h.get('TargetMaxRecvDataSegmentLength'), h.get('CHAPUserName'),
            h.get('ReverseCHAPUserName'), ids))
    return sorted(out)


def create():
    # activation through the base interface works too (impacket activates
    # once per connection)
    dcom2, base = session(a, hosts.IID_IHostMgr)
    check(base.enum_hosts().count() == 0, 'no targets at first')
    dcom2.disconnect()

    for bad, want in ((None, 'E_INVALIDARG'), ('', 'E_INVALIDARG'),
                      ('bad name', 'ERROR_INVALID_DATA'), ('a,b', 'ERROR_INVALID_DATA'),
                      ('x' * 300, 'ERROR_INVALID_DATA'), ('x' * 224, 'ERROR_INVALID_DATA'),
                      ('caf\u00e9', 'ERROR_INVALID_DATA')):
        expect('NewHost(%r)' % (bad if bad is None else bad[:20]),
               lambda: mgr.new_host(bad), want)
    h = mgr.new_host('DatabaseTarget')
    # the placeholder reserves its name (case-insensitively), is not visible
    expect('NewHost of a reserved name', lambda: mgr.new_host('databasetarget'),
           'ERROR_FILE_EXISTS')
    expect('GetHost of a placeholder', lambda: mgr.get_host('DatabaseTarget'),
           'ERROR_FILE_NOT_FOUND')
    check(mgr.enum_hosts().count() == 0, 'placeholder not enumerated')

    # defaults (Windows' <22>..<30>)
    iqn = h.get('TargetIQN')
    check(iqn.startswith('iqn.2026-11.org.vhdtarget:') and iqn.endswith('-databasetarget-target'),
          'generated IQN ' + iqn)
    check(h.get('Name') == 'DatabaseTarget', 'name')
    check(h.get('Enable') == 1, 'enabled by default')
    check(h.get('TargetMaxRecvDataSegmentLength') == 65536, 'MaxRecvDataSegmentLength default')
    check(h.get('TargetFirstBurstLength') == 65536, 'FirstBurstLength default')
    check(h.get('TargetMaxBurstLength') == 262144, 'MaxBurstLength default')
    check(h.get('NumRecvBuffers') == 10, 'NumRecvBuffers default')
    check(h.get('EnforceIdleTimeoutDetection') == 1, 'EnforceIdleTimeoutDetection default')
    check(h.get('Status') == hosts.HostStatusIdle, 'idle')
    check(h.get('LastLogIn') == 0, 'never logged in')
    check(h.get('EnableCHAP') == 0 and h.get('CHAPUserName') == '', 'no CHAP')
    check(len(h.guid()) == 16 and h.guid() != b'\0' * 16, 'a GUID')
    check(h.get('ResourceName') == '' and h.get('ResourceGroupName') == '', 'no cluster names')
    check(h.get('ResourceState') in (-1, 0xffffffff), 'ClusterResourceStateUnknown')

    # properties, with their limits
    h.put('Description', 'ISTM Test target')
    for prop in ('TargetMaxRecvDataSegmentLength', 'TargetFirstBurstLength',
                 'TargetMaxBurstLength'):
        for bad in (0, 511, 16777216, 0xffffffff):
            expect('%s = %d' % (prop, bad), lambda: h.put(prop, bad), 'E_INVALIDARG')
    h.put('TargetMaxRecvDataSegmentLength', 32768)
    h.put('TargetFirstBurstLength', 16384)
    h.put('TargetMaxBurstLength', 131072)
    for bad in (0, 129):
        expect('NumRecvBuffers = %d' % bad, lambda: h.put('NumRecvBuffers', bad), 'E_INVALIDARG')
    h.put('NumRecvBuffers', 20)
    h.put('EnforceIdleTimeoutDetection', 0)
    check(h.get('TargetMaxRecvDataSegmentLength') == 32768 and h.get('NumRecvBuffers') == 20,
          'limits refused without a change')

    # what Windows does not implement either, and the cluster-only methods
    for what, fn, want in (
            ('put Status', lambda: h.put('Status', 1), 'E_NOTIMPL'),
            ('put LastLogIn', lambda: h.put('LastLogIn', 5), 'E_NOTIMPL'),
            ('put ListenAllNetworkAdapters FALSE', lambda: h.put('ListenAllNetworkAdapters', 0),
             'E_NOTIMPL'),
            ('get Processor', lambda: h.get('Processor'), 'E_NOTIMPL'),
            ('put Processor', lambda: h.put('Processor', 1), 'E_NOTIMPL'),
            # a target's own portals are test-istmd-serving-hostportal's; here
            # only what changes nothing
            ('AddPortal no literal', lambda: h.add_portal('portal.example'), 'E_INVALIDARG'),
            ('RemovePortal not its own', lambda: h.remove_portal('127.0.0.1'),
             'ERROR_FILE_NOT_FOUND'),
            ('SetCHAPInfoByBlob', lambda: h.set_chap_info_by_blob(b'abc'), 'E_NOTIMPL'),
            ('put ResourceGroupName', lambda: h.put('ResourceGroupName', 'g'), 'E_NOTIMPL'),
            ('put ResourceState', lambda: h.put('ResourceState', 2), 'E_NOTIMPL'),
            ('put ResourceName ""', lambda: h.put('ResourceName', ''), 'E_INVALIDARG'),
            ('put ResourceName', lambda: h.put('ResourceName', 'r'), 'ERROR_INVALID_FUNCTION'),
            ('SaveToStream', lambda: h.save_to_stream(), 'ERROR_INVALID_FUNCTION')):
        expect(what, fn, want)
    check(h.check_target_redirect('127.0.0.1') == S_FALSE, 'CheckTargetRedirect is S_FALSE')
    # tgt serves a target on every portal: TRUE, and setting it TRUE is no change
    check(h.get('ListenAllNetworkAdapters') == 1, 'ListenAllNetworkAdapters is TRUE')
    expect('put ListenAllNetworkAdapters TRUE', lambda: h.put('ListenAllNetworkAdapters', 1),
           'S_OK')

    # CHAP and reverse CHAP (secrets 12..16 bytes to validate, <42>)
    h.put('CHAPUserName', 'user1')
    expect('CHAPSecret too short', lambda: h.put('CHAPSecret', 'short'), 'ERROR_BAD_LENGTH')
    expect('CHAPSecret with a comma', lambda: h.put('CHAPSecret', 'secret,with,comma'),
           'E_INVALIDARG')
    expect('CHAPUserName with a comma', lambda: h.put('CHAPUserName', 'a,b'), 'E_INVALIDARG')
    h.put('CHAPSecret', SECRET1)
    h.put('EnableCHAP', 1)
    h.put('ReverseCHAPUserName', 'ruser1')
    h.put('ReverseCHAPSecret', RSECRET)
    h.put('EnableReverseCHAP', 1)
    check(h.get('CHAPSecret') == SECRET1 and h.get('CHAPUserName') == 'user1', 'CHAP kept')
    expect('ValidateChapSecret short', lambda: h.validate_chap_secret('short'), 'ERROR_BAD_LENGTH')
    expect('ValidateChapSecret long', lambda: h.validate_chap_secret('x' * 17), 'ERROR_BAD_LENGTH')
    expect('ValidateChapSecret dup', lambda: h.validate_chap_secret(RSECRET), 'ERROR_DUP_NAME')
    expect('ValidateChapSecret ok', lambda: h.validate_chap_secret('abcdefghijklm'), 'S_OK')
    expect('ValidateReverseChapSecret dup', lambda: h.validate_reverse_chap_secret(SECRET1),
           'ERROR_DUP_NAME')
    expect('ValidateReverseChapSecret ok',
           lambda: h.validate_reverse_chap_secret('0123456789abcdef'), 'S_OK')

    # identification methods: each syntax, duplicates, removal
    h.add_id('iqn', 'iqn.1991-05.com.contoso:test-server')
    h.add_id('iqn', 'IQN.1991-05.COM.CONTOSO:TEST-SERVER')   # the same name: S_OK, once
    h.add_id('ip', '127.0.0.1')
    h.add_id('ipv6', '::1')
    h.add_id('dns', 'Host.Example.com')
    h.add_id('mac', '00:11:22:aa:bb:cc')
    h.add_id('netbios', 'HOST1')
    for method, value, want in (('iqn', 'notaniqn', 'ERROR_INVALID_DATA'),
                                ('iqn', 'iqn.1991-123.com.contoso:x', 'ERROR_INVALID_DATA'),
                                ('ip', '300.1.1.1', 'ERROR_INVALID_DATA'),
                                ('ip', '127.0.0.1,10.0.0.1', 'ERROR_INVALID_DATA'),
                                ('ipv6', 'zz::1', 'ERROR_INVALID_DATA'),
                                ('dns', '-bad-.example.com', 'ERROR_INVALID_DATA'),
                                ('mac', '00:11', 'ERROR_INVALID_DATA'),
                                ('netbios', 'A' * 16, 'ERROR_INVALID_DATA'),
                                (9, 'x', 'E_INVALIDARG'), ('iqn', '', 'E_INVALIDARG')):
        expect('AddID %s %r' % (method, value), lambda: h.add_id(method, value), want)
    got = h.enum_ids().all()
    want = [(4, 'iqn.1991-05.com.contoso:test-server'), (2, '127.0.0.1'), (5, '::1'),
            (1, 'host.example.com'), (3, '00-11-22-AA-BB-CC'), (0, 'HOST1')]
    check(got == want, 'IDs %r' % got)
    h.remove_id('dns', 'host.example.com')
    expect('RemoveID of an absent one', lambda: h.remove_id('dns', 'nope.example.com'), 'S_OK')
    h.remove_id('mac', '00-11-22-AA-BB-CC')
    h.remove_id('netbios', 'HOST1')
    check(len(h.enum_ids().all()) == 3, 'three IDs left')
    h.save()
    check(h.get('Name') == 'DatabaseTarget', 'name after Save')

    # found by name (any case) and by IQN (any case)
    g = mgr.get_host('DATABASETARGET')
    check(g.get('Description') == 'ISTM Test target' and g.get('TargetIQN') == iqn, 'GetHost')
    g = mgr.get_host_by_iqn(iqn.upper())
    check(g.get('Name') == 'DatabaseTarget' and g.get('TargetMaxBurstLength') == 131072,
          'GetHostByTargetIQN')
    check(g.guid() == h.guid(), 'the same GUID')
    for what, fn, want in (('GetHost None', lambda: mgr.get_host(None), 'E_INVALIDARG'),
                           ('GetHost ""', lambda: mgr.get_host(''), 'E_INVALIDARG'),
                           ('GetHost unknown', lambda: mgr.get_host('nope'), 'ERROR_FILE_NOT_FOUND'),
                           ('GetHostByTargetIQN ""', lambda: mgr.get_host_by_iqn(''), 'E_INVALIDARG'),
                           ('GetHostByTargetIQN unknown',
                            lambda: mgr.get_host_by_iqn('iqn.2000-01.com.example:nope'),
                            'ERROR_FILE_NOT_FOUND')):
        expect(what, fn, want)

    # a second target: names and IQNs unique, CHAP users shared only with
    # the same secret (tgt's accounts are global)
    s = mgr.new_host2('Second', '')
    expect('NewHost2 in a resource group', lambda: mgr.new_host2('Third', 'group'),
           'E_INVALIDARG')
    expect('Name taken', lambda: s.put('Name', 'databasetarget'), 'ERROR_FILE_EXISTS')
    expect('Name bad', lambda: s.put('Name', 'has space'), 'ERROR_INVALID_DATA')
    expect('TargetIQN taken', lambda: s.put('TargetIQN', iqn), 'ERROR_FILE_EXISTS')
    expect('TargetIQN bad', lambda: s.put('TargetIQN', 'bad iqn'), 'ERROR_INVALID_DATA')
    expect('TargetIQN empty', lambda: s.put('TargetIQN', ''), 'E_INVALIDARG')
    expect('TargetIQN None', lambda: s.put('TargetIQN', None), 'E_INVALIDARG')
    s.put('TargetIQN', 'IQN.1991-05.com.contoso:Test-Server-ISTMTarget-Target')
    check(s.get('TargetIQN') == 'iqn.1991-05.com.contoso:test-server-istmtarget-target',
          'IQN lower-cased')
    s.put('Name', 'ISTMTarget')
    s.put('CHAPUserName', 'user1')
    s.put('CHAPSecret', SECRET2)
    s.put('EnableCHAP', 1)
    expect('Save with user1 under another secret', s.save, 'ERROR_DUP_NAME')
    s.put('CHAPSecret', SECRET1)
    s.put('EnableReverseCHAP', 1)
    expect('Save with reverse CHAP and no user', s.save, 'E_INVALIDARG')
    s.put('EnableReverseCHAP', 0)
    s.put('Enable', 0)
    s.save()
    check(mgr.get_host('ISTMTarget').get('Enable') == 0, 'disabled')

    # DeleteHost
    d = mgr.new_host('Doomed')
    d.save()
    check(mgr.enum_hosts().count() == 3, 'three targets')
    check(mgr.enum_all_cluster_hosts().count() == 3, 'EnumAllClusterHosts = EnumHosts')
    mgr.delete_host('doomed')
    for what, fn, want in (('DeleteHost again', lambda: mgr.delete_host('Doomed'), 'ERROR_FILE_NOT_FOUND'),
                           ('DeleteHost None', lambda: mgr.delete_host(None), 'E_INVALIDARG'),
                           ('DeleteHost ""', lambda: mgr.delete_host(''), 'E_INVALIDARG'),
                           ('Save of a deleted target', d.save, 'ERROR_FILE_NOT_FOUND')):
        expect(what, fn, want)
    check(mgr.enum_hosts().count() == 2, 'two targets')

    # the cluster-only IHostMgr2 methods
    expect('NewHostNonPersistent', lambda: mgr.new_host_non_persistent('np', 'r'), 'E_NOTIMPL')
    expect('OpenHost', lambda: mgr.open_host('r'), 'E_ACCESSDENIED')
    expect('CloseHost', lambda: mgr.close_host('ISTMTarget'), 'E_NOTIMPL')

    # a placeholder left unsaved: gone after a restart
    mgr.new_host('Pending1')
    print('IQN1 ' + iqn)
    print('IQN2 ' + s.get('TargetIQN'))
    sys.stdout.flush()


def bad():
    h = mgr.get_host('DatabaseTarget')
    for bad, want in ((None, 'E_INVALIDARG'), ('', 'E_INVALIDARG'), ('ISTMTarget', 'ERROR_FILE_EXISTS'),
                      ('bad name', 'ERROR_INVALID_DATA'), ('y' * 300, 'ERROR_INVALID_DATA')):
        expect('NewHost %r' % (bad if bad is None else bad[:20]), lambda: mgr.new_host(bad), want)
    for name in (None, '', 'nope', 'x' * 300):
        expect('DeleteHost %r' % (name if name is None else name[:20]), lambda: mgr.delete_host(name),
               'ERROR_FILE_NOT_FOUND' if name == 'nope' else 'E_INVALIDARG')
        expect('GetHost %r' % (name if name is None else name[:20]), lambda: mgr.get_host(name),
               'ERROR_FILE_NOT_FOUND' if name == 'nope' else 'E_INVALIDARG')
        expect('GetHostByTargetIQN %r' % (name if name is None else name[:20]),
               lambda: mgr.get_host_by_iqn(name),
               'ERROR_FILE_NOT_FOUND' if name == 'nope' else 'E_INVALIDARG')
    for what, fn, want in (
            ('Name taken', lambda: h.put('Name', 'istmtarget'), 'ERROR_FILE_EXISTS'),
            ('Name empty', lambda: h.put('Name', ''), 'ERROR_INVALID_DATA'),
            ('Name too long', lambda: h.put('Name', 'n' * 300), 'ERROR_INVALID_DATA'),
            ('IQN taken', lambda: h.put('TargetIQN',
                                        'iqn.1991-05.com.contoso:test-server-istmtarget-target'),
             'ERROR_FILE_EXISTS'),
            ('IQN bad', lambda: h.put('TargetIQN', 'iqn.bad'), 'ERROR_INVALID_DATA'),
            ('IQN too long', lambda: h.put('TargetIQN', 'iqn.2000-01.com.x:' + 'a' * 300),
             'ERROR_INVALID_DATA'),
            ('Description too long', lambda: h.put('Description', 'd' * 2000), 'E_INVALIDARG'),
            ('CHAPSecret short', lambda: h.put('CHAPSecret', 'abc'), 'ERROR_BAD_LENGTH'),
            ('CHAPSecret long', lambda: h.put('CHAPSecret', 's' * 300), 'ERROR_BAD_LENGTH'),
            ('MaxBurst small', lambda: h.put('TargetMaxBurstLength', 1), 'E_INVALIDARG'),
            ('AddID bad IQN', lambda: h.add_id('iqn', 'iqn'), 'ERROR_INVALID_DATA'),
            ('AddID bad IP', lambda: h.add_id('ip', '1.2.3'), 'ERROR_INVALID_DATA'),
            ('AddID bad method', lambda: h.add_id(77, '1.2.3.4'), 'E_INVALIDARG'),
            ('RemoveID bad IP', lambda: h.remove_id('ip', 'x'), 'ERROR_INVALID_DATA'),
            ('AddWTDisk unknown', lambda: h.add_wtdisk(4000000000), 'ERROR_FILE_NOT_FOUND'),
            ('RemoveWTDisk unassigned', lambda: h.remove_wtdisk(7), 'ERROR_FILE_NOT_FOUND'),
            ('SetWTDiskLunMapping unassigned', lambda: h.set_wtdisk_lun_mapping(7, 3),
             'ERROR_FILE_NOT_FOUND'),
            ('SetWTDiskLunMapping LUN 255', lambda: h.set_wtdisk_lun_mapping(7, 255), 'E_INVALIDARG'),
            ('SetWTDiskLunMapping LUN 2^32-1', lambda: h.set_wtdisk_lun_mapping(0, 0xffffffff),
             'E_INVALIDARG'),
            ('ValidateChapSecret None', lambda: h.validate_chap_secret(None), 'E_INVALIDARG')):
        expect(what, fn, want)
    # a CHAP user another target has under another secret
    h.put('CHAPUserName', 'ruser1x')
    s = mgr.get_host('ISTMTarget')
    s.put('ReverseCHAPUserName', 'ruser1')
    s.put('ReverseCHAPSecret', 'yet-another-secret')
    s.put('EnableReverseCHAP', 1)
    expect('Save with a shared user under another secret', s.save, 'ERROR_DUP_NAME')


def restart():
    expect('placeholder after restart', lambda: mgr.get_host('Pending1'), 'ERROR_FILE_NOT_FOUND')
    p = mgr.new_host('Pending1')     # its name is free again
    check(p.get('Name') == 'Pending1', 'name free again')
    h = mgr.get_host('DatabaseTarget')
    check(h.get('CHAPSecret') == SECRET1 and h.get('ReverseCHAPSecret') == RSECRET,
          'secrets kept')
    check(h.get('TargetFirstBurstLength') == 16384 and h.get('NumRecvBuffers') == 20 and
          h.get('EnforceIdleTimeoutDetection') == 0, 'parameters kept')


if a.phase == 'create':
    create()
elif a.phase == 'bad':
    bad()
elif a.phase == 'summary':
    print('\n'.join(summary()))
elif a.phase == 'restart':
    restart()
    print('\n'.join(summary()))
dcom.disconnect()
