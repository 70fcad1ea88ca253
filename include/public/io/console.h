/*
 * pvx public ABI: the PV console ring page (start_info.console.domU.mfn),
 * shared by a guest and its console backend.
 */
#ifndef PVX_PUBLIC_IO_CONSOLE_H
#define PVX_PUBLIC_IO_CONSOLE_H

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * Free-running indices: the producer advances *_prod after writing, the
 * consumer advances *_cons after reading; index i lives at
 * ring[MASK_XENCONS_IDX(i, ring)]. Either side then notifies the other
 * with EVTCHNOP_send on start_info.console.domU.evtchn.
 */
typedef uint32_t XENCONS_RING_IDX;
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];                      /* backend -> guest (keyboard) */
    char out[2048];                     /* guest -> backend (screen) */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_IO_CONSOLE_H */
