/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* istm-tables.h: every method of every ISTM interface istmd registers
 * (activatable and inner classes, base interfaces included), for the
 * table tests and the fuzz harness that cover all interfaces at once. */
#ifndef ISTM_TABLES_H
#define ISTM_TABLES_H

#include "dcom/dcom_int.h"

struct istm_method_ref {
	const struct dcom_iface *iface;   /* the interface that declares it */
	const struct dcom_method *m;      /* the method */
	uint16_t opnum;                   /* its opnum */
};

/* Fill up to MAX methods into OUT; returns how many there are. */
size_t istm_all_methods(struct istm_method_ref *out, size_t max);

/* Pull STUB as M's [in] list; when that succeeds, push it back, pull and
 * push again: the two pushes must be byte for byte the same (the tables
 * describe one wire format both ways).  Also push a zeroed [out] list
 * (what a failing method sends).  Returns 1 when the stub was accepted,
 * 0 when refused, -1 when the round trip broke (a table bug). */
int istm_method_roundtrip(const struct istm_method_ref *r, const uint8_t *stub, size_t len);

/* The two halves of istm_method_roundtrip, for the fuzz harness: the
 * zeroed [out] push depends on the method only, so it runs once per
 * method there rather than once per input (for methods with large fixed
 * [out] arrays it was most of an execution's time). */
int istm_method_in_roundtrip(const struct istm_method_ref *r, const uint8_t *stub, size_t len);
int istm_method_out_zero_push(const struct istm_method_ref *r);

#endif
