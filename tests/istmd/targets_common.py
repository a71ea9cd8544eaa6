# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# targets_common.py: what the targets tests' clients share: arguments,
# connecting and activating IHostMgr, HRESULT assertions.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import connect, call_status, S_OK, S_FALSE  # noqa: E402,F401
from istm import hosts  # noqa: E402,F401
from istm.hosts import activate_hostmgr  # noqa: E402,F401
import istm_client  # noqa: E402

# the HRESULTs the targets tests name, with istm_client's values
HR = {n: getattr(istm_client, n) for n in (
    'S_OK', 'S_FALSE', 'E_NOTIMPL', 'E_INVALIDARG', 'ERROR_FILE_NOT_FOUND',
    'ERROR_FILE_EXISTS', 'ERROR_INVALID_DATA', 'ERROR_BAD_LENGTH', 'ERROR_DUP_NAME',
    'ERROR_DELETE_PENDING', 'ERROR_HANDLE_EOF', 'ERROR_INVALID_FUNCTION', 'E_ACCESSDENIED',
    'ERROR_NOT_READY', 'E_FAIL')}
NAMES = {v: k for k, v in HR.items()}


def hr_name(hr):
    return NAMES.get(hr, '0x%08x' % hr)


def args(extra=None):
    return istm_client.args(extra, portal_required=True)


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
