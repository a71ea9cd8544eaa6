/* svc_target.h: the parent's verbs for targets: IHostMgr/2/3, IHost/2/3, IEnumHost, IEnumIDMethod, IEnumWTDiskLunMapping, IEnumPortal
 * ([MS-ISTM]): numbers, request and reply structs.  Shared by istm/ (the
 * child, which asks) and svc/svc_target.c (the parent, which answers); see
 * svc/svc.h for the conventions. */
#ifndef ISTMD_SVC_TARGET_H
#define ISTMD_SVC_TARGET_H

#include <stdint.h>

#include "svc/svc.h"

enum svc_target_verb {
	SVC_TARGET_FIRST = 100,        /* verbs 100..199 */
};

#endif /* ISTMD_SVC_TARGET_H */
