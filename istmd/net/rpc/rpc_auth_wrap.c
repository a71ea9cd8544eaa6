/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_auth_wrap.c: sign and seal one PDU with an established security
 * context, whatever the provider ([MS-RPCE] 3.3.1.5.2.2).
 *
 *  - NTLM: the stub is sealed with RC4, and the NTLM signature (16 bytes)
 *    covers header, plaintext stub and sec_trailer, always.
 *  - Kerberos: RFC 4121 tokens in the DCE layout [MS-KILE] 3.4.5.4.1
 *    describes: at privacy gss_wrap_iov with the verifier as the HEADER
 *    buffer (no TRAILER buffer, so the token's tail is rotated into the
 *    header: RRC), the stub as DATA, and the PDU header and sec_trailer as
 *    SIGN_ONLY when header signing was negotiated; at integrity a MIC over
 *    the same bytes.  The verifier's length therefore depends on the
 *    enctype (60 bytes sealed, 28 signed for AES), asked of GSS-API.
 * Trade-off: one iovec layout for both directions, built per call. */
#include <config.h>

#include <errno.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <string.h>

#include "rpc_auth.h"
#include "rpc_int.h"

/* Lay out the Kerberos buffers: [HEADER|MIC] pre? DATA post?. */
static int krb5_iov(gss_iov_buffer_desc *iov, int privacy, int hdr_sign, const struct iovec *pre,
		    uint8_t *body, size_t body_len, const struct iovec *post,
		    uint8_t *verifier, size_t verifier_len)
{
	int n = 0;

	iov[n].type = privacy ? GSS_IOV_BUFFER_TYPE_HEADER : GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
	iov[n++].buffer = (gss_buffer_desc){ verifier_len, verifier };
	if (hdr_sign) {
		iov[n].type = privacy ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY : GSS_IOV_BUFFER_TYPE_DATA;
		iov[n++].buffer = (gss_buffer_desc){ pre->iov_len, pre->iov_base };
	}
	iov[n].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[n++].buffer = (gss_buffer_desc){ body_len, body };
	if (hdr_sign) {
		iov[n].type = privacy ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY : GSS_IOV_BUFFER_TYPE_DATA;
		iov[n++].buffer = (gss_buffer_desc){ post->iov_len, post->iov_base };
	}
	return n;
}

size_t rpc_auth_verifier_len(struct rpc_auth *a, uint8_t level, int hdr_sign, size_t body_len)
{
	static const struct iovec none = { NULL, 0 };
	gss_iov_buffer_desc iov[4];
	OM_uint32 major, minor;
	int privacy = level == RPC_AUTHN_LEVEL_PKT_PRIVACY, n;

	if (!a->krb5)
		return 16; /* NTLMSSP_MESSAGE_SIGNATURE */
	n = krb5_iov(iov, privacy, hdr_sign, &none, NULL, body_len, &none, NULL, 0);
	if (privacy)
		major = gss_wrap_iov_length(&minor, a->gss, 1, GSS_C_QOP_DEFAULT, NULL, iov, n);
	else
		major = gss_get_mic_iov_length(&minor, a->gss, GSS_C_QOP_DEFAULT, iov, n);
	return GSS_ERROR(major) ? 0 : iov[0].buffer.length;
}

int rpc_auth_protect(struct rpc_auth *a, uint8_t level, int hdr_sign, const struct iovec *pre,
		     uint8_t *body, size_t body_len, const struct iovec *post,
		     uint8_t *verifier, size_t verifier_len)
{
	int privacy = level == RPC_AUTHN_LEVEL_PKT_PRIVACY, n, conf = 0;
	gss_iov_buffer_desc iov[4];
	OM_uint32 major, minor;

	if (!a->krb5) {
		uint8_t plain[RPC_OUR_MAX_FRAG];
		struct iovec v[3] = { *pre, { plain, body_len }, *post };

		if (body_len > sizeof(plain) || verifier_len != 16)
			return -EIO;
		memcpy(plain, body, body_len);
		if (privacy)
			ntlmssp_seal(&a->sess, body, body_len);
		ntlmssp_sign(&a->sess, v, 3, verifier);
		return 0;
	}
	n = krb5_iov(iov, privacy, hdr_sign, pre, body, body_len, post, verifier, verifier_len);
	if (privacy)
		major = gss_wrap_iov(&minor, a->gss, 1, GSS_C_QOP_DEFAULT, &conf, iov, n);
	else
		major = gss_get_mic_iov(&minor, a->gss, GSS_C_QOP_DEFAULT, iov, n);
	if (GSS_ERROR(major) || iov[0].buffer.length != verifier_len || (privacy && !conf))
		return -EIO;
	return 0;
}

int rpc_auth_unprotect(struct rpc_auth *a, uint8_t level, int hdr_sign, const struct iovec *pre,
		       uint8_t *body, size_t body_len, const struct iovec *post,
		       const uint8_t *verifier, size_t verifier_len)
{
	int privacy = level == RPC_AUTHN_LEVEL_PKT_PRIVACY, n, conf = 0;
	gss_iov_buffer_desc iov[4];
	OM_uint32 major, minor;
	gss_qop_t qop;

	if (!a->krb5) {
		struct iovec v[3] = { *pre, { body, body_len }, *post };

		if (verifier_len != 16)
			return -EACCES;
		if (privacy)
			ntlmssp_unseal(&a->sess, body, body_len);
		return ntlmssp_check(&a->sess, v, 3, verifier) < 0 ? -EACCES : 0;
	}
	n = krb5_iov(iov, privacy, hdr_sign, pre, body, body_len, post, (uint8_t *)verifier,
		     verifier_len);
	if (privacy)
		major = gss_unwrap_iov(&minor, a->gss, &conf, &qop, iov, n);
	else
		major = gss_verify_mic_iov(&minor, a->gss, &qop, iov, n);
	/* a duplicate, old or gap token is a GSS supplementary status:
	 * refused like a bad one (the PDU stream has no room for either) */
	if (major != GSS_S_COMPLETE || (privacy && !conf))
		return -EACCES;
	return 0;
}
