# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm: [MS-ISTM] clients on impacket (see base.py).
