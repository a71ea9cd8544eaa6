/* svc_session.c: the parent's answers for sessions: ISessionManager/2, IEnumSession/2, IEnumConnection. */
#include <config.h>

#include <string.h>

#include "svc/svc_session.h"

const struct svc_verb svc_session_verbs[] = {
	{ 0, NULL, 0, 0, NULL },     /* placeholder: no verbs yet */
};
const size_t svc_session_nverbs = 0;
