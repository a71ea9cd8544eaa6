#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# sessions_name.py: IWTGeneral Name, which istmd keeps in its store
# (test-istmd-sessions-adopt.sh).  Usage (after istm_py's --port --user
# --password --portal): get | put NAME | put-bad.  Prints the name read;
# put-bad checks that an empty name is E_INVALIDARG and changes nothing.
import sys

import istm_client as ic



def add(ap):
    ap.add_argument('what')
    ap.add_argument('name', nargs='?')


a = ic.args(add)
with ic.connected(a) as dcom:
    g = ic.activate_general(dcom)
    if a.what == 'put':
        g.put_name(a.name)
    elif a.what == 'put-bad':
        before = g.get_name()
        hr = ic.call_status(lambda: g.put_name(''))
        if hr != ic.E_INVALIDARG or g.get_name() != before:
            print('FAIL: put_Name("") -> 0x%08x' % hr)
            sys.exit(1)
    print(g.get_name())
