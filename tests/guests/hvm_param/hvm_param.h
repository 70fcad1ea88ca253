/*
 * Shared by the hvm_param test (dom0) and its domU program: the call, and
 * the report the domU writes into the page dom0 grants it.
 */
#ifndef HVM_PARAM_TEST_H
#define HVM_PARAM_TEST_H

#include "guest.h"
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

#define REPORT_REF 8           /* dom0's grant of the report page to d1 */
#define REPORT_MAGIC 0x48564d50u

/* What d1 knows of itself without hvm_op: its start_info, and the pfns
 * at which its own p2m list maps its console ring and store page. */
struct hvm_param_report {
    uint32_t magic;
    uint32_t console_evtchn, store_evtchn;
    uint32_t console_pfn, store_pfn;
};

/* HVMOP_get_param of (domid, index): the result; *value on success. */
static inline long hvm_get(domid_t domid, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index, .value = ~0ull };
    long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);
    *value = p.value;
    return rc;
}

#endif
