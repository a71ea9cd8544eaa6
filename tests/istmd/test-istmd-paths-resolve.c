/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-paths-resolve.c: the storage-root sandbox against hostile
 * client paths, on a real temporary tree with real symlinks (in and out of
 * the root, loops, magic links), a FIFO, a socket and a device node.
 *
 * The table is run twice: with openat2, and with the per-component
 * O_NOFOLLOW walk (where the only difference is that a symlink staying
 * inside the root is refused too).  Also: creation paths, the Windows form
 * of paths, drive information, directory listings and root configuration.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "parent/paths/paths.h"

static char tmp[256], root[512], other[512];
static struct paths p;
static bool have_dev;

static void put(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(data, f);
	fclose(f);
}

static void mk(const char *fmt, const char *a)
{
	char path[1024];

	snprintf(path, sizeof(path), fmt, a);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void setup(void)
{
	char path[1024], target[1024];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s;

	snprintf(tmp, sizeof(tmp), "%s/istmd-paths-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(other, sizeof(other), "%s/other", tmp);
	mk("%s", root);
	mk("%s", other);
	mk("%s/outside", tmp);
	mk("%s/rootx", tmp); /* shares a string prefix with root */
	mk("%s/iSCSI_target_disks", root);
	mk("%s/sub", root);
	snprintf(path, sizeof(path), "%s/outside/secret.vhd", tmp);
	put(path, "secret");
	snprintf(path, sizeof(path), "%s/rootx/file.vhd", tmp);
	put(path, "x");
	snprintf(path, sizeof(path), "%s/iSCSI_target_disks/VirtualDisk1.vhd", root);
	put(path, "disk1");
	snprintf(path, sizeof(path), "%s/iSCSI_target_disks/\xc3\x9cn\xc3\xaf" "code.vhd", root);
	put(path, "u");
	snprintf(path, sizeof(path), "%s/.hidden.vhd", root);
	put(path, "h");

	snprintf(path, sizeof(path), "%s/out_abs", root);
	snprintf(target, sizeof(target), "%s/outside/secret.vhd", tmp);
	ck_assert_int_eq(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/out_rel", root);
	ck_assert_int_eq(symlink("../outside/secret.vhd", path), 0);
	snprintf(path, sizeof(path), "%s/dirlink_out", root);
	snprintf(target, sizeof(target), "%s/outside", tmp);
	ck_assert_int_eq(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/in_link", root);
	ck_assert_int_eq(symlink("iSCSI_target_disks/VirtualDisk1.vhd", path), 0);
	snprintf(path, sizeof(path), "%s/sub/up_link", root);
	ck_assert_int_eq(symlink("../iSCSI_target_disks/VirtualDisk1.vhd", path), 0);
	snprintf(path, sizeof(path), "%s/loop", root);
	ck_assert_int_eq(symlink("loop", path), 0);
	snprintf(path, sizeof(path), "%s/magic", root);
	ck_assert_int_eq(symlink("/proc/self/root/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/fifo", root);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/sock", root);
	ck_assert_uint_lt(strlen(path), sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(s);
	snprintf(path, sizeof(path), "%s/nulldev", root);
	have_dev = mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0;

	paths_init(&p);
	snprintf(path, sizeof(path), "D:=%s", root);
	ck_assert_int_eq(paths_add_root(&p, path), 0);
	snprintf(path, sizeof(path), "e=%s", other);
	ck_assert_int_eq(paths_add_root(&p, path), 0);
}

static void teardown(void)
{
	char cmd[512];

	paths_release(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}

struct hostile {
	const char *in;              /* %R = root dir, %T = temp dir */
	int len_extra;               /* bytes of the literal past its strlen (NULs) */
	int err;                     /* paths_resolve_file with openat2 */
	int err_walk;                /* without openat2 (1 = same as err) */
	bool needs_dev;              /* only when mknod worked */
};

#define SAME 1
static const struct hostile table[] = {
	/* accepted spellings */
	{ "D:\\iSCSI_target_disks\\VirtualDisk1.vhd", 0, 0, SAME, false },
	{ "d:/iSCSI_target_disks/VirtualDisk1.vhd", 0, 0, SAME, false },
	{ "D:\\iSCSI_target_disks/VirtualDisk1.vhd", 0, 0, SAME, false },
	{ "D:\\\\iSCSI_target_disks\\\\.\\VirtualDisk1.vhd\\", 0, 0, SAME, false },
	{ "D:\\sub\\..\\iSCSI_target_disks\\VirtualDisk1.vhd", 0, 0, SAME, false },
	{ "%R/iSCSI_target_disks/VirtualDisk1.vhd", 0, 0, SAME, false },
	{ "%R//sub/./../iSCSI_target_disks/VirtualDisk1.vhd", 0, 0, SAME, false },
	{ "D:\\iSCSI_target_disks\\\xc3\x9cn\xc3\xaf" "code.vhd", 0, 0, SAME, false },
	/* symlinks inside the root: followed with openat2, refused by the walk */
	{ "D:\\in_link", 0, 0, -EACCES, false },
	{ "D:\\sub\\up_link", 0, 0, -EACCES, false },
	/* escapes */
	{ "D:\\..\\outside\\secret.vhd", 0, -EACCES, SAME, false },
	{ "D:\\iSCSI_target_disks\\..\\..\\outside\\secret.vhd", 0, -EACCES, SAME, false },
	{ "D:/../../../../etc/passwd", 0, -EACCES, SAME, false },
	{ "E:\\..\\root\\iSCSI_target_disks\\VirtualDisk1.vhd", 0, -EACCES, SAME, false },
	{ "%R/../outside/secret.vhd", 0, -EACCES, SAME, false },
	{ "%T/outside/secret.vhd", 0, -EACCES, SAME, false },
	{ "%Rx/file.vhd", 0, -EACCES, SAME, false }, /* "<tmp>/rootx": prefix, not inside */
	{ "/etc/passwd", 0, -EACCES, SAME, false },
	{ "/", 0, -EACCES, SAME, false },
	{ "Z:\\x.vhd", 0, -EACCES, SAME, false },
	{ "D:\\out_abs", 0, -EACCES, SAME, false },
	{ "D:\\out_rel", 0, -EACCES, SAME, false },
	{ "D:\\dirlink_out\\secret.vhd", 0, -EACCES, SAME, false },
	{ "D:\\magic", 0, -EACCES, SAME, false },
	{ "D:\\loop", 0, -EACCES, SAME, false },
	/* not files */
	{ "D:\\fifo", 0, -EACCES, SAME, false },
	{ "D:\\sock", 0, -EACCES, SAME, false },
	{ "D:\\nulldev", 0, -EACCES, SAME, true },
	{ "D:\\iSCSI_target_disks", 0, -EISDIR, SAME, false },
	{ "D:", 0, -EISDIR, SAME, false },
	{ "D:\\iSCSI_target_disks\\VirtualDisk1.vhd\\x", 0, -ENOTDIR, SAME, false },
	{ "D:\\missing.vhd", 0, -ENOENT, SAME, false },
	/* malformed */
	{ "", 0, -EINVAL, SAME, false },
	{ "D:\\iSCSI_target_disks\\VirtualDisk1.vhd\0.txt", 4, -EINVAL, SAME, false },
	{ "\\\\?\\D:\\iSCSI_target_disks\\VirtualDisk1.vhd", 0, -EINVAL, SAME, false },
	{ "\\\\.\\PhysicalDrive0", 0, -EINVAL, SAME, false },
	{ "\\\\server\\share\\x.vhd", 0, -EINVAL, SAME, false },
	{ "//server/share/x.vhd", 0, -EINVAL, SAME, false },
	{ "\\/?/D:/x.vhd", 0, -EINVAL, SAME, false },
	{ "\\??\\D:\\x.vhd", 0, -EINVAL, SAME, false },
	{ "D:iSCSI_target_disks\\VirtualDisk1.vhd", 0, -EINVAL, SAME, false },
	{ "\\iSCSI_target_disks\\VirtualDisk1.vhd", 0, -EINVAL, SAME, false },
	{ "iSCSI_target_disks\\VirtualDisk1.vhd", 0, -EINVAL, SAME, false },
	{ "..\\outside\\secret.vhd", 0, -EINVAL, SAME, false },
	{ "1:\\x.vhd", 0, -EINVAL, SAME, false },
	{ "%R/iSCSI_target_disks\\VirtualDisk1.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\iSCSI_target_disks\\VirtualDisk1.vhd:stream", 0, -EINVAL, SAME, false },
	{ "D:\\con", 0, -EINVAL, SAME, false },
	{ "D:\\NUL.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\sub\\Lpt1", 0, -EINVAL, SAME, false },
	{ "D:\\trailing.vhd.", 0, -EINVAL, SAME, false },
	{ "D:\\trailing.vhd ", 0, -EINVAL, SAME, false },
	{ "D:\\a<b.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\a|b.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\a?b.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\a*b.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\a\"b.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\a,b.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\ctrl\x01.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\new\nline.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\\x1b[2Jansi.vhd", 0, -EINVAL, SAME, false },
	{ "D:\\\xff\xfe.vhd", 0, -EILSEQ, SAME, false },
	{ "D:\\\xc0\xaf..\xc0\xafoutside", 0, -EILSEQ, SAME, false }, /* overlong '/' */
	{ "D:\\\xed\xa0\x80.vhd", 0, -EILSEQ, SAME, false },           /* surrogate */
	{ "D:\\%L", 0, -ENAMETOOLONG, SAME, false },                     /* 256-byte name */
	{ "D:\\%P", 0, -ENAMETOOLONG, SAME, false },                     /* 5000-byte path */
};

/* Expand %R, %T, %L, %P into BUF; returns the length (NULs counted). */
static size_t expand(const struct hostile *h, char *buf, size_t cap)
{
	size_t o = 0;

	for (const char *s = h->in; *s; s++) {
		const char *add = NULL;
		char fill[5001];

		if (s[0] == '%' && s[1]) {
			switch (s[1]) {
			case 'R': add = root; break;
			case 'T': add = tmp; break;
			case 'L':
				memset(fill, 'a', 256);
				fill[256] = '\0';
				add = fill;
				break;
			case 'P':
				for (int i = 0; i < 5000; i++)
					fill[i] = i % 100 == 99 ? '\\' : 'b';
				fill[5000] = '\0';
				add = fill;
				break;
			}
		}
		if (add) {
			size_t l = strlen(add);

			ck_assert_uint_lt(o + l, cap);
			memcpy(buf + o, add, l);
			o += l;
			s++;
		} else {
			ck_assert_uint_lt(o + 1, cap);
			buf[o++] = *s;
		}
	}
	/* bytes after an embedded NUL */
	if (h->len_extra) {
		const char *tail = h->in + strlen(h->in) + 1;

		buf[o++] = '\0';
		memcpy(buf + o, tail, (size_t)h->len_extra - 1);
		o += (size_t)h->len_extra - 1;
	}
	buf[o] = '\0';
	return o;
}

static hresult expected_hresult(int err)
{
	switch (err) {
	case 0: return S_OK;
	case -EINVAL: case -EILSEQ: case -ENAMETOOLONG: return E_INVALIDARG;
	case -EACCES: return E_ACCESSDENIED;
	case -ENOENT: return ERROR_FILE_NOT_FOUND;
	case -EISDIR: return ERROR_DIRECTORY;
	case -ENOTDIR: return ERROR_PATH_NOT_FOUND;
	default: return E_FAIL;
	}
}

static void run_table(bool walk)
{
	char in[8192], abs[4096], secret[600];
	int checked = 0;

	p.no_openat2 = walk;
	snprintf(secret, sizeof(secret), "%s/outside/secret.vhd", tmp);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct hostile *h = &table[i];
		size_t len = expand(h, in, sizeof(in));
		int want = walk && h->err_walk != SAME ? h->err_walk : h->err;
		int err;

		if (h->needs_dev && !have_dev)
			continue;
		abs[0] = '\0';
		err = paths_resolve_file(&p, in, len, abs, sizeof(abs));
		ck_assert_msg(err == want, "%s: row %zu '%s': got %d (%s), want %d",
			      walk ? "walk" : "openat2", i, h->in, err,
			      err ? paths_errmsg(&p) : abs, want);
		ck_assert_msg(paths_hresult(err) == expected_hresult(want),
			      "row %zu: HRESULT %s", i, hresult_name(paths_hresult(err)));
		if (err == 0) {
			ck_assert_msg(strncmp(abs, root, strlen(root)) == 0 && abs[strlen(root)] == '/',
				      "row %zu resolved outside the root: %s", i, abs);
		} else {
			ck_assert_msg(strlen(paths_errmsg(&p)) > 0, "row %zu: no message", i);
			/* messages never carry raw control characters */
			for (const char *m = paths_errmsg(&p); *m; m++)
				ck_assert_msg((unsigned char)*m >= 0x20, "row %zu: control character "
					      "in message", i);
		}
		ck_assert_str_ne(abs, secret);
		/* paths_open alone (no path check afterwards) refuses escapes too */
		if (want == -EACCES) {
			struct paths_loc loc;
			int fd = -1;

			err = paths_parse(&p, in, len, &loc);
			if (err == 0)
				err = paths_open(&p, &loc, O_PATH, &fd);
			ck_assert_msg(err == -EACCES && fd == -1, "row %zu: paths_open gave %d",
				      i, err);
		}
		checked++;
	}
	ck_assert_int_ge(checked, 60);
}

START_TEST(test_hostile_openat2)
{
	run_table(false);
}
END_TEST

START_TEST(test_hostile_walk)
{
	run_table(true);
}
END_TEST

START_TEST(test_open_kinds)
{
	struct paths_loc loc;
	char buf[16] = "";
	int fd;

	ck_assert_int_eq(paths_parse(&p, "D:\\iSCSI_target_disks\\VirtualDisk1.vhd", 38, &loc), 0);
	ck_assert_str_eq(loc.rel, "iSCSI_target_disks/VirtualDisk1.vhd");
	ck_assert_int_eq(paths_open(&p, &loc, O_RDWR, &fd), 0);
	ck_assert_int_eq(pread(fd, buf, 5, 0), 5);
	ck_assert_str_eq(buf, "disk1");
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	close(fd);
	ck_assert_int_eq(paths_open(&p, &loc, O_RDWR | O_CREAT, &fd), -EINVAL);
	ck_assert_int_eq(paths_parse(&p, "D:\\sub", 6, &loc), 0);
	ck_assert_int_eq(paths_open(&p, &loc, O_RDWR, &fd), -EISDIR);
	ck_assert_int_eq(paths_open(&p, &loc, O_RDONLY | O_DIRECTORY, &fd), 0);
	close(fd);
	/* opening the FIFO must not block: it is refused before any open */
	ck_assert_int_eq(paths_parse(&p, "D:\\fifo", 7, &loc), 0);
	ck_assert_int_eq(paths_open(&p, &loc, O_RDONLY, &fd), -EACCES);
	ck_assert_int_eq(fd, -1);
}
END_TEST

START_TEST(test_create_paths)
{
	char abs[4096], want[1024], dname[PATHS_NAME_MAX + 1];
	struct paths_loc loc;
	int dfd, fd;

	ck_assert_int_eq(paths_resolve_new(&p, "D:\\iSCSI_target_disks\\new.vhd", 29, abs,
					   sizeof(abs)), 0);
	snprintf(want, sizeof(want), "%s/iSCSI_target_disks/new.vhd", root);
	ck_assert_str_eq(abs, want);
	ck_assert_int_eq(paths_resolve_new(&p, "D:\\iSCSI_target_disks\\VirtualDisk1.vhd", 38,
					   abs, sizeof(abs)), -EEXIST);
	ck_assert_int_eq(paths_resolve_new(&p, "D:\\out_abs", 10, abs, sizeof(abs)), -EEXIST);
	ck_assert_int_eq(paths_resolve_new(&p, "D:\\..\\outside\\new.vhd", 21, abs,
					   sizeof(abs)), -EACCES);
	ck_assert_int_eq(paths_resolve_new(&p, "D:\\dirlink_out\\new.vhd", 22, abs,
					   sizeof(abs)), -EACCES);
	ck_assert_int_eq(paths_resolve_new(&p, "D:\\nodir\\new.vhd", 16, abs, sizeof(abs)),
			 -ENOENT);
	ck_assert_int_eq(paths_resolve_new(&p, "D:\\", 3, abs, sizeof(abs)), -EINVAL);

	/* creating through the parent descriptor */
	ck_assert_int_eq(paths_parse(&p, "D:/sub/made.vhd", 15, &loc), 0);
	ck_assert_int_eq(paths_open_parent(&p, &loc, &dfd, dname), 0);
	ck_assert_str_eq(dname, "made.vhd");
	fd = openat(dfd, dname, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(paths_fd_path(&p, fd, abs, sizeof(abs)), 0);
	snprintf(want, sizeof(want), "%s/sub/made.vhd", root);
	ck_assert_str_eq(abs, want);
	close(fd);
	close(dfd);
	/* nothing appeared outside */
	snprintf(want, sizeof(want), "%s/outside/new.vhd", tmp);
	ck_assert_int_eq(access(want, F_OK), -1);
}
END_TEST

START_TEST(test_client_form)
{
	char buf[4096], in[1024];

	snprintf(in, sizeof(in), "%s/iSCSI_target_disks/VirtualDisk1.vhd", root);
	ck_assert_int_eq(paths_to_client(&p, in, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "D:\\iSCSI_target_disks\\VirtualDisk1.vhd");
	ck_assert_int_eq(paths_to_client(&p, root, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "D:\\");
	ck_assert_int_eq(paths_to_client(&p, "/etc/passwd", buf, sizeof(buf)), -EACCES);
	ck_assert_int_eq(paths_to_client(&p, in, buf, 8), -ERANGE);
}
END_TEST

START_TEST(test_volume_view)
{
	struct paths_drive_info di;
	struct paths_dirent *e;
	size_t n;

	ck_assert_int_eq(paths_drive_info(&p, 'd', &di), 0);
	ck_assert_str_eq(di.drive, "D:\\");
	ck_assert_uint_gt(di.total_bytes, 0);
	ck_assert_uint_le(di.free_bytes, di.total_bytes);
	ck_assert_int_eq(paths_drive_info(&p, 'Q', &di), -EACCES);

	ck_assert_int_eq(paths_list_dir(&p, "D:\\", 3, &e, &n), 0);
	/* .hidden.vhd, iSCSI_target_disks, sub: no symlinks, FIFO, socket or device */
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(e[0].name, ".hidden.vhd");
	ck_assert(e[0].attributes & PATHS_ATTR_HIDDEN);
	ck_assert_uint_eq(e[0].size, 1);
	ck_assert_str_eq(e[1].name, "iSCSI_target_disks");
	ck_assert(e[1].is_dir);
	ck_assert_uint_eq(e[1].attributes & PATHS_ATTR_DIRECTORY, PATHS_ATTR_DIRECTORY);
	ck_assert_str_eq(e[1].full, "D:\\iSCSI_target_disks");
	ck_assert_uint_gt(e[1].mtime, 116444736000000000ull);
	free(e);
	ck_assert_int_eq(paths_list_dir(&p, "D:\\iSCSI_target_disks", 21, &e, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[0].name, "VirtualDisk1.vhd");
	ck_assert_str_eq(e[0].full, "D:\\iSCSI_target_disks\\VirtualDisk1.vhd");
	ck_assert_uint_eq(e[0].size, 5);
	ck_assert(!e[0].is_dir);
	free(e);
	ck_assert_int_eq(paths_list_dir(&p, "D:\\dirlink_out", 14, &e, &n), -EACCES);
	ck_assert_int_eq(paths_list_dir(&p, "D:\\..", 5, &e, &n), -EACCES);
	ck_assert_int_eq(paths_list_dir(&p, "D:\\in_link", 10, &e, &n), -ENOTDIR);
	ck_assert_uint_eq(paths_filetime(0, 0), 116444736000000000ull);
}
END_TEST

START_TEST(test_root_config)
{
	struct paths q;
	char spec[600];

	paths_init(&q);
	ck_assert_int_eq(paths_add_root(&q, "relative/dir"), -EINVAL);
	ck_assert_int_eq(paths_add_root(&q, "A:=/tmp"), -EINVAL);
	snprintf(spec, sizeof(spec), "%s/missing", tmp);
	ck_assert_int_eq(paths_add_root(&q, spec), -ENOENT);
	ck_assert_int_eq(paths_add_root(&q, root), 0);        /* gets C: */
	ck_assert_ptr_nonnull(paths_root_by_letter(&q, 'c'));
	snprintf(spec, sizeof(spec), "C:=%s", other);
	ck_assert_int_eq(paths_add_root(&q, spec), -EEXIST);
	snprintf(spec, sizeof(spec), "%s/sub", root);
	ck_assert_int_eq(paths_add_root(&q, spec), -EINVAL); /* nested */
	ck_assert_int_eq(paths_add_root(&q, tmp), -EINVAL);  /* contains a root */
	snprintf(spec, sizeof(spec), "%s/rootx", tmp);
	ck_assert_int_eq(paths_add_root(&q, spec), 0);       /* prefix but not nested: D: */
	ck_assert_int_eq(paths_root_by_letter(&q, 'D')->letter, 'D');
	paths_release(&q);
}
END_TEST

START_TEST(test_hresult_names)
{
	ck_assert_str_eq(hresult_name(E_INVALIDARG), "E_INVALIDARG");
	ck_assert_str_eq(hresult_name(E_ACCESSDENIED), "E_ACCESSDENIED");
	ck_assert_str_eq(hresult_name(0x80070057u), "E_INVALIDARG");
	ck_assert_str_eq(hresult_name(ERROR_DEVICE_IN_USE), "ERROR_DEVICE_IN_USE");
	ck_assert_str_eq(hresult_name(VSS_E_OBJECT_NOT_FOUND), "VSS_E_OBJECT_NOT_FOUND");
	ck_assert_str_eq(hresult_name(S_FALSE), "S_FALSE");
	ck_assert_ptr_null(hresult_name(0x12345678u));
	ck_assert_uint_eq(hresult_from_errno(-EEXIST), ERROR_ALREADY_EXISTS);
	ck_assert_uint_eq(hresult_from_errno(-EBUSY), ERROR_DEVICE_IN_USE);
	ck_assert_uint_eq(hresult_from_errno(-12345), E_FAIL);
	ck_assert(HRESULT_FAILED(E_FAIL) && HRESULT_SUCCEEDED(S_FALSE));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("paths");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hostile_openat2);
	tcase_add_test(tc, test_hostile_walk);
	tcase_add_test(tc, test_open_kinds);
	tcase_add_test(tc, test_create_paths);
	tcase_add_test(tc, test_client_form);
	tcase_add_test(tc, test_volume_view);
	tcase_add_test(tc, test_root_config);
	tcase_add_test(tc, test_hresult_names);
	return check_run("istmd-paths", tc);
}
