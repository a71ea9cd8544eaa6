/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* tgt.h: the tgt adapter, the one place istmd drives tgtd.
 *
 * Every operation runs tgtadm (fork + execve of an argument vector, never a
 * shell) as "tgtadm -C <control port> --lld iscsi <verb...>", with stdin
 * from /dev/null, stdout and stderr captured, a time limit (SIGKILL when
 * exceeded), a fixed environment (LC_ALL=C) and no inherited descriptors.
 * Each verb is narrow (one tgt concept, typed arguments) so no caller ever
 * builds a command line.  Failures return a negative errno decided from
 * tgtadm's message (-ENOENT "can't find the target", -EEXIST "... already
 * exists", -EBUSY "... still active", -EINVAL "invalid request",
 * -ECONNREFUSED no tgtd, -ETIMEDOUT, ...) and record one message naming the
 * verb and object; secrets are never part of a message.
 *
 * Values tgt cannot carry are refused before tgtadm runs (-EINVAL): tgtadm
 * joins all values into one comma-separated string, so no value may hold a
 * comma; none may hold control characters or be empty; lengths are bounded.
 * A CHAP secret is an argument of tgtadm for the few milliseconds it runs
 * (tgtadm has no other way to take it); /proc/<pid>/cmdline shows it to
 * local users of the storage server during that time unless /proc is
 * mounted with hidepid=2.
 *
 * LUN numbering.  tgt gives every target a controller LU at LUN 0 (SCSI
 * REPORT LUNS lists it; it answers INQUIRY as an array controller), so data
 * LUs start at 1.  ISTM's LUN n is tgt's LUN n + 1 (TGT_LUN_FROM_ISTM):
 * an initiator sees the virtual disk ISTM calls LUN 0 as LUN 1.  The
 * alternative, ISTM LUN n = tgt LUN n with ISTM LUN 0 refused, would break
 * every client that maps its first disk at LUN 0 (the Windows console and
 * the [MS-ISTM] 4.3 scenario do); shifting by one keeps all 255 ISTM LUNs
 * (0..254 -> tgt 1..255) and makes the rule a pure function with no state.
 * LUN_MAPPING.dwLun stays the ISTM number; only this adapter's callers
 * convert, with TGT_LUN_FROM_ISTM / TGT_LUN_TO_ISTM.
 *
 * Accounts are global in tgt (a user name names one secret for all
 * targets): two targets using one CHAP user name must use one secret.
 *
 * Sessions: tgtadm's connection listing ("--mode conn") prints the session
 * TSIH as "Session:", the CID, the initiator name and the initiator IP
 * address; it shows no ISID, ports or negotiated digests, so those are not
 * available from tgt 1.0.85.
 *
 * Threading: a struct tgt is used by one thread at a time.  The adapter
 * waits for its own children with waitpid(pid): the process must not reap
 * children it did not start (no waitpid(-1, ...) in a SIGCHLD handler, no
 * SA_NOCLDWAIT).
 */
#ifndef ISTMD_TGT_H
#define ISTMD_TGT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TGT_TGTADM_DEFAULT "/usr/sbin/tgtadm"
#define TGT_TIMEOUT_MS_DEFAULT 30000  /* tgtadm talks to a local daemon */
#define TGT_OUTPUT_MAX (64u << 20)    /* a show of thousands of targets */

/* ISTM LUN <-> tgt LUN (see the LUN numbering note above). */
#define TGT_LUN_FROM_ISTM(lun) ((uint32_t)(lun) + 1u)
#define TGT_LUN_TO_ISTM(lun) ((uint32_t)(lun) - 1u)
#define TGT_ISTM_LUN_MAX 254u         /* tgt LUN 255 */

struct tgt {
	char tgtadm[4096];           /* the program run */
	int control_port;            /* tgtadm -C N; -1 for tgtadm's default (0) */
	int timeout_ms;              /* per tgtadm run */
	char err[1024];              /* last recorded message */
};

/* TGTADM NULL = TGT_TGTADM_DEFAULT; CONTROL_PORT < 0 = the default. */
void tgt_init(struct tgt *t, const char *tgtadm, int control_port);
const char *tgt_errmsg(const struct tgt *t);

/* iSCSI names tgt and initiators agree on (RFC 3720 3.2.6.3, RFC 3722):
 * "iqn.YYYY-MM.reversed.domain[:unique]" in lower case letters, digits,
 * '-', '.', ':'; "eui." + 16 hex digits; "naa." + 16 or 32 hex digits;
 * at most 223 bytes. */
bool tgt_name_valid(const char *name);

/* The IQN of a target created without one, shaped like the Windows
 * target's ("iqn.1991-05.com.microsoft:<host>-<name>-target") under this
 * project's naming authority: "iqn.2026-11.org.vhdtarget:<host>-<name>-target",
 * lower-cased, other characters as '-', cut to 223 bytes.  -EINVAL when
 * HOST and NAME leave nothing usable. */
#define TGT_IQN_PREFIX "iqn.2026-11.org.vhdtarget:"
int tgt_default_iqn(const char *host, const char *name, char *buf, size_t cap);

/* --- targets ------------------------------------------------------------ */

int tgt_target_new(struct tgt *t, int tid, const char *iqn);
/* FORCE closes the target's sessions first; without it a target with
 * sessions gives -EBUSY. */
int tgt_target_delete(struct tgt *t, int tid, bool force);

/* ACLs.  ADDR: "ALL", an IPv4 or IPv6 address, optionally "/prefix". */
int tgt_target_bind_address(struct tgt *t, int tid, const char *addr);
int tgt_target_unbind_address(struct tgt *t, int tid, const char *addr);
/* INITIATOR: an iSCSI name (tgt_name_valid). */
int tgt_target_bind_name(struct tgt *t, int tid, const char *initiator);
int tgt_target_unbind_name(struct tgt *t, int tid, const char *initiator);

/* The iSCSI parameters ISTM manages (IHost Target* properties). */
enum tgt_param {
	TGT_PARAM_MAX_RECV_DSL,      /* MaxRecvDataSegmentLength, 512..16777215 */
	TGT_PARAM_FIRST_BURST,       /* FirstBurstLength, 512..16777215 */
	TGT_PARAM_MAX_BURST,         /* MaxBurstLength, 512..16777215 */
	TGT_PARAM_MAX_OUTSTANDING_R2T, /* MaxOutstandingR2T, 1..65535 */
	TGT_PARAM_DEFAULT_TIME2WAIT, /* DefaultTime2Wait, 0..3600 */
	TGT_PARAM_DEFAULT_TIME2RETAIN, /* DefaultTime2Retain, 0..3600 */
	TGT_PARAM_MAX_QUEUE_CMD,     /* MaxQueueCmd (tgt's queue depth), 1..4096 */
};
const char *tgt_param_name(enum tgt_param p);
int tgt_target_set_param(struct tgt *t, int tid, enum tgt_param p, uint32_t value);

/* "name=value" lines of "--mode target --op show --tid T", parsed. */
struct tgt_kv {
	char key[64];                /* e.g. "MaxRecvDataSegmentLength" */
	char value[64];              /* as tgt prints it */
};
int tgt_target_params(struct tgt *t, int tid, struct tgt_kv **out, size_t *n);
/* Look KEY up in a list from tgt_target_params: its value, or NULL. */
const char *tgt_kv_get(const struct tgt_kv *kv, size_t n, const char *key);

/* --- CHAP accounts ------------------------------------------------------ */

/* USER 1..255 bytes; SECRET 12..255 bytes (tgt accepts shorter, but
 * RFC 3720 8.2.1 and Windows want 12 to 16 at least). */
int tgt_account_new(struct tgt *t, const char *user, const char *secret);
int tgt_account_delete(struct tgt *t, const char *user);
/* OUTGOING binds the account the target answers with (reverse CHAP). */
int tgt_account_bind(struct tgt *t, int tid, const char *user, bool outgoing);
int tgt_account_unbind(struct tgt *t, int tid, const char *user, bool outgoing);

/* --- logical units ------------------------------------------------------ */

struct tgt_lu_spec {
	const char *bstype;          /* "vhd" (bs_vhd), "rdwr", ... */
	const char *path;            /* absolute backing-store path; NULL only
	                              * with a device_type: a drive without a
	                              * medium (tgt's mmc) */
	const char *bsopts;          /* module options, ';'-separated, or NULL */
	bool readonly;               /* set right after creation (see below) */
	const char *device_type;     /* tgtadm --device-type ("cd"), NULL: disk */
	const char *scsi_id;         /* the LU's designator, <= TGT_SCSI_ID_MAX
	                              * bytes, or NULL: tgt's, from tid and LUN */
	const char *scsi_sn;         /* its unit serial number, likewise */
};
/* tgt 1.0.85 keeps at most this many bytes of scsi_id and of scsi_sn
 * (usr/tgtd.h SCSI_ID_LEN, SCSI_SN_LEN); longer values are refused. */
#define TGT_SCSI_ID_MAX 36
/* LUN is tgt's number (1..255): use TGT_LUN_FROM_ISTM.  tgtadm cannot set
 * readonly, scsi_id or scsi_sn at creation ("--op new" takes no
 * --params); they are set by one update just after, so create LUs on a
 * target no initiator is allowed into yet when that window matters. */
int tgt_lu_new(struct tgt *t, int tid, uint32_t lun, const struct tgt_lu_spec *spec);
int tgt_lu_delete(struct tgt *t, int tid, uint32_t lun);
int tgt_lu_set_online(struct tgt *t, int tid, uint32_t lun, bool online);
int tgt_lu_set_readonly(struct tgt *t, int tid, uint32_t lun, bool readonly);
/* Give a live LU another identity: VPD page 0x83's T10 vendor ID
 * designator and the NAA IEEE Registered Extended one tgt derives from
 * SCSI_ID, and page 0x80's serial number SCSI_SN.  tgt's NAA locally
 * assigned designator stays what tgt made of the tid and LUN: no
 * parameter reaches it in 1.0.85 (istmd/README.md, "LU identity"). */
int tgt_lu_set_identity(struct tgt *t, int tid, uint32_t lun, const char *scsi_id,
			const char *scsi_sn);
/* Switch the LU to another backing file (snapshots: take it offline first). */
int tgt_lu_set_path(struct tgt *t, int tid, uint32_t lun, const char *path);
/* The same for a live LU in one tgtadm request ("online=0,path=PATH"),
 * which leaves it online on the new file: a snapshot switch costs one
 * tgtadm run instead of three (each a fork and exec, tens of ms under
 * load, and the LU's pause does not depend on them). */
int tgt_lu_switch(struct tgt *t, int tid, uint32_t lun, const char *path);

/* --- portals and the daemon ----------------------------------------------- */

struct tgt_portal {
	char address[128];           /* "127.0.0.1", "::1" (no brackets) */
	uint32_t port;               /* TCP port */
	uint32_t tpgt;               /* portal group tag */
};
int tgt_portal_list(struct tgt *t, struct tgt_portal **out, size_t *n);
int tgt_portal_new(struct tgt *t, const char *address, uint32_t port);
int tgt_portal_delete(struct tgt *t, const char *address, uint32_t port);
/* tgtd's iSNS client (tgt_isns.c): whether it is on and which server. */
struct tgt_isns {
	bool on;                     /* iSNS=On */
	char address[256];           /* iSNSServerIP */
	uint32_t port;               /* iSNSServerPort */
};
int tgt_isns_show(struct tgt *t, struct tgt_isns *out);
/* Register tgtd's targets with the server at ADDRESS:PORT (moving them
 * from another server), or with none (ADDRESS NULL: iSNS Off). */
int tgt_isns_set(struct tgt *t, const char *address, uint32_t port);
/* Ask tgtd to exit (refused while targets exist: -EBUSY / -EINVAL). */
int tgt_system_delete(struct tgt *t);

/* --- what tgtd has: "--mode target --op show" ------------------------ */

struct tgt_show_lu {
	uint32_t lun;                /* tgt LUN (0 = the controller) */
	char type[32];               /* "controller", "disk", ... */
	char scsi_id[64];            /* "IET     00010001" (tgt's default) */
	char scsi_sn[64];            /* "beaf11" (tgt's default) */
	uint64_t size_mb;            /* "Size: N MB" (tgt rounds; 0 for LUN 0) */
	uint32_t block_size;         /* bytes */
	bool online;                 /* Online: Yes */
	bool readonly;               /* Readonly: Yes */
	char bstype[32];             /* "rdwr", "vhd", "null" */
	char path[4096];             /* backing store path; "" for "None" */
};

struct tgt_show_conn {
	uint32_t cid;                /* "Connection: N" */
	char address[128];           /* "IP Address: ..." */
};

struct tgt_show_nexus {
	uint64_t id;                 /* "I_T nexus: N" */
	char initiator[224];         /* initiator iSCSI name */
	char alias[256];             /* initiator alias, "" for none */
	struct tgt_show_conn *conns; /* connections of this nexus */
	size_t nconns;               /* how many */
};

struct tgt_show_account {
	char user[256];              /* account name */
	bool outgoing;               /* bound "(outgoing)": reverse CHAP */
};

struct tgt_show_acl {
	char value[256];             /* address ("ALL", "10.0.0.0/8") or iSCSI name */
	bool is_name;                /* an initiator name rather than an address */
};

struct tgt_show_target {
	int tid;                     /* "Target N: ..." */
	char iqn[224];               /* the target name */
	char state[16];              /* "ready", "offline" */
	struct tgt_show_lu *lus;     /* by LUN, as tgt lists them */
	size_t nlus;                 /* how many (controller included) */
	struct tgt_show_nexus *nexus;   /* logged-in initiators */
	size_t nnexus;               /* how many */
	struct tgt_show_account *accounts;  /* bound accounts */
	size_t naccounts;            /* how many */
	struct tgt_show_acl *acls;   /* allowed initiators */
	size_t nacls;                /* how many */
};

struct tgt_show {
	struct tgt_show_target *targets;  /* in tgt's order */
	size_t ntargets;             /* how many */
};

int tgt_show(struct tgt *t, struct tgt_show **out);
/* The parser alone (TEXT need not be NUL-terminated): 0 or -EBADMSG with a
 * message naming the line in ERR. */
int tgt_show_parse(const char *text, size_t len, struct tgt_show **out,
		   char *err, size_t errcap);
void tgt_show_free(struct tgt_show *s);
const struct tgt_show_target *tgt_show_find(const struct tgt_show *s, int tid);

/* --- sessions: "--mode conn --op show --tid T" ------------------------ */

struct tgt_conn {
	uint32_t tsih;               /* "Session: N" is the session's TSIH */
	uint32_t cid;                /* "Connection: N" */
	char initiator[224];         /* initiator iSCSI name */
	char address[128];           /* initiator IP address */
};
int tgt_conn_list(struct tgt *t, int tid, struct tgt_conn **out, size_t *n);
int tgt_conn_parse(const char *text, size_t len, struct tgt_conn **out, size_t *n,
		   char *err, size_t errcap);

#endif /* ISTMD_TGT_H */
