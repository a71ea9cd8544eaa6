#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# refs_release.py: a client that reads every target and disk, then either
# gives back what it was handed (istm.base.close, as istmctl does) or just
# disconnects (what impacket does unless told).  Prints "held N": the
# public references it counted before closing.  For
# test-istmd-istmctl-release.sh, which reads istmd's live-object counts.
#   refs_release.py ... release|keep
import sys

from istm import access as A
from istm import base, disks, hosts, refs
from istm_client import args, connect


def main():
    a = args(lambda p: p.add_argument('how', choices=('release', 'keep')))
    dcom = connect('127.0.0.1', a.user, a.password, port=a.port)
    for h in A.items(hosts.activate_host_mgr(dcom).enum_hosts()):
        h.get_name()
    for d in A.items(disks.activate_disk_mgr(dcom).enum_wtdisks()):
        A.get(d, 'Assigned')
    print('held %d' % refs.held(), flush=True)
    if a.how == 'release':
        print('gave back %d' % base.close(dcom), flush=True)
    else:
        dcom.disconnect()
    sys.exit(0 if refs.held() == 0 or a.how == 'keep' else 1)


if __name__ == '__main__':
    main()
