/*
 * pvx public ABI: callback_op, registering the guest's event, failsafe,
 * NMI and system-call entry points.
 */
#ifndef PVX_PUBLIC_CALLBACK_H
#define PVX_PUBLIC_CALLBACK_H

#include "xen.h"

/* Callback types. */
#define CALLBACKTYPE_event               0 /* event upcall */
#define CALLBACKTYPE_failsafe            1 /* guest state could not be restored */
#define CALLBACKTYPE_syscall             2 /* 64-bit guests only */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5 /* 32-bit user code's sysenter */
#define CALLBACKTYPE_syscall32           7 /* 32-bit user code's syscall */

/* callback_register.flags */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events) /* enter with events masked */

/* callback_op(cmd, arg) commands. */
#define CALLBACKOP_register   0 /* struct callback_register */
#define CALLBACKOP_unregister 1 /* struct callback_unregister */

#ifndef __ASSEMBLY__

struct callback_register {
    uint16_t type;          /* CALLBACKTYPE_* */
    uint16_t flags;         /* CALLBACKF_* */
    xen_callback_t address; /* cs:eip */
};
typedef struct callback_register callback_register_t;
DEFINE_XEN_GUEST_HANDLE(callback_register_t);

struct callback_unregister {
    uint16_t type;          /* CALLBACKTYPE_* */
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
DEFINE_XEN_GUEST_HANDLE(callback_unregister_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_CALLBACK_H */
