#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# sessions_name.py: IWTGeneral Name, which istmd keeps in its store
# (test-istmd-sessions-adopt.sh).  Usage (after istm_py's --port --user
# --password --portal): get | put NAME | put-bad.  Prints the name read;
# put-bad checks that an empty name is E_INVALIDARG and changes nothing.
import argparse
import sys

import istm_client as ic

ap = argparse.ArgumentParser()
ap.add_argument('--port', type=int, required=True)
ap.add_argument('--user', required=True)
ap.add_argument('--password', required=True)
ap.add_argument('--portal')
ap.add_argument('what')
ap.add_argument('name', nargs='?')
a = ap.parse_args()
dcom = ic.connect('127.0.0.1', a.user, a.password, port=a.port)
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
try:
    dcom.disconnect()
except KeyError:
    pass
