/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr-echo.c: the C side of test-istmd-idl-roundtrip.  Reads lines on
 * stdin and answers each with one line: the bytes in hex, or "ERR n"
 * (-errno of the pull or push, or 0 for an unknown method).
 *   IFACE OPNUM in|out HEX   pull HEX as that list with the tables generated
 *                            from the IDL (istm_ndr_methods), push it back
 *   FILL IFACE OPNUM in|out  push the list filled by ndr_fill_new()
 *                            (every byte of every value non-zero)
 * The Python client's classes, generated from the same IDL, pack and
 * unpack around it: what one side writes the other must read. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "ndr-fill.h"

static const struct ndr_type *find(const char *iface, unsigned opnum, const char *dir)
{
	unsigned i;

	for (i = 0; i < istm_ndr_nmethods; i++)
		if (istm_ndr_methods[i].opnum == opnum && !strcmp(istm_ndr_methods[i].iface, iface))
			return strcmp(dir, "in") ? istm_ndr_methods[i].out : istm_ndr_methods[i].in;
	return NULL;
}

/* Pull LEN bytes of T and push them back into OUT: 0 or -errno. */
static int echo(const struct ndr_type *t, const uint8_t *data, size_t len, struct rpc_buf *out)
{
	struct ndr_arena a;
	struct ndr_pull p;
	struct ndr_push q;
	void *v;
	int rc;

	ndr_arena_init(&a);
	ndr_pull_init(&p, data, len, &a);
	v = ndr_arena_zalloc(&a, t->csize ? t->csize : 1);
	rc = v ? ndr_pull(&p, t, v) : -ENOMEM;
	if (rc == 0 && p.off != len)
		rc = -EBADMSG;           /* bytes the tables do not describe */
	if (rc == 0) {
		ndr_push_init(&q, out);
		rc = ndr_push(&q, t, v);
	}
	ndr_arena_release(&a);
	return rc;
}

int main(void)
{
	static char line[1 << 20];
	static uint8_t bin[1 << 19];
	char iface[64], dir[8];
	unsigned opnum;
	int off;

	while (fgets(line, sizeof(line), stdin)) {
		const struct ndr_type *t;
		struct rpc_buf out = { 0 };
		size_t n = 0, i;
		char *hex;
		int rc;

		if (sscanf(line, "FILL %63s %u %7s", iface, &opnum, dir) == 3) {
			struct ndr_arena a;
			void *v;

			t = find(iface, opnum, dir);
			ndr_arena_init(&a);
			v = t ? ndr_fill_new(&a, t) : NULL;
			rc = v ? ndr_fill_push(t, v, &out) : 0;
			ndr_arena_release(&a);
			if (!v || rc < 0)
				printf("ERR %d\n", rc);
			for (i = 0; v && rc == 0 && i < out.len; i++)
				printf("%02x", out.data[i]);
			if (v && rc == 0)
				printf("\n");
			fflush(stdout);
			rpc_buf_release(&out);
			continue;
		}
		if (sscanf(line, "%63s %u %7s %n", iface, &opnum, dir, &off) != 3) {
			printf("ERR %d\n", -EINVAL);
			fflush(stdout);
			continue;
		}
		hex = line + off;
		while (hex[2 * n] && hex[2 * n] != '\n' && n < sizeof(bin) &&
		       sscanf(hex + 2 * n, "%2hhx", &bin[n]) == 1)
			n++;
		t = find(iface, opnum, dir);
		rc = t ? echo(t, bin, n, &out) : 0;
		if (!t || rc < 0) {
			printf("ERR %d\n", rc);
		} else {
			for (i = 0; i < out.len; i++)
				printf("%02x", out.data[i]);
			printf("\n");
		}
		fflush(stdout);
		rpc_buf_release(&out);
	}
	return 0;
}
