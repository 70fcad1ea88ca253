/*
 * pvx public ABI: hvm_op (hypercall 34). pvx implements one command,
 * HVMOP_get_param, for the parameters of params.h: how dom0 learns a
 * boot-time domU's console and store event channels and pages, as Xen's
 * init-dom0less does for dom0less domains. HVMOP_set_param and every other
 * command answer -ENOSYS. Numbers and layout are Xen 4.17's, checked
 * against libxen-dev by tests/abi.
 */
#ifndef PVX_PUBLIC_HVM_HVM_OP_H
#define PVX_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"

/* hvm_op(op, arg) commands; arg is struct xen_hvm_param. */
#define HVMOP_set_param 0
#define HVMOP_get_param 1

#ifndef __ASSEMBLY__

struct xen_hvm_param {
    domid_t  domid;                /* IN: the domain asked about, or DOMID_SELF */
    uint16_t pad;
    uint32_t index;                /* IN: HVM_PARAM_* */
    uint64_align4_t value;         /* OUT (get), IN (set) */
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_HVM_HVM_OP_H */
