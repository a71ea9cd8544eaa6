/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_schema.c: the schema of istmd.db and its migrations.
 *
 * migrations[i] takes a database from user_version i to i + 1; each runs in
 * its own transaction together with the user_version bump, so a crash
 * mid-migration leaves the previous version intact.  Never edit a released
 * step: append a new one (ALTER TABLE ... ADD COLUMN, or create-copy-drop)
 * and raise STATE_SCHEMA_VERSION.  Trade-off: CHECK constraints repeat the
 * C-side limits so a row written by another tool (sqlite3 by hand) cannot
 * overflow the fixed buffers in struct state_target/state_disk.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "state_int.h"

static const char *const migrations[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE targets ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  guid BLOB NOT NULL UNIQUE CHECK (length(guid) = 16),"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE"
	"       CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 255),"
	"  iqn TEXT NOT NULL CHECK (length(CAST(iqn AS BLOB)) <= 223),"
	"  description TEXT NOT NULL DEFAULT '' CHECK (length(CAST(description AS BLOB)) <= 1023),"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  chap_enabled INTEGER NOT NULL DEFAULT 0,"
	"  chap_user TEXT NOT NULL DEFAULT '' CHECK (length(CAST(chap_user AS BLOB)) <= 255),"
	"  chap_secret TEXT NOT NULL DEFAULT '' CHECK (length(CAST(chap_secret AS BLOB)) <= 255),"
	"  rchap_enabled INTEGER NOT NULL DEFAULT 0,"
	"  rchap_user TEXT NOT NULL DEFAULT '' CHECK (length(CAST(rchap_user AS BLOB)) <= 255),"
	"  rchap_secret TEXT NOT NULL DEFAULT '' CHECK (length(CAST(rchap_secret AS BLOB)) <= 255),"
	"  max_recv_dsl INTEGER NOT NULL DEFAULT 0,"
	"  first_burst INTEGER NOT NULL DEFAULT 0,"
	"  max_burst INTEGER NOT NULL DEFAULT 0,"
	"  num_recv_buffers INTEGER NOT NULL DEFAULT 0,"
	"  enforce_idle_timeout INTEGER NOT NULL DEFAULT 0,"
	"  listen_all INTEGER NOT NULL DEFAULT 1,"
	"  processor INTEGER NOT NULL DEFAULT 0,"
	"  last_login INTEGER NOT NULL DEFAULT 0,"
	"  status INTEGER NOT NULL DEFAULT 0,"
	"  resource_group TEXT NOT NULL DEFAULT '' CHECK (length(CAST(resource_group AS BLOB)) <= 255),"
	"  tid INTEGER UNIQUE CHECK (tid IS NULL OR tid > 0),"
	"  flags INTEGER NOT NULL DEFAULT 0"
	");"
	/* an empty IQN means 'not chosen yet'; chosen ones are unique */
	"CREATE UNIQUE INDEX targets_iqn ON targets (iqn COLLATE NOCASE) WHERE iqn <> '';"
	"CREATE TABLE target_ids ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,"
	"  method INTEGER NOT NULL CHECK (method BETWEEN 0 AND 5),"
	"  value TEXT NOT NULL CHECK (length(CAST(value AS BLOB)) BETWEEN 1 AND 1023),"
	"  UNIQUE (target_id, method, value)"
	");"
	"CREATE TABLE disks ("
	"  wtd INTEGER PRIMARY KEY AUTOINCREMENT CHECK (wtd >= 0),"
	"  guid BLOB NOT NULL UNIQUE CHECK (length(guid) = 16),"
	"  serial TEXT NOT NULL UNIQUE CHECK (length(CAST(serial AS BLOB)) BETWEEN 1 AND 63),"
	"  path TEXT NOT NULL UNIQUE CHECK (substr(path, 1, 1) = '/'"
	"       AND length(CAST(path AS BLOB)) <= 4095),"
	"  size INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),"
	"  description TEXT NOT NULL DEFAULT '' CHECK (length(CAST(description AS BLOB)) <= 1023),"
	"  wtd_flags INTEGER NOT NULL DEFAULT 1,"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  read_only INTEGER NOT NULL DEFAULT 0,"
	"  wtd_type INTEGER NOT NULL DEFAULT 1,"
	"  vhd_type INTEGER NOT NULL DEFAULT 1,"
	"  parent_wtd INTEGER REFERENCES disks (wtd) ON DELETE RESTRICT,"
	"  lm_type INTEGER NOT NULL DEFAULT 0,"
	"  lm_mount_point TEXT NOT NULL DEFAULT '' CHECK (length(CAST(lm_mount_point AS BLOB)) <= 1023),"
	"  resource_group TEXT NOT NULL DEFAULT '' CHECK (length(CAST(resource_group AS BLOB)) <= 255),"
	"  flags INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX disks_parent ON disks (parent_wtd);"
	"CREATE TABLE lun_mappings ("
	"  target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,"
	"  wtd INTEGER NOT NULL REFERENCES disks (wtd) ON DELETE RESTRICT,"
	"  lun INTEGER NOT NULL CHECK (lun BETWEEN 0 AND 254),"
	"  PRIMARY KEY (target_id, lun),"
	"  UNIQUE (target_id, wtd)"
	");"
	"CREATE INDEX lun_mappings_wtd ON lun_mappings (wtd);"
	"CREATE TABLE portals ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  guid BLOB NOT NULL UNIQUE CHECK (length(guid) = 16),"
	"  address TEXT NOT NULL CHECK (length(CAST(address AS BLOB)) BETWEEN 1 AND 127),"
	"  port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),"
	"  listen INTEGER NOT NULL DEFAULT 1,"
	"  secure INTEGER NOT NULL DEFAULT 0,"
	"  valid INTEGER NOT NULL DEFAULT 1,"
	"  UNIQUE (address, port)"
	");"
	"CREATE TABLE target_portals ("
	"  target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,"
	"  portal_id INTEGER NOT NULL REFERENCES portals (id) ON DELETE CASCADE,"
	"  PRIMARY KEY (target_id, portal_id)"
	");"
	"CREATE TABLE cached_initiators ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  iqn TEXT NOT NULL UNIQUE CHECK (length(CAST(iqn AS BLOB)) BETWEEN 1 AND 223),"
	"  last_login INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),"
	"  value TEXT NOT NULL"
	");",
	/* 1 -> 2: snapshots ([MS-ISTM] 3.1.1.5) and the layer each disk is
	 * served from once it has snapshots (its "top"; absent: its path) */
	"CREATE TABLE snapshots ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  guid BLOB NOT NULL UNIQUE CHECK (length(guid) = 16),"
	"  wtd INTEGER NOT NULL REFERENCES disks (wtd) ON DELETE RESTRICT,"
	"  layer TEXT NOT NULL DEFAULT '' CHECK (length(CAST(layer AS BLOB)) <= 4095),"
	"  timestamp INTEGER NOT NULL DEFAULT 0,"
	"  status INTEGER NOT NULL DEFAULT 0,"
	"  taken INTEGER NOT NULL DEFAULT 0,"
	"  exported_wtd INTEGER REFERENCES disks (wtd) ON DELETE SET NULL,"
	"  mount_point TEXT NOT NULL DEFAULT '' CHECK (length(CAST(mount_point AS BLOB)) <= 1023)"
	");"
	"CREATE INDEX snapshots_wtd ON snapshots (wtd);"
	"CREATE UNIQUE INDEX snapshots_layer ON snapshots (layer) WHERE layer <> '';"
	"CREATE TABLE disk_tops ("
	"  wtd INTEGER PRIMARY KEY REFERENCES disks (wtd) ON DELETE CASCADE,"
	"  path TEXT NOT NULL UNIQUE CHECK (substr(path, 1, 1) = '/'"
	"       AND length(CAST(path AS BLOB)) <= 4095)"
	");",
	/* 2 -> 3: the layer files a snapshot operation is making or removing,
	 * written before the file step, so a restart finishes or undoes it
	 * (state_snapshot.h, "layer journal") */
	"CREATE TABLE layer_journal ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  path TEXT NOT NULL UNIQUE CHECK (substr(path, 1, 1) = '/'"
	"       AND length(CAST(path AS BLOB)) <= 4095),"
	"  wtd INTEGER NOT NULL,"
	"  parent TEXT NOT NULL DEFAULT '' CHECK (length(CAST(parent AS BLOB)) <= 4095)"
	");",
	/* 3 -> 4: each disk's SCSI designator (tgt's scsi_id), kept so its
	 * LUs present the same identity wherever they are mapped; existing
	 * disks get it from their GUID as state_disk_scsi_id() makes it */
	"ALTER TABLE disks ADD COLUMN scsi_id TEXT NOT NULL DEFAULT ''"
	"  CHECK (length(CAST(scsi_id AS BLOB)) <= 36);"
	"UPDATE disks SET scsi_id = 'IET     ' || substr(hex(guid), 1, 28);"
	"CREATE UNIQUE INDEX disks_scsi_id ON disks (scsi_id) WHERE scsi_id <> '';",
};

#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

_Static_assert(MIGRATION_COUNT == STATE_SCHEMA_VERSION,
	       "one migration per schema version");

static int user_version(struct state *st, int *version)
{
	sqlite3_stmt *stmt;
	int err = state_prepare(st, "PRAGMA user_version", &stmt);

	if (err < 0)
		return err;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		err = state_sqlerr(st, sqlite3_errcode(st->db), "read schema version");
		sqlite3_finalize(stmt);
		return err;
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

int state_migrate(struct state *st)
{
	int version = 0, err;
	char sql[64];

	err = user_version(st, &version);
	if (err < 0)
		return err;
	if (version > MIGRATION_COUNT)
		return state_fail(st, -EPROTO,
				  "cannot open '%s': schema version %d is newer than this istmd (%d)",
				  st->path, version, MIGRATION_COUNT);
	for (; version < MIGRATION_COUNT; version++) {
		err = state_begin(st);
		if (err < 0)
			return err;
		err = state_exec(st, migrations[version]);
		if (err == 0) {
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
			err = state_exec(st, sql);
		}
		if (err < 0) {
			state_rollback(st);
			return err;
		}
		err = state_commit(st);
		if (err < 0)
			return err;
	}
	return 0;
}
