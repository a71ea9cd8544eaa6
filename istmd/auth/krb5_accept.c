/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* krb5_accept.c: the parent's GSS-API acceptor (MIT gssapi_krb5).  The
 * credential is acquired once from the keytab named on the command line
 * (gss_acquire_cred_from with a "keytab" cred store, so no environment
 * variable leaks the keytab's name to the child).  DCE-style contexts take
 * two legs (AP-REQ -> AP-REP, then the client's AP-REP), so a context in
 * progress is kept here under a random handle; at most PENDING_MAX of them,
 * the oldest dropped first, none older than PENDING_TTL seconds.  A
 * completed context is exported and deleted: the parent keeps nothing of
 * it.  Trade-off: a child that starts contexts and never finishes them
 * costs at most PENDING_MAX MIT contexts here. */
#include <config.h>

#include <errno.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "auth/krb5_accept.h"
#include "log.h"

#define PENDING_MAX 32
#define PENDING_TTL 60

static struct {
	uint32_t handle;             /* 0: free */
	gss_ctx_id_t ctx;            /* in progress */
	time_t started;              /* for PENDING_TTL and eviction */
} pending[PENDING_MAX];

static gss_cred_id_t acceptor = GSS_C_NO_CREDENTIAL;
static int have_cred;

static gss_OID_desc krb5_oid = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };

/* The AP-REQ inside a GSS-framed first token ([RFC 2743] 3.1: 0x60, DER
 * length, the Kerberos OID, TOK_ID 01 00), or the token itself.  MIT takes
 * a DCE-style AP-REQ only unframed, as Windows and Samba send it; impacket
 * frames it, and Windows servers accept both: so do we (DCE/RPC clients
 * are all DCE style). */
static void unframe(const uint8_t **tok, size_t *len)
{
	static const uint8_t oid_krb5[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
					    0x01, 0x02, 0x02, 0x01, 0x00 };
	const uint8_t *p = *tok;
	size_t n = *len, body, off = 2;

	if (n < 2 || p[0] != 0x60)
		return;
	if (p[1] < 0x80) {
		body = p[1];
	} else if (p[1] == 0x81 && n > 3) {
		body = p[2];
		off = 3;
	} else if (p[1] == 0x82 && n > 4) {
		body = (size_t)p[2] << 8 | p[3];
		off = 4;
	} else {
		return;
	}
	if (body != n - off || body < sizeof(oid_krb5) ||
	    memcmp(p + off, oid_krb5, sizeof(oid_krb5)))
		return;
	*tok = p + off + sizeof(oid_krb5);
	*len = body - sizeof(oid_krb5);
}

/* One line for a GSS failure: the major and minor messages. */
static void log_gss(const char *what, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 min2, ctx = 0;
	gss_buffer_desc ma = GSS_C_EMPTY_BUFFER, mi = GSS_C_EMPTY_BUFFER;

	gss_display_status(&min2, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &ma);
	ctx = 0;
	if (minor)
		gss_display_status(&min2, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &mi);
	log_info("kerberos: %s: %.*s%s%.*s", what, (int)ma.length, (char *)ma.value,
		 mi.length ? ": " : "", (int)mi.length, mi.length ? (char *)mi.value : "");
	gss_release_buffer(&min2, &ma);
	gss_release_buffer(&min2, &mi);
}

int krb5_accept_init(const char *keytab, const char *principal)
{
	gss_key_value_element_desc kv = { "keytab", keytab };
	gss_key_value_set_desc store = { 1, &kv };
	gss_OID_set_desc mechs = { 1, &krb5_oid };
	gss_buffer_desc nb;
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 major, minor;
	char host[300], buf[600];

	krb5_accept_release();
	/* An exported context carries its krb5 context, and that names the
	 * profile files it was read from: the chrooted child, which imports
	 * it, could not open them and the import would fail.  So the acceptor
	 * reads no krb5.conf at all (an acceptor with a keytab needs none: the
	 * realm is the principal's, the defaults serve the rest). */
	if (setenv("KRB5_CONFIG", "", 1) < 0)
		return -errno;
	if (access(keytab, R_OK) < 0) {
		log_warn("keytab '%s' cannot be read", keytab);
		return -errno;
	}
	if (principal) {
		nb = (gss_buffer_desc){ strlen(principal), (void *)principal };
		major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &name);
	} else {
		if (gethostname(host, sizeof(host) - 1) < 0)
			return -errno;
		host[sizeof(host) - 1] = 0;
		snprintf(buf, sizeof(buf), "host@%s", host);
		nb = (gss_buffer_desc){ strlen(buf), buf };
		major = gss_import_name(&minor, &nb, GSS_C_NT_HOSTBASED_SERVICE, &name);
	}
	if (GSS_ERROR(major)) {
		log_gss("the service principal", major, minor);
		return -EINVAL;
	}
	major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT,
				      &store, &acceptor, NULL, NULL);
	gss_release_name(&minor, &name);
	if (GSS_ERROR(major)) {
		log_gss("no acceptor credential in the keytab", major, minor);
		acceptor = GSS_C_NO_CREDENTIAL;
		return -ENOKEY;
	}
	have_cred = 1;
	return 0;
}

static void pending_drop(unsigned i)
{
	OM_uint32 minor;

	if (pending[i].ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &pending[i].ctx, GSS_C_NO_BUFFER);
	memset(&pending[i], 0, sizeof(pending[i]));
	pending[i].ctx = GSS_C_NO_CONTEXT;
}

void krb5_accept_forget(void)
{
	unsigned i;

	for (i = 0; i < PENDING_MAX; i++)
		if (pending[i].handle)
			pending_drop(i);
}

void krb5_accept_release(void)
{
	OM_uint32 minor;

	krb5_accept_forget();
	if (have_cred)
		gss_release_cred(&minor, &acceptor);
	acceptor = GSS_C_NO_CREDENTIAL;
	have_cred = 0;
}

/* The slot of HANDLE, or -1. */
static int pending_find(uint32_t handle)
{
	time_t now = time(NULL);
	unsigned i;

	for (i = 0; i < PENDING_MAX; i++)
		if (pending[i].handle && now - pending[i].started > PENDING_TTL)
			pending_drop(i);
	for (i = 0; i < PENDING_MAX; i++)
		if (handle && pending[i].handle == handle)
			return (int)i;
	return -1;
}

/* A free slot for CTX (the oldest is dropped when none is free). */
static uint32_t pending_add(gss_ctx_id_t ctx)
{
	unsigned i, oldest = 0;
	uint32_t h = 0;

	for (i = 0; i < PENDING_MAX; i++) {
		if (!pending[i].handle)
			break;
		if (pending[i].started < pending[oldest].started)
			oldest = i;
	}
	if (i == PENDING_MAX) {
		pending_drop(oldest);
		i = oldest;
	}
	while (!h)
		if (getrandom(&h, sizeof(h), 0) != sizeof(h))
			h = 0;
	pending[i].handle = h;
	pending[i].ctx = ctx;
	pending[i].started = time(NULL);
	return h;
}

/* Copy NAME's display form into OUT. */
static int display(gss_name_t name, char *out, size_t size)
{
	gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	int ok;

	major = gss_display_name(&minor, name, &b, NULL);
	ok = !GSS_ERROR(major) && b.length < size && !memchr(b.value, 0, b.length);
	if (ok) {
		memcpy(out, b.value, b.length);
		out[b.length] = 0;
	}
	gss_release_buffer(&minor, &b);
	return ok ? 0 : -EBADMSG;
}

/* After COMPLETE: names, then the exported context after the token. */
static int complete(gss_ctx_id_t *ctx, gss_name_t client, uint8_t *out, size_t cap,
		    struct krb5_step *step)
{
	gss_name_t target = GSS_C_NO_NAME;
	gss_buffer_desc exp = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	const char *at;
	int rc = 0;

	major = gss_inquire_context(&minor, *ctx, NULL, &target, NULL, NULL, NULL, NULL, NULL);
	if (GSS_ERROR(major) || display(client, step->client, sizeof(step->client)) < 0 ||
	    display(target, step->service_realm, sizeof(step->service_realm)) < 0) {
		step->result = KRB5_REFUSED;
		goto out;
	}
	/* keep the realm alone of "service/host@REALM" */
	at = strrchr(step->service_realm, '@');
	memmove(step->service_realm, at ? at + 1 : "", strlen(at ? at + 1 : "") + 1);
	major = gss_export_sec_context(&minor, ctx, &exp);
	if (GSS_ERROR(major)) {
		log_gss("exporting the context", major, minor);
		step->result = KRB5_REFUSED;
		goto out;
	}
	if (exp.length > SVC_KRB5_MAX_CONTEXT || exp.length > cap - step->token_len) {
		rc = -ENOSPC;
		goto out;
	}
	memcpy(out + step->token_len, exp.value, exp.length);
	step->context_len = exp.length;
	step->result = KRB5_COMPLETE;
out:
	if (exp.length)
		explicit_bzero(exp.value, exp.length);
	gss_release_buffer(&minor, &exp);
	gss_release_name(&minor, &target);
	return rc;
}

int krb5_accept_step(uint32_t handle, const uint8_t *token, size_t len, uint8_t *out,
		     size_t cap, struct krb5_step *step)
{
	gss_buffer_desc in = { len, (void *)token }, outtok = GSS_C_EMPTY_BUFFER;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_name_t client = GSS_C_NO_NAME;
	OM_uint32 major, minor, flags = 0;
	int slot, rc = 0;

	memset(step, 0, sizeof(*step));
	if (!have_cred) {
		step->result = KRB5_UNAVAILABLE;
		return 0;
	}
	slot = pending_find(handle);
	if (handle && slot < 0) {
		log_info("kerberos: a leg for a context that is gone");
		step->result = KRB5_REFUSED;
		return 0;
	}
	if (slot >= 0) {
		ctx = pending[slot].ctx;
		pending[slot].ctx = GSS_C_NO_CONTEXT;
		pending_drop((unsigned)slot);
	} else {
		unframe(&token, &len);
		in = (gss_buffer_desc){ len, (void *)token };
	}
	major = gss_accept_sec_context(&minor, &ctx, acceptor, &in, GSS_C_NO_CHANNEL_BINDINGS,
				       &client, NULL, &outtok, &flags, NULL, NULL);
	if (GSS_ERROR(major)) {
		log_gss("the client's token was refused", major, minor);
		step->result = KRB5_REFUSED;
		goto out;
	}
	if (outtok.length > SVC_KRB5_MAX_TOKEN || outtok.length > cap) {
		rc = -ENOSPC;
		goto out;
	}
	if (outtok.length)
		memcpy(out, outtok.value, outtok.length);
	step->token_len = outtok.length;
	if (major & GSS_S_CONTINUE_NEEDED) {
		step->result = KRB5_CONTINUE;
		step->handle = pending_add(ctx);
		ctx = GSS_C_NO_CONTEXT;
		goto out;
	}
	if (!(flags & GSS_C_INTEG_FLAG)) {
		log_info("kerberos: the client asked for no integrity protection");
		step->result = KRB5_REFUSED;
		goto out;
	}
	rc = complete(&ctx, client, out, cap, step);
out:
	if (ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
	gss_release_buffer(&minor, &outtok);
	gss_release_name(&minor, &client);
	return rc;
}
