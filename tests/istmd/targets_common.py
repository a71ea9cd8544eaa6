# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# targets_common.py: what the targets tests' clients share: arguments,
# connecting and activating IHostMgr, HRESULT assertions.
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import connect, call_status, S_OK, S_FALSE  # noqa: E402,F401
from istm import hosts  # noqa: E402,F401
from istm.hosts import activate_hostmgr  # noqa: E402,F401

NAMES = {0: 'S_OK', 1: 'S_FALSE', 0x80004001: 'E_NOTIMPL', 0x80070057: 'E_INVALIDARG',
         0x80070002: 'ERROR_FILE_NOT_FOUND', 0x80070050: 'ERROR_FILE_EXISTS',
         0x8007000d: 'ERROR_INVALID_DATA', 0x80070018: 'ERROR_BAD_LENGTH',
         0x80070034: 'ERROR_DUP_NAME', 0x8007012f: 'ERROR_DELETE_PENDING',
         0x80070026: 'ERROR_HANDLE_EOF', 0x80070001: 'ERROR_INVALID_FUNCTION',
         0x80070005: 'E_ACCESSDENIED', 0x80070015: 'ERROR_NOT_READY', 0x80004005: 'E_FAIL'}
HR = {v: k for k, v in NAMES.items()}


def hr_name(hr):
    return NAMES.get(hr, '0x%08x' % hr)


def args(extra=None):
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--user', required=True)
    p.add_argument('--password', required=True)
    p.add_argument('--portal', required=True)
    if extra:
        extra(p)
    return p.parse_args()


def session(a, iid=hosts.IID_IHostMgr3):
    dcom = connect('127.0.0.1', a.user, a.password, port=a.port)
    return dcom, activate_hostmgr(dcom, iid)


def expect(what, fn, want):
    """Run FN; fail unless its HRESULT is WANT (a name; None: any failure)."""
    got = call_status(fn)
    if want is None:
        if not got & 0x80000000:
            raise SystemExit('%s: expected a failure, got %s' % (what, hr_name(got)))
        print('%s: %s' % (what, hr_name(got)), file=sys.stderr)
    elif got != HR[want]:
        raise SystemExit('%s: expected %s, got %s' % (what, want, hr_name(got)))
    return got


def check(cond, what):
    if not cond:
        raise SystemExit('check failed: ' + what)
