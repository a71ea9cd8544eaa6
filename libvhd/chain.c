/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* chain.c: opening a differencing chain: parent resolution through the
 * locators, unique id and timestamp checks, loop detection and locking.
 *
 * Parent paths are tried in a fixed order (W2ru relative to the child's
 * folder, W2ku, MacX, then the basenames of absolute paths in the child's
 * folder, then the parent unicode name) and the first file whose unique id
 * matches wins.  Trying every candidate costs a few stat() calls but lets a
 * chain that was copied elsewhere (absolute locators now stale, relative
 * ones right) open without a relink, the way Windows resolves it.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/utf16.h"
#include "internal.h"
#include "vhdx_internal.h"

struct candidates {
	char **v;                   /* paths */
	int n;                      /* used */
	int cap;                    /* allocated */
};

static int add(struct candidates *c, const char *p)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->v[i], p) == 0)
			return 0;
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 8;
		char **v = realloc(c->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n] = strdup(p);
	if (!c->v[c->n])
		return -ENOMEM;
	c->n++;
	return 0;
}

static int add_joined(struct candidates *c, const char *dir, const char *rel)
{
	char buf[8192];

	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	if (snprintf(buf, sizeof(buf), "%s/%s", dir, rel) >= (int)sizeof(buf))
		return 0;
	return add(c, buf);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool windows_absolute(const char *p)
{
	return (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':') ||
	       (p[0] == '/' && p[1] == '/');
}

/* Add the paths a locator string may mean.  LATE collects basename
 * fallbacks, tried after every direct candidate. */
static int add_path(struct candidates *c, struct candidates *late, const char *dir, const char *in)
{
	char p[8192];
	int r;

	if (!in[0] || strlen(in) >= sizeof(p))
		return 0;
	strcpy(p, in);
	for (char *s = p; *s; s++)
		if (*s == '\\')
			*s = '/';
	if (windows_absolute(p)) {
		/* "C:/x/y.vhd" means nothing here: the parent may sit beside
		 * the child, as it does after copying a chain off Windows. */
		const char *b = base_name(p);

		return b[0] ? add_joined(c, dir, b) : 0;
	}
	if (p[0] == '/') {
		r = add(c, p);
		if (r == 0 && base_name(p)[0])
			r = add_joined(late, dir, base_name(p));
		return r;
	}
	return add_joined(c, dir, p);
}

/* "file://host/path" or "file:///path", percent-decoded. */
static void url_to_path(const char *url, char *out, size_t outsz)
{
	const char *p = url;
	size_t o = 0;

	if (strncmp(p, "file://", 7) == 0) {
		p += 7;
		p = strchr(p, '/') ? strchr(p, '/') : p + strlen(p);
	}
	while (*p && o + 1 < outsz) {
		if (p[0] == '%' && p[1] && p[2]) {
			char hex[3] = { p[1], p[2], 0 };
			char *end;
			long v = strtol(hex, &end, 16);

			if (*end == '\0' && v > 0) {
				out[o++] = (char)v;
				p += 3;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

static int locator_string(const struct vhd_layer *l, const struct vhd_locator *loc, char *out,
                          size_t outsz)
{
	uint8_t *data;
	int r;

	if (loc->length == 0 || loc->length > VHD_MAX_LOCATOR_LEN)
		return -EINVAL;
	data = malloc(loc->length + 1);
	if (!data)
		return -ENOMEM;
	r = vhd_layer_pread((struct vhd_layer *)l, data, loc->length, loc->offset);
	if (r == 0) {
		if (loc->code == VHD_PLAT_MACX) {
			data[loc->length] = '\0';
			url_to_path((char *)data, out, outsz);
		} else {
			r = utf16_to_utf8(data, loc->length / 2, UTF16_LE, out, outsz) < 0 ? -EINVAL : 0;
		}
	}
	free(data);
	return r;
}

int vhd_parent_candidates(const struct vhd_layer *l, char ***out, int *n)
{
	struct candidates c = { 0 }, late = { 0 };
	char dir[4096], s[8192];
	char *slash;
	static const uint32_t order[] = { VHD_PLAT_W2RU, VHD_PLAT_W2KU, VHD_PLAT_MACX };
	int r = 0;

	snprintf(dir, sizeof(dir), "%s", l->path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';

	if (l->vhdx) {
		/* [MS-VHDX] 2.6.2.6.1: the same kinds of path, as key/values */
		static const char *const keys[] = { "relative_path", "absolute_win32_path", "volume_path" };

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && r == 0; k++) {
			const char *v = vhdx_kv_get(l->vhdx, keys[k]);

			if (v && k == 2 && strchr(v, '}'))
				v = strchr(v, '}') + 1; /* \\?\Volume{GUID}\dir\f.vhdx */
			if (v)
				r = add_path(k == 2 ? &late : &c, &late, dir, v);
		}
	}
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]) && r == 0 && !l->vhdx; k++) {
		for (int i = 0; i < VHD_LOCATORS && r == 0; i++) {
			const struct vhd_locator *loc = &l->header.loc[i];

			if (loc->code != order[k])
				continue;
			if (locator_string(l, loc, s, sizeof(s)) < 0)
				continue; /* a bad locator: the others may do */
			r = add_path(&c, &late, dir, s);
		}
	}
	if (r == 0 && utf16_to_utf8(l->header.parent_name, 256, UTF16_BE, s, sizeof(s)) >= 0)
		r = add_path(&late, &late, dir, s);
	for (int i = 0; i < late.n && r == 0; i++)
		r = add(&c, late.v[i]);
	vhd_free_candidates(late.v, late.n);
	if (r < 0) {
		vhd_free_candidates(c.v, c.n);
		return vhd_error(r, "cannot list the parents of '%s': out of memory", l->path);
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

void vhd_free_candidates(char **c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i]);
	free(c);
}

static int open_parent(vhd_chain *c, unsigned flags)
{
	struct vhd_layer *child = c->layers[c->depth - 1], *p = NULL;
	char **cand;
	char want[37], got[37];
	int n, r, err = 0;
	char errbuf[16384] = "";

	if (c->depth >= VHD_MAX_DEPTH)
		return vhd_error(-ELOOP, "cannot open the parent of '%s': chain deeper than %d layers",
		                 child->path, VHD_MAX_DEPTH);
	r = vhd_parent_candidates(child, &cand, &n);
	if (r < 0)
		return r;
	vhd_uuid_format(child->header.parent_uuid, want);
	for (int i = 0; i < n; i++) {
		struct stat st;

		bool seen = false;

		if (stat(cand[i], &st) < 0)
			continue;
		for (int k = 0; k < c->depth && !seen; k++) {
			if (c->layers[k]->dev != st.st_dev || c->layers[k]->ino != st.st_ino)
				continue;
			/* A file already in the chain: a loop if it is the parent
			 * wanted, else a name that merely matches (a basename
			 * fallback finding the child itself): try the next. */
			if (memcmp(c->layers[k]->footer.uuid, child->header.parent_uuid, 16) == 0) {
				r = vhd_error(-ELOOP, "cannot open the parent of '%s': the chain loops back to '%s'",
				              child->path, c->layers[k]->path);
				goto out;
			}
			seen = true;
		}
		if (seen)
			continue;
		r = vhd_layer_open(cand[i], true, &p);
		if (r < 0) {
			if (!err) {
				err = r;
				snprintf(errbuf, sizeof(errbuf), "%s", vhd_errmsg());
			}
			continue;
		}
		if (!p->vhdx != !child->vhdx) {
			/* Windows chains one format only */
			if (!err || err == -ENOENT) {
				err = -EINVAL;
				snprintf(errbuf, sizeof(errbuf), "'%s': parent '%s' is a %s, the child a %s (formats cannot be mixed in a chain)",
				         child->path, p->path, p->vhdx ? "VHDX" : "VHD", child->vhdx ? "VHDX" : "VHD");
			}
			vhd_layer_close(p);
			p = NULL;
			continue;
		}
		if (memcmp(p->footer.uuid, child->header.parent_uuid, 16) != 0) {
			vhd_uuid_format(p->footer.uuid, got);
			if (!err || err == -ENOENT) {
				err = -EINVAL;
				snprintf(errbuf, sizeof(errbuf),
				         "'%s': parent '%s' has %s %s, expected %s", child->path,
				         p->path, child->vhdx ? "DataWriteGuid" : "unique id", got, want);
			}
			vhd_layer_close(p);
			p = NULL;
			continue;
		}
		break;
	}
	if (!p) {
		if (err) {
			r = vhd_error(err, "%s", errbuf);
		} else {
			char name[1024];

			if (utf16_to_utf8(child->header.parent_name, 256, UTF16_BE, name, sizeof(name)) < 0)
				name[0] = '\0';
			r = vhd_error(-ENOENT, "cannot find the parent of '%s' (name '%s', id %s, %d locations tried)",
			              child->path, name, want, n);
		}
		goto out;
	}
	if (!(flags & VHD_OPEN_NOLOCK)) {
		r = vhd_layer_lock(p, false);
		if (r < 0) {
			vhd_layer_close(p);
			goto out;
		}
	}
	if (child->header.parent_timestamp != 0 && child->header.parent_timestamp != p->footer.timestamp)
		vhd_log(0, "'%s': parent '%s' may have changed since the child was made (timestamp %u, expected %u)",
		        child->path, p->path, p->footer.timestamp, child->header.parent_timestamp);
	if (p->size != child->size)
		vhd_log(1, "'%s': parent '%s' has virtual size %llu, the child %llu", child->path, p->path,
		        (unsigned long long)p->size, (unsigned long long)child->size);
	c->layers[c->depth++] = p;
	r = 0;
out:
	vhd_free_candidates(cand, n);
	return r;
}

int vhd_chain_open(const char *path, unsigned flags, vhd_chain **out)
{
	bool ro = flags & VHD_OPEN_RDONLY;
	vhd_chain *c;
	int r;

	vhd_clear_error();
	*out = NULL;
	if ((flags & VHD_OPEN_NOLOCK) && !ro)
		return vhd_error(-EINVAL, "cannot open '%s': no-lock opens must be read-only", path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return vhd_error(-ENOMEM, "cannot open '%s': out of memory", path);
	c->read_only = ro;
	c->noparent = flags & VHD_OPEN_NOPARENT;
	c->nolock = flags & VHD_OPEN_NOLOCK;
	r = vhd_layer_open(path, ro, &c->layers[0]);
	if (r < 0)
		goto fail;
	c->depth = 1;
	c->size = c->layers[0]->size;
	if (!(flags & VHD_OPEN_NOLOCK)) {
		r = vhd_layer_lock(c->layers[0], !ro);
		if (r < 0)
			goto fail;
	}
	r = vhd_layer_repair(c->layers[0]);
	if (r < 0)
		goto fail;
	while (!c->noparent && c->layers[c->depth - 1]->footer.type == VHD_TYPE_DIFF) {
		r = open_parent(c, flags);
		if (r < 0)
			goto fail;
	}
	if (!c->noparent && !(flags & VHD_OPEN_NOLOCK)) {
		r = vhd_parent_map_attach(c);
		if (r < 0)
			goto fail;
	}
	*out = c;
	return 0;
fail:
	vhd_chain_close(c);
	return r;
}

void vhd_chain_close(vhd_chain *c)
{
	if (!c)
		return;
	vhd_parent_map_detach(c);
	for (int i = 0; i < c->depth; i++)
		vhd_layer_close(c->layers[i]);
	free(c);
}

uint64_t vhd_chain_size(const vhd_chain *c)
{
	return c->size;
}

int vhd_chain_depth(const vhd_chain *c)
{
	return c->depth;
}

int vhd_chain_read_only(const vhd_chain *c)
{
	return c->read_only;
}

int vhd_chain_layer_info(const vhd_chain *c, int layer, struct vhd_info *info)
{
	vhd_clear_error();
	if (layer < 0 || layer >= c->depth)
		return vhd_error(-EINVAL, "no layer %d in the chain of '%s' (depth %d)", layer,
		                 c->layers[0]->path, c->depth);
	return vhd_layer_info(c->layers[layer], info);
}

/* The new chain is the old one with a child on top: no layer already open
 * is opened, read or locked again, which is what keeps a live snapshot's
 * switch short whatever the depth (bs_vhd calls this between two
 * commands).  Order matters for what a failure leaves:
 *   1. a VHDX top settles its log and writes a clean header, unless the
 *      caller settles it later (its DataWriteGuid, which the child
 *      records, is final either way: no write reaches it again through
 *      this chain, and a settle keeps it);
 *   2. the child is written beside PATH and renamed over it, synced
 *      (vhd_create_publish) unless VHD_PUSH_SYNC_LATER leaves that to the
 *      caller, naming the top by its in-memory identity;
 *   3. the child is opened and locked exclusively;
 *   4. the top's lock becomes shared: flock(2) converts by dropping and
 *      taking again, so another process could take the file in between;
 *      that fails with -EBUSY, the top perhaps unlocked: the caller
 *      closes the chain, and PATH, a complete child by then, opens.
 * A failure before 4 leaves the chain as it was, PATH perhaps made.
 * Deferred (VHD_PUSH_SETTLE_LATER, a VHDX top), 1 and 4 are left to
 * vhd_chain_settle_parents: the old top is read through its in-memory
 * BAT, which already holds what the log has yet to commit, exactly as
 * when a flush runs beside reads; only other processes need the file
 * settled, and its exclusive lock keeps them out until it is. */
int vhd_chain_push_child(vhd_chain *c, const char *path, unsigned flags)
{
	struct vhd_layer *top = c->layers[0], *child = NULL;
	bool later = (flags & VHD_PUSH_SETTLE_LATER) && top->vhdx;
	int r;

	vhd_clear_error();
	if (c->read_only || c->noparent)
		return vhd_error(-EROFS, "cannot put '%s' on '%s': the chain is not open for writing "
		                 "with its parents", path, top->path);
	if (c->depth >= VHD_MAX_DEPTH)
		return vhd_error(-ELOOP, "cannot put '%s' on '%s': chain deeper than %d layers", path,
		                 top->path, VHD_MAX_DEPTH);
	if (top->vhdx && !later) {
		r = vhdx_close_clean(top);
		if (r < 0)
			return r;
	}
	r = vhd_create_child_of(path, top, VHD_CREATE_OVERWRITE |
	                        (flags & VHD_PUSH_SYNC_LATER ? VHD_CREATE_NOSYNC_ : 0));
	if (r < 0)
		return r;
	r = vhd_layer_open(path, false, &child);
	if (r < 0)
		return r;
	r = vhd_layer_lock(child, true);
	if (r == 0 && memcmp(child->header.parent_uuid, top->footer.uuid, 16) != 0)
		r = vhd_error(-EINVAL, "'%s' changed while it was made a child of '%s'", path, top->path);
	if (r == 0 && !later)
		r = vhd_layer_lock(top, false);
	if (r < 0) {
		vhd_layer_close(child);
		return r;
	}
	if (later)
		top->unsettled = true; /* its close still settles it */
	else
		top->read_only = true; /* no clean close of a parent */
	vhd_parent_map_detach(c);
	memmove(&c->layers[1], &c->layers[0], (size_t)c->depth * sizeof(c->layers[0]));
	c->layers[0] = child;
	c->depth++;
	/* without a map, reads walk the layers (parentmap.c): correct, slower */
	if (vhd_parent_map_attach(c) < 0)
		vhd_log(0, "%s", vhd_errmsg());
	return 0;
}

int vhd_chain_settle_parents(vhd_chain *c)
{
	vhd_clear_error();
	for (int i = 1; i < c->depth; i++) {
		struct vhd_layer *l = c->layers[i];
		int r;

		if (!l->unsettled)
			continue;
		/* as a flush: under the allocation lock, beside readers */
		pthread_mutex_lock(&l->alloc_lock);
		r = vhdx_close_clean(l);
		pthread_mutex_unlock(&l->alloc_lock);
		if (r == 0)
			r = vhd_layer_lock(l, false);
		if (r < 0)
			return r;
		l->unsettled = false;
		l->read_only = true;
	}
	return 0;
}
