#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm_client.py: the tests' view of contrib/istm: base.py (connect,
# CLSIDs, HRESULT helpers) and general.py (IWTGeneral / IWTGeneral2, which
# lived here before contrib/istmctl needed it), under one name; and what
# the tests' clients share: the Windows HRESULT values they expect, their
# arguments (--port, --user, --password, --portal) and their connection.
#
# The HRESULTs are written down here, not read from istmd/hresult.h as
# contrib/istm/hresults.py does for names: a test that took its expected
# values from the code under test could not catch a wrong one.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.
import argparse
import contextlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import *  # noqa: E402,F401,F403  CLSIDs, connect, _call, _answer, _status
from istm.base import _call, _answer, _status  # noqa: E402
from impacket.dcerpc.v5.dcomrt import (DCOMCALL, DCOMANSWER, DCOMConnection, IRemUnknown2,  # noqa: E402
                                       INTERFACE, IID_ARRAY, IID, DWORD_ARRAY,
                                       PMInterfacePointer_ARRAY, PMInterfacePointer, REFIPID)
from impacket.dcerpc.v5.dcom.oaut import BSTR  # noqa: E402
from impacket.dcerpc.v5.dtypes import BOOLEAN, GUID, LONGLONG, NULL, ULONG, USHORT  # noqa: E402
from impacket.dcerpc.v5.ndr import NDRENUM, NDRSTRUCT, NDRUniFixedArray  # noqa: E402
from impacket.dcerpc.v5.rpcrt import DCERPCException, RPC_C_AUTHN_LEVEL_PKT_PRIVACY  # noqa: E402
from impacket.uuid import string_to_bin, uuidtup_to_bin  # noqa: E402

from istm.general import *  # noqa: E402,F401,F403  IWTGeneral, activate_general
from istm import devices, disks, hosts  # noqa: E402

# [MS-ERREF] 2.1 (HRESULTs) and 2.2 (Win32 errors as HRESULT_FROM_WIN32);
# S_OK, S_FALSE, E_NOTIMPL, E_NOINTERFACE and E_INVALIDARG come from base.py
E_ABORT = 0x80004004
E_POINTER = 0x80004003
E_FAIL = 0x80004005
E_UNEXPECTED = 0x8000FFFF
E_ACCESSDENIED = 0x80070005
ERROR_INVALID_FUNCTION = 0x80070001
ERROR_FILE_NOT_FOUND = 0x80070002
ERROR_PATH_NOT_FOUND = 0x80070003
ERROR_INVALID_HANDLE = 0x80070006
ERROR_INVALID_DATA = 0x8007000D
ERROR_INVALID_DRIVE = 0x8007000F
ERROR_NOT_READY = 0x80070015
ERROR_BAD_LENGTH = 0x80070018
ERROR_SHARING_VIOLATION = 0x80070020
ERROR_HANDLE_EOF = 0x80070026
ERROR_NOT_SUPPORTED = 0x80070032
ERROR_DUP_NAME = 0x80070034
ERROR_FILE_EXISTS = 0x80070050
ERROR_DRIVE_LOCKED = 0x8007006C
ERROR_ALREADY_EXISTS = 0x800700B7
ERROR_DIRECTORY = 0x8007010B
ERROR_DELETE_PENDING = 0x8007012F
ERROR_UNSUPPORTED_TYPE = 0x8007065E
ERROR_DEVICE_IN_USE = 0x80070964
ERROR_INVALID_OPERATION = 0x800710DD
ERROR_DEPENDENT_RESOURCE_EXISTS = 0x80071389


def args(add=None, portal_required=False):
    """The command line every istmd test client takes: istmd's --port, the
    --user and --password it knows, tgtd's --portal (ADDRESS:PORT); ADD(p)
    adds the client's own arguments."""
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--user', required=True)
    p.add_argument('--password', required=True)
    p.add_argument('--portal', required=portal_required)
    if add:
        add(p)
    return p.parse_args()


@contextlib.contextmanager
def connected(a):
    """A DCOM connection to the istmd of arguments A, closed after.  Closing
    one whose server went first raises KeyError in impacket 0.10: ignored,
    the test has its answer by then."""
    dcom = connect('127.0.0.1', a.user, a.password, port=a.port)
    try:
        yield dcom
    finally:
        try:
            dcom.disconnect()
        except KeyError:
            pass


def managers(dcom):
    """IHostMgr, IWTDiskMgr and ILocalDeviceMgr on DCOM: what the scenario
    clients' phases work with."""
    return (hosts.activate_host_mgr(dcom), disks.activate_disk_mgr(dcom),
            devices.activate_device_mgr(dcom))


class Mismatch(Exception):
    """A call of a scenario answered otherwise than the scenario says."""


def run_phase(a, phase):
    """PHASE(A, IHostMgr, IWTDiskMgr, ILocalDeviceMgr) on a connection:
    the exit status, 1 with the first mismatch printed."""
    with connected(a) as dcom:
        try:
            phase(a, *managers(dcom))
        except Mismatch as e:
            print('MISMATCH: %s' % e)
            return 1
    return 0
