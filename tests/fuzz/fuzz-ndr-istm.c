/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ndr-istm.c: libFuzzer harness for the [in] parameter lists of the
 * ISTM interfaces istmd registers (tables generated from the IDL); any
 * stub a table accepts must push back and survive a second round trip
 * unchanged (tests/istmd/istm-tables.c).
 *
 * FUZZ_INTERFACE=<name> fuzzes one interface: the first byte picks one of
 * its own methods, the rest is that method's stub, so each execution is
 * one round trip and each interface has its own corpus and coverage; the
 * zeroed [out] lists, which do not depend on the input, are pushed once at
 * start rather than on every execution.
 * Without it, every input is pulled as every method's stub (one corpus for
 * all methods: the replay in make check).  Two more values, for make fuzz:
 * FUZZ_INTERFACE=list prints the interfaces' names and exits, and
 * FUZZ_SEEDS=DIR with an interface writes one seed per method into DIR
 * (its [in] list filled by ndr-fill.c) and exits. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "istm-tables.h"
#include "ndr-fill.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_METHODS 1024

static struct istm_method_ref refs[MAX_METHODS];
static size_t first, count;  /* the methods fuzzed: refs[first, first + count) */

static void write_seeds(const char *dir)
{
	for (size_t i = 0; i < count; i++) {
		const struct istm_method_ref *r = &refs[first + i];
		struct ndr_arena a;
		struct rpc_buf b = { 0 };
		char path[4096];
		uint8_t k = (uint8_t)i;
		void *v;
		FILE *f;

		ndr_arena_init(&a);
		v = ndr_fill_new(&a, r->m->in);
		snprintf(path, sizeof(path), "%s/%s", dir, r->m->name);
		if (v && ndr_fill_push(r->m->in, v, &b) == 0 && (f = fopen(path, "wb"))) {
			fwrite(&k, 1, 1, f);
			fwrite(b.data, 1, b.len, f);
			fclose(f);
		}
		rpc_buf_release(&b);
		ndr_arena_release(&a);
	}
}

static int one_interface;    /* FUZZ_INTERFACE named one */

static void init(void)
{
	const char *want = getenv("FUZZ_INTERFACE"), *seeds = getenv("FUZZ_SEEDS");
	size_t n = istm_all_methods(refs, MAX_METHODS), i;

	if (n > MAX_METHODS)
		n = MAX_METHODS;
	first = 0;
	count = n;
	if (!want || !*want)
		return;
	if (!strcmp(want, "list")) {
		for (i = 0; i < n; i++)
			if (i == 0 || refs[i].iface != refs[i - 1].iface)
				printf("%s\n", refs[i].iface->name);
		fflush(stdout);
		_exit(0); /* libFuzzer takes exit() for a crash */
	}
	count = 0;
	for (i = 0; i < n; i++)
		if (!strcmp(want, refs[i].iface->name)) {
			if (!count)
				first = i;
			count++;
		}
	if (!count) {
		fprintf(stderr, "FUZZ_INTERFACE=%s: no such interface (or no methods of its own)\n",
			want);
		exit(2);
	}
	one_interface = 1;
	for (i = 0; i < count; i++)
		if (istm_method_out_zero_push(&refs[first + i]) < 0)
			abort();
	if (seeds) {
		write_seeds(seeds);
		fflush(stdout);
		_exit(0); /* libFuzzer takes exit() for a crash */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	size_t i;

	if (!ready) {
		init();
		ready = 1;
	}
	if (count == 0)
		return 0;
	if (one_interface) {
		if (size < 1)
			return 0;
		if (istm_method_in_roundtrip(&refs[first + data[0] % count], data + 1, size - 1) < 0)
			abort();
		return 0;
	}
	for (i = 0; i < count; i++)
		if (istm_method_roundtrip(&refs[i], data, size) < 0)
			abort();
	return 0;
}
