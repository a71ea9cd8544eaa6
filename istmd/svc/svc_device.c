/* svc_device.c: the parent's answers for local devices: ILocalDeviceMgr/2/3, IEnumVolume/2, IEnumDisk/2, IDirectoryEnum, IEnumResourceGroup. */
#include <config.h>

#include <string.h>

#include "svc/svc_device.h"

const struct svc_verb svc_device_verbs[] = {
	{ 0, NULL, 0, 0, NULL },     /* placeholder: no verbs yet */
};
const size_t svc_device_nverbs = 0;
