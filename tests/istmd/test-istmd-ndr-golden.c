/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-ndr-golden.c: the wire of every ISTM method is what it was.
 * ndr-golden.txt holds, per method istmd serves, the bytes its [in] and
 * [out] lists push when filled by ndr_fill_new() (deterministic,
 * driven by the type only, every byte of every integer non-zero so that a
 * narrower member cannot hide in padding); they were captured from the
 * hand-written tables that served before the IDL generated them (commit
 * "istmd/idl: ...", where both were linked).  This test fills and pushes the same
 * lists twice, with the tables generated from the IDL (istm_ndr_methods,
 * found by interface, opnum and name) and with the tables istmd serves
 * (found through its classes), and compares both byte for byte with the
 * capture; a difference names the method and the first differing offset.
 *   test-istmd-ndr-golden [GOLDEN]        compare (default $srcdir/ndr-golden.txt)
 *   test-istmd-ndr-golden --write FILE    capture the current tables
 * Deliberate changes to the wire are listed in istmd/README.md ("The IDL")
 * and appear in GOLDEN as lines that say "fixed". */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "istm-tables.h"
#include "istm/istm.h"
#include "ndr-fill.h"

#define MAX_METHODS 1024

/* Push M's list T (filled) as hex into S (capacity CAP). */
static int hex_of(const struct ndr_type *t, char **s)
{
	struct ndr_arena a;
	struct rpc_buf b = { 0 };
	void *v;
	size_t i;
	int rc = -ENOMEM;

	ndr_arena_init(&a);
	v = ndr_fill_new(&a, t);
	if (v && (rc = ndr_fill_push(t, v, &b)) == 0) {
		*s = malloc(b.len * 2 + 1);
		if (!*s)
			rc = -ENOMEM;
		for (i = 0; *s && i < b.len; i++)
			sprintf(*s + 2 * i, "%02x", b.data[i]);
		if (*s)
			(*s)[2 * b.len] = 0;
	}
	rpc_buf_release(&b);
	ndr_arena_release(&a);
	return rc;
}

static int write_golden(const char *path, const struct istm_method_ref *r, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -errno;
	fprintf(f, "# ndr-golden.txt: see test-istmd-ndr-golden.c\n");
	for (i = 0; i < n; i++) {
		char *in = NULL, *out = NULL;

		if (hex_of(r[i].m->in, &in) < 0 || hex_of(r[i].m->out, &out) < 0) {
			fprintf(stderr, "%s::%s: does not push\n", r[i].iface->name, r[i].m->name);
			fclose(f);
			return -EINVAL;
		}
		fprintf(f, "%s %u %s in %s\n", r[i].iface->name, r[i].opnum, r[i].m->name, in);
		fprintf(f, "%s %u %s out %s\n", r[i].iface->name, r[i].opnum, r[i].m->name, out);
		free(in);
		free(out);
	}
	return fclose(f) == 0 ? 0 : -errno;
}

/* The method called IFACE::NAME at OPNUM among R, or NULL. */
static const struct istm_method_ref *find(const struct istm_method_ref *r, size_t n,
					  const char *iface, unsigned opnum, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].opnum == opnum && !strcmp(r[i].iface->name, iface) &&
		    !strcmp(r[i].m->name, name))
			return &r[i];
	return NULL;
}

/* IFACE's method at OPNUM among the generated tables: its [in] or [out]
 * list.  Names are not on the wire; one the IDL spells differently from the
 * capture is reported, not failed (istm.acf renames those it must). */
static const struct ndr_type *generated(const char *iface, unsigned opnum, const char *name,
					const char *dir)
{
	unsigned i;

	for (i = 0; i < istm_ndr_nmethods; i++) {
		const struct istm_ndr_method *m = &istm_ndr_methods[i];

		if (m->opnum != opnum || strcmp(m->iface, iface))
			continue;
		if (strcmp(m->name, name) && !strcmp(dir, "in"))
			printf("note: %s opnum %u is %s in the IDL, %s in the capture\n", iface,
			       opnum, m->name, name);
		return strcmp(dir, "in") ? m->out : m->in;
	}
	return NULL;
}

/* Compare T's filled push with the hex WANT; 0 when the same. */
static int same(const char *what, const char *iface, const char *name, const char *dir,
		const struct ndr_type *t, const char *want)
{
	char *got = NULL;
	int rc = 0;

	if (hex_of(t, &got) < 0) {
		fprintf(stderr, "%s %s::%s: [%s] does not push\n", what, iface, name, dir);
		rc = 1;
	} else if (strcmp(got, want)) {
		size_t k = 0;

		while (got[k] && got[k] == want[k])
			k++;
		fprintf(stderr, "%s %s::%s: [%s] differs at byte %zu (%zu bytes, golden %zu)\n",
			what, iface, name, dir, k / 2, strlen(got) / 2, strlen(want) / 2);
		rc = 1;
	}
	free(got);
	return rc;
}

static int compare_golden(const char *path, const struct istm_method_ref *r, size_t n)
{
	static char line[1 << 20];
	char iface[64], name[64], dir[8];
	unsigned opnum;
	size_t lines = 0, bad = 0, seen[MAX_METHODS] = { 0 }, i;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		const struct istm_method_ref *m;
		const struct ndr_type *t;
		char *want;
		int off;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%63s %u %63s %7s %n", iface, &opnum, name, dir, &off) != 4) {
			fprintf(stderr, "%s: bad line: %.60s\n", path, line);
			bad++;
			continue;
		}
		want = line + off;
		want[strcspn(want, "\n")] = 0;
		lines++;
		m = find(r, n, iface, opnum, name);
		if (!m) {
			fprintf(stderr, "%s::%s (opnum %u): no longer served\n", iface, name, opnum);
			bad++;
		} else {
			seen[m - r] = 1;
			bad += same("served", iface, name, dir, strcmp(dir, "in") ? m->m->out :
				    m->m->in, want);
		}
		t = generated(iface, opnum, name, dir);
		if (!t) {
			fprintf(stderr, "%s::%s (opnum %u): not in the IDL\n", iface, name, opnum);
			bad++;
		} else {
			bad += same("generated", iface, name, dir, t, want);
		}
	}
	fclose(f);
	/* a method served since the capture has no bytes to keep
	 * (test-istmd-idl-roundtrip covers it) */
	for (i = 0; i < n; i++)
		if (!seen[i])
			printf("note: %s::%s is served since the capture\n", r[i].iface->name,
			       r[i].m->name);
	printf("%zu lists compared, %zu methods, %zu differences\n", lines, n, bad);
	return bad || lines < 2 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct istm_method_ref refs[MAX_METHODS];
	size_t n = istm_all_methods(refs, MAX_METHODS);
	const char *srcdir = getenv("srcdir");
	char path[4096];

	if (n > MAX_METHODS) {
		fprintf(stderr, "too many methods: %zu\n", n);
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_golden(argv[2], refs, n) == 0 ? 0 : 1;
	if (argc == 2)
		return compare_golden(argv[1], refs, n);
	snprintf(path, sizeof(path), "%s/ndr-golden.txt", srcdir ? srcdir : ".");
	return compare_golden(path, refs, n);
}
