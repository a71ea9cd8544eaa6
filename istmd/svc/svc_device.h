/* svc_device.h: the parent's verbs for local devices: ILocalDeviceMgr/2/3, IEnumVolume/2, IEnumDisk/2, IDirectoryEnum, IEnumResourceGroup
 * ([MS-ISTM]): numbers, request and reply structs.  Shared by istm/ (the
 * child, which asks) and svc/svc_device.c (the parent, which answers); see
 * svc/svc.h for the conventions. */
#ifndef ISTMD_SVC_DEVICE_H
#define ISTMD_SVC_DEVICE_H

#include <stdint.h>

#include "svc/svc.h"

enum svc_device_verb {
	SVC_DEVICE_FIRST = 300,        /* verbs 300..399 */
};

#endif /* ISTMD_SVC_DEVICE_H */
