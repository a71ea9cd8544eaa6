/* svc_session.h: the parent's verbs for sessions: ISessionManager/2, IEnumSession/2, IEnumConnection
 * ([MS-ISTM]): numbers, request and reply structs.  Shared by istm/ (the
 * child, which asks) and svc/svc_session.c (the parent, which answers); see
 * svc/svc.h for the conventions. */
#ifndef ISTMD_SVC_SESSION_H
#define ISTMD_SVC_SESSION_H

#include <stdint.h>

#include "svc/svc.h"

enum svc_session_verb {
	SVC_SESSION_FIRST = 400,        /* verbs 400..499 */
};

#endif /* ISTMD_SVC_SESSION_H */
