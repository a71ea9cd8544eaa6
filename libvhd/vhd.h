/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhd.h: the public interface of libvhd, the VHD format engine.
 *
 * This header is libvhd's only contract with vhdfs, vhdtool, bs_vhd and istmd;
 * libvhd.syms exports exactly the symbols declared here.
 *
 * Conventions:
 *   - every function that can fail returns 0 (or a non-negative count) on
 *     success and a negative errno on failure; on failure a one-line human
 *     message naming the file and the reason is recorded for the calling
 *     thread and can be read with vhd_errmsg() until the next libvhd call on
 *     that thread.  libvhd never prints errors itself.
 *   - warnings that do not stop an operation (a parent whose timestamp
 *     changed, a footer repaired from its copy) go to the logger set with
 *     vhd_set_logger(); the default logger writes them to stderr.
 *   - a vhd_chain may be used by many threads at once: reads run in
 *     parallel; writes to allocated blocks run in parallel; block allocation
 *     and bitmap updates are serialised inside the library.
 *   - libvhd/README.md gives the design decisions users rely on: thread
 *     safety, locking, what vhd_chain_map() returns, the creator
 *     application written by vhd_create() and why, crash safety.
 *
 * Licence: GPL-2.0-or-later.
 */
#ifndef LIBVHD_VHD_H
#define LIBVHD_VHD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Disk types, with the values the VHD footer uses. */
enum vhd_type {
	VHD_TYPE_FIXED = 2,
	VHD_TYPE_DYNAMIC = 3,
	VHD_TYPE_DIFF = 4,
};

/* Image formats; vhd_chain_open() tells them apart by content. */
enum vhd_format {
	VHD_FORMAT_VHD = 0,          /* Virtual PC / Hyper-V 2008 VHD */
	VHD_FORMAT_VHDX = 1,         /* [MS-VHDX], Hyper-V 2012 and later */
};

/* Flags for vhd_chain_open(). */
#define VHD_OPEN_RDONLY   0x1u /* open the top read-only (shared lock) */
#define VHD_OPEN_NOPARENT 0x2u /* open only the named file, not its parents;
                                * reads of a differencing disk then fail with
                                * -ENOENT where they would reach the parent */
#define VHD_OPEN_NOLOCK   0x4u /* take no locks (inspection of a disk in use;
                                * only together with VHD_OPEN_RDONLY) */

/* Largest virtual size libvhd creates or accepts: 2040 GiB, the VHD
 * specification's limit for the CHS geometry field (larger footers exist in
 * the field and are opened, but never created). */
#define VHD_MAX_CREATE_SIZE (2040ull << 30)

typedef struct vhd_chain vhd_chain;

/* What one layer of a chain is; filled by vhd_chain_layer_info(). */
struct vhd_info {
	char path[4096];             /* the file, as opened (resolved for parents) */
	enum vhd_type type;          /* fixed, dynamic or differencing */
	uint64_t virtual_size;       /* footer current size, in bytes */
	uint64_t original_size;      /* footer original size, in bytes */
	uint64_t file_size;          /* size of the file on disk, in bytes */
	uint8_t uuid[16];            /* footer unique id, as stored on disk */
	uint32_t timestamp;          /* footer timestamp, seconds since 2000-01-01 UTC */
	char creator_app[5];         /* e.g. "win ", "qemu", "vpc " (NUL-terminated) */
	uint32_t creator_version;    /* major << 16 | minor */
	char creator_os[5];          /* "Wi2k", "Mac ", or "" when zero */
	uint16_t cylinders;          /* CHS geometry from the footer */
	uint8_t heads;               /* CHS geometry from the footer */
	uint8_t sectors_per_track;   /* CHS geometry from the footer */
	uint32_t block_size;         /* dynamic/diff: bytes per block; fixed: 0 */
	uint32_t max_table_entries;  /* dynamic/diff: BAT entries; fixed: 0 */
	uint32_t allocated_blocks;   /* dynamic/diff: BAT entries in use; fixed: 0 */
	uint8_t parent_uuid[16];     /* diff only: the parent's unique id */
	uint32_t parent_timestamp;   /* diff only: parent's timestamp (0 is normal) */
	char parent_name[1024];      /* diff only: parent unicode name, as UTF-8 */
	int read_only;               /* this layer is open read-only */
	enum vhd_format format;      /* VHD or VHDX */
	uint32_t logical_sector_size;  /* bytes (always 512 for VHD) */
	uint32_t physical_sector_size; /* bytes (always 512 for VHD) */
	uint32_t log_size;           /* VHDX: bytes of log; VHD: 0 */
	uint8_t data_write_guid[16]; /* VHDX: DataWriteGuid as stored (children
	                              * name it as parent_linkage) */
	char parent_linkage[39];     /* VHDX diff: "{GUID}" from the locator */
	char parent_relative_path[1024]; /* VHDX diff: locator relative_path */
	char parent_absolute_path[1024]; /* VHDX diff: absolute_win32_path */
	char parent_volume_path[1024];   /* VHDX diff: volume_path */
};

/* One contiguous run of the virtual disk, as vhd_chain_map() finds it. */
struct vhd_extent {
	uint64_t length;       /* bytes from the queried offset with the same source */
	int fd;                /* file holding them, or -1 when they read as zeros */
	uint64_t file_offset;  /* where in fd (meaningless when fd is -1) */
	int layer;             /* 0 = top, 1 = its parent, ...; -1 for zeros */
};

/* Options for vhd_create(); zero-initialise, then set what you need. */
struct vhd_create_opts {
	enum vhd_type type;    /* fixed, dynamic or differencing */
	uint64_t size;         /* virtual size in bytes, a multiple of 512
	                        * (fixed/dynamic; a diff takes its parent's) */
	uint32_t block_size;   /* dynamic/diff: a power of two from 4 KiB to
	                        * 256 MiB, or 0 for the default 2 MiB */
	const char *parent;    /* diff: path of the parent */
	unsigned flags;        /* VHD_CREATE_* */
	enum vhd_format format; /* VHD (default) or VHDX; for VHDX block_size
	                        * is 1 MiB to 256 MiB, default 32 MiB (2 MiB
	                        * for differencing), and a differencing disk's
	                        * parent must be a VHDX */
};
#define VHD_CREATE_OVERWRITE 0x1u /* replace an existing file (default: -EEXIST) */
#define VHD_CREATE_SPARSE    0x2u /* fixed: leave the data area a hole instead of
                                   * reserving it (ISTM CreateWtFile's bSparse) */

/* Progress of a long operation: done and total in bytes. */
typedef void (*vhd_progress_fn)(uint64_t done, uint64_t total, void *arg);

/* One problem found by vhd_check(): the file and a human description. */
typedef void (*vhd_problem_fn)(const char *path, const char *problem, void *arg);

/* Receiver of warnings (level: 0 = warning, 1 = notice). */
typedef void (*vhd_log_fn)(int level, const char *msg, void *arg);

/* Errors and logging. */
const char *vhd_errmsg(void);
void vhd_set_logger(vhd_log_fn fn, void *arg);

/* Open PATH and, for a differencing disk, its whole parent chain.  The top
 * is locked exclusively (shared with VHD_OPEN_RDONLY), parents are opened
 * read-only and locked shared, so a disk that is somebody's parent cannot
 * be opened writable while that child is open.  -EBUSY when a lock is held
 * elsewhere; -EINVAL for a malformed image; -ENOENT for a missing parent;
 * -ELOOP for a chain that points back into itself. */
int vhd_chain_open(const char *path, unsigned flags, vhd_chain **out);
void vhd_chain_close(vhd_chain *chain);

/* Continue CHAIN (open for writing, with its parents) on a new empty
 * differencing child at PATH (an empty or missing file; replaced), made
 * from the top as it is open: the top becomes a read-only parent (its lock
 * shared, a VHDX log settled first), the child the writable top, and no
 * layer is opened or read again.  No I/O may run on CHAIN meanwhile.
 * -EROFS for a read-only chain; on any failure close CHAIN (PATH may be a
 * complete child by then, which vhd_chain_open() opens).
 * VHD_PUSH_SETTLE_LATER leaves a VHDX top's settling (log commit, syncs,
 * clean header) and its lock's conversion to vhd_chain_settle_parents(),
 * which may run while CHAIN serves I/O; until then the old top stays
 * locked exclusively, so nothing else opens it incomplete. */
#define VHD_PUSH_SETTLE_LATER 0x1u
/* VHD_PUSH_SYNC_LATER leaves the child in the page cache: it is written
 * and renamed over PATH, but neither it nor its folder is synced, so the
 * push waits for no journal commit of the file system (under a heavy
 * writer that commit waits for the old top's dirty data).  The caller
 * makes both durable (fsync of PATH, then of its folder) before it
 * acknowledges any flush of the chain; until then a crash of the machine
 * may leave PATH empty or not a valid image, which holds nothing flushed:
 * make it again as an empty child of the old top. */
#define VHD_PUSH_SYNC_LATER 0x2u
int vhd_chain_push_child(vhd_chain *chain, const char *path, unsigned flags);
/* Settle the parents a push left unsettled (see above): from any thread,
 * I/O may run on CHAIN meanwhile, but no other call that changes CHAIN
 * (push, close).  0 when there were none. */
int vhd_chain_settle_parents(vhd_chain *chain);
/* Bring CHAIN (opened with its parents and locks) up to date with parent
 * links changed on disk since it was opened, as vhd_merge_layer() leaves
 * them: a layer relinked past merged layers gets them dropped from the
 * chain (closed, unlocked) and is itself read again from its file; no
 * other layer is opened or read again, and the top is not synced,
 * settled or relocked.  No I/O may run on CHAIN meanwhile.  0 also when
 * nothing changed.  On failure CHAIN is as it was (still correct for
 * what it reads); close it and open it whole: -ESTALE when the top was
 * relinked, a layer names a parent that is not below it in CHAIN, or a
 * relinked file is no longer the disk that was open; -EBUSY for a VHDX
 * with a log to replay; -EINVAL for a chain opened with VHD_OPEN_NOPARENT
 * or VHD_OPEN_NOLOCK. */
int vhd_chain_refresh(vhd_chain *chain);

uint64_t vhd_chain_size(const vhd_chain *chain);       /* virtual size, bytes */
int vhd_chain_depth(const vhd_chain *chain);            /* layers, >= 1 */
int vhd_chain_read_only(const vhd_chain *chain);
int vhd_chain_layer_info(const vhd_chain *chain, int layer, struct vhd_info *info);

/* Read or write LEN bytes at byte offset OFF of the virtual disk, any
 * alignment.  Return 0 when all bytes were transferred, a negative errno
 * otherwise (-EINVAL past the end, -EROFS on a read-only chain, -EIO). */
int vhd_chain_pread(vhd_chain *chain, void *buf, size_t len, uint64_t off);
int vhd_chain_pwrite(vhd_chain *chain, const void *buf, size_t len, uint64_t off);

/* Make every write that returned before this call durable (fdatasync). */
int vhd_chain_flush(vhd_chain *chain);

/* Give back LEN bytes at OFF: afterwards the range reads as zeros on fixed
 * and dynamic disks and as the parent's data on differencing disks.  Space is
 * returned to the file system where it allows (whole blocks and holes). */
int vhd_chain_discard(vhd_chain *chain, uint64_t off, uint64_t len);

/* Where the bytes at OFF come from: fills EXT for the longest run (at most
 * LEN) that has one source.  A reader may pread() the fd itself. */
int vhd_chain_map(vhd_chain *chain, uint64_t off, uint64_t len, struct vhd_extent *ext);

/* Create a new image (see struct vhd_create_opts). */
int vhd_create(const char *path, const struct vhd_create_opts *opts);

/* Grow the virtual size of PATH (not open elsewhere) to NEW_SIZE bytes. */
int vhd_grow(const char *path, uint64_t new_size);

/* Change the virtual size of PATH (not open elsewhere) to NEW_SIZE bytes.
 * Growing is vhd_grow().  Shrinking is refused (-EINVAL) unless FLAGS has
 * VHD_RESIZE_SHRINK, and then refused with -ENOTEMPTY, changing nothing,
 * while any byte past the new end reads as non-zero; differencing disks
 * keep their parent's size (-EINVAL). */
#define VHD_RESIZE_SHRINK 0x1u
int vhd_resize(const char *path, uint64_t new_size, unsigned flags);

/* The file size of a new fixed or dynamic image made as OPTS says (type,
 * size, block_size; flags and parent are ignored) once ALLOCATED of its
 * blocks have been written (convert and writes allocate a block on its
 * first non-zero write), and once every block is. */
struct vhd_measure {
	uint64_t required;          /* bytes with ALLOCATED blocks */
	uint64_t fully_allocated;   /* bytes with every block allocated */
};
int vhd_measure(const struct vhd_create_opts *opts, uint64_t allocated, struct vhd_measure *out);

/* Merge the differencing disk PATH into its parent.  PATH itself is left
 * unchanged (its data now also lives in the parent). */
int vhd_commit(const char *path, vhd_progress_fn progress, void *arg);

/* Point the differencing disk PATH at NEW_PARENT (rewriting its parent
 * locators and unicode name) after checking NEW_PARENT's unique id. */
int vhd_relink(const char *path, const char *new_parent);

/* Put the differencing disk PATH on NEW_PARENT (a disk or chain of the same
 * size) without changing the data PATH shows: where the old parent chain
 * and the new one differ in a range PATH does not hold, the old data is
 * first copied into PATH; then the link (parent id, name, locators) names
 * NEW_PARENT.  With VHD_REBASE_UNSAFE only the link is rewritten, nothing
 * is read or compared, and the old parent need not exist (qemu-img rebase
 * -u).  -ELOOP when NEW_PARENT's chain contains PATH. */
#define VHD_REBASE_UNSAFE 0x1u
int vhd_rebase(const char *path, const char *new_parent, unsigned flags, vhd_progress_fn progress,
               void *arg);

/* Merge the differencing disk LAYER, a layer in the middle of a chain, into
 * its direct child CHILD (same format, VHD or VHDX): every sector LAYER
 * holds and CHILD does not is copied into CHILD, then CHILD's link (parent
 * id, name, locators) is rewritten to name LAYER's parent.  CHILD then reads
 * exactly as before and LAYER is no longer part of its chain; LAYER itself
 * is left unchanged (callers delete it when nothing else is its child).
 *
 * CHILD and LAYER may be open read-only elsewhere at the same time, e.g. as
 * frozen parents of a live top in bs_vhd: the merge is a "transparent
 * writer" (libvhd/README.md, "Merging a layer away"): it takes shared locks
 * plus a merge lock, so it is refused (-EBUSY) while either file is open
 * for writing or another merge writes CHILD or LAYER.  Crash-safe: killed at
 * any point, every chain reads the same data; calling it again completes
 * it, and returns 0 at once when CHILD already names LAYER's parent.
 * FLAGS must be 0.  PROGRESS (may be NULL) is called with bytes of LAYER's
 * virtual disk examined and its size; a non-zero return stops the merge
 * with -ECANCELED (what was copied stays, harmlessly). */
typedef int (*vhd_merge_progress_fn)(uint64_t done, uint64_t total, void *arg);
int vhd_merge_layer(const char *layer_path, const char *child_path, unsigned flags,
                    vhd_merge_progress_fn progress, void *arg);

/* Rewrite the dynamic or differencing disk PATH (not open elsewhere, no
 * child open) without the blocks that read as zeros anyway, so the file
 * shrinks; the data, unique id and timestamps stay.  The new file replaces
 * PATH by rename(2): a crash leaves the old file or the new one. */
int vhd_compact(const char *path, vhd_progress_fn progress, void *arg);

/* Check PATH (one layer; its parents are only opened to check the link).
 * Calls PROBLEM once per structural problem found.  Returns the number of
 * problems (0 = clean) or a negative errno when PATH cannot be read. */
int vhd_check(const char *path, vhd_problem_fn problem, void *arg);

/* Repair PATH (one layer, not open elsewhere) where that cannot lose data:
 * a damaged or stale footer copy at offset 0, a damaged end footer.  With
 * VHD_REPAIR_FORCE also clear block table entries that point past the end
 * of the file (their blocks then read as zeros, or as the parent's data).
 * Calls FIXED once per repair made.  Returns the number of repairs, or a
 * negative errno when PATH cannot be opened or written; what is not
 * repaired is left unchanged for vhd_check() to list. */
#define VHD_REPAIR_FORCE 0x1u
int vhd_repair(const char *path, unsigned flags, vhd_problem_fn fixed, void *arg);

/* Helpers for presenting ids and types. */
void vhd_uuid_format(const uint8_t uuid[16], char out[37]);
const char *vhd_type_name(enum vhd_type type); /* "fixed", "dynamic", "differencing" */
const char *vhd_format_name(enum vhd_format format); /* "vhd", "vhdx" */

/* Whether an image's first LEN bytes (HEAD; 8 are enough) say VHDX: the
 * file type identifier "vhdxfile" ([MS-VHDX] 2.2.1).  A VHD has no mark at
 * its start, so this is how the format is told by content. */
int vhd_head_is_vhdx(const void *head, size_t len);

/* Whether CHILD (a layer's vhd_info) is a differencing disk that names
 * PARENT as its parent: a VHD child records its parent's unique id, a VHDX
 * child its parent's DataWriteGuid (parent_linkage), not the VirtualDiskId
 * that info->uuid holds for a VHDX. */
int vhd_info_is_child_of(const struct vhd_info *child, const struct vhd_info *parent);

#ifdef __cplusplus
}
#endif
#endif /* LIBVHD_VHD_H */
