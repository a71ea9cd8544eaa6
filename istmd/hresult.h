/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* hresult.h: the HRESULT values istmd returns, by name, in one place.
 *
 * Everything that answers a client (the ISTM interfaces, the path sandbox,
 * the store and the tgt adapter through hresult_from_errno()) uses these
 * names; istmctl shows hresult_name() of what came back.  The values are
 * those of [MS-ERREF] and [MS-ISTM] 2.2.1 (whose table is mostly VSS
 * codes); HRESULT_FROM_WIN32 codes are written out as values so a grep for
 * a number seen on the wire finds its name.  Trade-off: plain #defines
 * (usable in switch labels and static initialisers) plus a separate name
 * table in hresult.c, generated from the same list, rather than one
 * X-macro that C cannot turn into #defines.
 *
 * Where two names share a value (E_INVALIDARG and ERROR_INVALID_PARAMETER,
 * E_HANDLE and ERROR_INVALID_HANDLE) the first in the table is the one
 * hresult_name() returns.
 */
#ifndef ISTMD_HRESULT_H
#define ISTMD_HRESULT_H

#include <stdint.h>

typedef uint32_t hresult;

#define HRESULT_FAILED(hr)    (((hr) & 0x80000000U) != 0)
#define HRESULT_SUCCEEDED(hr) (((hr) & 0x80000000U) == 0)

/* Every HRESULT istmd knows by name.  hresult.c's name table lists the
 * same names in the same order (test-istmd-paths-resolve checks a sample). */
/* [MS-ERREF] 2.1: generic COM codes */
#define S_OK                                     ((hresult)0x00000000U)
#define S_FALSE                                  ((hresult)0x00000001U)
#define E_NOTIMPL                                ((hresult)0x80004001U)
#define E_NOINTERFACE                            ((hresult)0x80004002U)
#define E_POINTER                                ((hresult)0x80004003U)
#define E_ABORT                                  ((hresult)0x80004004U)
#define E_FAIL                                   ((hresult)0x80004005U)
#define E_UNEXPECTED                             ((hresult)0x8000FFFFU)
#define E_ACCESSDENIED                           ((hresult)0x80070005U)
#define E_HANDLE                                 ((hresult)0x80070006U)
#define E_OUTOFMEMORY                            ((hresult)0x8007000EU)
#define E_INVALIDARG                             ((hresult)0x80070057U)
/* [MS-ERREF] 2.2: Win32 codes as HRESULT_FROM_WIN32 (0x8007xxxx) */
#define ERROR_INVALID_FUNCTION                   ((hresult)0x80070001U)
#define ERROR_FILE_NOT_FOUND                     ((hresult)0x80070002U)
#define ERROR_PATH_NOT_FOUND                     ((hresult)0x80070003U)
#define ERROR_INVALID_HANDLE                     ((hresult)0x80070006U)
#define ERROR_NOT_ENOUGH_MEMORY                  ((hresult)0x80070008U)
#define ERROR_INVALID_DATA                       ((hresult)0x8007000DU)
#define ERROR_INVALID_DRIVE                      ((hresult)0x8007000FU)
#define ERROR_NOT_SAME_DEVICE                    ((hresult)0x80070011U)
#define ERROR_NO_MORE_FILES                      ((hresult)0x80070012U)
#define ERROR_WRITE_PROTECT                      ((hresult)0x80070013U)
#define ERROR_NOT_READY                          ((hresult)0x80070015U)
#define ERROR_BAD_LENGTH                         ((hresult)0x80070018U)
#define ERROR_SHARING_VIOLATION                  ((hresult)0x80070020U)
#define ERROR_HANDLE_EOF                         ((hresult)0x80070026U)
#define ERROR_NOT_SUPPORTED                      ((hresult)0x80070032U)
#define ERROR_DUP_NAME                           ((hresult)0x80070034U)
#define ERROR_FILE_EXISTS                        ((hresult)0x80070050U)
#define ERROR_CANNOT_MAKE                        ((hresult)0x80070052U)
#define ERROR_INVALID_PARAMETER                  ((hresult)0x80070057U)
#define ERROR_DRIVE_LOCKED                       ((hresult)0x8007006CU)
#define ERROR_DISK_FULL                          ((hresult)0x80070070U)
#define ERROR_INSUFFICIENT_BUFFER                ((hresult)0x8007007AU)
#define ERROR_INVALID_NAME                       ((hresult)0x8007007BU)
#define ERROR_DIR_NOT_EMPTY                      ((hresult)0x80070091U)
#define ERROR_BUSY                               ((hresult)0x800700AAU)
#define ERROR_ALREADY_EXISTS                     ((hresult)0x800700B7U)
#define ERROR_FILENAME_EXCED_RANGE               ((hresult)0x800700CEU)
#define ERROR_NO_MORE_ITEMS                      ((hresult)0x80070103U)
#define ERROR_DIRECTORY                          ((hresult)0x8007010BU)
#define ERROR_DELETE_PENDING                     ((hresult)0x8007012FU)
#define ERROR_IO_PENDING                         ((hresult)0x800703E5U)
#define ERROR_IO_DEVICE                          ((hresult)0x8007045DU)
#define ERROR_NOT_FOUND                          ((hresult)0x80070490U)
#define ERROR_LOGON_FAILURE                      ((hresult)0x8007052EU)
#define ERROR_FILE_CORRUPT                       ((hresult)0x80070570U)
#define ERROR_DISK_CORRUPT                       ((hresult)0x80070571U)
#define ERROR_TIMEOUT                            ((hresult)0x800705B4U)
#define ERROR_UNSUPPORTED_TYPE                   ((hresult)0x8007065EU)
#define ERROR_CANT_ACCESS_FILE                   ((hresult)0x80070780U)
#define ERROR_CANT_RESOLVE_FILENAME              ((hresult)0x80070781U)
#define ERROR_DEVICE_IN_USE                      ((hresult)0x80070964U)
#define ERROR_INVALID_OPERATION                  ((hresult)0x800710DDU)
#define ERROR_DEPENDENT_RESOURCE_EXISTS          ((hresult)0x80071389U)
#define ERROR_HOST_NODE_NOT_RESOURCE_OWNER       ((hresult)0x80071397U)
/* [MS-ISTM] 2.2.1 (VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED is printed
 * there with a digit missing; 0x80042321 is vss.h's value) */
#define VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL  ((hresult)0x80042408U)
#define VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED ((hresult)0x80042415U)
#define VSS_E_ASRERROR_DATADISK_RDISK0           ((hresult)0x80042406U)
#define VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED    ((hresult)0x80042401U)
#define VSS_E_ASRERROR_DISK_RECREATION_FAILED    ((hresult)0x80042402U)
#define VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED ((hresult)0x8004240AU)
#define VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION ((hresult)0x80042414U)
#define VSS_E_ASRERROR_MISSING_DYNDISK           ((hresult)0x80042404U)
#define VSS_E_ASRERROR_NO_ARCPATH                ((hresult)0x80042403U)
#define VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE ((hresult)0x80042413U)
#define VSS_E_ASRERROR_RDISK0_TOOSMALL           ((hresult)0x80042407U)
#define VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND ((hresult)0x80042412U)
#define VSS_E_ASRERROR_SHARED_CRIDISK            ((hresult)0x80042405U)
#define VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN   ((hresult)0x80042416U)
#define VSS_E_AUTORECOVERY_FAILED                ((hresult)0x800423FBU)
#define VSS_E_BAD_STATE                          ((hresult)0x80042301U)
#define VSS_E_BREAK_REVERT_ID_FAILED             ((hresult)0x800423F6U)
#define VSS_E_CANNOT_REVERT_DISKID               ((hresult)0x800423FEU)
#define VSS_E_CLUSTER_ERROR                      ((hresult)0x80042400U)
#define VSS_E_CLUSTER_TIMEOUT                    ((hresult)0x8004232EU)
#define VSS_E_CORRUPT_XML_DOCUMENT               ((hresult)0x80042310U)
#define VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK    ((hresult)0x80042411U)
#define VSS_E_DYNAMIC_DISK_ERROR                 ((hresult)0x800423FCU)
#define VSS_E_FLUSH_WRITES_TIMEOUT               ((hresult)0x80042313U)
#define VSS_E_HOLD_WRITES_TIMEOUT                ((hresult)0x80042314U)
#define VSS_E_INSUFFICIENT_STORAGE               ((hresult)0x8004231FU)
#define VSS_E_INVALID_XML_DOCUMENT               ((hresult)0x80042311U)
#define VSS_E_LEGACY_PROVIDER                    ((hresult)0x800423F7U)
#define VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED ((hresult)0x8004231EU)
#define VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED ((hresult)0x80042322U)
#define VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED ((hresult)0x80042317U)
#define VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED  ((hresult)0x80042312U)
#define VSS_E_MISSING_DISK                       ((hresult)0x800423F8U)
#define VSS_E_MISSING_HIDDEN_VOLUME              ((hresult)0x800423F9U)
#define VSS_E_MISSING_VOLUME                     ((hresult)0x800423FAU)
#define VSS_E_NESTED_VOLUME_LIMIT                ((hresult)0x8004232CU)
#define VSS_E_NONTRANSPORTABLE_BCD               ((hresult)0x800423FDU)
#define VSS_E_NOT_SUPPORTED                      ((hresult)0x8004232FU)
#define VSS_E_NO_SNAPSHOTS_IMPORTED              ((hresult)0x80042320U)
#define VSS_E_OBJECT_ALREADY_EXISTS              ((hresult)0x8004230DU)
#define VSS_E_PROVIDER_ALREADY_REGISTERED        ((hresult)0x80042303U)
#define VSS_E_PROVIDER_IN_USE                    ((hresult)0x80042307U)
#define VSS_E_PROVIDER_NOT_REGISTERED            ((hresult)0x80042304U)
#define VSS_E_PROVIDER_VETO                      ((hresult)0x80042306U)
#define VSS_E_REBOOT_REQUIRED                    ((hresult)0x80042327U)
#define VSS_E_REMOTE_SERVER_UNAVAILABLE          ((hresult)0x80042323U)
#define VSS_E_REMOTE_SERVER_UNSUPPORTED          ((hresult)0x80042324U)
#define VSS_E_RESYNC_IN_PROGRESS                 ((hresult)0x800423FFU)
#define VSS_E_REVERT_IN_PROGRESS                 ((hresult)0x80042325U)
#define VSS_E_REVERT_VOLUME_LOST                 ((hresult)0x80042326U)
#define VSS_E_SNAPSHOT_SET_IN_PROGRESS           ((hresult)0x80042316U)
#define VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED        ((hresult)0x80042321U)
#define VSS_E_TRANSACTION_FREEZE_TIMEOUT         ((hresult)0x80042328U)
#define VSS_E_TRANSACTION_THAW_TIMEOUT           ((hresult)0x80042329U)
#define VSS_E_UNEXPECTED                         ((hresult)0x80042302U)
#define VSS_E_UNEXPECTED_PROVIDER_ERROR          ((hresult)0x8004230FU)
#define VSS_E_UNEXPECTED_WRITER_ERROR            ((hresult)0x80042315U)
#define VSS_E_UNSELECTED_VOLUME                  ((hresult)0x8004232AU)
#define VSS_E_UNSUPPORTED_CONTEXT                ((hresult)0x8004231BU)
#define VSS_E_VOLUME_IN_USE                      ((hresult)0x8004231DU)
#define VSS_E_VOLUME_NOT_LOCAL                   ((hresult)0x8004232DU)
#define VSS_E_VOLUME_NOT_SUPPORTED               ((hresult)0x8004230CU)
#define VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER   ((hresult)0x8004230EU)
#define VSS_E_WRITERERROR_NONRETRYABLE           ((hresult)0x800423F4U)
#define VSS_E_WRITERERROR_OUTOFRESOURCES         ((hresult)0x800423F1U)
#define VSS_E_WRITERERROR_PARTIAL_FAILURE        ((hresult)0x80042336U)
#define VSS_E_WRITERERROR_RECOVERY_FAILED        ((hresult)0x800423F5U)
#define VSS_E_WRITERERROR_RETRYABLE              ((hresult)0x800423F3U)
#define VSS_E_WRITERERROR_TIMEOUT                ((hresult)0x800423F2U)
#define VSS_E_WRITER_ALREADY_SUBSCRIBED          ((hresult)0x8004231AU)
#define VSS_E_WRITER_INFRASTRUCTURE              ((hresult)0x80042318U)
#define VSS_E_WRITER_NOT_RESPONDING              ((hresult)0x80042319U)
#define VSS_E_WRITER_STATUS_NOT_AVAILABLE        ((hresult)0x80042409U)
#define VSS_S_ASYNC_CANCELLED                    ((hresult)0x0004230BU)
#define VSS_S_ASYNC_FINISHED                     ((hresult)0x0004230AU)
#define VSS_S_ASYNC_PENDING                      ((hresult)0x00042309U)
/* split across table rows in [MS-ISTM] 2.2.1 */
#define VSS_E_OBJECT_NOT_FOUND                   ((hresult)0x80042308U)
#define VSS_E_SNAPSHOT_NOT_IN_SET                ((hresult)0x8004232BU)
#define VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT   ((hresult)0x800423F0U)
#define VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED        ((hresult)0x00042321U)

/* The name of HR ("E_INVALIDARG"), or NULL when it is not in the table. */
const char *hresult_name(hresult hr);

/* The HRESULT for a negative errno from istmd's own code (the store, the
 * path sandbox, the tgt adapter): -EINVAL -> E_INVALIDARG, -EACCES ->
 * E_ACCESSDENIED, -ENOENT -> ERROR_FILE_NOT_FOUND, -EEXIST ->
 * ERROR_ALREADY_EXISTS, -EBUSY -> ERROR_DEVICE_IN_USE, ...; 0 -> S_OK;
 * anything unmapped -> E_FAIL.  Methods whose specification names a
 * different code for a case translate before calling this. */
hresult hresult_from_errno(int err);

#endif /* ISTMD_HRESULT_H */
