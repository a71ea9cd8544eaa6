#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# snapshot_used.py: print IWTDisk::SnapshotStorageUsedSize of disk WTD, as
# an ISTM client reads it (the shell tests compare it with the files).
#
#   snapshot_used.py --port P --user U --password W [--portal X] WTD
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'contrib'))
from istm.base import connect  # noqa: E402
from istm.disks import activate_disk_mgr  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=135)
    ap.add_argument('--user', required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--portal')
    ap.add_argument('wtd', type=int)
    a = ap.parse_args()
    dcom = connect('127.0.0.1', a.user, a.password, port=a.port)
    try:
        print(activate_disk_mgr(dcom).get_wtdisk(a.wtd).get('SnapshotStorageUsedSize'))
    finally:
        dcom.disconnect()


if __name__ == '__main__':
    main()
