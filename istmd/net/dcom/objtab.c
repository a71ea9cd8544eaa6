/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* objtab.c: the object table: exported objects (OIDs), their interface
 * pointers (IPIDs with public reference counts), this process's OXID and
 * IRemUnknown IPID, the clients' ping sets, and garbage collection
 * ([MS-DCOM] 3.2.4.2 pinging, 3.2.6.2 ping timer, 3.1.1.5.6 IRemUnknown).
 *
 * An object lives while it has an IPID with references AND some client
 * pinged it within the ping timeout (period x missed pings), counted from
 * its export or the last ping of a set holding it.  So a client that
 * vanishes, or one that never pings, leaks nothing.  Releasing the last
 * reference frees it at once.
 *
 * Trade-off: plain lists with caps (DCOM_MAX_*) instead of hash tables; a
 * management server holds a few hundred objects, and the caps bound both
 * memory and lookup time against a hostile client.  Runs on the poll loop
 * only, so no locks.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/now.h"
#include "dcom/dcom_int.h"
#include "log.h"

#define DCOM_MAX_OBJECTS   4096u   /* live objects */
#define DCOM_MAX_IPIDS     16384u  /* live interface pointers */
#define DCOM_MAX_SETS      1024u   /* live ping sets */
#define DCOM_MAX_SET_OIDS  4096u   /* OIDs in one set */
#define DCOM_MAX_REFS      0x10000000u /* public references on one IPID */

struct dcom_ipid {
	struct ndr_guid ipid;          /* its IPID */
	const struct dcom_iface *iface;/* the interface it stands for */
	uint32_t refs;                 /* public references held by clients */
	struct dcom_ipid *next;        /* next IPID of the same object */
};

struct dcom_object {
	uint64_t oid;                  /* its OID */
	const struct dcom_class *cls;  /* what it is */
	struct dcom_ipid *ipids;       /* its exported interfaces */
	uint64_t alive_ms;             /* export time or last ping of a set holding it */
	void *state;                   /* the implementation's, or NULL */
	void (*free_state)(void *);    /* frees state, or NULL */
	struct dcom_object *next;      /* list of all objects */
};

struct dcom_pingset {
	uint64_t setid;                /* its SETID */
	uint16_t seq;                  /* last ComplexPing sequence number */
	uint64_t last_ms;              /* last ping */
	uint64_t *oids;                /* members */
	uint32_t noids;                /* members used */
	uint32_t cap;                  /* members allocated */
	struct dcom_pingset *next;     /* list of all sets */
};

static struct {
	uint64_t oxid;                 /* this process's object exporter */
	struct ndr_guid remunknown;    /* the IPID of its IRemUnknown */
	struct dcom_object *objects;   /* all live objects */
	struct dcom_pingset *sets;     /* all live ping sets */
	unsigned nobjects;             /* entries in objects */
	unsigned nipids;               /* IPIDs over all objects */
	unsigned nsets;                /* entries in sets */
	unsigned said[3];              /* the counts the log was last told */
	bool full_said;                /* "table full" logged since the last tick */
} tab;

/* Identifiers must not be guessable: another client's IPID is a
 * capability.  getrandom() works inside the child's chroot and sandbox. */
static int random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t k;

	while (n > 0) {
		k = getrandom(p, n, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static uint64_t random_id(void)
{
	uint64_t v = 0;

	while (v == 0)
		if (random_bytes(&v, sizeof(v)) < 0)
			abort();              /* no entropy: nothing safe to do */
	return v;
}

static void random_guid(struct ndr_guid *g)
{
	if (random_bytes(g->b, 16) < 0)
		abort();
	g->b[7] = (uint8_t)((g->b[7] & 0x0f) | 0x40);  /* version 4 */
	g->b[8] = (uint8_t)((g->b[8] & 0x3f) | 0x80);  /* variant 1 */
}

int dcom_objtab_init(void)
{
	memset(&tab, 0, sizeof(tab));
	tab.said[0] = UINT_MAX;      /* the first tick says it (0 objects) */
	tab.oxid = random_id();
	random_guid(&tab.remunknown);
	return 0;
}

uint64_t dcom_oxid(void)
{
	return tab.oxid;
}

const struct ndr_guid *dcom_remunknown_ipid(void)
{
	return &tab.remunknown;
}

static struct dcom_object *find_oid(uint64_t oid)
{
	struct dcom_object *o;

	for (o = tab.objects; o; o = o->next)
		if (o->oid == oid)
			return o;
	return NULL;
}

int dcom_object_new(const struct dcom_class *cls, struct dcom_object **out)
{
	struct dcom_object *o;

	if (tab.nobjects >= DCOM_MAX_OBJECTS) {
		if (!tab.full_said)
			log_warnx("the object table is full (%u objects): new ones are refused "
				  "until clients release theirs or stop pinging them",
				  DCOM_MAX_OBJECTS);
		tab.full_said = true;
		return -ENOSPC;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	do
		o->oid = random_id();
	while (find_oid(o->oid));
	o->cls = cls;
	o->alive_ms = now_ms();
	o->next = tab.objects;
	tab.objects = o;
	tab.nobjects++;
	*out = o;
	return 0;
}

const struct dcom_class *dcom_object_class(const struct dcom_object *obj)
{
	return obj->cls;
}

static void object_free(struct dcom_object *obj)
{
	struct dcom_object **pp;
	struct dcom_ipid *i, *next;

	for (pp = &tab.objects; *pp; pp = &(*pp)->next) {
		if (*pp == obj) {
			*pp = obj->next;
			break;
		}
	}
	for (i = obj->ipids; i; i = next) {
		next = i->next;
		free(i);
		tab.nipids--;
	}
	tab.nobjects--;
	if (obj->free_state)
		obj->free_state(obj->state);
	free(obj);
}

void dcom_object_discard(struct dcom_object *obj)
{
	object_free(obj);
}

void dcom_object_set_state(struct dcom_object *obj, void *state, void (*free_fn)(void *))
{
	obj->state = state;
	obj->free_state = free_fn;
}

void *dcom_object_state(const struct dcom_object *obj)
{
	return obj->state;
}

int dcom_object_export(struct dcom_object *obj, const struct dcom_iface *iface,
		       uint32_t refs, struct dcom_stdobjref *std)
{
	struct dcom_ipid *i;

	for (i = obj->ipids; i; i = i->next)
		if (i->iface == iface)
			break;
	if (!i) {
		if (tab.nipids >= DCOM_MAX_IPIDS)
			return -ENOSPC;
		i = calloc(1, sizeof(*i));
		if (!i)
			return -ENOMEM;
		random_guid(&i->ipid);
		i->iface = iface;
		i->next = obj->ipids;
		obj->ipids = i;
		tab.nipids++;
	}
	if (refs > DCOM_MAX_REFS - i->refs)
		return -EOVERFLOW;
	i->refs += refs;
	memset(std, 0, sizeof(*std));
	std->public_refs = refs;
	std->oxid = tab.oxid;
	std->oid = obj->oid;
	std->ipid = i->ipid;
	return 0;
}

static struct dcom_ipid *find_ipid(const struct ndr_guid *ipid, struct dcom_object **owner)
{
	struct dcom_object *o;
	struct dcom_ipid *i;

	for (o = tab.objects; o; o = o->next)
		for (i = o->ipids; i; i = i->next)
			if (ndr_guid_equal(&i->ipid, ipid)) {
				*owner = o;
				return i;
			}
	return NULL;
}

struct dcom_object *dcom_ipid_lookup(const struct ndr_guid *ipid, const struct dcom_iface **iface)
{
	struct dcom_object *o;
	struct dcom_ipid *i = find_ipid(ipid, &o);

	if (!i)
		return NULL;
	if (iface)
		*iface = i->iface;
	return o;
}

uint32_t dcom_ipid_addref(const struct ndr_guid *ipid, uint32_t refs)
{
	struct dcom_object *o;
	struct dcom_ipid *i = find_ipid(ipid, &o);

	if (!i)
		return RPC_E_INVALID_OBJECT;
	if (refs > DCOM_MAX_REFS - i->refs)
		return E_INVALIDARG;
	i->refs += refs;
	return S_OK;
}

uint32_t dcom_ipid_release(const struct ndr_guid *ipid, uint32_t refs)
{
	struct dcom_object *o;
	struct dcom_ipid *i = find_ipid(ipid, &o), **pp;

	if (!i)
		return RPC_E_INVALID_OBJECT;
	/* Giving back more than was granted is a client bug: clamp at zero
	 * rather than wrap. */
	i->refs = refs >= i->refs ? 0 : i->refs - refs;
	if (i->refs)
		return S_OK;
	for (pp = &o->ipids; *pp; pp = &(*pp)->next) {
		if (*pp == i) {
			*pp = i->next;
			break;
		}
	}
	free(i);
	tab.nipids--;
	if (!o->ipids)
		object_free(o);
	return S_OK;
}

/* ------------------------------------------------------------ pinging */

static struct dcom_pingset *find_set(uint64_t setid)
{
	struct dcom_pingset *s;

	for (s = tab.sets; s; s = s->next)
		if (s->setid == setid)
			return s;
	return NULL;
}

/* A ping keeps every member alive. */
static void set_touch(struct dcom_pingset *s, uint64_t now)
{
	struct dcom_object *o;
	uint32_t i;

	s->last_ms = now;
	for (i = 0; i < s->noids; i++) {
		o = find_oid(s->oids[i]);
		if (o)
			o->alive_ms = now;
	}
}

uint32_t dcom_simple_ping(uint64_t setid)
{
	struct dcom_pingset *s = find_set(setid);

	if (!s)
		return OR_INVALID_SET;
	set_touch(s, now_ms());
	return 0;
}

static void set_free(struct dcom_pingset *s)
{
	struct dcom_pingset **pp;

	for (pp = &tab.sets; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	free(s->oids);
	free(s);
	tab.nsets--;
}

static int set_add(struct dcom_pingset *s, uint64_t oid)
{
	uint32_t i, cap;
	uint64_t *n;

	for (i = 0; i < s->noids; i++)
		if (s->oids[i] == oid)
			return 0;
	if (s->noids == s->cap) {
		if (s->cap >= DCOM_MAX_SET_OIDS)
			return -ENOSPC;
		cap = s->cap ? s->cap * 2 : 8;
		n = realloc(s->oids, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->oids = n;
		s->cap = cap;
	}
	s->oids[s->noids++] = oid;
	return 0;
}

static void set_del(struct dcom_pingset *s, uint64_t oid)
{
	uint32_t i;

	for (i = 0; i < s->noids; i++) {
		if (s->oids[i] == oid) {
			s->oids[i] = s->oids[--s->noids];
			return;
		}
	}
}

uint32_t dcom_complex_ping(uint64_t *setid, uint16_t seq, const uint64_t *add, uint16_t nadd,
			   const uint64_t *del, uint16_t ndel)
{
	struct dcom_pingset *s;
	bool stale = false;
	uint16_t i;

	if (*setid == 0) {
		if (tab.nsets >= DCOM_MAX_SETS)
			return E_OUTOFMEMORY;
		s = calloc(1, sizeof(*s));
		if (!s)
			return E_OUTOFMEMORY;
		do
			s->setid = random_id();
		while (find_set(s->setid));
		s->seq = seq;
		s->next = tab.sets;
		tab.sets = s;
		tab.nsets++;
		*setid = s->setid;
	} else {
		s = find_set(*setid);
		if (!s)
			return OR_INVALID_SET;
		/* A sequence number older than the last one is a retransmission
		 * whose changes are already applied.  An equal one is processed:
		 * impacket 0.10 sends SequenceNum = SETID on every call
		 * (dcomrt.py IObjectExporter.ComplexPing), and adding or
		 * deleting twice is harmless. */
		stale = (int16_t)(uint16_t)(seq - s->seq) < 0;
		if (!stale)
			s->seq = seq;
	}
	if (!stale) {
		for (i = 0; i < ndel; i++)
			set_del(s, del[i]);
		for (i = 0; i < nadd; i++)
			if (find_oid(add[i]) && set_add(s, add[i]) < 0)
				return E_OUTOFMEMORY;   /* unknown OIDs are skipped */
	}
	set_touch(s, now_ms());
	return 0;
}

void dcom_gc_tick(void)
{
	uint64_t now = now_ms(), limit = dcom_cfg.ping_timeout_ms;
	struct dcom_pingset *s, *snext;
	struct dcom_object *o, *onext;
	unsigned sets = 0, objects = 0;

	for (s = tab.sets; s; s = snext) {
		snext = s->next;
		if (now - s->last_ms > limit) {
			set_free(s);
			sets++;
		}
	}
	for (o = tab.objects; o; o = onext) {
		onext = o->next;
		if (now - o->alive_ms > limit) {
			object_free(o);
			objects++;
		}
	}
	if (sets || objects)
		log_info("collected %u objects and %u ping sets not pinged for %llu s",
			 objects, sets, (unsigned long long)(limit / 1000));
	/* what is live, when it changed (at most once a tick): how full the
	 * table is, and whether clients give back what they were handed */
	if (tab.said[0] != tab.nobjects || tab.said[1] != tab.nipids || tab.said[2] != tab.nsets) {
		tab.said[0] = tab.nobjects;
		tab.said[1] = tab.nipids;
		tab.said[2] = tab.nsets;
		log_debug("live: %u objects, %u interface pointers, %u ping sets", tab.nobjects,
			  tab.nipids, tab.nsets);
	}
	tab.full_said = false;
}

void dcom_objtab_clear(void)
{
	while (tab.sets)
		set_free(tab.sets);
	while (tab.objects)
		object_free(tab.objects);
}

void dcom_objtab_counts(unsigned *objects, unsigned *ipids, unsigned *sets)
{
	*objects = tab.nobjects;
	*ipids = tab.nipids;
	*sets = tab.nsets;
}
