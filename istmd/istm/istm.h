/* istm.h: the [MS-ISTM] interfaces implemented so far, as dcom_iface tables
 * (istm/classes.c lists which class answers to which).  Each interface
 * lives in its own file: parameter descriptors, then implementations, then
 * the method table in opnum order.
 */
#ifndef ISTMD_ISTM_H
#define ISTMD_ISTM_H

#include "dcom/dcom_int.h"

/* iwtgeneral.c: [MS-ISTM] 3.52, 3.54 */
extern const struct dcom_iface istm_if_iwtgeneral;
extern const struct dcom_iface istm_if_iwtgeneral2;

#endif /* ISTMD_ISTM_H */
