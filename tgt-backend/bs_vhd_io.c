/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* bs_vhd_io.c: run one SCSI command of a bs_vhd LU on a tgt worker thread.
 *
 * tgt's SBC layer has already checked the CDB, the LBA range, write
 * protection and reservations, and set cmd->offset/cmd->tl; this file turns
 * the command into libvhd calls and any failure into sense data.  The result
 * is preset to GOOD and overwritten by exactly one call of cmd_sense().
 *
 * Semantics worth knowing (see also tgt-backend/README.md):
 *  - writes honour FUA and the caching mode page's WCE bit (flush when set /
 *    when write-back caching is off), like tgt's rdwr;
 *  - tgt advertises LBPRZ=1 for thin LUs (unmapped blocks read as zeros), so
 *    UNMAP on a differencing disk gives back only ranges where no parent has
 *    data (elsewhere, discarding would expose the parent's bytes, so those
 *    blocks stay mapped, which SBC allows); WRITE SAME with the UNMAP bit
 *    writes zeros there instead, so the range always reads back as zeros;
 *  - tgt's sbc_unmap() builds an ILLEGAL REQUEST sense after queueing the
 *    command (its result is ignored for asynchronous backing stores), so an
 *    UNMAP error here waits for that write before building the real sense.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bs_vhd.h"
#include "common/iszero.h"

#define ASC_SPACE_ALLOC_FAILED_WRITE_PROTECT 0x2707
#define WRITE_SAME_CHUNK (1u << 20)   /* bytes per write when replicating */

static void cmd_sense(struct scsi_cmd *cmd, uint8_t key, uint16_t asc)
{
	scsi_set_result(cmd, SAM_STAT_CHECK_CONDITION);
	sense_data_build(cmd, key, asc);
}

/* Sense for a libvhd failure ERR; logs libvhd's message once. */
static void cmd_error(struct scsi_cmd *cmd, int err, int writing)
{
	eprintf("bs_vhd: %s of %" PRIu32 " bytes at %" PRIu64 " on lun %" PRIu64
		" failed: %s\n", writing ? "write" : "read", cmd->tl, cmd->offset,
		cmd->dev->lun, vhd_errmsg());
	switch (err) {
	case -EINVAL:
		cmd_sense(cmd, ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
		break;
	case -EROFS:
		cmd_sense(cmd, DATA_PROTECT, ASC_WRITE_PROTECT);
		break;
	case -ENOSPC:
	case -EDQUOT:
		cmd_sense(cmd, DATA_PROTECT, ASC_SPACE_ALLOC_FAILED_WRITE_PROTECT);
		break;
	case -ENOMEM:
		cmd_sense(cmd, HARDWARE_ERROR, ASC_INTERNAL_TGT_FAILURE);
		break;
	default:
		cmd_sense(cmd, MEDIUM_ERROR, writing ? ASC_WRITE_ERROR : ASC_READ_ERROR);
		break;
	}
}

/* Read through the shared parent caches (cache_parent=1). */
static int read_mapped(struct bs_vhd_lu *vlu, unsigned char *buf, size_t len,
		       uint64_t off)
{
	while (len) {
		struct vhd_extent ext;
		size_t n;
		int ret = vhd_chain_map(vlu->chain, off, len, &ext);

		if (ret < 0)
			return ret;
		if (ext.length == 0)
			return -EIO;
		n = ext.length < len ? (size_t)ext.length : len;
		if (ext.layer < 0) {
			memset(buf, 0, n);
		} else if (ext.layer >= 1 && ext.layer <= vlu->nr_caches) {
			ret = bs_vhd_cache_pread(vlu->caches[ext.layer - 1], ext.fd,
						 buf, n, ext.file_offset);
			if (ret < 0)
				return ret;
		} else {
			ret = vhd_chain_pread(vlu->chain, buf, n, off);
			if (ret < 0)
				return ret;
		}
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

int bs_vhd_read(struct bs_vhd_lu *vlu, void *buf, size_t len, uint64_t off)
{
	if (vlu->nr_caches)
		return read_mapped(vlu, buf, len, off);
	return vhd_chain_pread(vlu->chain, buf, len, off);
}

/* Write-back caching is on unless the initiator cleared WCE in mode page 8. */
static int write_cache_enabled(struct scsi_cmd *cmd)
{
	struct mode_pg *pg = find_mode_page(cmd->dev, 0x08, 0);

	return pg && (pg->mode_data[0] & 0x04);
}

static int wants_fua(const struct scsi_cmd *cmd)
{
	return cmd->scb[0] != WRITE_6 && (cmd->scb[1] & 0x08);
}

/* Write, then flush if FUA or write-through; returns 0 or sense set. */
static int do_write(struct scsi_cmd *cmd, struct bs_vhd_lu *vlu,
		    const void *buf, size_t len, uint64_t off)
{
	int ret = vhd_chain_pwrite(vlu->chain, buf, len, off);

	if (ret == 0 && (wants_fua(cmd) || !write_cache_enabled(cmd)))
		ret = bs_vhd_flush(vlu);
	if (ret < 0)
		cmd_error(cmd, ret, 1);
	return ret;
}

/* Compare LEN bytes of EXPECT with the disk at OFF; sense on mismatch. */
static void do_verify(struct scsi_cmd *cmd, struct bs_vhd_lu *vlu,
		      const unsigned char *expect, size_t len, uint64_t off)
{
	unsigned char *tmp = malloc(len ? len : 1);
	int ret;

	if (!tmp) {
		cmd_sense(cmd, HARDWARE_ERROR, ASC_INTERNAL_TGT_FAILURE);
		return;
	}
	ret = bs_vhd_read(vlu, tmp, len, off);
	if (ret < 0) {
		cmd_error(cmd, ret, 0);
	} else if (memcmp(tmp, expect, len)) {
		size_t at = 0;

		while (tmp[at] == expect[at])
			at++;
		scsi_set_result(cmd, SAM_STAT_CHECK_CONDITION);
		sense_data_build_with_info(cmd, MISCOMPARE,
					   ASC_MISCOMPARE_DURING_VERIFY_OPERATION, at);
	}
	free(tmp);
}

/* Number of blocks a VERIFY CDB names (tgt does not set cmd->tl for it). */
static uint64_t verify_blocks(const uint8_t *scb)
{
	switch (scb[0]) {
	case VERIFY_10:
		return get_unaligned_be16(&scb[7]);
	case VERIFY_12:
		return get_unaligned_be32(&scb[6]);
	default:
		return get_unaligned_be32(&scb[10]);
	}
}

static void cmd_verify(struct scsi_cmd *cmd, struct bs_vhd_lu *vlu)
{
	const unsigned char *expect = scsi_get_out_buffer(cmd);
	uint32_t len = scsi_get_out_length(cmd);
	size_t blocksize = (size_t)1 << cmd->dev->blk_shift;

	if ((cmd->scb[1] & 0x06) == 0x06) {
		/* BYTCHK=11b: one block compared against every LBA. */
		uint64_t n = verify_blocks(cmd->scb);

		if (len < blocksize) {
			cmd_sense(cmd, ILLEGAL_REQUEST, ASC_PARAMETER_LIST_LENGTH_ERR);
			return;
		}
		for (uint64_t i = 0; i < n && scsi_get_result(cmd) == SAM_STAT_GOOD; i++)
			do_verify(cmd, vlu, expect, blocksize, cmd->offset + i * blocksize);
		return;
	}
	do_verify(cmd, vlu, expect, len, cmd->offset);
}

/* Write zeros over [off, off+len) in chunks. */
static int write_zeros(struct bs_vhd_lu *vlu, uint64_t off, uint64_t len)
{
	static const unsigned char zeros[65536];

	while (len) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		int ret = vhd_chain_pwrite(vlu->chain, zeros, n, off);

		if (ret < 0)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}

/* Make [off, off+len) unmapped where the result reads as zeros.  On a
 * differencing disk that is where no parent has data; elsewhere the range
 * stays mapped, or is overwritten with zeros when ZERO_REST is set. */
static int unmap_range(struct bs_vhd_lu *vlu, uint64_t off, uint64_t len,
		       int zero_rest)
{
	vhd_chain *below;
	int err = bs_vhd_below(vlu, &below);

	if (err < 0)
		return err;
	if (!below)
		return vhd_chain_discard(vlu->chain, off, len);
	while (len) {
		struct vhd_extent ext;
		int ret = vhd_chain_map(below, off, len, &ext);

		if (ret < 0)
			return ret;
		if (ext.length == 0 || ext.length > len)
			return -EIO;
		if (ext.layer < 0)
			ret = vhd_chain_discard(vlu->chain, off, ext.length);
		else if (zero_rest)
			ret = write_zeros(vlu, off, ext.length);
		if (ret < 0)
			return ret;
		off += ext.length;
		len -= ext.length;
	}
	return 0;
}

/* tgt's sbc_unmap() writes its own sense after queueing the command; wait
 * (briefly, bounded) until it has, so the sense built next is the one sent. */
static void wait_for_sbc_unmap_sense(struct scsi_cmd *cmd)
{
	const struct timespec pause = { 0, 100 * 1000 };

	for (int i = 0; i < 10000; i++) {
		if (__atomic_load_n(&cmd->sense_len, __ATOMIC_ACQUIRE))
			break;
		nanosleep(&pause, NULL);
	}
	nanosleep(&pause, NULL); /* its remaining stores, if any */
}

static void cmd_unmap(struct scsi_cmd *cmd, struct bs_vhd_lu *vlu)
{
	const unsigned char *p = scsi_get_out_buffer(cmd);
	uint32_t len = scsi_get_out_length(cmd);
	uint64_t blocks = cmd->dev->size >> cmd->dev->blk_shift;
	unsigned shift = cmd->dev->blk_shift;
	uint32_t n;
	int ret;

	if (!cmd->dev->attrs.thinprovisioning) {
		wait_for_sbc_unmap_sense(cmd);
		cmd_sense(cmd, ILLEGAL_REQUEST, ASC_INVALID_OP_CODE);
		return;
	}
	if (len < 8)
		return;
	n = get_unaligned_be16(&p[2]);   /* block descriptor data length */
	if (n > len - 8)
		n = len - 8;
	p += 8;
	/* Check every descriptor before changing anything. */
	for (uint32_t i = 0; i + 16 <= n; i += 16) {
		uint64_t lba = get_unaligned_be64(&p[i]);
		uint32_t nb = get_unaligned_be32(&p[i + 8]);

		if (lba > blocks || nb > blocks - lba) {
			wait_for_sbc_unmap_sense(cmd);
			cmd_sense(cmd, ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
			return;
		}
	}
	for (uint32_t i = 0; i + 16 <= n; i += 16) {
		uint64_t lba = get_unaligned_be64(&p[i]);
		uint32_t nb = get_unaligned_be32(&p[i + 8]);

		if (!nb)
			continue;
		ret = unmap_range(vlu, lba << shift, (uint64_t)nb << shift, 0);
		if (ret < 0) {
			wait_for_sbc_unmap_sense(cmd);
			cmd_error(cmd, ret, 1);
			return;
		}
	}
}

/* Write zeros over [off, off+len) where the disk does not read as zeros. */
static int zero_range(struct bs_vhd_lu *vlu, uint64_t off, uint64_t len)
{
	while (len) {
		struct vhd_extent ext;
		int ret = vhd_chain_map(vlu->chain, off, len, &ext);

		if (ret < 0)
			return ret;
		if (ext.length == 0 || ext.length > len)
			return -EIO;
		if (ext.layer >= 0 && (ret = write_zeros(vlu, off, ext.length)) < 0)
			return ret;
		off += ext.length;
		len -= ext.length;
	}
	return 0;
}

static void cmd_write_same(struct scsi_cmd *cmd, struct bs_vhd_lu *vlu)
{
	size_t blocksize = (size_t)1 << cmd->dev->blk_shift;
	unsigned shift = cmd->dev->blk_shift;
	int lbdata = (cmd->scb[1] & 0x06) == 0x02;
	int pbdata = (cmd->scb[1] & 0x06) == 0x04;
	uint64_t off = cmd->offset, left = cmd->tl;
	unsigned char *block, *chunk;
	size_t per_chunk;
	int ret = 0;

	if ((cmd->scb[1] & 0x08) && cmd->dev->attrs.thinprovisioning) {
		/* UNMAP bit: the range must read back as zeros afterwards
		 * (LBPRZ=1); like tgt's rdwr, the data block is not looked at
		 * (libiscsi's conformance suite sends 0xff and expects zeros). */
		ret = unmap_range(vlu, off, left, 1);
		goto done;
	}

	block = calloc(1, blocksize);
	if (!block) {
		cmd_sense(cmd, HARDWARE_ERROR, ASC_INTERNAL_TGT_FAILURE);
		return;
	}
	if (scsi_get_out_length(cmd) >= blocksize)
		memcpy(block, scsi_get_out_buffer(cmd), blocksize);
	if (!lbdata && !pbdata && is_zero(block, blocksize)) {
		/* Zeros need no new allocation where the disk reads as zeros. */
		free(block);
		ret = zero_range(vlu, off, left);
		goto done;
	}

	per_chunk = WRITE_SAME_CHUNK / blocksize;
	chunk = malloc(per_chunk * blocksize);
	if (!chunk) {
		free(block);
		cmd_sense(cmd, HARDWARE_ERROR, ASC_INTERNAL_TGT_FAILURE);
		return;
	}
	while (left && ret == 0) {
		size_t nb = left >> shift < per_chunk ? (size_t)(left >> shift) : per_chunk;

		for (size_t i = 0; i < nb; i++) {
			unsigned char *b = chunk + i * blocksize;
			uint64_t lba = (off >> shift) + i;

			memcpy(b, block, blocksize);
			if (lbdata)
				put_unaligned_be32((uint32_t)lba, b);
			else if (pbdata)
				put_unaligned_be64(lba, b);
		}
		ret = vhd_chain_pwrite(vlu->chain, chunk, nb * blocksize, off);
		off += (uint64_t)nb * blocksize;
		left -= (uint64_t)nb * blocksize;
	}
	free(chunk);
	free(block);
done:
	if (ret == 0 && (wants_fua(cmd) || !write_cache_enabled(cmd)))
		ret = bs_vhd_flush(vlu);
	if (ret < 0)
		cmd_error(cmd, ret, 1);
}

static void cmd_orwrite(struct scsi_cmd *cmd, struct bs_vhd_lu *vlu)
{
	uint32_t len = scsi_get_out_length(cmd);
	unsigned char *data = scsi_get_out_buffer(cmd);
	unsigned char *old = malloc(len ? len : 1);
	int ret;

	if (!old) {
		cmd_sense(cmd, HARDWARE_ERROR, ASC_INTERNAL_TGT_FAILURE);
		return;
	}
	ret = bs_vhd_read(vlu, old, len, cmd->offset);
	if (ret < 0) {
		cmd_error(cmd, ret, 0);
	} else {
		for (uint32_t i = 0; i < len; i++)
			data[i] |= old[i];
		do_write(cmd, vlu, data, len, cmd->offset);
	}
	free(old);
}

static void cmd_prefetch(struct scsi_cmd *cmd, struct bs_vhd_lu *vlu)
{
	uint64_t off = cmd->offset, left = cmd->tl;

	/* Advice only: a failure to map is not the initiator's problem. */
	while (left) {
		struct vhd_extent ext;

		if (vhd_chain_map(vlu->chain, off, left, &ext) < 0 ||
		    ext.length == 0 || ext.length > left)
			break;
		if (ext.fd >= 0)
			posix_fadvise(ext.fd, (off_t)ext.file_offset,
				      (off_t)ext.length, POSIX_FADV_WILLNEED);
		off += ext.length;
		left -= ext.length;
	}
}

void bs_vhd_request(struct scsi_cmd *cmd)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(cmd->dev);
	uint32_t len;
	int ret;

	scsi_set_result(cmd, SAM_STAT_GOOD);
	if (!vlu->chain) {
		if (cmd->scb[0] == UNMAP)
			wait_for_sbc_unmap_sense(cmd);
		cmd_sense(cmd, NOT_READY, ASC_MEDIUM_NOT_PRESENT);
		goto out;
	}

	switch (cmd->scb[0]) {
	case READ_6:
	case READ_10:
	case READ_12:
	case READ_16:
		len = scsi_get_in_length(cmd);
		if (len > cmd->tl)
			len = cmd->tl;
		ret = bs_vhd_read(vlu, scsi_get_in_buffer(cmd), len, cmd->offset);
		if (ret < 0)
			cmd_error(cmd, ret, 0);
		break;
	case WRITE_6:
	case WRITE_10:
	case WRITE_12:
	case WRITE_16:
		do_write(cmd, vlu, scsi_get_out_buffer(cmd),
			 scsi_get_out_length(cmd), cmd->offset);
		break;
	case WRITE_VERIFY:
	case WRITE_VERIFY_12:
	case WRITE_VERIFY_16:
		len = scsi_get_out_length(cmd);
		if (do_write(cmd, vlu, scsi_get_out_buffer(cmd), len, cmd->offset) == 0)
			do_verify(cmd, vlu, scsi_get_out_buffer(cmd), len, cmd->offset);
		break;
	case ORWRITE_16:
		cmd_orwrite(cmd, vlu);
		break;
	case VERIFY_10:
	case VERIFY_12:
	case VERIFY_16:
		cmd_verify(cmd, vlu);
		break;
	case WRITE_SAME:
	case WRITE_SAME_16:
		cmd_write_same(cmd, vlu);
		break;
	case UNMAP:
		cmd_unmap(cmd, vlu);
		break;
	case SYNCHRONIZE_CACHE:
	case SYNCHRONIZE_CACHE_16:
		/* also on a read-only chain: a switch to it may have left the
		 * previous, writable top syncing (bs_vhd_settle.c) */
		ret = bs_vhd_flush(vlu);
		if (ret < 0)
			cmd_error(cmd, ret, 1);
		break;
	case PRE_FETCH_10:
	case PRE_FETCH_16:
		cmd_prefetch(cmd, vlu);
		break;
	default:
		cmd_sense(cmd, ILLEGAL_REQUEST, ASC_INVALID_OP_CODE);
		break;
	}
out:
	bs_vhd_cmd_finished(vlu);
}
