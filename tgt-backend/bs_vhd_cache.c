/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* bs_vhd_cache.c: one in-memory cache per parent VHD file, shared by every
 * LU of this tgtd whose chain contains that file (--bsopts cache_parent=1).
 *
 * The seed scenario is many differencing disks over one sysprepped base:
 * without sharing, each LU reads the same base blocks.  Layers below the top
 * are opened read-only and locked shared by libvhd, so nobody can change
 * them while any LU holds the cache; caching raw file bytes (keyed by the
 * file's device, inode, size and modification time, and by file offset) is
 * therefore safe, and it is independent of how each child maps its virtual
 * offsets.  The one writer allowed on such a file is a merge (see
 * same_file() below).  The cache lives
 * as long as one LU uses the file, and is freed with the last one.
 *
 * Trade-offs: fixed 64 KiB chunks with LRU eviction; one mutex per cache,
 * held while copying a chunk out (microseconds), and a miss reads outside
 * the lock, so two threads missing the same chunk may both read it (the
 * second copy is dropped).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_vhd.h"

#define CHUNK_SHIFT 16
#define CHUNK_SIZE (1u << CHUNK_SHIFT)

struct cache_entry {
	uint64_t chunk;             /* file offset >> CHUNK_SHIFT */
	struct cache_entry *hnext;  /* next in the hash bucket */
	struct cache_entry *prev;   /* LRU neighbour towards the newest */
	struct cache_entry *next;   /* LRU neighbour towards the oldest */
	uint32_t valid;             /* bytes read (short only at end of file) */
	unsigned char data[];       /* CHUNK_SIZE bytes */
};

struct bs_vhd_cache {
	dev_t dev;                    /* the parent file's device ... */
	ino_t ino;                    /* ... and inode ... */
	off_t size;                   /* ... and its size and modification */
	struct timespec mtime;        /* time when first opened: the key */
	unsigned users;               /* LUs holding it (registry_lock) */
	struct bs_vhd_cache *next;    /* next cache in the registry (registry_lock) */
	pthread_mutex_t lock;         /* protects the members below */
	struct cache_entry **buckets; /* hash of chunks, nbuckets heads */
	size_t nbuckets;              /* a power of two */
	struct cache_entry lru;       /* sentinel: lru.next newest, lru.prev oldest */
	size_t nentries;              /* chunks cached */
	size_t max_entries;           /* capacity, in chunks */
};

/* Lock order: registry_lock, then a cache's lock (never the reverse). */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bs_vhd_cache *registry;

static size_t bucket_of(const struct bs_vhd_cache *c, uint64_t chunk)
{
	return (size_t)((chunk * 0x9e3779b97f4a7c15ull) >> 32) & (c->nbuckets - 1);
}

static void lru_unlink(struct cache_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_push_front(struct bs_vhd_cache *c, struct cache_entry *e)
{
	e->prev = &c->lru;
	e->next = c->lru.next;
	c->lru.next->prev = e;
	c->lru.next = e;
}

static struct cache_entry *lookup(struct bs_vhd_cache *c, uint64_t chunk)
{
	struct cache_entry *e = c->buckets[bucket_of(c, chunk)];

	while (e && e->chunk != chunk)
		e = e->hnext;
	return e;
}

static void hash_remove(struct bs_vhd_cache *c, struct cache_entry *e)
{
	struct cache_entry **p = &c->buckets[bucket_of(c, e->chunk)];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
}

static void evict_oldest(struct bs_vhd_cache *c)
{
	struct cache_entry *e = c->lru.prev;

	lru_unlink(e);
	hash_remove(c, e);
	c->nentries--;
	free(e);
}

/* Same file, unchanged since the cache was made?  A frozen parent changes
 * only under a merge (libvhd's transparent writer, vhd_merge_layer), which
 * adds blocks and sets bitmap bits: bytes of the file that were data stay,
 * so a chain opened before reads its cache correctly, but a chain opened
 * (or refreshed, vhd_chain_refresh, which reads the file's new BAT and
 * bitmaps) after it reads the new blocks, whose file offsets may hold other
 * bytes in the old cache (the old footer, bits not yet set).  Such a chain
 * gets a new cache; the old one lives on with its users.  At each switch
 * bs_vhd takes an LU's caches again by stat() before it lets go of the old
 * ones, so a refreshed chain is keyed by the file as the merge left it,
 * and an unchanged parent keeps its cache even when that LU was its only
 * user. */
static bool same_file(const struct bs_vhd_cache *c, const struct stat *st)
{
	return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
	       c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

int bs_vhd_cache_get(const struct stat *st, size_t capacity, struct bs_vhd_cache **out)
{
	struct bs_vhd_cache *c;

	pthread_mutex_lock(&registry_lock);
	for (c = registry; c; c = c->next)
		if (same_file(c, st))
			break;
	if (c) {
		c->users++;
		pthread_mutex_unlock(&registry_lock);
		*out = c;
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->dev = st->st_dev;
	c->ino = st->st_ino;
	c->size = st->st_size;
	c->mtime = st->st_mtim;
	c->users = 1;
	c->max_entries = capacity >> CHUNK_SHIFT;
	if (c->max_entries < 1)
		c->max_entries = 1;
	c->nbuckets = 64;
	while (c->nbuckets < c->max_entries)
		c->nbuckets <<= 1;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		goto nomem;
	}
	c->lru.next = c->lru.prev = &c->lru;
	pthread_mutex_init(&c->lock, NULL);
	c->next = registry;
	registry = c;
	pthread_mutex_unlock(&registry_lock);
	*out = c;
	return 0;

nomem:
	pthread_mutex_unlock(&registry_lock);
	return -ENOMEM;
}

unsigned bs_vhd_cache_users(const struct bs_vhd_cache *cache)
{
	unsigned n;

	pthread_mutex_lock(&registry_lock);
	n = cache->users;
	pthread_mutex_unlock(&registry_lock);
	return n;
}

void bs_vhd_cache_put(struct bs_vhd_cache *cache)
{
	struct bs_vhd_cache **p;

	pthread_mutex_lock(&registry_lock);
	if (--cache->users) {
		pthread_mutex_unlock(&registry_lock);
		return;
	}
	for (p = &registry; *p != cache; p = &(*p)->next)
		;
	*p = cache->next;
	pthread_mutex_unlock(&registry_lock);

	while (cache->nentries)
		evict_oldest(cache);
	pthread_mutex_destroy(&cache->lock);
	free(cache->buckets);
	free(cache);
}

/* Read one whole chunk from the file (short only at end of file). */
static int fill(struct cache_entry *e, int fd)
{
	uint64_t base = e->chunk << CHUNK_SHIFT;
	size_t got = 0;

	while (got < CHUNK_SIZE) {
		ssize_t n = pread(fd, e->data + got, CHUNK_SIZE - got, (off_t)(base + got));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	e->valid = (uint32_t)got;
	return 0;
}

/* Copy LEN bytes at OFF of one chunk into BUF, reading the chunk on a miss. */
static int read_chunk(struct bs_vhd_cache *c, int fd, uint64_t chunk,
		      unsigned char *buf, uint32_t at, uint32_t len)
{
	struct cache_entry *e, *fresh;
	int ret;

	pthread_mutex_lock(&c->lock);
	e = lookup(c, chunk);
	if (e) {
		lru_unlink(e);
		lru_push_front(c, e);
		goto copy;
	}
	pthread_mutex_unlock(&c->lock);

	fresh = malloc(sizeof(*fresh) + CHUNK_SIZE);
	if (!fresh)
		return -ENOMEM;
	fresh->chunk = chunk;
	ret = fill(fresh, fd);
	if (ret < 0) {
		free(fresh);
		return ret;
	}

	pthread_mutex_lock(&c->lock);
	e = lookup(c, chunk);
	if (e) {
		/* Another thread read it meanwhile: keep theirs. */
		free(fresh);
		lru_unlink(e);
		lru_push_front(c, e);
		goto copy;
	}
	e = fresh;
	e->hnext = c->buckets[bucket_of(c, chunk)];
	c->buckets[bucket_of(c, chunk)] = e;
	lru_push_front(c, e);
	c->nentries++;
	while (c->nentries > c->max_entries)
		evict_oldest(c);
	/* The new entry is the newest, so eviction never takes it. */

copy:
	if ((uint64_t)at + len > e->valid) {
		pthread_mutex_unlock(&c->lock);
		return -EIO; /* the parent file is shorter than its map says */
	}
	memcpy(buf, e->data + at, len);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int bs_vhd_cache_pread(struct bs_vhd_cache *cache, int fd, void *buf,
		       size_t len, uint64_t off)
{
	unsigned char *p = buf;

	while (len) {
		uint64_t chunk = off >> CHUNK_SHIFT;
		uint32_t at = (uint32_t)(off & (CHUNK_SIZE - 1));
		uint32_t n = CHUNK_SIZE - at;
		int ret;

		if (n > len)
			n = (uint32_t)len;
		ret = read_chunk(cache, fd, chunk, p, at, n);
		if (ret < 0)
			return ret;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}
