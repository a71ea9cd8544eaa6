/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_disk_mount.c: surfacing a virtual disk locally (IWTDisk::DVMountDirect,
 * DVDismount, EnumLMMountPoints) with vhdfs, mounted at
 * STATE_DIR/mounts/<wtd>, where the disk shows as one flat file.
 *
 * vhdfs runs in the foreground (-f) as this process's child, started with
 * an argument vector (never a shell); its pid is kept next to the mount
 * point (<wtd>.pid) so a dismount can wait for it to exit: libvhd's locks
 * go with the process, and a target mapping the disk right after a
 * dismount must not find them still held.  A mount outlives istmd (the
 * child is not killed when istmd exits); a record whose mount is gone (a
 * reboot, vhdfs killed) is cleared the next time the disk is looked at.
 *
 * Trade-off: the mount is root's (no allow_other): the data is for the
 * administrator on this host, not for other local users.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "parent/svc/svc.h"
#include "proto/disk.h"

#define FUSE_MAGIC 0x65735546      /* statfs f_type of a FUSE mount */
#define MOUNT_WAIT_MS 20000        /* vhdfs opens the chain, then mounts */
#define EXIT_WAIT_MS 10000         /* vhdfs exits once unmounted */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* STATE_DIR/mounts/<name><suffix>; -ENAMETOOLONG when it does not fit. */
static int mount_dir(struct svc *s, const char *name, char *buf, size_t cap, const char *suffix)
{
	int n = snprintf(buf, cap, "%.*s/mounts/%s%s", 4000, s->state_dir, name, suffix);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* MP is a live FUSE mount (its device differs from its directory's). */
static bool is_mounted(const char *mp)
{
	char up[4200];
	struct stat a, b;
	struct statfs f;

	snprintf(up, sizeof(up), "%s/..", mp);
	if (statfs(mp, &f) < 0 || (unsigned long)f.f_type != FUSE_MAGIC)
		return false;
	return stat(mp, &a) == 0 && stat(up, &b) == 0 && a.st_dev != b.st_dev;
}

static pid_t read_pid(const char *pidfile)
{
	char buf[32] = "";
	long pid;
	int fd = open(pidfile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	pid = strtol(buf, NULL, 10);
	return pid > 1 ? (pid_t)pid : -1;
}

/* Wait up to MS for PID to be gone: reaped when it is our child, else
 * absent from the process table. */
static bool wait_gone(pid_t pid, long ms)
{
	int st;

	for (long t = 0; t <= ms; t += 20) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD && kill(pid, 0) < 0 && errno == ESRCH))
			return true;
		sleep_ms(20);
	}
	return false;
}

/* A disk's mounts are named after its index. */
static const char *disk_name(const struct state_disk *d, char buf[32])
{
	snprintf(buf, 32, "%lld", (long long)d->wtd);
	return buf;
}

static void forget_files(struct svc *s, const char *name, const char *mp)
{
	char pidfile[4200];

	if (mount_dir(s, name, pidfile, sizeof(pidfile), ".pid") == 0)
		unlink(pidfile);
	if (mp[0])
		rmdir(mp);
}

static void forget(struct svc *s, struct state_disk *d)
{
	char name[32];

	forget_files(s, disk_name(d, name), d->lm_mount_point);
	d->lm_type = SVC_MOUNT_NONE;
	d->lm_mount_point[0] = 0;
	if (state_disk_update(s->st, d) < 0)
		log_warnx("forgetting the local mount of disk %lld failed: %s", (long long)d->wtd,
			  state_errmsg(s->st));
}

bool svc_disk_mount_live(struct svc *s, struct state_disk *d)
{
	if (!d->lm_mount_point[0])
		return false;
	if (is_mounted(d->lm_mount_point))
		return true;
	/* a FUSE mount whose vhdfs died answers ENOTCONN: take it away */
	if (umount2(d->lm_mount_point, MNT_DETACH) == 0)
		log_info("dropped the dead local mount of disk %lld", (long long)d->wtd);
	log_info("disk %lld is no longer mounted at '%s'", (long long)d->wtd, d->lm_mount_point);
	forget(s, d);
	return false;
}

/* In the child: stdin/stdout on /dev/null, stderr kept (istmd's log),
 * everything else closed, default signals, then exec.  Async-signal-safe. */
static void child_exec(const char *prog, char *const argv[])
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int null_fd = open("/dev/null", O_RDWR);

	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0)
		_exit(127);
	if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	execve(prog, argv, envp);
	_exit(127);
}

uint32_t svc_vhdfs_mount(struct svc *s, const char *name, const char *file, bool ro, char *mp,
			 size_t mpcap)
{
	char dir[4200], pidfile[4200], pidtext[32];
	char *argv[8];
	int argc = 0, fd, st;
	pid_t pid;
	long t;

	snprintf(dir, sizeof(dir), "%.4000s/mounts", s->state_dir);
	if (mount_dir(s, name, mp, mpcap, "") < 0 ||
	    mount_dir(s, name, pidfile, sizeof(pidfile), ".pid") < 0) {
		log_warnx("mounting %s failed: the state directory's path is too long", name);
		return E_FAIL;
	}
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || (mkdir(mp, 0700) < 0 && errno != EEXIST)) {
		log_warnx("mounting %s failed: cannot make '%s': %s", name, mp, strerror(errno));
		return E_FAIL;
	}
	if (is_mounted(mp)) {
		log_warnx("mounting %s failed: '%s' is already a mount point", name, mp);
		return ERROR_SHARING_VIOLATION;
	}
	argv[argc++] = s->vhdfs;
	argv[argc++] = "-f";
	if (ro) {
		argv[argc++] = "-o";
		argv[argc++] = "ro";
	}
	argv[argc++] = (char *)file;
	argv[argc++] = mp;
	argv[argc] = NULL;
	pid = fork();
	if (pid == 0)
		child_exec(s->vhdfs, argv);
	if (pid < 0) {
		log_warnx("mounting %s failed: fork: %s", name, strerror(errno));
		return E_FAIL;
	}
	for (t = 0; t < MOUNT_WAIT_MS; t += 20) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			log_warnx("mounting %s failed: vhdfs exited with status %d "
				  "(the disk may be in use)", name,
				  WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			rmdir(mp);
			return ERROR_SHARING_VIOLATION;
		}
		if (is_mounted(mp))
			break;
		sleep_ms(20);
	}
	if (t >= MOUNT_WAIT_MS) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		umount2(mp, MNT_DETACH);
		rmdir(mp);
		log_warnx("mounting %s failed: vhdfs did not mount within %d ms", name,
			  MOUNT_WAIT_MS);
		return ERROR_TIMEOUT;
	}
	fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		int len = snprintf(pidtext, sizeof(pidtext), "%ld\n", (long)pid);

		if (write(fd, pidtext, (size_t)len) != len)
			log_warnx("writing '%s' failed", pidfile);
		close(fd);
	}
	log_info("%s mounted%s at '%s' (vhdfs pid %ld)", name, ro ? " read-only" : "", mp,
		 (long)pid);
	return S_OK;
}

uint32_t svc_vhdfs_unmount(struct svc *s, const char *name, const char *mp)
{
	char pidfile[4200];
	pid_t pid = -1;

	if (mount_dir(s, name, pidfile, sizeof(pidfile), ".pid") == 0)
		pid = read_pid(pidfile);
	if (mp[0] && is_mounted(mp) && umount2(mp, 0) < 0) {
		log_warnx("dismounting %s from '%s' failed: %s", name, mp, strerror(errno));
		return errno == EBUSY ? ERROR_SHARING_VIOLATION : E_FAIL;
	}
	if (pid > 0 && !wait_gone(pid, EXIT_WAIT_MS))
		log_warnx("vhdfs (pid %ld) of %s still runs after its dismount", (long)pid, name);
	forget_files(s, name, mp);
	return S_OK;
}

bool svc_vhdfs_live(const char *mp)
{
	if (!mp[0])
		return false;
	if (is_mounted(mp))
		return true;
	umount2(mp, MNT_DETACH);    /* a FUSE mount whose vhdfs died answers ENOTCONN */
	return false;
}

uint32_t svc_disk_mount(struct svc *s, struct state_disk *d, bool ro)
{
	char name[32], mp[1024], served[4096];
	uint32_t hr;

	svc_disk_served_path(s, d, served, sizeof(served));   /* its top once it has snapshots */
	hr = svc_vhdfs_mount(s, disk_name(d, name), served, ro, mp, sizeof(mp));
	if (hr != S_OK)
		return hr;
	d->lm_type = SVC_MOUNT_DIRECT;
	snprintf(d->lm_mount_point, sizeof(d->lm_mount_point), "%s", mp);
	if (state_disk_update(s->st, d) < 0) {
		log_warnx("recording the local mount of disk %lld failed: %s", (long long)d->wtd,
			  state_errmsg(s->st));
		d->lm_mount_point[0] = 0;
		svc_vhdfs_unmount(s, name, mp);
		return E_FAIL;
	}
	return S_OK;
}

uint32_t svc_disk_dismount(struct svc *s, struct state_disk *d)
{
	char name[32];
	uint32_t hr = svc_vhdfs_unmount(s, disk_name(d, name), d->lm_mount_point);

	if (hr != S_OK)
		return hr;
	log_info("disk %lld dismounted from '%s'", (long long)d->wtd, d->lm_mount_point);
	forget(s, d);
	return S_OK;
}
