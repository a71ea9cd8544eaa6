#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# krb5_client.py: impacket's DCOM client with Kerberos (doKerberos=True:
# Kerberos inside SPNEGO, DCE style, the last leg in an alter_context)
# against istmd, at packet privacy, with the tickets of the ccache that
# KRB5CCNAME names (impacket would ask a KDC on port 88 only; the test's
# KDC has its own port, so kinit and kvno fill the cache first).
#   krb5_client.py PORT REALM USER [NAME]
#       activate IWTGeneral through the port 135 role on PORT, read its
#       Name (and set it to NAME, read back); prints 'ok: ...' or the
#       error, exit 0 / 1
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))

from impacket.dcerpc.v5.dcomrt import DCOMConnection  # noqa: E402
from impacket.dcerpc.v5.rpcrt import RPC_C_AUTHN_LEVEL_PKT_PRIVACY  # noqa: E402
from istm import base, general  # noqa: E402


def main():
    port, realm, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    new_name = sys.argv[4] if len(sys.argv) > 4 else None
    base.use_port(port)
    try:
        dcom = DCOMConnection('127.0.0.1', user, '', realm,
                              authLevel=RPC_C_AUTHN_LEVEL_PKT_PRIVACY, oxidResolver=True,
                              doKerberos=True, kdcHost='127.0.0.1')
        try:
            g = general.activate_general(dcom)
            name = g.get_name()
            if new_name is not None:
                g.put_name(new_name)
                name = g.get_name()
        finally:
            dcom.disconnect()
    except Exception as e:  # the test prints what the client saw
        print('refused: %s: %s' % (type(e).__name__, e))
        return 1
    print('ok: %s: IWTGeneral Name %r' % (user, name))
    return 0


if __name__ == '__main__':
    sys.exit(main())
