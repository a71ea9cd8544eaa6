/* svc_disk.h: the parent's verbs for virtual disks: IWTDiskMgr/2/3/4, IWTDisk/2/3, IEnumWTDisk, IEnumLMMountPoint
 * ([MS-ISTM]): numbers, request and reply structs.  Shared by istm/ (the
 * child, which asks) and svc/svc_disk.c (the parent, which answers); see
 * svc/svc.h for the conventions. */
#ifndef ISTMD_SVC_DISK_H
#define ISTMD_SVC_DISK_H

#include <stdint.h>

#include "svc/svc.h"

enum svc_disk_verb {
	SVC_DISK_FIRST = 200,        /* verbs 200..299 */
};

#endif /* ISTMD_SVC_DISK_H */
