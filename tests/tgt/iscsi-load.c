/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iscsi-load.c: a small asynchronous libiscsi load generator (fio has no
 * libiscsi engine in Debian): keeps QD READ(16)/WRITE(16) commands of BS
 * bytes in flight, sequential or random, for a time or for one pass over a
 * span, and prints one line of results.
 *
 * One TCP connection, one thread, libiscsi's event loop: on this scale the
 * initiator is not the bottleneck (it spends its time in poll()), and one
 * connection is what one iSCSI initiator does.  Random offsets come from a
 * fixed-seed xorshift so runs are repeatable.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

static const char *usage_text =
	"usage: iscsi-load [OPTIONS] URL\n"
	"  URL is iscsi://HOST[:PORT]/TARGET-IQN/LUN\n"
	"  --rw read|write       what to issue (read)\n"
	"  --pattern seq|rand    offsets (seq)\n"
	"  --bs BYTES            bytes per command, a multiple of 512 (4096)\n"
	"  --qd N                commands in flight (32)\n"
	"  --seconds S           run time (10); 0 with --once\n"
	"  --once                stop after one sequential pass over the span\n"
	"  --offset BYTES        start of the span (0)\n"
	"  --span BYTES          size of the span (the rest of the LUN)\n"
	"  --retry               reissue commands failing with NOT READY or\n"
	"                        UNIT ATTENTION (counted as retries, not errors)\n"
	"  --initiator IQN       initiator name\n"
	"Prints: rw pattern bs qd seconds ops iops MBps errors retries.\n"
	"Exit 0 when no command failed, 1 otherwise (also when the target does\n"
	"not answer for 10 seconds).\n";

struct load {
	struct iscsi_context *iscsi; /* the session */
	int lun;                     /* LUN of the URL */
	int writing;                 /* WRITE(16) rather than READ(16) */
	int random;                  /* random rather than sequential offsets */
	int once;                    /* stop after one pass over the span */
	int retry;                   /* reissue NOT READY / UNIT ATTENTION */
	uint32_t bs;                 /* bytes per command */
	uint64_t first_lba;          /* start of the span, in 512-byte blocks */
	uint64_t span_cmds;          /* commands that fit in the span */
	uint64_t next;               /* next sequential command index */
	uint64_t rng;                /* xorshift state */
	unsigned char *data;         /* what WRITE sends */
	int stopping;                /* no new commands */
	unsigned inflight;           /* commands outstanding */
	uint64_t done;               /* commands completed successfully */
	uint64_t errors;             /* commands failed */
	uint64_t retries;            /* commands reissued */
	double last_reply;           /* when a command last completed */
};

/* A target that stops answering (killed, hung) ends the run after this. */
#define STALL_SECONDS 10.0

struct cmd {
	struct load *load;           /* the run it belongs to */
	uint64_t lba;                /* where it goes (for a retry) */
	unsigned char *buf;          /* READ: where the data lands */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int issue(struct load *l, struct cmd *c);

static void completed(struct iscsi_context *iscsi, int status, void *command_data,
		      void *private_data)
{
	struct cmd *c = private_data;
	struct load *l = c->load;
	struct scsi_task *task = command_data;

	(void)iscsi;
	l->inflight--;
	l->last_reply = now();
	if (status == SCSI_STATUS_GOOD) {
		l->done++;
	} else if (l->retry && task && status == SCSI_STATUS_CHECK_CONDITION &&
		   (task->sense.key == SCSI_SENSE_NOT_READY ||
		    task->sense.key == SCSI_SENSE_UNIT_ATTENTION)) {
		l->retries++;
		scsi_free_scsi_task(task);
		if (issue(l, c) < 0)
			l->errors++;
		return;
	} else {
		if (l->errors < 5)
			fprintf(stderr, "iscsi-load: command at lba %" PRIu64 " failed: status 0x%x, sense 0x%x asc/ascq 0x%04x\n",
				c->lba, status, task ? task->sense.key : 0, task ? task->sense.ascq : 0);
		l->errors++;
	}
	if (task)
		scsi_free_scsi_task(task);
	free(c->buf);
	free(c);
}

static int issue(struct load *l, struct cmd *c)
{
	struct scsi_task *t;

	if (l->writing) {
		t = iscsi_write16_task(l->iscsi, l->lun, c->lba, l->data, l->bs, 512,
				       0, 0, 0, 0, 0, completed, c);
	} else {
		t = iscsi_read16_task(l->iscsi, l->lun, c->lba, l->bs, 512,
				      0, 0, 0, 0, 0, completed, c);
		/* Without a buffer of its own, libiscsi grows task->datain by
		 * one Data-In PDU at a time (8 KiB from tgt), copying it each
		 * time: quadratic, and the bottleneck from 256 KiB reads up.
		 * Nothing is sent before the next iscsi_service(), so the
		 * buffer is in place before data can arrive. */
		if (t && scsi_task_add_data_in_buffer(t, (int)l->bs, c->buf) != 0)
			fprintf(stderr, "iscsi-load: cannot add a read buffer\n");
	}
	if (!t) {
		fprintf(stderr, "iscsi-load: cannot queue a command: %s\n",
			iscsi_get_error(l->iscsi));
		free(c->buf);
		free(c);
		return -1;
	}
	l->inflight++;
	return 0;
}

static int issue_next(struct load *l)
{
	struct cmd *c;
	uint64_t idx;

	if (l->random) {
		l->rng ^= l->rng << 13;
		l->rng ^= l->rng >> 7;
		l->rng ^= l->rng << 17;
		idx = l->rng % l->span_cmds;
	} else {
		if (l->once && l->next >= l->span_cmds) {
			l->stopping = 1;
			return 0;
		}
		idx = l->next++ % l->span_cmds;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return -1;
	c->buf = l->writing ? NULL : malloc(l->bs);
	if (!l->writing && !c->buf) {
		free(c);
		return -1;
	}
	c->load = l;
	c->lba = l->first_lba + idx * (l->bs / 512);
	return issue(l, c);
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s) {
		fprintf(stderr, "iscsi-load: bad number '%s'\n", s);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rw", required_argument, NULL, 'r' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "bs", required_argument, NULL, 'b' },
		{ "qd", required_argument, NULL, 'q' },
		{ "seconds", required_argument, NULL, 's' },
		{ "once", no_argument, NULL, 'o' },
		{ "offset", required_argument, NULL, 'O' },
		{ "span", required_argument, NULL, 'S' },
		{ "retry", no_argument, NULL, 'R' },
		{ "initiator", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *initiator = "iqn.2026-11.org.vhdtarget:iscsi-load";
	struct load l = { .bs = 4096, .rng = 0x2545f4914f6cdd1dull };
	uint64_t qd = 32, offset = 0, span = 0;
	double seconds = 10, start, end;
	struct iscsi_url *url;
	struct scsi_task *t;
	uint64_t size;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, "read") && strcmp(optarg, "write"))
				goto usage;
			l.writing = !strcmp(optarg, "write");
			break;
		case 'p':
			if (strcmp(optarg, "seq") && strcmp(optarg, "rand"))
				goto usage;
			l.random = !strcmp(optarg, "rand");
			break;
		case 'b': l.bs = (uint32_t)num(optarg); break;
		case 'q': qd = num(optarg); break;
		case 's': seconds = strtod(optarg, NULL); break;
		case 'o': l.once = 1; break;
		case 'O': offset = num(optarg); break;
		case 'S': span = num(optarg); break;
		case 'R': l.retry = 1; break;
		case 'i': initiator = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || !l.bs || l.bs % 512 || !qd || offset % 512 ||
	    (l.once && l.random))
		goto usage;

	l.iscsi = iscsi_create_context(initiator);
	if (!l.iscsi)
		return 1;
	url = iscsi_parse_full_url(l.iscsi, argv[optind]);
	if (!url) {
		fprintf(stderr, "iscsi-load: bad URL '%s': %s\n", argv[optind],
			iscsi_get_error(l.iscsi));
		return 1;
	}
	iscsi_set_targetname(l.iscsi, url->target);
	iscsi_set_session_type(l.iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(l.iscsi, ISCSI_HEADER_DIGEST_NONE);
	if (iscsi_full_connect_sync(l.iscsi, url->portal, url->lun) != 0) {
		fprintf(stderr, "iscsi-load: cannot log in to '%s': %s\n", argv[optind],
			iscsi_get_error(l.iscsi));
		return 1;
	}
	l.lun = url->lun;
	/* libiscsi leaves Nagle on: a command PDU would wait for the ACK of
	 * the previous one (40 ms delayed ACKs), capping large transfers. */
	{
		int one = 1;

		setsockopt(iscsi_get_fd(l.iscsi), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	t = iscsi_readcapacity16_sync(l.iscsi, l.lun);
	if (!t || t->status != SCSI_STATUS_GOOD) {
		fprintf(stderr, "iscsi-load: READ CAPACITY(16) failed\n");
		return 1;
	}
	{
		struct scsi_readcapacity16 *rc = scsi_datain_unmarshall(t);

		if (!rc)
			return 1;
		size = (rc->returned_lba + 1) * rc->block_length;
	}
	scsi_free_scsi_task(t);
	if (!span)
		span = size > offset ? size - offset : 0;
	if (offset + span > size || span < l.bs) {
		fprintf(stderr, "iscsi-load: span of %" PRIu64 " bytes at %" PRIu64
			" does not fit a %" PRIu64 "-byte LUN\n", span, offset, size);
		return 1;
	}
	l.first_lba = offset / 512;
	l.span_cmds = span / l.bs;
	l.data = malloc(l.bs);
	if (!l.data)
		return 1;
	for (uint32_t i = 0; i < l.bs; i++)
		l.data[i] = (unsigned char)(i * 131 + 7);

	start = now();
	l.last_reply = start;
	end = seconds > 0 ? start + seconds : 0;
	for (uint64_t i = 0; i < qd && !l.stopping; i++)
		if (issue_next(&l) < 0)
			return 1;
	while (l.inflight) {
		struct pollfd pfd = { .fd = iscsi_get_fd(l.iscsi),
				      .events = (short)iscsi_which_events(l.iscsi) };

		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			break;
		if (iscsi_service(l.iscsi, pfd.revents) < 0) {
			fprintf(stderr, "iscsi-load: session failed: %s\n",
				iscsi_get_error(l.iscsi));
			return 1;
		}
		if (end && now() >= end)
			l.stopping = 1;
		if (now() - l.last_reply > STALL_SECONDS) {
			fprintf(stderr, "iscsi-load: no reply for %.0f seconds with %u commands outstanding\n",
				STALL_SECONDS, l.inflight);
			return 1;
		}
		while (!l.stopping && l.inflight < qd)
			if (issue_next(&l) < 0)
				return 1;
	}
	end = now();

	double secs = end - start;
	printf("rw=%s pattern=%s bs=%" PRIu32 " qd=%" PRIu64 " seconds=%.2f ops=%" PRIu64
	       " iops=%.0f MBps=%.1f errors=%" PRIu64 " retries=%" PRIu64 "\n",
	       l.writing ? "write" : "read", l.random ? "rand" : "seq", l.bs, qd, secs,
	       l.done, l.done / secs, l.done * (double)l.bs / secs / 1e6, l.errors,
	       l.retries);
	iscsi_logout_sync(l.iscsi);
	iscsi_destroy_url(url);
	iscsi_destroy_context(l.iscsi);
	free(l.data);
	return l.errors ? 1 : 0;

usage:
	fputs(usage_text, stderr);
	return 1;
}
