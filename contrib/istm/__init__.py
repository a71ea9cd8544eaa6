# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm: [MS-ISTM] clients on impacket (see base.py).
# wire.py is generated from the IDL into the build tree, which is another
# directory in a VPATH build: let the package span both.
__path__ = __import__('pkgutil').extend_path(__path__, __name__)
