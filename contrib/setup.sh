#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# contrib/setup.sh: install the Debian 12 build and test dependencies (as
# root, idempotent: apt-get runs only when a package is missing) and build
# the project in the source tree.  Usage: contrib/setup.sh [configure args]
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential autoconf automake libtool pkg-config
  libfuse3-dev fuse3 nettle-dev libsqlite3-dev sqlite3 check
  libiscsi-dev libiscsi-bin tgt dpkg-dev debhelper lintian
  resource-agents libxml2-utils
  qemu-utils qemu-block-extra libvhdi-utils python3-impacket
  fio clang libclang-rt-14-dev jq bzip2 e2fsprogs util-linux
  fdisk qemu-system-common python3 python3-samba
  libkrb5-dev krb5-kdc krb5-admin-server krb5-user
  open-isns-server open-isns-utils strace
  xorriso"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup: missing packages:$missing (run as root to install them)" >&2
        exit 1
    fi
    echo "setup: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
    ./configure "$@"
fi
make -j"$(nproc)"
