/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* priv_child.c: the network child's side of privilege separation: the
 * blocking priv_call() over fd 3 the stubs (ask.c) use, and the sandbox
 * the child enters before it reads a byte from the network.
 * Trade-off: priv_call() blocks the poll loop for one round trip to the
 * parent; every verb is a local, bounded operation, so this is short. */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/io.h"
#include "log.h"
#include "net/priv/priv.h"
#include "proto/proto.h"

int priv_call(uint32_t verb, const void *req, size_t req_len, void *reply, size_t *reply_len)
{
	struct priv_msg_hdr h = { verb, (uint32_t)req_len };
	uint8_t buf[PRIV_MAX_MSG];
	int32_t status;
	int rc;

	if (req_len > PRIV_MAX_MSG)
		return -EMSGSIZE;
	if ((rc = write_all(PRIV_FD, &h, sizeof(h))) < 0 ||
	    (req_len && (rc = write_all(PRIV_FD, req, req_len)) < 0) ||
	    (rc = read_all(PRIV_FD, &h, sizeof(h))) < 0) {
		log_warnx("request to the privileged parent failed: %s", strerror(-rc));
		return rc;
	}
	if (h.verb != verb || h.len < sizeof(status) || h.len > PRIV_MAX_MSG) {
		log_warnx("malformed reply from the privileged parent");
		return -EPROTO;
	}
	if ((rc = read_all(PRIV_FD, buf, h.len)) < 0)
		return rc;
	memcpy(&status, buf, sizeof(status));
	if (status < 0)
		return status;
	if (h.len - sizeof(status) > *reply_len)
		return -EMSGSIZE;
	memcpy(reply, buf + sizeof(status), h.len - sizeof(status));
	*reply_len = h.len - sizeof(status);
	return 0;
}

/* Chroot to CHROOT_DIR (empty, root-owned), become USER, forbid new
 * privileges and new processes, then allow only the system calls the
 * poll loop needs (priv_seccomp.c).  Not root (a developer's run): skipped
 * with a warning, so the code paths stay the same. */
static int sandbox(const char *chroot_dir, const char *user, int (*seccomp)(void))
{
	struct rlimit zero = { 0, 0 };
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		log_warnx("not running as root: network child keeps its privileges");
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -errno;
		return seccomp();
	}
	pw = getpwnam(user);
	if (!pw && strcmp(user, "nobody"))
		pw = getpwnam("nobody");
	if (!pw) {
		log_warnx("sandbox failed: no user '%s'", user);
		return -ENOENT;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (chroot(chroot_dir) < 0 || chdir("/") < 0) {
		log_warn("chroot to '%s' failed", chroot_dir);
		return -errno;
	}
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		log_warn("dropping privileges to '%s' failed", user);
		return -errno;
	}
	if (setresuid(0, 0, 0) == 0) {
		log_warnx("dropping privileges failed: could become root again");
		return -EPERM;
	}
	/* no RLIMIT_FSIZE: stderr may be a log file; the chroot is empty and
	 * not writable by the child anyway */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || setrlimit(RLIMIT_NPROC, &zero) < 0) {
		log_warn("restricting the network child failed");
		return -errno;
	}
	return seccomp();
}

int priv_child_sandbox(const char *chroot_dir, const char *user)
{
	return sandbox(chroot_dir, user, priv_child_seccomp);
}

int priv_child_sandbox_outbound(const char *chroot_dir, const char *user)
{
	return sandbox(chroot_dir, user, priv_child_seccomp_outbound);
}
