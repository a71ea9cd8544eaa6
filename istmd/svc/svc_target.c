/* svc_target.c: the parent's answers for targets: IHostMgr/2/3, IHost/2/3, IEnumHost, IEnumIDMethod, IEnumWTDiskLunMapping, IEnumPortal. */
#include <config.h>

#include <string.h>

#include "svc/svc_target.h"

const struct svc_verb svc_target_verbs[] = {
	{ 0, NULL, 0, 0, NULL },     /* placeholder: no verbs yet */
};
const size_t svc_target_nverbs = 0;
