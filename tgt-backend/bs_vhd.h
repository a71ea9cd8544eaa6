/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* bs_vhd.h: the private interface between the files of bs_vhd, the tgt
 * backing-store module that serves VHD chains through libvhd.
 *
 * bs_vhd is compiled against tgt's own headers (from Debian's tgt source
 * package of the installed version; tgt installs none), because tgt hands
 * the module its private structs.  To keep that coupling small, bs_vhd calls
 * only register_backingstore_template(), bs_thread_open/close/cmd_submit(),
 * the sense helpers sense_data_build*(), find_mode_page() (to honour the
 * write-cache bit) and tgt's logger; it keeps all per-LU state in the
 * bs_datasize area behind one accessor, bs_vhd_lu_of().  One more thing it
 * touches: the LU's own copy of its device-type template, whose lu_config
 * it wraps (bs_vhd_lu_config in bs_vhd.c) to learn of readonly=N updates.
 *
 * Licence: GPL-2.0-or-later.
 */
#ifndef BS_VHD_H
#define BS_VHD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "list.h"
#include "util.h"
#include "tgtd.h"
#include "scsi.h"
#include "spc.h"
#include "bs_thread.h"

#include "vhd.h"

/* Options from --bsopts, separated by ';' (tgt splits --params on ','). */
struct bs_vhd_opts {
	int cache_parent;      /* share a cache of parent layers between LUs */
	size_t cache_size;     /* bytes per shared parent cache */
	int readonly;          /* the LU starts read-only (lu->attrs.readonly) */
};

/* How many layers below the top may be cached (a chain deeper than this
 * caches its first BS_VHD_MAX_CACHED parents). */
#define BS_VHD_MAX_CACHED 16

struct bs_vhd_cache;

/* Per-LU state, in the bs_datasize area tgt allocates after struct scsi_lu.
 *
 * Locking: tgtd's main thread submits commands and opens/closes the chain;
 * tgt's worker threads run bs_vhd_request().  inflight is atomic (no lock
 * per command); lock and drained serve bs_vhd_drain() only, which sets
 * draining so that the last command to finish wakes it; chain, below, caches and nr_caches are
 * written only by the main thread while inflight is 0 (bs_vhd_close drains
 * first) and read by workers, which are ordered after the write by tgt's
 * own queue lock. */
struct bs_vhd_lu {
	struct bs_thread_info threads; /* tgt's worker pool; must be first:
	                                * bs_thread_cmd_submit() finds it there */
	pthread_mutex_t lock;          /* with drained: a drain's wait */
	pthread_cond_t drained;        /* signalled when inflight drops to 0
	                                * while draining */
	unsigned inflight;             /* commands submitted, not yet finished
	                                * (atomic) */
	bool draining;                 /* a drain waits (atomic) */
	vhd_chain *chain;              /* the open chain; NULL while closed */
	vhd_chain *below;              /* differencing: the chain from the first
	                                * parent down (read-only), to learn what
	                                * UNMAP would expose; opened by the first
	                                * UNMAP (bs_vhd_below), not at every
	                                * switch; NULL until then */
	int depth;                     /* layers in chain */
	int gls_fd;                    /* what lu->fd is (see bs_vhd_open) */
	struct bs_vhd_cache *caches[BS_VHD_MAX_CACHED]; /* layer i+1's cache */
	int nr_caches;                 /* entries of caches in use */
	/* The caches of the chain a switch closed, held until the chain that
	 * follows has taken its own (bs_vhd_open), so that a parent both
	 * chains read keeps its cached chunks when this LU is its only user:
	 * let go of first, its cache was freed and made again empty at every
	 * snapshot. */
	struct bs_vhd_cache *prev_caches[BS_VHD_MAX_CACHED];
	int nr_prev_caches;
	struct bs_vhd_opts opts;       /* parsed --bsopts */
	char *prev_top;                /* the top bs_vhd_close() closed last: the
	                                * parent of a snapshot placeholder */
	enum vhd_format prev_format;   /* and its format, which the child takes */
	pthread_mutex_t below_lock;    /* serialises opening below on first use */
	/* The previous top's writes not yet made durable (bs_vhd_settle.c):
	 * a VHD top is not synced while the LU is switched (that sync is most
	 * of a switch's time under load); a thread syncs it right after, and
	 * every flush of the new chain waits for it first, so SYNCHRONIZE
	 * CACHE still covers every write acknowledged before it.  Protected
	 * by lock; settled signalled when a sync ends. */
	pthread_cond_t settled;
	int settle_fd;                 /* the file being synced, or -1 */
	int settle_err;                /* its failure (-errno), for the next flush */
	pthread_t settler;             /* the thread syncing it */
	int settler_running;           /* settler must be joined */
	int settle_pending;            /* prev_top is to be synced once the new
	                                * chain is open (main thread only) */
	int settle_parents;            /* a VHDX prev_top, now layer 1 of chain,
	                                * is to be settled by the settler
	                                * (vhd_chain_settle_parents) instead
	                                * (main thread only) */
	vhd_chain *settling;           /* the chain the settler works on, or
	                                * NULL; protected by lock */
	char *sync_child;              /* the child a push left unsynced
	                                * (VHD_PUSH_SYNC_LATER), to be synced
	                                * with its folder once the new chain is
	                                * open (main thread only) */
	char *settle_child;            /* that child while the settler syncs
	                                * it, or NULL; protected by lock */
	vhd_chain *kept;               /* the writable chain bs_vhd_close() left
	                               * open, for bs_vhd_open() to continue on
	                               * a snapshot placeholder
	                               * (vhd_chain_push_child); else closed
	                               * there.  Main thread only. */
	struct timespec switch_start;  /* when the last close began */
	double drain_ms, close_ms;     /* its steps, logged by the open after */
	tgtadm_err (*lu_config)(struct scsi_lu *lu, char *params);
	                               /* the device type's own lu_config, which
	                                * bs_vhd_lu_config() calls first */
};

/* The one accessor for the per-LU state. */
static inline struct bs_vhd_lu *bs_vhd_lu_of(struct scsi_lu *lu)
{
	return (struct bs_vhd_lu *)BS_THREAD_I(lu);
}

/* bs_vhd.c */
void bs_vhd_cmd_finished(struct bs_vhd_lu *vlu);

/* bs_vhd_settle.c */
int bs_vhd_settle_wait(struct bs_vhd_lu *vlu);
void bs_vhd_settle_join(struct bs_vhd_lu *vlu);
void bs_vhd_settle_kick(struct bs_vhd_lu *vlu);
void bs_vhd_settle_quiesce(struct bs_vhd_lu *vlu);
int bs_vhd_flush(struct bs_vhd_lu *vlu);

/* bs_vhd.c */
int bs_vhd_below(struct bs_vhd_lu *vlu, vhd_chain **below);

/* bs_vhd_io.c */
void bs_vhd_request(struct scsi_cmd *cmd);
int bs_vhd_read(struct bs_vhd_lu *vlu, void *buf, size_t len, uint64_t off);

/* bs_vhd_opts.c */
int bs_vhd_opts_parse(const char *bsopts, struct bs_vhd_opts *opts);

/* bs_vhd_cache.c */
struct stat;
int bs_vhd_cache_get(const struct stat *st, size_t capacity, struct bs_vhd_cache **out);
void bs_vhd_cache_put(struct bs_vhd_cache *cache);
int bs_vhd_cache_pread(struct bs_vhd_cache *cache, int fd, void *buf,
		       size_t len, uint64_t off);
unsigned bs_vhd_cache_users(const struct bs_vhd_cache *cache);

/* bs_vhd_buildid.c */
int bs_vhd_tgtd_matches(void);

#endif /* BS_VHD_H */
