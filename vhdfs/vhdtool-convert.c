/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-convert.c: `vhdtool convert`, a VHD chain to a raw file, a raw
 * file to a VHD, or a chain flattened into one new VHD.
 *
 * One copy loop serves every direction: a source tells where its data is
 * (vhd_chain_map() for a chain, SEEK_DATA/SEEK_HOLE for a raw file), so
 * holes and unallocated blocks are skipped without reading them, and data
 * is read straight from the layer's file descriptor in large buffers (no
 * per-sector calls, cost independent of chain depth).  Data that turns out
 * to be zeros is not written either: a raw output stays sparse, and a VHD
 * output allocates only blocks that hold something.  The trade-off is a
 * scan of every buffer for zeros, which costs far less than the disk.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/io.h"
#include "common/iszero.h"
#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool convert [--quiet] FILE OUT.raw\n"
	"       vhdtool convert --to vhd|vhdx [--type dynamic|fixed] [--block-size SIZE]\n"
	"                       [--from raw|vhd] [--quiet] IN OUT.vhd\n"
	"\n"
	"Without --to: write the virtual disk of the VHD or VHDX FILE (its chain)\n"
	"to OUT.raw, a sparse raw image (replaced if it exists).\n"
	"With --to vhd: write IN, a raw image (or with --from vhd, a VHD chain,\n"
	"flattened) to a new VHD OUT.vhd (replaced if it exists); a dynamic\n"
	"output allocates only the blocks that are not all zeros.  The virtual\n"
	"size is IN's size rounded up to a multiple of 512 bytes.\n";

/* 8 MiB per read: large enough that the system call cost vanishes and
 * readahead streams, small enough to stay in L2/L3-friendly territory
 * while the buffer is scanned for zeros. */
#define COPY_BUF (8u << 20)
/* Granularity of holes in a raw output: the usual file system block. */
#define RAW_HOLE_GRAIN 4096u
/* A raw output is written back in windows of this size while the copy
 * runs (see writeback_progress), so writing overlaps reading. */
#define WRITEBACK_WINDOW (32ull << 20)

enum fmt { FMT_RAW, FMT_VHD };

/* Where the input comes from. */
struct source {
	const char *path;     /* as given, for messages */
	enum fmt fmt;         /* raw file or VHD chain */
	vhd_chain *chain;     /* FMT_VHD: the open chain */
	int fd;               /* FMT_RAW: the open file */
	uint64_t size;        /* bytes of virtual disk (raw: file size) */
};

/* Where the output goes. */
struct dest {
	const char *path;     /* as given, for messages */
	enum fmt fmt;         /* raw file or VHD */
	vhd_chain *chain;     /* FMT_VHD: the new image, open writable */
	int fd;               /* FMT_RAW: the open file */
	int sparse;           /* skipped ranges read as zeros (regular or new) */
	uint64_t grain;       /* zero runs shorter than this are written anyway */
	int created;          /* we made the file: remove it on failure */
	uint8_t *zeros;       /* FMT_RAW, !sparse: a buffer of zeros */
	uint64_t wb_start;    /* FMT_RAW: start of the window not yet sent to disk */
};

/* The last failure came from libvhd (its message is current) rather than
 * from a system call (strerror is the reason). */
static int err_from_lib;

/* One run of the source: either zeros or LENGTH bytes readable at
 * FD/FILE_OFFSET (raw: the source fd at the same offset). */
struct run {
	uint64_t length;      /* bytes with one source */
	int fd;               /* -1 for zeros */
	uint64_t file_offset; /* where in fd */
};

static int source_map(struct source *s, uint64_t off, uint64_t len, struct run *run)
{
	struct vhd_extent ext;
	off_t data, hole;
	int r;

	if (s->fmt == FMT_VHD) {
		err_from_lib = 1;
		r = vhd_chain_map(s->chain, off, len, &ext);
		if (r < 0)
			return r;
		err_from_lib = 0;
		if (ext.length == 0 || ext.length > len)
			return -EIO;
		run->length = ext.length;
		run->fd = ext.fd;
		run->file_offset = ext.file_offset;
		return 0;
	}
	/* A raw file: its holes are zeros.  File systems without SEEK_DATA
	 * report everything as data, which is merely slower. */
	data = lseek(s->fd, (off_t)off, SEEK_DATA);
	if (data < 0 && errno == ENXIO)
		data = (off_t)s->size;
	if (data < 0) {
		run->length = len;
		run->fd = s->fd;
		run->file_offset = off;
		return 0;
	}
	if ((uint64_t)data > off) {
		run->length = (uint64_t)data - off < len ? (uint64_t)data - off : len;
		run->fd = -1;
		run->file_offset = 0;
		return 0;
	}
	hole = lseek(s->fd, (off_t)off, SEEK_HOLE);
	if (hole < 0 || (uint64_t)hole <= off)
		hole = (off_t)(off + len);
	run->length = (uint64_t)hole - off < len ? (uint64_t)hole - off : len;
	run->fd = s->fd;
	run->file_offset = off;
	return 0;
}

static int dest_write(struct dest *d, const void *buf, size_t len, uint64_t off)
{
	err_from_lib = d->fmt == FMT_VHD;
	if (d->fmt == FMT_VHD)
		return vhd_chain_pwrite(d->chain, buf, len, off);
	return pwrite_all(d->fd, buf, len, off);
}

/* Without this, a convert dirties the whole output in the page cache and
 * then waits for all of it in the final fdatasync: reading and writing
 * happen one after the other, and a large convert evicts everything else
 * from memory.  So each finished window is handed to the disk at once
 * (SYNC_FILE_RANGE_WRITE does not wait), the window before it is waited
 * for and dropped from the cache: the disk writes while we read, dirty
 * memory stays at two windows, and the final fdatasync has little left. */
static void writeback_progress(struct dest *d, uint64_t written_upto)
{
	if (d->fmt != FMT_RAW || d->fd < 0)
		return;
	while (written_upto >= d->wb_start + WRITEBACK_WINDOW) {
		sync_file_range(d->fd, (off_t)d->wb_start, WRITEBACK_WINDOW, SYNC_FILE_RANGE_WRITE);
		if (d->wb_start >= WRITEBACK_WINDOW) {
			off_t prev = (off_t)(d->wb_start - WRITEBACK_WINDOW);

			sync_file_range(d->fd, prev, WRITEBACK_WINDOW,
			                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			                SYNC_FILE_RANGE_WAIT_AFTER);
			posix_fadvise(d->fd, prev, WRITEBACK_WINDOW, POSIX_FADV_DONTNEED);
		}
		d->wb_start += WRITEBACK_WINDOW;
	}
}

/* Zeros in a non-sparse output (a block device) must be written. */
static int dest_write_zeros(struct dest *d, uint64_t off, uint64_t len)
{
	int r;

	if (d->sparse)
		return 0;
	while (len) {
		size_t n = len < COPY_BUF ? (size_t)len : COPY_BUF;

		r = dest_write(d, d->zeros, n, off);
		if (r < 0)
			return r;
		off += n;
		len -= n;
	}
	return 0;
}

/* Write BUF (LEN bytes at OFF), leaving out grain-aligned pieces that are
 * all zeros; adjacent non-zero pieces go out in one call. */
static int dest_write_sparse(struct dest *d, const uint8_t *buf, size_t len, uint64_t off)
{
	size_t pos = 0, start = 0;
	int in_data = 0, r;

	if (!d->sparse)
		return dest_write(d, buf, len, off);
	while (pos < len) {
		uint64_t abs = off + pos;
		size_t piece = (size_t)(d->grain - abs % d->grain);
		int zero;

		if (piece > len - pos)
			piece = len - pos;
		zero = is_zero(buf + pos, piece);
		if (!zero && !in_data) {
			start = pos;
			in_data = 1;
		} else if (zero && in_data) {
			r = dest_write(d, buf + start, pos - start, off + start);
			if (r < 0)
				return r;
			in_data = 0;
		}
		pos += piece;
	}
	if (in_data)
		return dest_write(d, buf + start, len - start, off + start);
	return 0;
}

static int read_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	int r;

	err_from_lib = 0;
	r = pread_all(fd, buf, len, off);
	/* end of file: a raw file shrank under us, or a map past EOF */
	return r == -ENODATA ? -EIO : r;
}

/* The copy loop: returns 0 or a negative errno; *IN_SOURCE says whether
 * the failure was reading (1) or writing (0), for the message. */
/* Ask the kernel to start reading what comes after the chunk we are about
 * to read (POSIX_FADV_WILLNEED queues the I/O and returns), so the disk
 * always has the next request while we scan and write the current one,
 * also when the next extent lives in another layer's file, where the
 * kernel's sequential readahead cannot guess it.  *UPTO is the virtual
 * offset prefetched so far; failures only cost speed. */
static void prefetch(struct source *s, uint64_t *upto, uint64_t target)
{
	struct run run;

	if (target > s->size)
		target = s->size;
	while (*upto < target) {
		if (source_map(s, *upto, target - *upto, &run) < 0)
			return;
		if (run.fd >= 0)
			posix_fadvise(run.fd, (off_t)run.file_offset, (off_t)run.length, POSIX_FADV_WILLNEED);
		*upto += run.length;
	}
}

/* How far ahead of the copy prefetch() keeps the disk busy. */
#define PREFETCH_AHEAD (16ull << 20)

static int copy(struct source *s, struct dest *d, uint8_t *buf, int *in_source)
{
	uint64_t prefetched = 0;
	struct tool_progress prog;
	uint64_t off = 0;
	int last_fd = -1, r = 0;
	struct run run;

	tool_progress_init(&prog, "converting");
	while (off < s->size) {
		*in_source = 1;
		r = source_map(s, off, s->size - off, &run);
		if (r < 0)
			break;
		if (run.fd < 0) {
			*in_source = 0;
			r = dest_write_zeros(d, off, run.length);
			if (r < 0)
				break;
			off += run.length;
		} else {
			uint64_t done = 0;

			if (run.fd != last_fd) {
				/* Doubles readahead on the layer we now stream. */
				posix_fadvise(run.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
				last_fd = run.fd;
			}
			while (done < run.length) {
				size_t n = run.length - done < COPY_BUF ? (size_t)(run.length - done) : COPY_BUF;

				prefetch(s, &prefetched, off + done + n + PREFETCH_AHEAD);
				*in_source = 1;
				r = read_full(run.fd, buf, n, run.file_offset + done);
				if (r < 0)
					break;
				*in_source = 0;
				r = dest_write_sparse(d, buf, n, off + done);
				if (r < 0)
					break;
				done += n;
				writeback_progress(d, off + done);
				tool_progress_update(off + done, s->size, &prog);
			}
			if (r < 0)
				break;
			off += run.length;
		}
		tool_progress_update(off, s->size, &prog);
	}
	tool_progress_end(&prog);
	return r;
}

static int parse_fmt(const char *s, enum fmt *fmt)
{
	if (strcmp(s, "raw") == 0)
		*fmt = FMT_RAW;
	else if (strcmp(s, "vhd") == 0 || strcmp(s, "vpc") == 0)
		*fmt = FMT_VHD;
	else
		return -EINVAL;
	return 0;
}

static int open_source(struct source *s)
{
	struct stat st;
	int r;

	if (s->fmt == FMT_VHD) {
		r = vhd_chain_open(s->path, VHD_OPEN_RDONLY, &s->chain);
		if (r < 0) {
			tool_fail("convert", s->path, r);
			return -1;
		}
		s->size = vhd_chain_size(s->chain);
		return 0;
	}
	s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) < 0) {
		tool_failx("convert", s->path, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		s->size = (uint64_t)st.st_size;
	} else {
		off_t end = lseek(s->fd, 0, SEEK_END);

		if (end < 0) {
			tool_failx("convert", s->path, "not a file or block device");
			return -1;
		}
		s->size = (uint64_t)end;
	}
	if (s->size == 0) {
		tool_failx("convert", s->path, "empty input");
		return -1;
	}
	return 0;
}

/* Refuse to write over any file the source reads from. */
static int output_is_input(struct source *s, const char *out)
{
	struct vhd_info *info;
	int i, depth, same = 0;

	if (s->fmt == FMT_RAW)
		return tool_same_file(s->path, out);
	info = malloc(sizeof(*info));
	if (!info)
		return 1;
	depth = vhd_chain_depth(s->chain);
	for (i = 0; i < depth && !same; i++)
		if (vhd_chain_layer_info(s->chain, i, info) == 0 && tool_same_file(info->path, out))
			same = 1;
	free(info);
	return same;
}

/* The image format of a VHD output (--to vhd or --to vhdx). */
static enum vhd_format out_format = VHD_FORMAT_VHD;

static int open_dest(struct dest *d, uint64_t size, enum vhd_type type, uint32_t block_size)
{
	struct vhd_create_opts opts;
	struct vhd_info *info;
	struct stat st;
	int r;

	d->created = access(d->path, F_OK) != 0;
	if (d->fmt == FMT_VHD) {
		memset(&opts, 0, sizeof(opts));
		opts.type = type;
		opts.size = size;
		opts.block_size = block_size;
		opts.format = out_format;
		opts.flags = VHD_CREATE_OVERWRITE;
		r = vhd_create(d->path, &opts);
		if (r < 0) {
			tool_fail("convert", d->path, r);
			return -1;
		}
		d->created = 1;
		r = vhd_chain_open(d->path, 0, &d->chain);
		if (r < 0) {
			tool_fail("convert", d->path, r);
			return -1;
		}
		/* A new image reads as zeros everywhere: skipping zero blocks
		 * is what keeps a dynamic output small. */
		d->sparse = 1;
		d->grain = 2u << 20;
		info = malloc(sizeof(*info));
		if (info && vhd_chain_layer_info(d->chain, 0, info) == 0 && info->block_size)
			d->grain = info->block_size;
		free(info);
		return 0;
	}
	d->fd = open(d->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (d->fd < 0 || fstat(d->fd, &st) < 0) {
		tool_failx("convert", d->path, "cannot create: %s", strerror(errno));
		d->created = 0;
		return -1;
	}
	d->grain = RAW_HOLE_GRAIN;
	if (S_ISREG(st.st_mode)) {
		/* Truncate to 0 first so old data cannot survive in our holes. */
		if (ftruncate(d->fd, 0) < 0 || ftruncate(d->fd, (off_t)size) < 0) {
			tool_failx("convert", d->path, "cannot size the output: %s", strerror(errno));
			return -1;
		}
		d->sparse = 1;
	} else {
		d->created = 0;
		d->sparse = 0;
		d->zeros = calloc(1, COPY_BUF);
		if (!d->zeros) {
			tool_failx("convert", d->path, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int close_dest(struct dest *d)
{
	int r = 0;

	if (d->fmt == FMT_VHD) {
		if (d->chain) {
			r = vhd_chain_flush(d->chain);
			if (r < 0)
				tool_fail("convert", d->path, r);
			vhd_chain_close(d->chain);
			d->chain = NULL;
		}
		return r;
	}
	if (d->fd >= 0) {
		/* The output is complete when we say so, also after a crash. */
		if (fdatasync(d->fd) < 0 && errno != EINVAL) {
			r = -errno;
			tool_failx("convert", d->path, "cannot flush: %s", strerror(errno));
		}
		if (close(d->fd) < 0 && r == 0) {
			r = -errno;
			tool_failx("convert", d->path, "cannot close: %s", strerror(errno));
		}
		d->fd = -1;
	}
	return r;
}

int cmd_convert(int argc, char **argv)
{
	struct source src = { .fd = -1 };
	struct dest dst = { .fd = -1 };
	enum vhd_type type = VHD_TYPE_DYNAMIC;
	const char *to = NULL, *from = NULL, *type_arg = NULL;
	int have_from = 0, have_type = 0, in_source = 0, nargs, r, rc = EXIT_ERROR;
	uint64_t block_size = 0, vsize;
	uint8_t *buf = NULL;
	const struct tool_opt opts[] = {
		{ "to", 'O', TOOL_STRING, &to, "raw|vhd|vhdx", "output format (default raw)", NULL, 0 },
		{ "from", 'f', TOOL_STRING, &from, "raw|vhd",
		  "input format (default: vhd for raw output,\n"
		  "vhd meaning any VHD or VHDX chain;\n"
		  "raw for vhd output)", NULL, 0 },
		{ "type", 't', TOOL_STRING, &type_arg, "dynamic|fixed", "VHD output type (default dynamic)",
		  NULL, 0 },
		{ "block-size", 'b', TOOL_SIZE, &block_size, "SIZE",
		  "VHD output block size (default 2M; VHDX 32M)", "block size", UINT32_MAX },
		{ 0 },
	};
	const struct tool_verb verb = {
		"convert", usage, "no progress line", opts, 2, 2, "input and output are required", 0,
	};
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	dst.fmt = FMT_RAW;
	if (to) {
		out_format = strcmp(to, "vhdx") == 0 ? VHD_FORMAT_VHDX : VHD_FORMAT_VHD;
		if (out_format == VHD_FORMAT_VHDX)
			dst.fmt = FMT_VHD;
		else if (parse_fmt(to, &dst.fmt) < 0)
			return tool_usage_error("convert", "unknown output format '%s'", to);
	}
	if (from) {
		if (strcmp(from, "vhdx") == 0)
			src.fmt = FMT_VHD;
		else if (parse_fmt(from, &src.fmt) < 0)
			return tool_usage_error("convert", "unknown input format '%s'", from);
		have_from = 1;
	}
	if (type_arg) {
		if (strcmp(type_arg, "dynamic") == 0)
			type = VHD_TYPE_DYNAMIC;
		else if (strcmp(type_arg, "fixed") == 0)
			type = VHD_TYPE_FIXED;
		else
			return tool_usage_error("convert", "--type must be dynamic or fixed, not '%s'", type_arg);
		have_type = 1;
	}
	if (!have_from)
		src.fmt = dst.fmt == FMT_VHD ? FMT_RAW : FMT_VHD;
	if (dst.fmt == FMT_RAW && (have_type || block_size))
		return tool_usage_error("convert", "--type and --block-size are for --to vhd");
	if (dst.fmt == FMT_RAW && src.fmt == FMT_RAW)
		return tool_usage_error("convert", "raw to raw is a copy; use cp --sparse=always");
	if (type == VHD_TYPE_FIXED && block_size)
		return tool_usage_error("convert", "--block-size is for dynamic disks");
	src.path = args[0];
	dst.path = args[1];

	if (open_source(&src) < 0)
		goto out;
	if (output_is_input(&src, dst.path)) {
		tool_failx("convert", dst.path, "the output is one of the input files");
		goto out;
	}
	vsize = src.size;
	if (dst.fmt == FMT_VHD) {
		vsize = (src.size + 511) & ~(uint64_t)511;
		if (vsize > VHD_MAX_CREATE_SIZE && out_format == VHD_FORMAT_VHD) {
			tool_failx("convert", src.path, "%llu bytes is larger than the VHD limit of 2040 GiB",
			           (unsigned long long)src.size);
			goto out;
		}
	}
	buf = malloc(COPY_BUF);
	if (!buf) {
		tool_failx("convert", src.path, "out of memory");
		goto out;
	}
	if (open_dest(&dst, vsize, type, (uint32_t)block_size) < 0)
		goto fail_dest;

	r = copy(&src, &dst, buf, &in_source);
	if (r < 0) {
		const char *path = in_source ? src.path : dst.path;

		if (err_from_lib)
			tool_fail("convert", path, r);
		else
			tool_failx("convert", path, "%s: %s", in_source ? "read error" : "write error",
			           strerror(-r));
		goto fail_dest;
	}
	if (close_dest(&dst) < 0)
		goto fail_dest;
	rc = EXIT_OK;
	goto out;

fail_dest:
	close_dest(&dst);
	if (dst.created)
		unlink(dst.path);
out:
	free(buf);
	free(dst.zeros);
	if (src.chain)
		vhd_chain_close(src.chain);
	if (src.fd >= 0)
		close(src.fd);
	return rc;
}
