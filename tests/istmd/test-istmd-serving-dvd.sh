#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright (C) 2026 The vhdtarget authors
# test-istmd-serving-dvd.sh: virtual DVDs.  An ISO image made by xorriso,
# registered with CreateWTDisk (istmctl dvd create) and assigned to a
# target, is a CD/DVD LU: an initiator's INQUIRY says device type 5,
# removable; the image reads back byte-exact; a write is refused.  With one initiator session held open throughout
# (iscsi-media), the medium is ejected (TEST UNIT READY: NOT READY, MEDIUM
# NOT PRESENT) and another image inserted (TUR good, the new capacity, the
# new bytes).  The medium and an eject survive istmd's restart and a tgtd
# crash.  Bad input (a path outside the roots, a file that is not an ISO,
# eject of a VHD disk, an unknown disk) is refused by name, nothing
# changed, and the session still reads the same image.
. "$(dirname "$0")/../functions.sh"
. "$top_srcdir/tests/istmd/istm-functions.sh"
requires_vhdtool
requires xorriso -version
ISCSI_MEDIA="$top_builddir/tests/istmd/iscsi-media"
requires test -x "$ISCSI_MEDIA"

IQN=iqn.2026-11.org.vhdtarget.test:dvd
INI=iqn.2026-11.org.vhdtarget.test:dvd-reader
MEDIA_PID=

stop_media()
{
    if [ -n "$MEDIA_PID" ]; then
        echo quit >&3 2>/dev/null || true
        exec 3>&- 4<&-
        for _ in $(seq 50); do kill -0 "$MEDIA_PID" 2>/dev/null || break; sleep 0.1; done
        kill "$MEDIA_PID" 2>/dev/null || true
        wait "$MEDIA_PID" 2>/dev/null || true
        MEDIA_PID=
    fi
}
cleanup_fn stop_media

# start_media: an initiator session to the DVD (tgt LUN 1) on FDs 3 and 4
start_media()
{
    rm -f "$tmp/media.in" "$tmp/media.out"
    mkfifo "$tmp/media.in" "$tmp/media.out"
    "$ISCSI_MEDIA" "$INI" "127.0.0.1:$TGT_PORT" "$IQN" 1 <"$tmp/media.in" \
        >"$tmp/media.out" 2>"$tmp/media.err" &
    MEDIA_PID=$!
    exec 3>"$tmp/media.in" 4<"$tmp/media.out"
    read -r -t 60 line <&4 || { cat "$tmp/media.err"; fail "iscsi-media did not start"; }
    [ "$line" = "logged in" ] || { cat "$tmp/media.err"; fail "iscsi-media: $line"; }
}

# ask COMMAND: what the held session answers (in $ans)
ask()
{
    echo "$1" >&3
    read -r -t 120 ans <&4 || { cat "$tmp/media.err"; fail "iscsi-media: no answer to $1"; }
    echo "initiator: $1 -> $ans"
}
# expect COMMAND ANSWER-PREFIX
expect() { ask "$1"; case "$ans" in "$2"*) ;; *) fail "$1 answered '$ans', not '$2'";; esac; }
# settle: TEST UNIT READY until good, taking UNIT ATTENTIONs (sense 6) as
# they come (a new session's power-on reset)
settle()
{
    local i
    for i in 1 2 3 4; do
        ask tur
        [ "$ans" = good ] && return 0
        case "$ans" in "sense 6 "*) ;; *) fail "TEST UNIT READY: $ans";; esac
    done
    fail "TEST UNIT READY never good"
}
lu_show() { tgt_adm --mode target --op show | sed -n '/LUN: 1$/,/Backing store flags/p'; }

istm_start 32682
mkdir -p "$STORAGE/iso" "$tmp/src1/docs" "$tmp/src2"
echo "first image" > "$tmp/src1/README"
head -c 300000 /dev/urandom > "$tmp/src1/docs/blob"
head -c 900000 /dev/urandom > "$tmp/src2/bigger"
xorriso -as mkisofs -quiet -V ONE -o "$STORAGE/iso/one.iso" "$tmp/src1" 2>"$tmp/xorriso.err" ||
    { cat "$tmp/xorriso.err"; fail "xorriso one.iso"; }
xorriso -as mkisofs -quiet -V TWO -o "$STORAGE/iso/two.iso" "$tmp/src2" 2>"$tmp/xorriso.err" ||
    { cat "$tmp/xorriso.err"; fail "xorriso two.iso"; }
cp "$STORAGE/iso/two.iso" "$tmp/outside.iso"
head -c 65536 /dev/urandom > "$STORAGE/iso/fake.iso"
"$VHDTOOL" create -q --type fixed --size 8M "$STORAGE/d.vhd"
size1=$(stat -c %s "$STORAGE/iso/one.iso")
size2=$(stat -c %s "$STORAGE/iso/two.iso")
[ "$size1" != "$size2" ] || fail "the two images should differ in size"

# --- a DVD through ISTM: CreateWTDisk on the image, AddWTDisk ---------------
expect_rc 0 istmctl dvd create 'C:\iso\one.iso' --description 'install medium'
grep -q '^created DVD 0 (C:.iso.one.iso)$' "$tmp/out" || { cat "$tmp/out"; fail "dvd create"; }
expect_rc 0 istmctl -q disks create --existing 'C:\d.vhd'
expect_rc 0 istmctl --json disks show 0
json "assert d['size'] == $size1, d" "the DVD's size is the image's"
expect_rc 0 istmctl -q targets create dvd --iqn "$IQN"
expect_rc 0 istmctl targets allow dvd --iqn "$INI"
expect_rc 0 istmctl assign dvd 0 --lun 0
lu_show > "$tmp/lu"
grep -q 'Type: cd/dvd' "$tmp/lu" || { cat "$tmp/lu"; fail "the DVD is not an mmc LU"; }
grep -q 'Backing store type: mmc' "$tmp/lu" || { cat "$tmp/lu"; fail "not tgt's mmc store"; }
grep -q 'Readonly: Yes' "$tmp/lu" || { cat "$tmp/lu"; fail "the DVD LU is writable"; }
grep -q "Backing store path: $STORAGE/iso/one.iso\$" "$tmp/lu" || { cat "$tmp/lu"; fail "path"; }
expect_rc 0 istmctl --json dvd list
json "assert [(x['index'], x['present'], x['medium']) for x in d] == [(0, True, 'C:\\\\iso\\\\one.iso')], d" \
    "dvd list shows DVD 0 with one.iso and not the VHD disk"

# libiscsi's own tool agrees on the device type
iscsi-inq -i "$INI" "iscsi://127.0.0.1:$TGT_PORT/$IQN/1" > "$tmp/inq" 2>&1 ||
    { cat "$tmp/inq"; fail "iscsi-inq"; }
grep -Eiq 'device.?type.*(5|MMC)' "$tmp/inq" || { cat "$tmp/inq"; fail "iscsi-inq: not type 5"; }

# --- one initiator session, held through every medium change -----------------
start_media
expect inq "type 5 removable 1"
settle
expect cap "blocks $((size1 / 2048)) size 2048"
expect "read $STORAGE/iso/one.iso" "same $size1"
# a write is refused: tgt's mmc answers ILLEGAL REQUEST, CANNOT WRITE
# MEDIUM - INCOMPATIBLE FORMAT (a DVD-ROM profile), before its read-only
# check (DATA PROTECT) is reached; either refusal will do
sum1=$(md5sum < "$STORAGE/iso/one.iso")
ask write
case "$ans" in "sense 5 30 05"|"sense 7 27 "*) ;; *) fail "a write was not refused: $ans";; esac
[ "$(md5sum < "$STORAGE/iso/one.iso")" = "$sum1" ] || fail "the write changed one.iso"

# eject: NOT READY, MEDIUM NOT PRESENT
expect_rc 0 istmctl --json dvd eject 0
json "assert d['present'] is False and d['last_medium'] == 'C:\\\\iso\\\\one.iso', d" "eject answer"
expect tur "sense 2 3a 00"
# (tgt's READ CAPACITY still answers the last medium's size; reads fail)
expect "read $STORAGE/iso/one.iso" "sense 2 3a 00"
lu_show | grep -q 'Online: No' || { lu_show; fail "tgtd shows the medium present"; }
expect_rc 0 istmctl dvd eject 0                          # ejected already: no change

# insert the other image: the session sees its size and bytes
expect_rc 0 istmctl --json dvd insert 0 'C:\iso\two.iso'
json "assert d['present'] is True and d['medium'] == 'C:\\\\iso\\\\two.iso', d" "insert answer"
settle
expect cap "blocks $((size2 / 2048)) size 2048"
expect "read $STORAGE/iso/two.iso" "same $size2"
lu_show | grep -q "Backing store path: $STORAGE/iso/two.iso\$" || { lu_show; fail "tgtd path"; }
# a straight change of medium (insert while one is in)
expect_rc 0 istmctl -q dvd insert 0 'C:\iso\one.iso'
settle
expect "read $STORAGE/iso/one.iso" "same $size1"
expect_rc 0 istmctl -q dvd insert 0 'C:\iso\two.iso'
settle
expect "read $STORAGE/iso/two.iso" "same $size2"

# --- bad input: refused by name, nothing changed -------------------------------
istmctl --json dvd list > "$tmp/dvd0"
lu_show > "$tmp/lu0"
expect_hr E_ACCESSDENIED istmctl dvd insert 0 "$tmp/outside.iso"
expect_hr E_ACCESSDENIED istmctl dvd insert 0 'C:\..\outside.iso'
expect_hr E_INVALIDARG istmctl dvd insert 0 'C:\iso\fake.iso'
expect_hr E_INVALIDARG istmctl dvd insert 0 'C:\d.vhd'
expect_hr ERROR_FILE_NOT_FOUND istmctl dvd insert 0 'C:\iso\none.iso'
expect_hr ERROR_NOT_SUPPORTED istmctl dvd eject 1        # a VHD disk has no medium
expect_hr ERROR_NOT_SUPPORTED istmctl dvd insert 1 'C:\iso\one.iso'
expect_hr ERROR_FILE_NOT_FOUND istmctl dvd eject 9       # no such disk
expect_rc 1 istmctl dvd create 'C:\iso\fake.iso'         # not an image, not a VHD
expect_hr E_ACCESSDENIED istmctl dvd create "$tmp/outside.iso"
# an initiator that prevents medium removal keeps its medium
expect "prevent 1" good
expect_hr ERROR_SHARING_VIOLATION istmctl dvd eject 0
expect_hr ERROR_SHARING_VIOLATION istmctl dvd insert 0 'C:\iso\one.iso'
expect "prevent 0" good
# an image is the medium of one DVD at a time (paths are unique in the store)
expect_rc 0 istmctl -q dvd create 'C:\iso\one.iso'
expect_hr ERROR_ALREADY_EXISTS istmctl dvd insert 2 'C:\iso\two.iso'
expect_rc 0 istmctl -q disks delete 2
istmctl --json dvd list > "$tmp/dvd1"
cmp -s "$tmp/dvd0" "$tmp/dvd1" || { cat "$tmp/dvd0" "$tmp/dvd1"; fail "a refusal changed a DVD"; }
lu_show > "$tmp/lu1"
cmp -s "$tmp/lu0" "$tmp/lu1" || { diff "$tmp/lu0" "$tmp/lu1"; fail "a refusal changed the LU"; }
expect "read $STORAGE/iso/two.iso" "same $size2"
grep -q "is not an ISO 9660/UDF image" "$tmp/istmd.log" || fail "no clear message for fake.iso"

# --- istmd restart: the medium stays the second image ----------------------------
istmd_kill
istm_restart
expect "read $STORAGE/iso/two.iso" "same $size2"
expect_rc 0 istmctl --json dvd list
json "assert d[0]['present'] and d[0]['medium'] == 'C:\\\\iso\\\\two.iso', d" "medium after restart"
# an eject is kept too
expect_rc 0 istmctl -q dvd eject 0
istmd_kill
istm_restart
expect tur "sense 2 3a 00"
stop_media

# --- a tgtd crash: istmd's start makes the DVD LU again, an empty drive -----------
# (tgt-admin's file names the last medium: it knows no empty drive)
istmd_kill
tgt_kill
tgt_restart
istm_restart --tgt-conf "$tmp/istmd-tgt.conf"
lu_show > "$tmp/lu"
grep -q 'Type: cd/dvd' "$tmp/lu" && grep -q 'Online: No' "$tmp/lu" &&
    grep -q "Backing store path: None\$" "$tmp/lu" ||
    { cat "$tmp/lu"; fail "the DVD LU after tgtd's crash is not an empty drive"; }
grep -A4 "<backing-store $STORAGE/iso/two.iso>" "$tmp/istmd-tgt.conf" > "$tmp/conf"
grep -q 'bs-type mmc' "$tmp/conf" && grep -q 'device-type cd' "$tmp/conf" &&
    grep -q 'readonly 1' "$tmp/conf" || { cat "$tmp/istmd-tgt.conf"; fail "tgt-admin file"; }
expect_rc 0 istmctl -q dvd insert 0 'C:\iso\two.iso'
start_media
settle
expect "read $STORAGE/iso/two.iso" "same $size2"
stop_media
istmd_stop
