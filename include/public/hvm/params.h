/*
 * pvx public ABI: HVM parameters, the indices of HVMOP_get_param
 * (hvm/hvm_op.h). Of Xen's HVM_NR_PARAMS indices pvx keeps four, for the
 * domains it builds at boot: the store and console pages (as guest frame
 * numbers) and their event channels. Every other index below
 * HVM_NR_PARAMS is valid in Xen but not kept by pvx (-EINVAL).
 */
#ifndef PVX_PUBLIC_HVM_PARAMS_H
#define PVX_PUBLIC_HVM_PARAMS_H

#include "hvm_op.h"

#define HVM_PARAM_STORE_PFN       1    /* the store page's pfn */
#define HVM_PARAM_STORE_EVTCHN    2    /* start_info.store_evtchn */
#define HVM_PARAM_CONSOLE_PFN    17    /* the console ring's pfn */
#define HVM_PARAM_CONSOLE_EVTCHN 18    /* start_info.console.domU.evtchn */

#define HVM_NR_PARAMS 39               /* indices are below this */

#endif /* PVX_PUBLIC_HVM_PARAMS_H */
