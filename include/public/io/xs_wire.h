/*
 * pvx public ABI: the XenStore wire protocol (Xen's io/xs_wire.h): the
 * message header, the message types, and the shared ring page a domain
 * and the store daemon talk through (start_info.store_mfn, notified on
 * start_info.store_evtchn).
 */
#ifndef PVX_PUBLIC_IO_XS_WIRE_H
#define PVX_PUBLIC_IO_XS_WIRE_H

#ifndef __ASSEMBLY__
#include <stdint.h>

enum xsd_sockmsg_type {
    XS_CONTROL,            /* 0 (XS_DEBUG) */
    XS_DIRECTORY,
    XS_READ,
    XS_GET_PERMS,
    XS_WATCH,
    XS_UNWATCH,
    XS_TRANSACTION_START,
    XS_TRANSACTION_END,
    XS_INTRODUCE,
    XS_RELEASE,
    XS_GET_DOMAIN_PATH,    /* 10 */
    XS_WRITE,
    XS_MKDIR,
    XS_RM,
    XS_SET_PERMS,
    XS_WATCH_EVENT,
    XS_ERROR,
    XS_IS_DOMAIN_INTRODUCED,
    XS_RESUME,
    XS_SET_TARGET,
    XS_RESET_WATCHES = XS_SET_TARGET + 2,  /* 21 */
    XS_DIRECTORY_PART,
    XS_TYPE_COUNT,
    XS_INVALID = 0xffff
};

/* Every message: this header, then len bytes of payload. */
struct xsd_sockmsg {
    uint32_t type;         /* enum xsd_sockmsg_type */
    uint32_t req_id;       /* echoed in the reply */
    uint32_t tx_id;        /* transaction id, 0 for none */
    uint32_t len;          /* payload bytes after the header */
};

#endif /* !__ASSEMBLY__ */

#define XENSTORE_PAYLOAD_MAX 4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* The shared page: two byte rings; producer and consumer indices run
 * freely and are taken modulo the ring size. */
#define XENSTORE_RING_SIZE 1024
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
#ifndef __ASSEMBLY__
typedef uint32_t XENSTORE_RING_IDX;
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];   /* requests to the store */
    char rsp[XENSTORE_RING_SIZE];   /* replies and watch events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;       /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;            /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;
};
#endif /* !__ASSEMBLY__ */

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR        2
#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#endif
