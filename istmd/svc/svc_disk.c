/* svc_disk.c: the parent's answers for virtual disks: IWTDiskMgr/2/3/4, IWTDisk/2/3, IEnumWTDisk, IEnumLMMountPoint. */
#include <config.h>

#include <string.h>

#include "svc/svc_disk.h"

const struct svc_verb svc_disk_verbs[] = {
	{ 0, NULL, 0, 0, NULL },     /* placeholder: no verbs yet */
};
const size_t svc_disk_nverbs = 0;
