# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/base.py: what every ISTM interface module shares on impacket's DCOM
# client: CLSIDs ([MS-ISTM] 1.9), HRESULT handling, call/answer builders,
# connecting (also to istmd on an ephemeral port) and an enumerator helper.
# One module per area next to this one (hosts.py, disks.py, devices.py,
# sessions.py) describes its interfaces from the IDL of [MS-ISTM] section 6;
# contrib/istmctl and the tests use them.
#
# Needs Debian's python3-impacket (0.10) under /usr/bin/python3.

import errno
import sys
from threading import current_thread

from impacket.dcerpc.v5 import transport
from impacket.dcerpc.v5.dcomrt import (DCOMCALL, DCOMANSWER, DCOMConnection, IRemUnknown2,
                                       INTERFACE, IID_ARRAY, IID, DWORD_ARRAY,
                                       PMInterfacePointer_ARRAY, PMInterfacePointer, REFIPID)
from impacket.dcerpc.v5.dcom.oaut import BSTR
from impacket.dcerpc.v5.dtypes import BOOLEAN, GUID, LONGLONG, NULL, ULONG, USHORT
from impacket.dcerpc.v5.ndr import NDRENUM, NDRSTRUCT, NDRUniFixedArray
from impacket.dcerpc.v5.rpcrt import DCERPCException, RPC_C_AUTHN_LEVEL_PKT_PRIVACY
from impacket.uuid import string_to_bin, uuidtup_to_bin

from istm import refs

# [MS-ISTM] 1.9
CLSID_WTGeneral = string_to_bin('baa4a577-202d-49c7-a6bb-10ee914ee199')
CLSID_SessionManager = string_to_bin('ad069971-edc5-4357-a132-430dad479d2b')
CLSID_LocalDeviceMgr = string_to_bin('f1d3a46c-2e1b-4d84-97da-b3742ad67871')
CLSID_WTDiskMgr = string_to_bin('0144084b-e09e-4f45-a56b-dcdc9f379f5e')
CLSID_SnapshotMgr = string_to_bin('4e7645fa-1a95-416c-b38f-ad574a3c3e57')
CLSID_SnsMgr = string_to_bin('24f9c1a9-b22e-4e24-bec9-4af0a4d96736')
CLSID_HostMgr = string_to_bin('e14efe0b-fd3b-41ea-8e3b-88930445b944')
IID_IHostMgr = uuidtup_to_bin(('b06a64e3-814e-4ff9-afac-597ad32517c7', '0.0'))

S_OK, S_FALSE = 0, 1
E_NOTIMPL, E_NOINTERFACE, E_INVALIDARG = 0x80004001, 0x80004002, 0x80070057


class DCERPCSessionError(DCERPCException):
    """What impacket raises for a non-zero HRESULT of the calls below (it
    looks the class up in the request's module)."""

    def __init__(self, error_string=None, error_code=None, packet=None):
        DCERPCException.__init__(self, error_string, error_code, packet)

    def __str__(self):
        return 'ISTM SessionError: code: 0x%x' % (self.error_code & 0xffffffff)


def hresult_of(exc):
    """The HRESULT an impacket exception carries (impacket raises on every
    non-zero HRESULT, S_FALSE included)."""
    code = exc.get_error_code() if hasattr(exc, 'get_error_code') else None
    return code & 0xffffffff if code is not None else None


def _call(name, opnum, params=()):
    """A request class.  impacket finds the answer class (NAME + 'Response')
    and DCERPCSessionError in the request's module, so the classes belong
    to the module that calls this (it must import DCERPCSessionError)."""
    mod = sys._getframe(1).f_globals['__name__']
    return type(name, (DCOMCALL,), {'opnum': opnum, 'structure': tuple(params),
                                     '__module__': mod})


def _answer(name, params=()):
    mod = sys._getframe(1).f_globals['__name__']
    return type(name, (DCOMANSWER,), {'structure': tuple(params) + (('ErrorCode', ULONG),),
                                       '__module__': mod})


def _status(fn):
    """Run FN; return its HRESULT (0 on success) instead of raising for a
    non-zero one, so callers can check S_FALSE and E_NOTIMPL."""
    try:
        fn()
        return S_OK
    except DCERPCException as e:
        code = hresult_of(e)
        if code is None:
            raise
        return code


def use_port(port):
    """Make impacket dial PORT instead of 135 for the activation endpoint
    (string bindings that carry a port are unaffected), so tests can run
    istmd on ephemeral ports in parallel."""
    port = int(port)
    if port == 135:
        return
    orig = transport.TCPTransport.__init__
    if getattr(orig, '_istm_port', None) is not None:
        orig = orig._istm_orig

    def init(self, remoteName, dstport=port, *args, **kwargs):
        orig(self, remoteName, dstport, *args, **kwargs)
    init._istm_port = port
    init._istm_orig = orig
    transport.TCPTransport.__init__ = init


def connect(host, user, password, domain='', auth_level=RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
            oxid_resolver=False, port=135):
    use_port(port)
    return DCOMConnection(host, user, password, domain, authLevel=auth_level,
                          oxidResolver=oxid_resolver)


def close(dcom):
    """Give back every reference this process holds on the server's objects
    (istm/refs.py), then close DCOM connection DCOM.  The number given back."""
    n = refs.release_all()
    dcom.disconnect()
    return n


def call_status(fn):
    """Public name of _status: run FN, return its HRESULT (0 on success)."""
    return _status(fn)


def enumerate_all(next_fn):
    """Call NEXT_FN() (one IEnum*::Next(1) returning (hresult, element))
    until S_FALSE; yield the elements."""
    while True:
        hr, elem = next_fn()
        if hr == S_FALSE:
            return
        yield elem


def _install_context_cache():
    """impacket binds one interface at a time per connection and makes a new
    presentation and security context (a new NTLM handshake) on every
    switch, even back to an interface it had: an IHostMgr / IHost / IEnum*
    conversation soon exceeds the contexts a server keeps per connection.
    Keep the context of each interface and switch back to it instead."""
    if getattr(INTERFACE, '_istm_ctx_cache', False):
        return
    orig = INTERFACE.connect

    def connect(self, iid=None):
        entry = INTERFACE.CONNECTIONS.get(self.get_target(), {}).get(
            current_thread().name, {}).get(self.get_oxid())
        if entry is not None and entry.get('currentBinding') != iid:
            cache = entry.setdefault('istm_dces', {})
            cache[entry['currentBinding']] = entry['dce']
            if iid in cache:
                entry['dce'] = cache[iid]
                entry['currentBinding'] = iid
                return None
            # impacket numbers the new context after the current one's:
            # start from the newest, or the number would be taken
            entry['dce'] = max(cache.values(), key=lambda d: getattr(d, '_ctx', 0))
        return orig(self, iid)
    INTERFACE.connect = connect
    INTERFACE._istm_ctx_cache = True


_install_context_cache()


def _install_eof_check():
    """impacket's TCPTransport.recv(count=N) calls socket.recv until it has
    N bytes, and a socket at end of stream returns b'' at once, forever:
    a server that dies in the middle of a call (istmd SIGKILLed) left the
    client spinning at 100% CPU.  End of stream before the whole count is
    a lost connection: raise ConnectionResetError, which istmctl reports
    as no answer (exit 3)."""
    if getattr(transport.TCPTransport, '_istm_eof_check', False):
        return

    def recv(self, forceRecv=0, count=0):
        sock = self.get_socket()
        if not count:
            return sock.recv(8192)
        buf = b''
        while len(buf) < count:
            chunk = sock.recv(count - len(buf))
            if not chunk:
                raise ConnectionResetError(errno.ECONNRESET,
                                           'the server closed the connection in the middle '
                                           'of an answer')
            buf += chunk
        return buf
    transport.TCPTransport.recv = recv
    transport.TCPTransport._istm_eof_check = True


_install_eof_check()
refs.install()


class IstmObject(IRemUnknown2):
    """An ISTM object reached through IID (its most derived interface): what
    every area module's interface classes derive from."""
    IID = None

    def __init__(self, interface):
        IRemUnknown2.__init__(self, interface)
        self._iid = self.IID

    def _req(self, req):
        return self.request(req, iid=self._iid, uuid=self.get_iPid())

    def _req_hr(self, req):
        """(HRESULT, answer or None): S_FALSE and errors do not raise."""
        try:
            return S_OK, self._req(req)
        except DCERPCException as e:
            code = hresult_of(e)
            if code is None:
                raise
            return code, None

    def _hr(self, req):
        """The HRESULT of REQ (0 on success) instead of an exception."""
        return _status(lambda: self._req(req))

    def _wrap(self, mip, cls):
        """The interface pointer MIP (an [out] IX **) wrapped in CLS, or None
        (a NULL pointer)."""
        try:
            data = b''.join(mip['abData'])
        except Exception:  # noqa: BLE001  NULL, or no MInterfacePointer at all
            return None
        if not data:
            return None
        return cls(INTERFACE(self.get_cinstance(), data, self.get_ipidRemUnknown(),
                             oxid=self.get_oxid(), target=self.get_target()))

    def release(self):
        return self.RemRelease()


class IstmEnum(IstmObject):
    """IEnum* ([MS-ISTM] 3.1.4.2.2): Next / Skip / Reset / Clone.  A subclass
    names its request prefix (PFX: the interface, whose PFX_Next, PFX_Skip,
    PFX_Reset, PFX_Clone istm/wire.py defines, or a prefix the subclass's
    module defines them under), how to blank Next's [in] element (_blank;
    by default every member of ELEM zeroed) and how to turn an element into
    a Python value (_elem)."""
    PFX = None
    ELEM = None

    def _request(self, op):
        from istm import wire
        name = self.PFX + '_' + op
        if hasattr(wire, name):
            return getattr(wire, name)()
        return getattr(sys.modules[type(self).__module__], name)()

    def _elem(self, e):
        return e

    def _blank(self, req):
        for name, t in (self.ELEM.structure if self.ELEM else ()):
            if isinstance(t, type) and issubclass(t, NDRUniFixedArray):
                size = t.nbytes if hasattr(t, 'nbytes') else 2 * t.nchars
                req['pElements'][name] = b'\0' * size
            else:
                req['pElements'][name] = 0

    def next(self, n=1):
        """(HRESULT, [values]); for n == 0 (HRESULT, count of items left)."""
        req = self._request('Next')
        req['ulNumElements'] = n
        self._blank(req)
        hr, resp = self._req_hr(req)
        if resp is None:
            return hr, ([] if n else 0)
        got = resp['pNumElementsReturned']
        if n == 0:
            return hr, got
        return hr, [self._elem(resp['pElements'])] if got else []

    def count(self):
        return self.next(0)[1]

    def skip(self, n):
        """HRESULT: S_OK, S_FALSE past the end, E_INVALIDARG for 0."""
        req = self._request('Skip')
        req['ulNumElements'] = n
        return self._req_hr(req)[0]

    def reset(self):
        self._req(self._request('Reset'))

    def clone(self):
        req = self._request('Clone')
        req['ppNewEnum'] = NULL
        return self._wrap(self._req(req)['ppNewEnum'], type(self))

    def all(self):
        out = []
        while True:
            hr, items = self.next(1)
            if hr not in (S_OK, S_FALSE):
                raise DCERPCSessionError(error_code=hr)
            if hr == S_FALSE or not items:
                return out
            out.extend(items)

    def __iter__(self):
        return iter(self.all())
