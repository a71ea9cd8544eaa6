/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-tgt-fuzz.c: random mutations of real tgtadm listings through
 * the show and conn parsers.  Every result must be a clean parse or
 * -EBADMSG, every string in a parse must be terminated inside its field,
 * and everything must be freed (the sanitizer build catches the rest).
 *
 * Deterministic: the seed is printed and can be set with FUZZ_SEED;
 * FUZZ_ITERATIONS sets the count (default 20000, a few seconds).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkrun.h"
#include "parent/tgt/tgt.h"

static const char *const seeds[] = {
	"Target 1: iqn.2026-11.test:t1\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    I_T nexus information:\n"
	"        I_T nexus: 1\n"
	"            Initiator: iqn.1993-08.org.debian:01:abc alias: none\n"
	"            Connection: 0\n"
	"                IP Address: 127.0.0.1\n"
	"    LUN information:\n"
	"        LUN: 0\n"
	"            Type: controller\n"
	"            SCSI ID: IET     00010000\n"
	"            SCSI SN: beaf10\n"
	"            Size: 0 MB, Block size: 1\n"
	"            Online: Yes\n"
	"            Readonly: No\n"
	"            Backing store type: null\n"
	"            Backing store path: None\n"
	"        LUN: 1\n"
	"            Type: disk\n"
	"            Size: 10 MB, Block size: 512\n"
	"            Backing store type: rdwr\n"
	"            Backing store path: /srv/d1.raw\n"
	"    Account information:\n"
	"        u1\n"
	"        u2 (outgoing)\n"
	"    ACL information:\n"
	"        127.0.0.1\n"
	"        iqn.1993-08.org.debian:01:abc\n",
	"Session: 1\n"
	"    Connection: 0\n"
	"        Initiator: iqn.1993-08.org.debian:01:abc\n"
	"        IP Address: 127.0.0.1\n",
};

static const char *const tokens[] = {
	"\n", "Target ", ": ", "LUN: ", "I_T nexus: ", "Connection: ", "Session: ",
	"    ", "        ", "IP Address: ", "Initiator: ", " alias: ", " (outgoing)",
	"LUN information:\n", "ACL information:\n", "Account information:\n",
	"Size: ", " MB, Block size: ", "18446744073709551616", "-1", "\0", "\xff",
};

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

/* One random edit of BUF (LEN bytes, capacity CAP). */
static size_t mutate(char *buf, size_t len, size_t cap)
{
	size_t pos = len ? rnd((uint32_t)len) : 0;

	switch (rnd(6)) {
	case 0: /* flip a byte */
		if (len)
			buf[pos] = (char)rnd(256);
		break;
	case 1: { /* insert a token */
		const char *tok = tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))];
		size_t tl = strlen(tok) ? strlen(tok) : 1;

		if (len + tl < cap) {
			memmove(buf + pos + tl, buf + pos, len - pos);
			memcpy(buf + pos, tok, tl);
			len += tl;
		}
		break;
	}
	case 2: { /* delete a range */
		size_t n = rnd(40);

		if (pos + n > len)
			n = len - pos;
		memmove(buf + pos, buf + pos + n, len - pos - n);
		len -= n;
		break;
	}
	case 3: /* truncate */
		len = pos;
		break;
	case 4: { /* duplicate a range */
		size_t n = rnd(200);

		if (pos + n > len)
			n = len - pos;
		if (len + n < cap) {
			memmove(buf + pos + n, buf + pos, len - pos);
			len += n;
		}
		break;
	}
	default: { /* a long run of one character */
		size_t n = rnd(9000);
		char c = "x :\n 9"[rnd(6)];

		if (len + n < cap) {
			memmove(buf + pos + n, buf + pos, len - pos);
			memset(buf + pos, c, n);
			len += n;
		}
		break;
	}
	}
	return len;
}

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

static void check_show(const struct tgt_show *s)
{
	for (size_t i = 0; i < s->ntargets; i++) {
		const struct tgt_show_target *t = &s->targets[i];

		ck_assert(TERMINATED(t->iqn) && TERMINATED(t->state));
		for (size_t j = 0; j < t->nlus; j++)
			ck_assert(TERMINATED(t->lus[j].path) && TERMINATED(t->lus[j].type) &&
				  TERMINATED(t->lus[j].bstype));
		for (size_t j = 0; j < t->nnexus; j++) {
			ck_assert(TERMINATED(t->nexus[j].initiator) && TERMINATED(t->nexus[j].alias));
			for (size_t k = 0; k < t->nexus[j].nconns; k++)
				ck_assert(TERMINATED(t->nexus[j].conns[k].address));
		}
		for (size_t j = 0; j < t->naccounts; j++)
			ck_assert(TERMINATED(t->accounts[j].user));
		for (size_t j = 0; j < t->nacls; j++)
			ck_assert(TERMINATED(t->acls[j].value));
	}
}

START_TEST(test_mutations)
{
	const char *e = getenv("FUZZ_ITERATIONS");
	long iterations = e ? atol(e) : 20000;
	size_t cap = 1 << 16;
	char *buf = malloc(cap), err[256];
	long parsed = 0, refused = 0;

	ck_assert_ptr_nonnull(buf);
	rng = getenv("FUZZ_SEED") ? strtoull(getenv("FUZZ_SEED"), NULL, 0) : 0x5eed1234abcdull;
	printf("seed 0x%llx, %ld iterations\n", (unsigned long long)rng, iterations);
	for (long i = 0; i < iterations; i++) {
		int which = (int)(i % 2);
		size_t len = strlen(seeds[which]);
		int edits = 1 + (int)rnd(8), r;

		memcpy(buf, seeds[which], len);
		for (int k = 0; k < edits; k++)
			len = mutate(buf, len, cap);
		if (which == 0) {
			struct tgt_show *s;

			r = tgt_show_parse(buf, len, &s, err, sizeof(err));
			ck_assert_msg(r == 0 || r == -EBADMSG, "iteration %ld: %d", i, r);
			if (r == 0) {
				check_show(s);
				tgt_show_free(s);
				parsed++;
			} else {
				ck_assert_ptr_null(s);
				ck_assert(strncmp(err, "line ", 5) == 0);
				refused++;
			}
		} else {
			struct tgt_conn *c;
			size_t n;

			r = tgt_conn_parse(buf, len, &c, &n, err, sizeof(err));
			ck_assert_msg(r == 0 || r == -EBADMSG, "iteration %ld: %d", i, r);
			if (r == 0) {
				for (size_t k = 0; k < n; k++)
					ck_assert(TERMINATED(c[k].initiator) && TERMINATED(c[k].address));
				free(c);
				parsed++;
			} else {
				refused++;
			}
		}
	}
	printf("%ld parsed, %ld refused\n", parsed, refused);
	/* the mutations exercise both outcomes */
	ck_assert_int_gt(parsed, iterations / 20);
	ck_assert_int_gt(refused, iterations / 20);
	free(buf);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("fuzz");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mutations);
	return check_run("istmd-tgt-fuzz", tc);
}
