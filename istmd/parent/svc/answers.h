/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* answers.h: the function that answers each verb, named after it: verb
 * SVC_X is answered by answer_x() (the child's stub is ask_x(), proto/ask.h),
 * as OpenSSH's monitor pairs mm_x with mm_answer_x.  The verb table
 * (verbs.c) is the only caller. */
#ifndef ISTMD_SVC_ANSWERS_H
#define ISTMD_SVC_ANSWERS_H

#include "parent/svc/svc.h"

#define ANSWER(x) int answer_##x(struct svc *s, const uint8_t *req, uint8_t *reply, \
				 size_t *reply_len)

/* svc_general.c (proto/general.h) */
ANSWER(general_server_info);
ANSWER(general_set_schedule);
ANSWER(general_get_schedule);
ANSWER(general_get_name);
ANSWER(general_set_name);

/* svc_auth.c (proto/auth.h) */
ANSWER(auth_ntlm_verify);
ANSWER(auth_krb5_accept);

/* svc_target.c (proto/target.h) */
ANSWER(target_new);
ANSWER(target_get);
ANSWER(target_save);
ANSWER(target_delete);
ANSWER(target_discard);
ANSWER(target_id);
ANSWER(target_lun);
ANSWER(target_status);
ANSWER(target_check);
ANSWER(target_enum_hosts);
ANSWER(target_enum_ids);
ANSWER(target_enum_luns);
ANSWER(target_enum_portals);

/* svc_disk.c (proto/disk.h) */
ANSWER(disk_create);
ANSWER(disk_delete);
ANSWER(disk_get);
ANSWER(disk_enum);
ANSWER(disk_save);
ANSWER(disk_mount);
ANSWER(disk_dismount);
ANSWER(disk_mounts);
ANSWER(disk_volume);
ANSWER(disk_close);

/* svc_device.c, svc_device_file.c (proto/device.h) */
ANSWER(device_volumes);
ANSWER(device_empty);
ANSWER(device_volume_info);
ANSWER(device_drive_info);
ANSWER(device_is_valid);
ANSWER(device_path_valid);
ANSWER(device_exists);
ANSWER(device_is_ntfs);
ANSWER(device_rg_from_path);
ANSWER(device_create);
ANSWER(device_grow);
ANSWER(device_delete);
ANSWER(device_create_diff);
ANSWER(device_list_dir);

/* svc_session.c (proto/session.h) */
ANSWER(session_enum);
ANSWER(session_get);
ANSWER(session_enum_conns);
ANSWER(session_get_conn);
ANSWER(session_enum_initiators);

/* svc_snapshot.c, svc_snapshot_ops.c (proto/snapshot.h) */
ANSWER(snapshot_prepare);
ANSWER(snapshot_create);
ANSWER(snapshot_end);
ANSWER(snapshot_delete);
ANSWER(snapshot_get);
ANSWER(snapshot_enum);
ANSWER(snapshot_rollback);
ANSWER(snapshot_abort_rollback);
ANSWER(snapshot_export);
ANSWER(snapshot_mount);
ANSWER(snapshot_dismount);
ANSWER(snapshot_save);
ANSWER(snapshot_disk);
ANSWER(snapshot_shadow);
/* svc_snapshot_lun_info.c (proto/snapshot.h) */
ANSWER(snapshot_lun_info);

/* svc_notify.c (proto/notify.h) */
ANSWER(notify_register);
ANSWER(notify_unregister);
ANSWER(notify_drop_owner);

/* svc_cache_parent.c, svc_portal.c, svc_isns.c (proto/serving.h) */
ANSWER(serving_cache_parent);
ANSWER(serving_portal);
ANSWER(serving_sns_add);
ANSWER(serving_sns_remove);
ANSWER(serving_sns_enum);

/* svc_host_portal.c (proto/serving.h) */
ANSWER(serving_host_portal);

/* svc_dvd.c (proto/dvd.h) */
ANSWER(dvd_medium);

#undef ANSWER

#endif /* ISTMD_SVC_ANSWERS_H */
