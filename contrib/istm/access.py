# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# istm/access.py: one way for istmctl and the scenario tests to use the
# area modules (hosts.py, disks.py, devices.py, sessions.py), which were
# written in parallel and differ in small ways: property access
# (get_description() or get('Description')), enumerators (iterable, or
# .all()), argument order of CreateWTDisk.  Trade-off: a little duck typing
# here instead of callers knowing each module's style; the interfaces'
# wire descriptions stay in their modules, nothing is described twice.
import inspect
import re

WTDTypeFileBased = 1


def snake(name):
    """'DevicePath' -> 'device_path', 'TargetIQN' -> 'target_iqn', 'WTD' -> 'wtd'."""
    name = re.sub('(CHAP|IQN|WTD)', lambda m: '_' + m.group(1).lower() + '_', name)
    name = re.sub('([a-z0-9])([A-Z])', r'\1_\2', name).lower()
    return re.sub('_+', '_', name).strip('_')


def get(obj, prop):
    """[propget] PROP (the IDL's name: 'DevicePath') of OBJ."""
    fn = getattr(obj, 'get_' + snake(prop), None)
    if callable(fn):
        return fn()
    return obj.get(prop)


def put(obj, prop, value):
    """[propput] PROP of OBJ."""
    fn = getattr(obj, 'put_' + snake(prop), None)
    if callable(fn):
        return fn(value)
    return obj.put(prop, value)


def items(enum):
    """Every element of an IEnum* wrapper (or of a list), Next(1) by Next(1)."""
    if enum is None:
        return []
    if isinstance(enum, (list, tuple)):
        return list(enum)
    if hasattr(enum, 'all'):
        return list(enum.all())
    return list(enum)


def next_one(enum):
    """One IEnum*::Next(1): (HRESULT, [elements])."""
    r = enum.next(1)
    if len(r) == 3:   # (hr, element or None, count)
        return r[0], ([r[1]] if r[2] else [])
    return r[0], list(r[1])


def create_wtdisk(dm, path, description, device_type=WTDTypeFileBased, clear=False,
                  force=False):
    """IWTDiskMgr::CreateWTDisk; the new WTDIndex."""
    params = list(inspect.signature(dm.create_wtdisk).parameters)
    if params and params[0] in ('path', 'device_path'):
        return dm.create_wtdisk(path, description, device_type, clear, force)
    return dm.create_wtdisk(device_type, path, description, clear, force)
