/*
 * pvx: domains and vCPUs as common code sees them.
 *
 * A domain owns machine frames (accounted in tot_pages, never above
 * max_pages), has one shared_info frame and (for now) one vCPU. The
 * architecture-specific vCPU state (registers, trap table, callbacks,
 * descriptor tables) lives in struct arch_vcpu, which common code treats
 * as opaque except for the fields named here.
 */
#ifndef PVX_DOMAIN_H
#define PVX_DOMAIN_H

#include <pvx/types.h>

#define MAX_DOMAINS 64
#define DOMID_SELF_ID 0x7FF0
#define DOMID_IO_ID   0x7FF1
#define DOMID_XEN_ID  0x7FF2
#define DOMID_NONE    0x7FF4   /* owner of a free frame */

struct arch_vcpu;  /* defined by the architecture */

struct vcpu {
    struct domain *domain;
    unsigned int vcpu_id;
    mfn_t guest_table;        /* current base (L3) mfn, referenced as L3; INVALID_MFN if none */
    struct arch_vcpu *arch;   /* registers etc.; NULL in host builds */
    bool in_multicall;        /* a multicall is dispatching this vCPU's calls */
    bool multicall_stop;      /* an iret ran inside the multicall: end it */
};

enum domain_state {
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,   /* shut itself down (shutdown_code says how) */
    DOMAIN_CRASHED,    /* broke a rule; frames released */
};

struct domain {
    domid_t domain_id;
    bool is_privileged;       /* dom0 */
    bool has_io_privilege;    /* may use PCD/PWT in L1 entries */
    enum domain_state state;
    unsigned int shutdown_code;
    unsigned long tot_pages;  /* frames owned, including shared_info */
    unsigned long max_pages;
    mfn_t shared_info_mfn;
    unsigned long vm_assist;  /* bitmap of enabled VMASST_TYPE_* */
    struct vcpu *vcpu0;
};

/* The vCPU whose hypercall or trap is being handled. */
extern struct vcpu *current;

/* Registry of live domains, indexed by id (NULL when free). */
struct domain *domain_by_id(domid_t id);
/* Make domain `id` with room for max_pages frames, one vCPU and a zeroed
 * shared_info frame (every upcall mask set). NULL if the id is taken or no
 * memory is left. The vCPU's arch part is set up by arch_vcpu_create(). */
struct domain *domain_create(domid_t id, unsigned long max_pages, bool privileged);
/* The domain stopped itself (SCHEDOP_shutdown): record why. */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Free everything a stopped domain holds and forget it. */
void domain_destroy(struct domain *d);
/* Name of a SHUTDOWN_* reason ("poweroff", ...). */
const char *shutdown_reason_name(unsigned int reason);

/* Arch hooks. */
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* The running domain can no longer run: pick what runs next. Never returns. */
__attribute__((noreturn)) void arch_domain_stopped(struct domain *d);

#endif
