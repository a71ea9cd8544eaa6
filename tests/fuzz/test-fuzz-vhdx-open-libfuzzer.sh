#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# libFuzzer on the VHDX open path (fuzz-vhdx-open.c), briefly in make check.
FUZZ_HARNESS=vhdx-open exec "$(dirname "$0")/test-fuzz-vhd-open-libfuzzer.sh"
