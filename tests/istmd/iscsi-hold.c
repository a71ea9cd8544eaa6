/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iscsi-hold.c: log in to an iSCSI target with libiscsi and keep the
 * session open until SIGTERM/SIGINT (or a time limit), so a test can look
 * at the session from the target side (tgtadm, ISTM's ISessionManager).
 * Prints "logged in" once the login completed; logs out on exit.
 *
 * Trade-off: the session is idle while held (no NOP-Out is sent); tgt
 * does not time idle sessions out by default, and tests hold sessions for
 * seconds, not minutes.  The logout gets 5 seconds (libiscsi retries a
 * lost connection forever; SIGALRM's default action ends that), and a
 * second SIGTERM/SIGINT kills at once, so a test's cleanup never hangs.
 *
 * --churn logs in and out again and again instead (a new session, and a
 * new TSIH, each time), as an initiator that logs in for every command
 * does, until the signal or the time limit; it prints how many logins.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <iscsi/iscsi.h>

static const char *usage_text =
	"usage: iscsi-hold [OPTIONS] PORTAL TARGET-IQN\n"
	"  --initiator IQN      initiator name (iqn.2026-11.org.vhdtarget:hold)\n"
	"  --chap USER:SECRET   CHAP credentials\n"
	"  --isid N             ISID qualifier (random-format ISID, qualifier N)\n"
	"  --digest             offer CRC32C header digests\n"
	"  --seconds S          give up holding after S seconds (120)\n"
	"  --churn              log in and out repeatedly instead of holding\n"
	"Logs in, prints \"logged in\", waits for SIGTERM or SIGINT, logs out.\n"
	"With --churn, prints \"N logins\" at the end.\n"
	"Exit 0 after a clean hold, 1 when the login failed.\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A session to TARGET at PORTAL, logged in (with CHAP when USER is not
 * NULL); NULL (said why) if not. */
static struct iscsi_context *login(const char *initiator, const char *portal,
				   const char *target, int digest, long isid, const char *user,
				   const char *secret)
{
	struct iscsi_context *iscsi = iscsi_create_context(initiator);

	if (!iscsi) {
		fprintf(stderr, "iscsi-hold: creating the libiscsi context failed\n");
		return NULL;
	}
	iscsi_set_targetname(iscsi, target);
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, digest ? ISCSI_HEADER_DIGEST_CRC32C_NONE :
					       ISCSI_HEADER_DIGEST_NONE);
	if (isid >= 0)
		iscsi_set_isid_random(iscsi, 0x123456, (uint32_t)isid);
	if (user)
		iscsi_set_initiator_username_pwd(iscsi, user, secret);
	if (iscsi_connect_sync(iscsi, portal) != 0 || iscsi_login_sync(iscsi) != 0) {
		if (!stop)   /* not when a signal interrupted it: see --churn */
			fprintf(stderr, "iscsi-hold: login to '%s' failed: %s\n", target,
				iscsi_get_error(iscsi));
		iscsi_destroy_context(iscsi);
		return NULL;
	}
	return iscsi;
}

/* Log out (5 seconds at most: see above) and free ISCSI. */
static void logout(struct iscsi_context *iscsi)
{
	alarm(5);
	iscsi_logout_sync(iscsi);
	alarm(0);
	iscsi_destroy_context(iscsi);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "initiator", required_argument, NULL, 'i' },
		{ "chap", required_argument, NULL, 'c' },
		{ "isid", required_argument, NULL, 'I' },
		{ "digest", no_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 's' },
		{ "churn", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *initiator = "iqn.2026-11.org.vhdtarget:hold", *chap = NULL;
	struct iscsi_context *iscsi;
	struct sigaction sa;
	char user[256];
	const char *secret = NULL;
	long isid = -1, seconds = 120;
	int digest = 0, churn = 0, c;
	unsigned long logins = 0;
	time_t until;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': initiator = optarg; break;
		case 'c': chap = optarg; break;
		case 'I': isid = strtol(optarg, NULL, 0); break;
		case 'd': digest = 1; break;
		case 's': seconds = strtol(optarg, NULL, 0); break;
		case 'C': churn = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (chap) {     /* USER:SECRET, split once for every login */
		const char *colon = strchr(chap, ':');

		if (!colon || (size_t)(colon - chap) >= sizeof(user)) {
			fprintf(stderr, "iscsi-hold: bad --chap '%s'\n", chap);
			return 2;
		}
		memcpy(user, chap, (size_t)(colon - chap));
		user[colon - chap] = 0;
		secret = colon + 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;   /* the second signal kills */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	until = time(NULL) + seconds;
	if (!(iscsi = login(initiator, argv[optind], argv[optind + 1], digest, isid,
			      secret ? user : NULL, secret)))
		return 1;
	printf("logged in\n");
	fflush(stdout);
	logins++;
	while (churn && !stop && time(NULL) < until) {
		logout(iscsi);
		iscsi = login(initiator, argv[optind], argv[optind + 1], digest, isid,
			      secret ? user : NULL, secret);
		if (!iscsi && stop)      /* the signal cut the login short */
			break;
		if (!iscsi)
			return 1;
		logins++;
	}
	while (!churn && !stop && seconds-- > 0)
		sleep(1);
	if (iscsi)
		logout(iscsi);
	if (churn)
		printf("%lu logins\n", logins);
	return 0;
}
