/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* sysio.c: the system calls of libvhd's read, write and flush paths, with a
 * fault hook for tests (as SQLite's test VFS): a test arms it to make the
 * Nth matching call fail with a chosen errno, or only counts the calls, so
 * it can fail each call of a write sequence in turn (allocation, bitmap,
 * BAT, footer, flush) and check what the caller and the image see.  The
 * failing write can also be torn (its first bytes written, then the
 * failure), as a crash in the middle of it leaves the file.
 *
 * The hook is compiled in but off: disarmed, a call costs one relaxed load
 * of a flag on top of the system call.  Its controls (vhd_fault_*) are
 * declared in internal.h only, not in vhd.h: they are no part of the
 * library's interface; tests link libvhd-internal.la.  The
 * state is process-wide (one test at a time arms it), which keeps the
 * calls free of per-layer plumbing.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "internal.h"

static bool armed;               /* (atomic) anything to do at all */
static unsigned fault_ops;       /* VHD_FAULT_* that count */
static long fault_at;            /* index of the call to fail, -1 = count only */
static int fault_err;            /* errno to fail with */
static bool fault_persist;       /* every matching call from fault_at on fails */
static long fault_calls;         /* (atomic) matching calls since armed */
static long fault_hits;          /* (atomic) calls failed */
static bool tear;                /* the failing write keeps tear_keep bytes */
static size_t tear_keep;
static bool tore;                /* it was cut inside its length */

void vhd_fault_arm(unsigned ops, long at, int err, bool persist)
{
	__atomic_store_n(&armed, false, __ATOMIC_SEQ_CST);
	fault_ops = ops;
	fault_at = at;
	fault_err = err;
	fault_persist = persist;
	tear = tore = false;
	__atomic_store_n(&fault_calls, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&fault_hits, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&armed, true, __ATOMIC_SEQ_CST);
}

void vhd_fault_disarm(void)
{
	__atomic_store_n(&armed, false, __ATOMIC_SEQ_CST);
}

long vhd_fault_calls(void)
{
	return __atomic_load_n(&fault_calls, __ATOMIC_SEQ_CST);
}

void vhd_fault_tear(size_t keep)
{
	tear_keep = keep;
	tear = true;
}

bool vhd_fault_tore(void)
{
	return tore;
}

long vhd_fault_hits(void)
{
	return __atomic_load_n(&fault_hits, __ATOMIC_SEQ_CST);
}

/* Should this call of kind OP fail?  Sets errno when it should. */
static bool fault(unsigned op)
{
	long n;

	if (!__atomic_load_n(&armed, __ATOMIC_RELAXED) || !(fault_ops & op))
		return false;
	n = __atomic_fetch_add(&fault_calls, 1, __ATOMIC_SEQ_CST);
	if (fault_at < 0 || n < fault_at || (n > fault_at && !fault_persist))
		return false;
	__atomic_fetch_add(&fault_hits, 1, __ATOMIC_SEQ_CST);
	errno = fault_err;
	return true;
}

ssize_t vhd_sys_pread(int fd, void *buf, size_t len, off_t off)
{
	if (fault(VHD_FAULT_READ))
		return -1;
	return pread(fd, buf, len, off);
}

ssize_t vhd_sys_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (fault(VHD_FAULT_WRITE)) {
		if (tear && __atomic_load_n(&fault_hits, __ATOMIC_SEQ_CST) == 1) {
			int err = errno;
			size_t keep = tear_keep < len ? tear_keep : len;

			tore = keep < len;
			if (keep && pwrite(fd, buf, keep, off) < 0)
				return -1;
			errno = err;
		}
		return -1;
	}
	return pwrite(fd, buf, len, off);
}

int vhd_sys_fdatasync(int fd)
{
	if (fault(VHD_FAULT_SYNC))
		return -1;
	return fdatasync(fd);
}

int vhd_sys_fsync(int fd)
{
	if (fault(VHD_FAULT_SYNC))
		return -1;
	return fsync(fd);
}
