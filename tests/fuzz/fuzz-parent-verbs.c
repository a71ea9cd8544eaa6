/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-parent-verbs.c: libFuzzer harness for the privileged parent's
 * decoder of what the network child asks (parent/parent.c and the verb
 * table, parent/verbs.c): the input is the byte stream a hostile child
 * writes on its socket, any number of requests (header, then body).  It
 * is served request by request, as the parent does, until the parent
 * cuts the child off or the stream ends; the parent must answer or refuse,
 * never crash.  Trade-off: the parent runs with its settings store only
 * (a private state directory, as test-priv-parent does), so ISTM verbs
 * reach the table's checks and the "not ready" reply, not the answers
 * that drive tgtd; and its per-child state (verbs asked once, a client
 * authenticated) carries over from input to input, as it does for one
 * long-lived child.  FUZZ_SEEDS=DIR writes one seed per row of the verb
 * table (its header and a zeroed body of the row's smallest length) and
 * exits: the corpus follows the table. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "parent/parent.h"
#include "parent/svc/svc.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];

static void remove_dir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static void write_seeds(const char *out)
{
	static uint8_t body[PRIV_MAX_MSG];

	for (uint32_t n = 0; n < 1000; n++) {
		const struct verb *v = verb_find(n);
		struct priv_msg_hdr h;
		char path[4096];
		FILE *f;

		if (!v)
			continue;
		h.verb = n;
		h.len = (uint32_t)v->min_len;
		snprintf(path, sizeof(path), "%s/verb-%u", out, n);
		if (!(f = fopen(path, "wb")))
			continue;
		fwrite(&h, sizeof(h), 1, f);
		fwrite(body, 1, h.len, f);
		fclose(f);
	}
	_exit(0); /* libFuzzer takes exit() for a crash */
}

static int init(void)
{
	static const char *argv[] = { "none", NULL };
	static char users[300];
	static struct priv_parent_conf conf;
	FILE *f;

	if (getenv("FUZZ_SEEDS"))
		write_seeds(getenv("FUZZ_SEEDS"));
	log_init(-1, 0, "fuzz");
	snprintf(dir, sizeof(dir), "%s/fuzzparent.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	atexit(remove_dir);
	snprintf(users, sizeof(users), "%s/users", dir);
	f = fopen(users, "w");
	if (!f)
		return -1;
	fprintf(f, "user:a4f49c406510bdcab6824ee7c30fd852\n");
	fclose(f);
	conf.state_dir = dir;
	conf.users_file = users;
	conf.self_exe = "/nonexistent";
	conf.child_argv = (char *const *)argv;
	return priv_parent_init(&conf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint8_t sink[1 << 16];
	int sv[2];

	if (!ready) {
		if (init() < 0)
			abort();
		ready = 1;
	}
	if (size > 1 << 16 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 0;
	/* the whole stream is queued before the parent reads: a unix socket
	 * holds more than the 64 KiB allowed here */
	if (write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	for (int i = 0; i < 256 && priv_parent_serve(sv[0]) == 0; i++)
		while (recv(sv[1], sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
	close(sv[0]);
	close(sv[1]);
	return 0;
}
