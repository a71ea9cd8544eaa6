/* grow.c: growing the virtual size (placeholder). */
#include "config.h"
#include <errno.h>
#include "internal.h"
int vhd_grow(const char *path, uint64_t new_size)
{
	(void)new_size;
	return vhd_error(-ENOSYS, "cannot grow '%s': not implemented yet", path);
}
