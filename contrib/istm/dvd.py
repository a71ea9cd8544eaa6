# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/dvd.py: the medium of a virtual DVD through IVhdtargetDvd, the
# project's own interface (istmd/idl/vhdtarget.idl) beside IWTDiskMgr.
# [MS-ISTM] has no removable media: a DVD is made and assigned with its
# disk calls (CreateWTDisk on an ISO image, IHost::AddWTDisk), and only
# eject and insert need this.  A Windows target does not answer it.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

from impacket.dcerpc.v5.dtypes import NULL

from istm import wire
from istm.base import IstmObject, CLSID_WTDiskMgr
from istm.disks import _bstr

QUERY, EJECT, INSERT = 0, 1, 2


class IVhdtargetDvd(IstmObject):
    IID = wire.IID_IVhdtargetDvd

    def medium(self, wtd, op=QUERY, path=None):
        """(present, image path) of disk WTD after OP (QUERY, EJECT, or
        INSERT of the client path PATH); raises on a failure HRESULT."""
        req = wire.IVhdtargetDvd_Medium()
        req['ulWTD'] = wtd
        req['lOperation'] = op
        if path is None:
            req['bstrImagePath'] = NULL
        else:
            req['bstrImagePath']['asData'] = path
        resp = self._req(req)
        return bool(resp['plPresent']), _bstr(resp, 'pbstrImagePath')


def activate_dvd(dcom):
    """IVhdtargetDvd of a new IWTDiskMgr object."""
    return IVhdtargetDvd(dcom.CoCreateInstanceEx(CLSID_WTDiskMgr, wire.IID_IVhdtargetDvd))
