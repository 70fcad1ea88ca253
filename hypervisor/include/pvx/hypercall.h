/* pvx: prototypes of every hypercall handler, generated from include/hypercalls.def. */
#ifndef PVX_HYPERCALL_H
#define PVX_HYPERCALL_H
#include <pvx/types.h>

#define HC_PARAMS_0 void
#define HC_PARAMS_1 uint32_t
#define HC_PARAMS_2 uint32_t, uint32_t
#define HC_PARAMS_3 uint32_t, uint32_t, uint32_t
#define HC_PARAMS_4 uint32_t, uint32_t, uint32_t, uint32_t
#define HC_PARAMS_5 uint32_t, uint32_t, uint32_t, uint32_t, uint32_t
#define HC_PARAMS_6 uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t

#define HYPERCALL(nr, name, nargs, params, args, errors) long do_##name(HC_PARAMS_##nargs);
#include <hypercalls.def>
#undef HYPERCALL

/* Call hypercall nr with six register arguments (multicall's path). */
long hypercall_invoke(unsigned int nr, const uint32_t args[6]);

#endif
