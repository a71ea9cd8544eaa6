# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/hresults.py: HRESULT names for istmctl's messages, read at run time
# from istmd's own istmd/hresult.h (the #define list its name table in
# hresult.c follows), so there is no second hand-kept list to drift.
# Trade-off: parsing a C header from Python is crude, but the header's
# lines have one fixed shape (`#define NAME ((hresult)0x...U)`) and a
# missing or unreadable header only costs names, never a wrong one.
#
# Where two names share a value the first in the header wins, as
# hresult_name() does in C (E_INVALIDARG before ERROR_INVALID_PARAMETER).
import os
import re

_DEFINE = re.compile(r'^#define\s+([A-Z][A-Z0-9_]*)\s+\(\(hresult\)0x([0-9A-Fa-f]{1,8})U?\)')
_names = None   # {value: first name}
_values = None  # {name: value}


def _candidates():
    """Where hresult.h can be: $ISTM_HRESULT_H, next to this module (make
    install copies it there), istmd/ of the source tree this runs from."""
    env = os.environ.get('ISTM_HRESULT_H')
    if env:
        yield env
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, 'hresult.h')
    yield os.path.join(here, '..', '..', 'istmd', 'hresult.h')


def parse(path):
    """[(name, value)] from the hresult.h at PATH, in the header's order."""
    out = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = _DEFINE.match(line)
            if m:
                out.append((m.group(1), int(m.group(2), 16)))
    return out


def _load():
    global _names, _values
    if _names is None:
        _names, _values = {}, {}
        for path in _candidates():
            if os.path.isfile(path):
                for nm, v in parse(path):
                    _names.setdefault(v, nm)
                    _values[nm] = v
                break


def names():
    """{value: name}; empty when no hresult.h is found."""
    _load()
    return _names


def name(hr):
    """The name of HR ('E_INVALIDARG'), or 'HRESULT' when unknown."""
    return names().get(hr & 0xffffffff, 'HRESULT')


def value(nm):
    """The value of the HRESULT called NM (KeyError when unknown)."""
    _load()
    return _values[nm]


def describe(hr):
    """'E_INVALIDARG (0x80070057)'"""
    hr &= 0xffffffff
    return '%s (0x%08x)' % (name(hr), hr)
