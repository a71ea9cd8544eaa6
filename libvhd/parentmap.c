/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* parentmap.c: one lookup for "which layer below the top holds this run",
 * whatever the depth.
 *
 * The layers below the top of a chain are opened read-only and locked
 * shared, so nothing can change them while the chain is open.  For each
 * 2 MiB chunk of the disk the map records, once, the runs that chunk is
 * made of as seen from layer 1 down (layer, file offset; or zeros), built
 * on first use by asking each layer vhd_layer_lookup() in turn.  Afterwards
 * a read that the top does not answer costs one binary search in a chunk's
 * runs instead of one lookup per layer, and neighbouring runs that continue
 * in the same file are already merged, so they become one system call.
 *
 * Chains over the same parent files (several LUs over one base, bs_vhd's
 * cache_parent case, or vhdfs and bs_vhd in one process) share one map: it
 * is keyed by the (device, inode) list of the layers below the top and
 * refcounted.  Each chain reads through its own descriptors.
 *
 * Trade-offs: memory is bounded (VHD_PARENT_MAP_BUDGET per map: the chunk
 * table plus the runs); once the budget is spent, chunks not yet built are
 * answered by the per-layer walk as before (correct, only slower), and the
 * first time this happens a notice says so.  Chunks are never evicted,
 * which keeps readers lock-free (a chunk, once published, lives as long as
 * the map).  A chain opened without locks (VHD_OPEN_NOLOCK) or without its
 * parents gets no map: its parents may change under it.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAP_CHUNK_SHIFT 21 /* 2 MiB: the usual VHD block size */
#define MAP_CHUNK ((uint64_t)1 << MAP_CHUNK_SHIFT)

/* One run of a chunk: [previous end, end) comes from LAYER at FILE_OFFSET,
 * or reads as zeros when LAYER is -1. */
struct map_run {
	uint32_t end;               /* byte offset in the chunk where it ends */
	int32_t layer;              /* chain index (>= 1), or -1 for zeros */
	uint64_t file_offset;       /* of the run's first byte */
};

struct map_chunk {
	uint32_t nruns;
	struct map_run runs[];
};

struct vhd_parent_map {
	struct vhd_parent_map *next; /* in the registry */
	unsigned users;             /* chains using it (registry lock) */
	int layers;                 /* depth - 1 of the chains using it */
	dev_t dev[VHD_MAX_DEPTH];   /* of layers 1.. of those chains */
	ino_t ino[VHD_MAX_DEPTH];
	uint64_t size;              /* virtual size of layer 1 */
	uint64_t nchunks;
	struct map_chunk **chunks;  /* NULL = not built yet */
	size_t bytes;               /* memory in use (atomic) */
	size_t chunks_built;        /* (atomic) */
	bool full_noticed;          /* budget notice given (atomic) */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vhd_parent_map *registry;

static bool same_layers(const struct vhd_parent_map *m, const vhd_chain *c)
{
	if (m->layers != c->depth - 1)
		return false;
	for (int k = 1; k < c->depth; k++)
		if (m->dev[k - 1] != c->layers[k]->dev || m->ino[k - 1] != c->layers[k]->ino)
			return false;
	return true;
}

int vhd_parent_map_attach(vhd_chain *c)
{
	struct vhd_parent_map *m;
	int r = 0;

	if (c->depth < 2)
		return 0;
	pthread_mutex_lock(&registry_lock);
	for (m = registry; m; m = m->next)
		if (same_layers(m, c))
			break;
	if (m) {
		m->users++;
		c->below = m;
		goto out;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		r = vhd_error(-ENOMEM, "cannot open '%s': out of memory", c->layers[0]->path);
		goto out;
	}
	m->layers = c->depth - 1;
	for (int k = 1; k < c->depth; k++) {
		m->dev[k - 1] = c->layers[k]->dev;
		m->ino[k - 1] = c->layers[k]->ino;
	}
	m->size = c->layers[1]->size;
	m->nchunks = (m->size + MAP_CHUNK - 1) >> MAP_CHUNK_SHIFT;
	m->chunks = calloc(m->nchunks ? m->nchunks : 1, sizeof(*m->chunks));
	if (!m->chunks) {
		free(m);
		r = vhd_error(-ENOMEM, "cannot open '%s': out of memory", c->layers[0]->path);
		goto out;
	}
	m->bytes = sizeof(*m) + m->nchunks * sizeof(*m->chunks);
	m->users = 1;
	m->next = registry;
	registry = m;
	c->below = m;
out:
	pthread_mutex_unlock(&registry_lock);
	return r;
}

void vhd_parent_map_detach(vhd_chain *c)
{
	struct vhd_parent_map *m = c->below, **pp;

	if (!m)
		return;
	c->below = NULL;
	pthread_mutex_lock(&registry_lock);
	if (--m->users) {
		pthread_mutex_unlock(&registry_lock);
		return;
	}
	for (pp = &registry; *pp != m; pp = &(*pp)->next)
		;
	*pp = m->next;
	pthread_mutex_unlock(&registry_lock);
	for (uint64_t i = 0; i < m->nchunks; i++)
		free(m->chunks[i]);
	free(m->chunks);
	free(m);
}

void vhd_parent_map_stats(const vhd_chain *c, size_t *bytes, size_t *chunks, unsigned *users)
{
	const struct vhd_parent_map *m = c->below;

	*bytes = m ? __atomic_load_n(&m->bytes, __ATOMIC_RELAXED) : 0;
	*chunks = m ? __atomic_load_n(&m->chunks_built, __ATOMIC_RELAXED) : 0;
	pthread_mutex_lock(&registry_lock);
	*users = m ? m->users : 0;
	pthread_mutex_unlock(&registry_lock);
}

/* The runs of chunk I, asked of each layer from 1 down; malloc'd. */
static int build_chunk(vhd_chain *c, struct vhd_parent_map *m, uint64_t i, struct map_chunk **out)
{
	uint64_t start = i << MAP_CHUNK_SHIFT;
	uint64_t len = m->size - start < MAP_CHUNK ? m->size - start : MAP_CHUNK;
	uint32_t cap = 16, n = 0;
	struct map_chunk *ch = malloc(sizeof(*ch) + cap * sizeof(ch->runs[0])), *grown;
	uint64_t o = 0;

	if (!ch)
		return vhd_error(-ENOMEM, "cannot map '%s': out of memory", c->layers[1]->path);
	while (o < len) {
		struct vhd_extent e;
		int r = vhd_chain_walk(c, 1, start + o, len - o, &e);

		if (r < 0) {
			free(ch);
			return r;
		}
		if (n > 0 && ch->runs[n - 1].layer == e.layer &&
		    (e.layer < 0 || ch->runs[n - 1].file_offset + (o - (n > 1 ? ch->runs[n - 2].end : 0)) ==
		                    e.file_offset)) {
			ch->runs[n - 1].end = (uint32_t)(o + e.length);
		} else {
			if (n == cap) {
				cap *= 2;
				grown = realloc(ch, sizeof(*ch) + cap * sizeof(ch->runs[0]));
				if (!grown) {
					free(ch);
					return vhd_error(-ENOMEM, "cannot map '%s': out of memory",
					                 c->layers[1]->path);
				}
				ch = grown;
			}
			ch->runs[n++] = (struct map_run){ (uint32_t)(o + e.length), e.layer,
			                                  e.layer < 0 ? 0 : e.file_offset };
		}
		o += e.length;
	}
	ch->nruns = n;
	grown = realloc(ch, sizeof(*ch) + n * sizeof(ch->runs[0]));
	*out = grown ? grown : ch;
	return 0;
}

/* Answer OFF from chunk CH (which starts at CHUNK_START). */
static void answer(vhd_chain *c, const struct map_chunk *ch, uint64_t chunk_start, uint64_t off,
                   uint64_t len, struct vhd_extent *ext)
{
	uint32_t in = (uint32_t)(off - chunk_start), lo = 0, hi = ch->nruns - 1, run_start;
	const struct map_run *run;

	while (lo < hi) { /* the first run that ends after IN */
		uint32_t mid = lo + (hi - lo) / 2;

		if (ch->runs[mid].end > in)
			hi = mid;
		else
			lo = mid + 1;
	}
	run = &ch->runs[lo];
	run_start = lo ? ch->runs[lo - 1].end : 0;
	if (len > run->end - in)
		len = run->end - in;
	if (run->layer < 0)
		*ext = (struct vhd_extent){ len, -1, 0, -1 };
	else
		*ext = (struct vhd_extent){ len, c->layers[run->layer]->fd,
		                            run->file_offset + (in - run_start), run->layer };
}

int vhd_parent_map_resolve(vhd_chain *c, uint64_t off, uint64_t len, struct vhd_extent *ext)
{
	struct vhd_parent_map *m = c->below;
	struct map_chunk *ch, *expected = NULL;
	uint64_t i = off >> MAP_CHUNK_SHIFT, start = i << MAP_CHUNK_SHIFT;
	size_t need;
	int r;

	if (off >= m->size) {
		*ext = (struct vhd_extent){ len, -1, 0, -1 };
		return 0;
	}
	ch = __atomic_load_n(&m->chunks[i], __ATOMIC_ACQUIRE);
	if (ch) {
		answer(c, ch, start, off, len, ext);
		return 0;
	}
	r = build_chunk(c, m, i, &ch);
	if (r < 0)
		return r;
	answer(c, ch, start, off, len, ext);
	need = sizeof(*ch) + ch->nruns * sizeof(ch->runs[0]);
	if (__atomic_add_fetch(&m->bytes, need, __ATOMIC_RELAXED) > VHD_PARENT_MAP_BUDGET) {
		__atomic_sub_fetch(&m->bytes, need, __ATOMIC_RELAXED);
		free(ch);
		if (!__atomic_exchange_n(&m->full_noticed, true, __ATOMIC_RELAXED))
			vhd_log(1, "'%s': the map of its parents reached %u MiB; the rest is looked up layer by layer",
			        c->layers[0]->path, VHD_PARENT_MAP_BUDGET >> 20);
		return 0;
	}
	if (__atomic_compare_exchange_n(&m->chunks[i], &expected, ch, false, __ATOMIC_ACQ_REL,
	                                __ATOMIC_ACQUIRE)) {
		__atomic_add_fetch(&m->chunks_built, 1, __ATOMIC_RELAXED);
	} else {
		__atomic_sub_fetch(&m->bytes, need, __ATOMIC_RELAXED);
		free(ch); /* another thread built it first: same contents */
	}
	return 0;
}
