/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_internal.h: libvhd's private declarations for the VHDX format
 * ([MS-VHDX]), one banner per file.  The generic layer (internal.h) holds a
 * pointer to a struct vhdx_layer when the file is a VHDX; everything
 * VHDX-specific lives behind it. */
#ifndef LIBVHD_VHDX_INTERNAL_H
#define LIBVHD_VHDX_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define VHDX_KIB 1024ull
#define VHDX_MIB (1024ull * 1024ull)
#define VHDX_HEADER_AREA (1ull << 20)   /* file id, headers, region tables */
#define VHDX_HEADER1_OFF (64 * VHDX_KIB)
#define VHDX_HEADER2_OFF (128 * VHDX_KIB)
#define VHDX_REGION1_OFF (192 * VHDX_KIB)
#define VHDX_REGION2_OFF (256 * VHDX_KIB)
#define VHDX_HEADER_SIZE 4096u
#define VHDX_REGION_SIZE (64 * 1024u)
#define VHDX_META_TABLE_SIZE (64 * 1024u)
#define VHDX_LOG_SECTOR 4096u
#define VHDX_SBM_BLOCK (1u << 20)       /* a sector bitmap block */
#define VHDX_MIN_BLOCK (1u << 20)
#define VHDX_MAX_BLOCK (256u << 20)
#define VHDX_MAX_SIZE (64ull << 40)     /* the specification's limit */
#define VHDX_DEFAULT_BLOCK (32u << 20)  /* what Hyper-V uses */
#define VHDX_DEFAULT_LOG (1u << 20)

/* Payload block states (BAT entry bits 0-2). */
enum vhdx_pb_state {
	VHDX_PB_NOT_PRESENT = 0,
	VHDX_PB_UNDEFINED = 1,
	VHDX_PB_ZERO = 2,
	VHDX_PB_UNMAPPED = 3,
	VHDX_PB_FULLY_PRESENT = 6,
	VHDX_PB_PARTIALLY_PRESENT = 7,
};
#define VHDX_SB_NOT_PRESENT 0
#define VHDX_SB_PRESENT 6

static inline unsigned vhdx_bat_state(uint64_t e) { return (unsigned)(e & 7); }
static inline uint64_t vhdx_bat_offset(uint64_t e) { return (e >> 20) << 20; }
static inline uint64_t vhdx_bat_make(unsigned state, uint64_t off) { return off | state; }

/* ---- vhdx_format.c: the on-disk structures and their codecs. ---- */

typedef uint8_t vhdx_guid[16];          /* as stored (mixed-endian) */

extern const vhdx_guid vhdx_guid_bat, vhdx_guid_metadata, vhdx_guid_file_params,
	vhdx_guid_disk_size, vhdx_guid_disk_id, vhdx_guid_logical_sector,
	vhdx_guid_physical_sector, vhdx_guid_parent_locator, vhdx_guid_locator_type;

uint16_t vhdx_le16(const uint8_t *p);
uint32_t vhdx_le32(const uint8_t *p);
uint64_t vhdx_le64(const uint8_t *p);
void vhdx_put_le16(uint8_t *p, uint16_t v);
void vhdx_put_le32(uint8_t *p, uint32_t v);
void vhdx_put_le64(uint8_t *p, uint64_t v);
/* CRC-32C (Castagnoli) of BUF with the 4-byte field at CSUM_OFF taken as
 * zero, as every VHDX checksum is defined. */
uint32_t vhdx_crc32c(const uint8_t *buf, size_t len, size_t csum_off);
/* A CRC-32C step: C is the running value (neither inverted on entry nor on
 * return).  vhdx_crc32c() uses the CPU's instruction when it has one
 * (vhdx_crc32c_hw.c), the table otherwise; both are here for the test. */
typedef uint32_t vhdx_crc_fn(uint32_t c, const uint8_t *p, size_t n);
uint32_t vhdx_crc32c_table(uint32_t c, const uint8_t *p, size_t n);
/* The instruction's step, or NULL when this CPU or build has none. */
vhdx_crc_fn *vhdx_crc32c_hw(void);
/* Store the checksum at offset 4 of BUF (LEN bytes). */
void vhdx_seal(uint8_t *buf, size_t len);
bool vhdx_sealed_ok(const uint8_t *buf, size_t len);
bool vhdx_guid_is_zero(const vhdx_guid g);
/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (OUT has 39 bytes). */
void vhdx_guid_format(const vhdx_guid g, char out[39]);
/* Parse a GUID with or without braces; -EINVAL when malformed. */
int vhdx_guid_parse(const char *s, vhdx_guid g);
int vhdx_guid_generate(vhdx_guid g);

/* A header (see the offset table in vhdx_format.c). */
struct vhdx_header {
	uint64_t seq;               /* SequenceNumber */
	vhdx_guid file_write_guid;  /* changes when the file is first written per open */
	vhdx_guid data_write_guid;  /* changes when user-visible data first changes */
	vhdx_guid log_guid;         /* zero: no log to replay */
	uint16_t log_version;       /* 0 */
	uint16_t version;           /* 1 */
	uint32_t log_length;        /* bytes, multiple of 1 MiB */
	uint64_t log_offset;        /* bytes, multiple of 1 MiB */
};
void vhdx_header_decode(const uint8_t buf[VHDX_HEADER_SIZE], struct vhdx_header *h);
void vhdx_header_encode(const struct vhdx_header *h, uint8_t buf[VHDX_HEADER_SIZE]);
/* Signature and checksum check of a header's 4 KiB. */
bool vhdx_header_ok(const uint8_t buf[VHDX_HEADER_SIZE]);

/* A log entry header and its descriptors (offset tables in vhdx_format.c). */
#define VHDX_LOG_HDR 64u
#define VHDX_LOG_DESC 32u
struct vhdx_log_entry {
	uint32_t entry_length;      /* bytes, multiple of 4 KiB */
	uint32_t tail;              /* log offset of the sequence's first entry */
	uint64_t seq;               /* > 0, +1 per entry of a sequence */
	uint32_t desc_count;        /* descriptors */
	vhdx_guid log_guid;         /* the header's LogGuid when written */
	uint64_t flushed_file_offset; /* file size known durable */
	uint64_t last_file_offset;  /* file size after this entry */
};
void vhdx_log_entry_decode(const uint8_t *buf, struct vhdx_log_entry *e);
void vhdx_log_entry_encode(const struct vhdx_log_entry *e, uint8_t *buf);

/* ---- vhdx_layer.c: open and validate one VHDX file. ---- */

/* One key/value of the parent locator, as UTF-8. */
struct vhdx_kv {
	char *key;
	char *value;
};

/* A dirty 4 KiB metadata page waiting for the next log entry. */
struct vhdx_page {
	uint64_t file_off;          /* where it goes in the file (4 KiB aligned) */
	uint8_t *data;              /* 4096 bytes */
};

struct vhdx_layer {
	struct vhdx_header hdr;     /* the current header */
	int hdr_slot;               /* 0 or 1: which copy is current */
	uint64_t bat_offset;        /* BAT region */
	uint32_t bat_length;
	uint64_t meta_offset;       /* metadata region */
	uint32_t meta_length;
	uint32_t block_size;        /* payload block bytes */
	uint32_t block_shift;
	uint32_t lsec;              /* logical sector size (512 or 4096) */
	uint32_t psec;              /* physical sector size (512 or 4096) */
	bool leave_allocated;       /* file parameter: fixed disk */
	bool has_parent;            /* differencing disk */
	vhdx_guid disk_id;          /* VirtualDiskId */
	struct vhdx_kv *kv;         /* parent locator entries */
	int nkv;
	uint32_t chunk_ratio;       /* payload blocks per sector bitmap block */
	uint32_t payload_blocks;
	uint32_t sbm_blocks;        /* sector bitmap blocks (chunks) */
	uint32_t bat_entries;       /* entries the disk needs */
	/* Protected by the layer's alloc_lock for writers; readers use atomic
	 * loads (entries and bitmap pointers are published after the data they
	 * describe is written). */
	uint64_t *bat;              /* host-order entries, bat_entries of them */
	uint8_t *bat_raw;           /* the BAT pages holding entries, as on disk, for log pages */
	uint8_t **sbm;              /* per chunk: NULL or its bitmap (the pages covering the disk) */
	uint64_t file_end;          /* next free MiB-aligned offset */
	/* Write state (alloc_lock). */
	bool writing;               /* headers updated for this session */
	struct vhdx_page *pages;    /* dirty metadata pages, sorted by offset */
	int npages, cap_pages;
	uint64_t log_seq;           /* sequence number of the last entry written */
	uint32_t log_head;          /* log offset where the next entry goes */
	uint32_t log_tail;          /* first entry whose in-place writes may not be durable */
	bool log_unsettled;         /* entries from log_tail may need replaying */
};

static inline uint64_t vhdx_payload_index(const struct vhdx_layer *x, uint32_t b)
{
	return (uint64_t)b + b / x->chunk_ratio;
}
static inline uint64_t vhdx_sbm_index(const struct vhdx_layer *x, uint32_t chunk)
{
	return (uint64_t)chunk * (x->chunk_ratio + 1) + x->chunk_ratio;
}

/* Bytes of chunk K's sector bitmap that hold the bits of its blocks inside
 * the disk, in whole log sectors: all that is kept in memory (read, or made
 * for a new bitmap), since lookups and change_bits() touch no other bit.  A
 * 1 MiB bitmap covers 4 GiB or more, and most disks are smaller. */
static inline uint32_t vhdx_sbm_used(const struct vhdx_layer *x, uint32_t k)
{
	uint64_t blocks = x->payload_blocks - (uint64_t)k * x->chunk_ratio;
	uint64_t used;

	if (blocks > x->chunk_ratio)
		blocks = x->chunk_ratio;
	used = vhd_round_up((blocks * (x->block_size / x->lsec) + 7) / 8, VHDX_LOG_SECTOR);
	return used > VHDX_SBM_BLOCK ? VHDX_SBM_BLOCK : (uint32_t)used;
}

/* Called by vhd_layer_open when the file starts with "vhdxfile". */
int vhdx_layer_load(struct vhd_layer *l, uint64_t file_size);
/* The same rules applied through V (validate.c): stopping at the first
 * problem (open) or reporting every one (check, V->collect). */
int vhdx_layer_validate(struct vhd_layer *l, uint64_t file_size, struct vhd_validator *v);
void vhdx_layer_free(struct vhdx_layer *x);
int vhdx_layer_info(const struct vhd_layer *l, struct vhd_info *info);
int vhdx_layer_lookup(struct vhd_layer *l, uint64_t off, uint64_t len, struct vhd_run *run);
/* Length of the run of equal bits from bit I (at most N), LSB first. */
uint32_t vhdx_bit_run(const uint8_t *bm, uint64_t i, uint32_t n, bool *set);
/* The sector bitmap of chunk K (loaded on first use; zeros when absent). */
int vhdx_layer_sbm(struct vhd_layer *l, uint32_t k, const uint8_t **out);
/* The value of parent locator key KEY, or NULL. */
const char *vhdx_kv_get(const struct vhdx_layer *x, const char *key);
/* Write header H into the slot that is not current, sync, make it current. */
int vhdx_header_update(struct vhd_layer *l, struct vhdx_header *h);

/* ---- vhdx_log.c: the metadata log. ---- */

/* Find the active sequence of L's log; replay it when WRITABLE, else apply
 * it to L's staged pages only (see vhdx_log_overlay).  Called at open,
 * before the regions are read. */
int vhdx_log_replay(struct vhd_layer *l, uint64_t file_size, bool writable);
/* Queue a change of the 4 KiB page at FILE_OFF (alloc_lock held): DATA is
 * copied; later changes to the same page replace it. */
int vhdx_log_stage(struct vhd_layer *l, uint64_t file_off, const uint8_t *data);
/* Write the staged pages as one log entry, sync, then write them in place. */
int vhdx_log_commit(struct vhd_layer *l);
/* The staged copy of the page at FILE_OFF, or NULL. */
uint8_t *vhdx_log_staged(struct vhd_layer *l, uint64_t file_off);
/* Read-only layers: copy the pages a dirty log changes (applied in memory
 * at open) over BUF, LEN bytes read at file offset OFF; nothing for a
 * writable layer, whose staged pages are its own pending changes. */
void vhdx_log_overlay(struct vhd_layer *l, uint8_t *buf, size_t len, uint64_t off);
/* After the BAT is loaded: -EROFS unless every page applied in memory is
 * metadata, BAT or sector bitmap (reads of payload do not look at them). */
int vhdx_log_overlay_check(struct vhd_layer *l);

/* ---- vhdx_alloc.c: writes, discard, flush and close of a VHDX top. ---- */

/* Before the first change of a session (alloc_lock held): new
 * FileWriteGuid and LogGuid, and a new DataWriteGuid when DATA (the
 * virtual disk's contents) will change; header written and synced. */
int vhdx_begin_write(struct vhd_layer *l, bool data);
/* The two halves of a write into payload block B (io.c splits a write
 * into blocks and merges the placed runs): where the block already holds
 * the bytes at IN_BLOCK so that writing them changes no metadata (1 with
 * *FO set, else 0), and the write that allocates or changes state. */
int vhdx_write_placed(struct vhd_layer *top, uint32_t b, uint64_t in_block, size_t n, uint64_t *fo);
int vhdx_alloc_write(vhd_chain *c, uint32_t b, const uint8_t *buf, size_t len, uint64_t off);
int vhdx_chain_discard(vhd_chain *c, uint64_t off, uint64_t len);
int vhdx_flush(struct vhd_layer *l);
/* Flush and mark the log clean (LogGuid zero) at a writable close. */
int vhdx_close_clean(struct vhd_layer *l);

/* ---- vhdx_chain.c: parents of a differencing VHDX. ---- */

int vhdx_open_parent(vhd_chain *c, unsigned flags);
int vhdx_parent_candidates(const struct vhd_layer *l, char ***out, int *n);

/* ---- vhdx_check.c ---- */
int vhdx_check(const char *path, vhd_problem_fn fn, void *arg);

/* ---- vhdx_create.c ---- */
/* LIVE, when not NULL, is the parent as open (vhd_create_child_of). */
int vhdx_create(const char *path, const struct vhd_create_opts *o, const struct vhd_layer *live);
/* The locator item of a child at CHILD_PATH for the parent PARENT_ABS
 * (absolute, resolved) whose DataWriteGuid is LINKAGE, into OUT (SPACE
 * bytes); returns its length or -errno with a message. */
int vhdx_build_locator(const char *child_path, const char *parent_abs, const vhdx_guid linkage,
                       uint8_t *out, size_t space);

/* ---- vhdx_grow.c ---- */
/* Grow L (a fixed or dynamic VHDX, open writable and alone) to NEW_SIZE. */
int vhdx_grow(struct vhd_layer *l, uint64_t new_size);

/* ---- vhdx_ops.c: commit and relink of a differencing VHDX. ---- */
/* Copy every run CL (opened alone) holds into the chain PARENT. */
int vhdx_commit_copy(struct vhd_layer *cl, vhd_chain *parent, uint8_t *buf, size_t bufsz,
                     vhd_progress_fn progress, void *arg);
/* Point L (a differencing VHDX open writable) at P (resolved path ABS). */
int vhdx_relink(struct vhd_layer *l, struct vhd_layer *p, const char *abs);

#endif
