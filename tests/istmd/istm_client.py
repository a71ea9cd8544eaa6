#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm_client.py: the tests' view of contrib/istm: base.py (connect,
# CLSIDs, HRESULT helpers) and general.py (IWTGeneral / IWTGeneral2, which
# lived here before contrib/istmctl needed it), under one name.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.
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
