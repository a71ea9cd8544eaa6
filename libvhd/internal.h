/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* internal.h: libvhd's private declarations, one banner per file. */
#ifndef LIBVHD_INTERNAL_H
#define LIBVHD_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vhd.h"

#define VHD_PRINTF(a, b) __attribute__((format(printf, a, b)))

#define VHD_SECTOR 512u
#define VHD_FOOTER_SIZE 512u
#define VHD_HEADER_SIZE 1024u
#define VHD_BAT_UNUSED 0xFFFFFFFFu
#define VHD_MAX_DEPTH 256           /* chains deeper than this are refused */
#define VHD_MAX_LOCATOR_LEN 65536u  /* longest parent locator we read */
#define VHD_LOCATORS 8              /* parent locator entries in the header */
/* Seconds from the Unix epoch to the VHD epoch (2000-01-01 00:00:00 UTC). */
#define VHD_EPOCH_OFFSET 946684800

/* Locator platform codes (big-endian ASCII in the header). */
#define VHD_PLAT_W2KU 0x57326b75u /* "W2ku": absolute Windows path, UTF-16LE */
#define VHD_PLAT_W2RU 0x57327275u /* "W2ru": relative Windows path, UTF-16LE */
#define VHD_PLAT_MACX 0x4d616358u /* "MacX": file:// URL, UTF-8 */
#define VHD_PLAT_WI2R 0x57693272u /* "Wi2r": deprecated, ignored */
#define VHD_PLAT_WI2K 0x5769326bu /* "Wi2k": deprecated, ignored */

static inline bool vhd_is_pow2(uint64_t v) { return v && !(v & (v - 1)); }
static inline uint64_t vhd_round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

/* ---- format.c: the on-disk structures and their codecs. ---- */

/* The hard disk footer, decoded (see the offset table in format.c). */
struct vhd_footer {
	char cookie[8];             /* "conectix" */
	uint32_t features;          /* 0x2 (reserved bit) plus flags */
	uint32_t version;           /* file format version, 0x00010000 */
	uint64_t data_offset;       /* dynamic header offset, all ones for fixed */
	uint32_t timestamp;         /* seconds since 2000-01-01 UTC */
	char creator_app[4];        /* who made the file */
	uint32_t creator_version;   /* major << 16 | minor */
	uint32_t creator_os;        /* "Wi2k", "Mac " as a big-endian code */
	uint64_t original_size;     /* size at creation, bytes */
	uint64_t current_size;      /* virtual size, bytes */
	uint16_t cylinders;         /* CHS geometry */
	uint8_t heads;              /* CHS geometry */
	uint8_t sectors_per_track;  /* CHS geometry */
	uint32_t type;              /* enum vhd_type */
	uint32_t checksum;          /* as stored */
	uint8_t uuid[16];           /* unique id */
	uint8_t saved_state;        /* 1 when a saved state exists */
};

/* One parent locator entry of the dynamic header, decoded. */
struct vhd_locator {
	uint32_t code;              /* VHD_PLAT_* */
	uint32_t space;             /* space reserved, as stored (bytes or sectors) */
	uint32_t length;            /* bytes of locator data */
	uint64_t offset;            /* where the data is in the file */
};

/* The dynamic disk header, decoded. */
struct vhd_header {
	char cookie[8];             /* "cxsparse" */
	uint64_t data_offset;       /* unused, all ones */
	uint64_t table_offset;      /* BAT offset in the file */
	uint32_t version;           /* 0x00010000 */
	uint32_t max_table_entries; /* BAT entries */
	uint32_t block_size;        /* bytes of data per block */
	uint32_t checksum;          /* as stored */
	uint8_t parent_uuid[16];    /* diff: the parent's footer unique id */
	uint32_t parent_timestamp;  /* diff: the parent's footer timestamp or 0 */
	uint8_t parent_name[512];   /* diff: parent unicode name, UTF-16BE */
	struct vhd_locator loc[VHD_LOCATORS]; /* diff: parent locators */
};

uint16_t vhd_get_be16(const uint8_t *p);
uint32_t vhd_get_be32(const uint8_t *p);
uint64_t vhd_get_be64(const uint8_t *p);
void vhd_put_be16(uint8_t *p, uint16_t v);
void vhd_put_be32(uint8_t *p, uint32_t v);
void vhd_put_be64(uint8_t *p, uint64_t v);
/* Ones' complement of the byte sum of BUF, skipping the 4-byte field at SKIP. */
uint32_t vhd_checksum(const uint8_t *buf, size_t len, size_t skip);
void vhd_footer_decode(const uint8_t buf[VHD_FOOTER_SIZE], struct vhd_footer *f);
/* Encode F into BUF, computing and storing the checksum into F too. */
void vhd_footer_encode(struct vhd_footer *f, uint8_t buf[VHD_FOOTER_SIZE]);
bool vhd_footer_checksum_ok(const uint8_t buf[VHD_FOOTER_SIZE]);
void vhd_header_decode(const uint8_t buf[VHD_HEADER_SIZE], struct vhd_header *h);
void vhd_header_encode(struct vhd_header *h, uint8_t buf[VHD_HEADER_SIZE]);
bool vhd_header_checksum_ok(const uint8_t buf[VHD_HEADER_SIZE]);
/* CHS geometry for a disk of SECTORS sectors, per the VHD specification. */
void vhd_geometry(uint64_t sectors, uint16_t *cyl, uint8_t *heads, uint8_t *spt);
/* Bytes of the sector bitmap of a block of BLOCK_SIZE bytes, sector-padded. */
uint32_t vhd_bitmap_size(uint32_t block_size);
static inline bool vhd_bit_test(const uint8_t *bm, uint32_t i)
{
	return (bm[i >> 3] >> (7 - (i & 7))) & 1;
}
/* Length of the run of equal bits starting at bit I (at most N bits). */
uint32_t vhd_bit_run(const uint8_t *bm, uint32_t i, uint32_t n, bool *set);
void vhd_bits_set(uint8_t *bm, uint32_t first, uint32_t count);
void vhd_bits_clear(uint8_t *bm, uint32_t first, uint32_t count);
uint32_t vhd_now(void); /* VHD timestamp for now */
int vhd_uuid_generate(uint8_t uuid[16]);

/* ---- layer.c: one image file, opened and validated. ---- */

/* A bitmap with every bit set, as large as the largest (256 MiB blocks):
 * shared by every cached block whose bitmap is all ones (all blocks this
 * library allocates in dynamic disks), so they cost no memory.  Never
 * written: code that changes bits copies it first. */
#define VHD_MAX_BLOCK_SIZE (256u << 20)
#define VHD_MAX_BITMAP (VHD_MAX_BLOCK_SIZE / VHD_SECTOR / 8)
extern const uint8_t vhd_bitmap_full[VHD_MAX_BITMAP];

struct vhd_layer {
	char path[4096];            /* as opened (resolved for parents) */
	int fd;                     /* the image file */
	bool read_only;             /* opened O_RDONLY, or a parent now */
	bool unsettled;             /* a VHDX top pushed under a child with
	                             * VHD_PUSH_SETTLE_LATER: still locked
	                             * exclusively, its log not yet committed
	                             * (vhd_chain_settle_parents) */
	dev_t dev;                  /* st_dev, for loop detection */
	ino_t ino;                  /* st_ino, for loop detection */
	struct vhd_footer footer;   /* the footer in use (end, or copy at 0) */
	uint8_t footer_raw[VHD_FOOTER_SIZE]; /* its bytes, as written back */
	struct vhd_header header;   /* dynamic/diff only */
	uint64_t size;              /* virtual size (footer current size) */
	/* The fields below are protected by alloc_lock for writers; readers
	 * use atomic loads (BAT entries and bitmap pointers are published with
	 * release stores after the data they point to is on disk). */
	uint64_t footer_offset;     /* where the end footer lives (file end - 512) */
	uint32_t *bat;              /* BAT in host order, VHD_BAT_UNUSED = none */
	uint32_t bat_entries;       /* max table entries */
	uint32_t block_size;        /* bytes per block (0 for fixed) */
	uint32_t block_shift;       /* log2(block_size) */
	uint32_t bitmap_size;       /* bytes of bitmap before each block */
	const uint8_t **bitmaps;    /* per block: NULL = not loaded yet, or
	                             * vhd_bitmap_full, or a malloc'd copy */
	uint64_t meta_end;          /* end of headers, BAT and locators */
	bool repair_end;            /* end footer damaged: rewrite when writable */
	bool repair_copy;           /* footer copy at 0 damaged: rewrite */
	pthread_mutex_t alloc_lock; /* serialises allocation, bitmap updates,
	                             * footer moves */
	struct vhdx_layer *vhdx;    /* a VHDX file: its state (vhdx_internal.h);
	                             * NULL for VHD */
	bool transparent;           /* opened by a merge for writes that change
	                             * no data any reader sees, under shared
	                             * locks plus the merge lock (merge.c) */
};

/* Open PATH (read-only or not) and validate it; no locking, no parents. */
int vhd_layer_open(const char *path, bool read_only, struct vhd_layer **out);
/* Open PATH writable for a transparent writer (merge.c), which already
 * holds a shared lock and the merge lock on it: like vhd_layer_open(), but
 * a VHDX log left by an interrupted merge is replayed under those locks
 * instead of an exclusive one. */
int vhd_layer_open_transparent(const char *path, struct vhd_layer **out);
/* Rewrite a damaged footer or footer copy (after the lock is taken). */
int vhd_layer_repair(struct vhd_layer *l);
void vhd_layer_close(struct vhd_layer *l);
/* Take the flock for this layer: exclusive or shared, never waiting. */
int vhd_layer_lock(struct vhd_layer *l, bool exclusive);
/* The cached bitmap of allocated block B (loads it on first use). */
int vhd_layer_bitmap(struct vhd_layer *l, uint32_t b, const uint8_t **out);
/* pread/pwrite all LEN bytes at OFF of FD or fail with a message naming
 * PATH (the layer's, for the vhd_layer_ pair). */
int vhd_read_at(int fd, const char *path, void *buf, size_t len, uint64_t off);
int vhd_write_at(int fd, const char *path, const void *buf, size_t len, uint64_t off);
int vhd_layer_pread(struct vhd_layer *l, void *buf, size_t len, uint64_t off);
int vhd_layer_pwrite(struct vhd_layer *l, const void *buf, size_t len, uint64_t off);
/* Write the footer (F re-encoded) at OFF; used by allocation, grow. */
int vhd_layer_write_footer(struct vhd_layer *l, uint64_t off);
/* Is this layer dynamic or differencing (has a BAT)? */
static inline bool vhd_layer_sparse(const struct vhd_layer *l)
{
	return l->footer.type != VHD_TYPE_FIXED;
}
int vhd_layer_info(const struct vhd_layer *l, struct vhd_info *info);

/* What one layer says about the bytes at a virtual offset: the answer holds
 * for the first LENGTH bytes.  This is the only question the chain code asks
 * of a layer when reading, so each image format answers it in its own way. */
enum vhd_run_state {
	VHD_RUN_ABSENT,             /* not here: look in the parent (or zeros) */
	VHD_RUN_DATA,               /* in this layer's file at FILE_OFFSET */
	VHD_RUN_ZERO,               /* reads as zeros here, whatever parents hold */
};
struct vhd_run {
	uint64_t length;            /* bytes the answer covers, > 0 */
	enum vhd_run_state state;   /* where they come from */
	uint64_t file_offset;       /* VHD_RUN_DATA: offset in the layer's file */
};
/* The run at OFF (< the layer's size), at most LEN bytes. */
int vhd_layer_lookup(struct vhd_layer *l, uint64_t off, uint64_t len, struct vhd_run *run);

/* ---- validate.c: the structural rules of one file, stated once. ---- */

/* One validation: vhd_layer_open() stops at the first problem (COLLECT
 * false: -EINVAL with a message), vhd_check() collects them all. */
struct vhd_validator {
	const char *path;           /* the file, for messages */
	int fd;                     /* the file, open for reading */
	uint64_t file_size;         /* its size in bytes */
	uint64_t data_end;          /* blocks must end by here: the end footer's
	                             * offset, or the file size when only the
	                             * footer copy at 0 is good */
	bool collect;               /* report every problem, not just the first */
	vhd_problem_fn report;      /* collect: receives each problem (or NULL) */
	void *arg;                  /* for report */
	int problems;               /* problems found */
	int bat_problems;           /* of those, block table entries' (reports
	                             * of these are capped) */
	bool stopped;               /* a problem ended the validation: any in
	                             * open mode, one the later rules depend on
	                             * in collect mode */
	/* Results of vhd_validate_sparse(), for the open path: */
	struct vhd_header header;   /* the dynamic header, decoded */
	uint32_t *bat;              /* block table in host order, malloc'd: the
	                             * caller frees it, whatever the outcome */
	uint64_t meta_end;          /* end of the header, BAT and locators */
	uint64_t used_end;          /* end of the metadata and of every block */
};
/* Each returns 0 to go on, -EINVAL with V->stopped set when a problem ends
 * the validation, or another -errno when the file cannot be read. */
int vhd_validate_footer(struct vhd_validator *v, const struct vhd_footer *f);
int vhd_validate_sparse(struct vhd_validator *v, const struct vhd_footer *f);
/* A problem the caller found itself (footer selection), counted and
 * reported (or ending an open) as the rules' own are. */
int vhd_validate_problem(struct vhd_validator *v, bool fatal, const char *fmt, ...) VHD_PRINTF(3, 4);
/* A problem of one block table entry: as above, never fatal, and reports
 * of these are capped. */
int vhd_validate_bat_problem(struct vhd_validator *v, const char *fmt, ...) VHD_PRINTF(2, 3);
/* After the block table: in collect mode, report how many of its
 * problems were counted but not listed. */
void vhd_validate_bat_tally(struct vhd_validator *v);

/* ---- chain.c: a top layer and its parents. ---- */

struct vhd_chain {
	int depth;                  /* layers, >= 1 */
	bool read_only;             /* top opened read-only */
	bool noparent;              /* opened with VHD_OPEN_NOPARENT */
	bool nolock;                /* opened with VHD_OPEN_NOLOCK */
	uint64_t size;              /* virtual size of the top */
	struct vhd_layer *layers[VHD_MAX_DEPTH]; /* [0] = top */
	struct vhd_parent_map *below; /* layers 1.., or NULL (parentmap.c) */
};

/* Candidate paths for the parent of L, in the order they are tried. */
int vhd_parent_candidates(const struct vhd_layer *l, char ***out, int *n);
void vhd_free_candidates(char **c, int n);

/* ---- io.c: reads, writes and mapping through a chain. ---- */

/* Read LEN bytes at OFF as seen from layer FIRST downwards (FIRST may equal
 * the depth: zeros). */
int vhd_chain_read_from(vhd_chain *c, int first, void *buf, size_t len, uint64_t off);
/* The extent at OFF, looking from layer FIRST down. */
int vhd_chain_resolve(vhd_chain *c, int first, uint64_t off, uint64_t len, struct vhd_extent *ext);
/* The same, asking each layer in turn (what the parent map is built from). */
int vhd_chain_walk(vhd_chain *c, int first, uint64_t off, uint64_t len, struct vhd_extent *ext);

/* ---- parentmap.c: which layer below the top holds each run, shared. ---- */

#define VHD_PARENT_MAP_BUDGET (64u << 20) /* bytes per map, at most */
struct vhd_parent_map;
/* Give C (opened with its parents, locked) the map of its layers 1..,
 * shared with every open chain over the same parent files. */
int vhd_parent_map_attach(vhd_chain *c);
void vhd_parent_map_detach(vhd_chain *c);
/* The extent at OFF (< C's size) as seen from layer 1 down. */
int vhd_parent_map_resolve(vhd_chain *c, uint64_t off, uint64_t len, struct vhd_extent *ext);
/* Memory in use, chunks built and chains sharing C's map (zeros: none). */
void vhd_parent_map_stats(const vhd_chain *c, size_t *bytes, size_t *chunks, unsigned *users);

/* ---- alloc.c: block allocation and bitmap updates in the top layer. ---- */

/* Write BUF (LEN bytes at virtual OFF, inside block B of the top layer),
 * allocating the block and setting bitmap bits as needed. */
int vhd_alloc_write(vhd_chain *c, uint32_t b, const uint8_t *buf, size_t len, uint64_t off);
/* Drop block B of a dynamic top (BAT entry back to unused). */
int vhd_alloc_drop_block(vhd_chain *c, uint32_t b);
/* Clear bitmap bits for sectors [first, first+count) of block B. */
int vhd_alloc_clear_bits(vhd_chain *c, uint32_t b, uint32_t first, uint32_t count);

/* ---- create.c ---- */
/* Fill the parent fields of H (unique id, timestamp, unicode name) for a
 * child at CHILD_PATH of PARENT_ABS (absolute, resolved; footer PF), and
 * return the W2ku and W2ru locator data (UTF-16LE, malloc'd; the caller
 * frees both even on failure). */
int vhd_set_parent_fields(struct vhd_header *h, const char *child_path, const char *parent_abs,
                          const struct vhd_footer *pf, uint8_t *loc_data[2], uint32_t loc_len[2]);
/* The folder of PATH (which need not exist), absolute and resolved. */
int vhd_folder_of(const char *path, char *out);
/* TARGET relative to folder FROM as Windows writes it: ".\x", "..\d\x". */
void vhd_relative_path(const char *from, const char *target, char *out, size_t outsz);
/* A temporary file beside PATH (name in TMP), mode 0644; then publish it
 * as PATH (synced; replacing it only with VHD_CREATE_OVERWRITE), closing
 * FD and removing TMP on failure.  VHD_CREATE_NOSYNC_ (internal: a push
 * with VHD_PUSH_SYNC_LATER) leaves the file unsynced; the caller syncs it
 * and its folder before anything relies on it.  Neither syncs the folder:
 * the rename is durable once the folder is (the caller's affair). */
#define VHD_CREATE_NOSYNC_ 0x80000000u
int vhd_create_tmpfile(const char *path, char *tmp, size_t tmpsz, int *fd);
int vhd_create_publish(int fd, const char *tmp, const char *path, unsigned flags);
/* Create PATH as a differencing child of PARENT, an open layer whose
 * identity (id, timestamp or DataWriteGuid, size) is taken as it is in
 * memory: no file of the parent is opened or locked (chain.c's
 * vhd_chain_push_child, where the caller holds it). */
int vhd_create_child_of(const char *path, const struct vhd_layer *parent, unsigned flags);

/* ---- relink.c ---- */
/* Point the open, writable differencing layer L at the parent PARENT_ABS
 * (absolute path; footer PF): parent id, timestamp, name and locators,
 * written so that a crash leaves the old link or the new one. */
int vhd_layer_relink(struct vhd_layer *l, const char *parent_abs, const struct vhd_footer *pf);

/* ---- grow.c ---- */
/* Set the virtual size of a dynamic or differencing layer to NEW_SIZE
 * (which its BAT covers): end footer, sync, then the copy at 0. */
int vhd_layer_set_size(struct vhd_layer *l, uint64_t new_size);

/* ---- sysio.c: system calls of the I/O paths, with a fault hook for tests. ---- */

ssize_t vhd_sys_pread(int fd, void *buf, size_t len, off_t off);
ssize_t vhd_sys_pwrite(int fd, const void *buf, size_t len, off_t off);
int vhd_sys_fdatasync(int fd);
int vhd_sys_fsync(int fd);   /* counted and failed as VHD_FAULT_SYNC */
#define VHD_FAULT_READ 0x1u
#define VHD_FAULT_WRITE 0x2u
#define VHD_FAULT_SYNC 0x4u
/* Count the calls of the kinds in OPS from now on and fail call number AT
 * (0 = the next one; -1: only count) with ERR, and every later one too if
 * PERSIST.  Process-wide; for tests only. */
void vhd_fault_arm(unsigned ops, long at, int err, bool persist);
void vhd_fault_disarm(void);
long vhd_fault_calls(void); /* counted since armed */
long vhd_fault_hits(void);  /* failed since armed */
/* Make the failing call, when it is a write, a torn one: its first KEEP
 * bytes reach the file before it fails (all of them when it is shorter),
 * as a crash in the middle of a write leaves it.  Call after arming. */
void vhd_fault_tear(size_t keep);
/* Did the failing write stop inside its length (else KEEP covered it)? */
bool vhd_fault_tore(void);

/* ---- error.c ---- */
/* Record a message for vhd_errmsg() and return -|err|, so a failure path
 * reads: return vhd_error(-EINVAL, "'%s': bad footer checksum", path); */
int vhd_error(int err, const char *fmt, ...) VHD_PRINTF(2, 3);
void vhd_clear_error(void);
/* Send a warning (level 0) or notice (level 1) to the installed logger. */
void vhd_log(int level, const char *fmt, ...) VHD_PRINTF(2, 3);

#endif
