/* commit.c: merging a differencing disk into its parent (placeholder). */
#include "config.h"
#include <errno.h>
#include "internal.h"
int vhd_commit(const char *path, vhd_progress_fn progress, void *arg)
{
	(void)progress; (void)arg;
	return vhd_error(-ENOSYS, "cannot commit '%s': not implemented yet", path);
}
