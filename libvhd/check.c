/* check.c: structural checks (placeholder). */
#include "config.h"
#include <errno.h>
#include "internal.h"
int vhd_check(const char *path, vhd_problem_fn problem, void *arg)
{
	(void)problem; (void)arg;
	return vhd_error(-ENOSYS, "cannot check '%s': not implemented yet", path);
}
