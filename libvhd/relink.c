/* relink.c: pointing a differencing disk at a moved parent (placeholder). */
#include "config.h"
#include <errno.h>
#include "internal.h"
int vhd_relink(const char *path, const char *new_parent)
{
	(void)new_parent;
	return vhd_error(-ENOSYS, "cannot relink '%s': not implemented yet", path);
}
