#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-snapshot.sh on a VHDX disk: live switches of a VHDX top (its
# log settles after the switch), exports, mounts, rollback and merges of
# VHDX layers, whose children name them by DataWriteGuid, not by the
# VirtualDiskId a VHD-minded comparison would use.
SNAP_FORMAT=vhdx exec bash "$(dirname "$0")/test-istmd-snapshot.sh"
