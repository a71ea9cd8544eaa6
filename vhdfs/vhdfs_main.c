/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdfs_main.c: vhdfs's command line, start-up and shut-down.
 *
 *   vhdfs [-f] [-o ro,partitions,allow_other,...] SOURCE MOUNTPOINT
 *
 * SOURCE is a VHD (its chain is shown as MOUNTPOINT/<name>) or a directory
 * of VHDs.  The argument order and option style follow mount.fuse3, so
 * `mount -t fuse.vhdfs` and /etc/fstab work.
 *
 * Start-up is ordered so that every refusal (a corrupt image, a missing or
 * mismatched parent, a lock held elsewhere) is printed on the terminal and
 * gives a non-zero exit before anything is mounted: vhdfs forks first and
 * the parent waits for the child to report; the child opens the chains,
 * mounts, and only then detaches (stdio to /dev/null, messages to syslog)
 * and tells the parent to exit 0.  Opening in the process that lives on
 * (rather than before a fork, as fuse_daemonize() would have it) keeps
 * libvhd's locks valid whatever kind of lock it takes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fuse3/fuse_lowlevel.h>

#include "vhdfs.h"

/* Our own -o options; the rest go to libfuse. */
struct vhdfs_opts {
	int partitions;           /* -o partitions */
	int read_only;            /* -o ro seen (also passed on to the mount) */
	unsigned readahead_kb;    /* -o readahead_kb=N; 0 leaves the kernel's */
	char *source;             /* first non-option argument */
};

#define VHDFS_OPT(t, p, v) { t, offsetof(struct vhdfs_opts, p), v }
enum { KEY_RO, KEY_RW };
static const struct fuse_opt option_spec[] = {
	VHDFS_OPT("partitions", partitions, 1),
	VHDFS_OPT("readahead_kb=%u", readahead_kb, 0),
	FUSE_OPT_KEY("ro", KEY_RO),
	FUSE_OPT_KEY("rw", KEY_RW),
	FUSE_OPT_END
};

/* Exit statuses, as every vhdtarget command: 0 ok, 1 failure, 2 bad usage. */
#define EXIT_USAGE 2

#define DEFAULT_READAHEAD_KB 4096 /* 4 MiB windows: four 1 MiB requests */

static int opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct vhdfs_opts *o = data;

	(void)outargs;
	switch (key) {
	case KEY_RO:
		o->read_only = 1;
		return 1; /* keep: libfuse mounts read-only */
	case KEY_RW:
		o->read_only = 0;
		return 1;
	case FUSE_OPT_KEY_NONOPT:
		if (!o->source) {
			o->source = strdup(arg);
			return 0;
		}
		return 1; /* the mount point, for fuse_parse_cmdline */
	default:
		return 1;
	}
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [options] SOURCE MOUNTPOINT\n"
		"\n"
		"Show the flat virtual disk of a VHD (through its whole differencing\n"
		"chain) as MOUNTPOINT/<name>, name being the file's name without .vhd or .vhdx.\n"
		"SOURCE may be a directory: one file per VHD in it, each opened on\n"
		"first use.\n"
		"\n"
		"vhdfs options:\n"
		"    -o ro                  read-only (the chain is opened read-only)\n"
		"    -o partitions          also one file per MBR/GPT partition (NAME-pN)\n"
		"    -o readahead_kb=N      readahead window of the mount (default %u;\n"
		"                           0 keeps the kernel's 128)\n"
		"\n"
		"general options:\n"
		"    -f                     stay in the foreground\n"
		"    -d, -o debug           print every FUSE request (implies -f)\n"
		"    -s                     one thread only\n"
		"    -o max_threads=N       at most N worker threads (default 8)\n"
		"    -o max_idle_threads=N  idle worker threads kept\n"
		"    -o clone_fd            one /dev/fuse descriptor per thread (default)\n"
		"    -h, --help             this help\n"
		"    -V, --version          the version\n"
		"\n"
		"Exit status: 0 mounted (or help shown), 1 the mount failed, 2 bad usage.\n"
		"See vhdfs(1).\n"
		"\n"
		"FUSE mount options:\n", prog, DEFAULT_READAHEAD_KB);
}

/* The kernel takes its readahead window from the mount's bdi, and the FUSE
 * INIT reply can only lower it; so once INIT is done (a stat of the mount
 * point waits for it) raise it through sysfs.  Only root can; others keep
 * the default. */
struct tune_arg {
	char *mountpoint;         /* absolute path of the mount */
	unsigned readahead_kb;    /* value to set */
};

static void *tune_readahead(void *p)
{
	struct tune_arg *a = p;
	struct stat st;
	char path[96];
	FILE *f;

	if (stat(a->mountpoint, &st) == 0) {
		snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/read_ahead_kb",
			 major(st.st_dev), minor(st.st_dev));
		f = fopen(path, "w");
		if (!f || fprintf(f, "%u\n", a->readahead_kb) < 0 || fclose(f) != 0)
			vhdfs_info("cannot set readahead of '%s': %s", a->mountpoint,
				   strerror(errno));
	}
	free(a->mountpoint);
	free(a);
	return NULL;
}

static void start_tuning(const char *mountpoint, unsigned readahead_kb)
{
	struct tune_arg *a = malloc(sizeof(*a));
	pthread_t t;

	if (!a)
		return;
	a->mountpoint = strdup(mountpoint);
	a->readahead_kb = readahead_kb;
	if (!a->mountpoint || pthread_create(&t, NULL, tune_readahead, a) != 0) {
		free(a->mountpoint);
		free(a);
		return;
	}
	pthread_detach(t);
}

/* Fork; the parent waits for the child's verdict and exits with it. */
static int fork_and_wait(int *report_fd)
{
	int p[2];
	pid_t pid;
	char status;

	if (pipe(p) < 0) {
		vhdfs_err("cannot start: pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		vhdfs_err("cannot start: fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			_exit(1);
		_exit(status);
	}
	close(p[0]);
	setsid();
	*report_fd = p[1];
	return 0;
}

static void report(int *fd, char status)
{
	if (*fd < 0)
		return;
	if (write(*fd, &status, 1) != 1)
		vhdfs_warn("cannot report start-up status: %s", strerror(errno));
	close(*fd);
	*fd = -1;
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (chdir("/") < 0)
		vhdfs_warn("cannot chdir to '/': %s", strerror(errno));
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct vhdfs_opts o = { .readahead_kb = DEFAULT_READAHEAD_KB };
	struct fuse_cmdline_opts co = { 0 };
	struct fuse_loop_config *lc = NULL;
	struct fuse_session *se = NULL;
	struct vhdfs fs = { 0 };
	int report_fd = -1, rc = EXIT_USAGE;
	char *source = NULL;

	vhdfs_log_install();
	/* Defaults the user may override later on the command line. */
	if (fuse_opt_parse(&args, &o, option_spec, opt_proc) < 0 ||
	    fuse_opt_insert_arg(&args, 1, "-omax_threads=8,clone_fd") < 0 ||
	    fuse_parse_cmdline(&args, &co) != 0) {
		vhdfs_err("bad command line (try 'vhdfs --help')");
		goto out_args;
	}
	if (co.show_help) {
		/* fuse_cmdline_help() would list -h and -V a second time; the
		 * general options are in usage(), libfuse adds its mount options. */
		usage(stdout, "vhdfs");
		fflush(stdout);
		fuse_lowlevel_help();
		rc = EXIT_SUCCESS;
		goto out;
	}
	if (co.show_version) {
		/* Not fuse_lowlevel_version(): it runs fusermount3, whose line
		 * would come first, on stderr, and say nothing about vhdfs. */
		printf("vhdfs (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		printf("using libfuse %s\n", fuse_pkgversion());
		rc = EXIT_SUCCESS;
		goto out;
	}
	if (!o.source || !co.mountpoint) {
		vhdfs_err("missing %s (try 'vhdfs --help')", o.source ? "MOUNTPOINT" : "SOURCE");
		goto out;
	}
	rc = EXIT_FAILURE;
	source = realpath(o.source, NULL);
	if (!source) {
		vhdfs_err("cannot mount '%s': %s", o.source, strerror(errno));
		goto out;
	}
	fs.source = source;
	/* Show the image in /proc/mounts and df (the user's fsname= wins). */
	if (!strchr(source, ',') && !strchr(source, '\\')) {
		char *opt;

		if (asprintf(&opt, "-ofsname=%s", source) < 0 ||
		    fuse_opt_insert_arg(&args, 1, opt) < 0) {
			vhdfs_err("cannot start: out of memory");
			goto out;
		}
		free(opt);
	}
	fs.read_only = o.read_only;
	fs.partitions = o.partitions;

	if (!co.foreground && fork_and_wait(&report_fd) < 0)
		goto out;
	if (vhdfs_disks_load(&fs) < 0)
		goto out;
	se = fuse_session_new(&args, &vhdfs_ops, sizeof(vhdfs_ops), &fs);
	if (!se) {
		/* libfuse printed why: almost always an unknown -o option */
		rc = EXIT_USAGE;
		goto out;
	}
	fs.se = se;
	if (fuse_set_signal_handlers(se) != 0)
		goto out;
	if (fuse_session_mount(se, co.mountpoint) != 0)
		goto out_signals; /* libfuse printed why */
	if (o.readahead_kb)
		start_tuning(co.mountpoint, o.readahead_kb);
	if (!co.foreground) {
		detach_stdio();
		vhdfs_log_to_syslog();
		report(&report_fd, 0);
	}
	vhdfs_info("mounted '%s' on '%s'%s", fs.source, co.mountpoint,
		   fs.read_only ? " read-only" : "");

	if (co.singlethread) {
		rc = fuse_session_loop(se) == 0 ? 0 : 1;
	} else {
		lc = fuse_loop_cfg_create();
		if (!lc)
			goto out_unmount;
		fuse_loop_cfg_set_clone_fd(lc, (unsigned)co.clone_fd);
		fuse_loop_cfg_set_max_threads(lc, co.max_threads);
		fuse_loop_cfg_set_idle_threads(lc, co.max_idle_threads == UINT_MAX ?
					       co.max_threads : co.max_idle_threads);
		rc = fuse_session_loop_mt(se, lc) == 0 ? 0 : 1;
		fuse_loop_cfg_destroy(lc);
	}

out_unmount:
	fuse_session_unmount(se);
	vhdfs_info("unmounted '%s'", co.mountpoint);
out_signals:
	fuse_remove_signal_handlers(se);
out:
	if (se)
		fuse_session_destroy(se); /* calls destroy(): flushes the disks */
	vhdfs_disks_free(&fs);        /* closes the chains: images left clean */
	report(&report_fd, (char)rc);
	free(co.mountpoint);
	free(source);
	free(o.source);
out_args:
	fuse_opt_free_args(&args);
	return rc;
}
