#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# verify-txt.py: test helper, turns the fixtures' VERIFY.txt (vhdiinfo and
# qemu-img output recorded when the fixtures were collected) into one line
# per fixture: NAME FORMAT VHDIINFO-BYTES IDENTIFIER PARENT-ID QEMU-BYTES
# ("-" where a tool said nothing), so tests compare against tools nobody
# here wrote instead of numbers typed into the test.
import re
import sys

rows = {}
name = None
section = None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"^=+ (\S+) ", line)
    if m:
        name = m.group(1)
        rows[name] = {"fmt": "-", "size": "-", "id": "-", "pid": "-", "qsize": "-"}
        continue
    if line.startswith("--- "):
        section = line.strip()
        continue
    if name is None:
        continue
    r = rows[name]
    m = re.match(r"^\s*Format\s*:\s*(\S+)", line)
    if m and "vhdiinfo" in section:
        r["fmt"] = m.group(1)
    m = re.search(r"Media size.*\((\d+) bytes\)", line)
    if m:
        r["size"] = m.group(1)
    m = re.match(r"^\s*Identifier\s*:\s*(\S+)", line)
    if m:
        r["id"] = m.group(1)
    m = re.match(r"^\s*Parent identifier\s*:\s*(\S+)", line)
    if m:
        r["pid"] = m.group(1)
    m = re.match(r"^virtual size:.*\((\d+) bytes\)", line)
    if m:
        r["qsize"] = m.group(1)
for n, r in rows.items():
    print(n, r["fmt"], r["size"], r["id"], r["pid"], r["qsize"])
