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
#include <pvx/event.h>
#include <pvx/timer.h>
#include <pvx/sched.h>

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

    /* Scheduling (common/sched_credit.c policy, arch/x86/schedule.c mechanism). */
    enum runstate runstate;
    unsigned int pause_count; /* > 0: not runnable whatever its state */
    s_time_t state_entry;     /* when runstate last changed */
    s_time_t cpu_time;        /* total time run */
    int credit;               /* credit scheduler: remaining credit (us) */
    bool parked;              /* over its cap until the next accounting period */
    struct vcpu *runq_next;   /* run queue link */
    bool on_runq;

    /* SCHEDOP_poll: ports waited on (blocked with poll_count > 0). */
    unsigned int poll_count;
    uint16_t poll_ports[8];

    /* Timers (common/vcpu_timer.c): set_timer_op / VCPUOP singleshot, periodic VIRQ_TIMER. */
    struct timer singleshot_timer;
    struct timer periodic_timer;
    s_time_t periodic_period; /* 0 = stopped */
    struct timer poll_timer;  /* SCHEDOP_poll timeout */
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
    char name[32];            /* from the boot module line (name=), "d<N>" if none */
    unsigned int weight;      /* credit scheduler weight (default 256) */
    unsigned int cap;         /* percent of one CPU, 0 = no cap */
    /* Event channels (common/event_channel.c). */
    struct evtchn evtchn[EVTCHN_MAX_PORTS];
    uint16_t virq_to_port[EVTCHN_NR_VIRQS];
    unsigned int max_evtchn_port;    /* ports above this are refused (-ENOSPC) */
    /* PV console ring (domUs) and store page, from start_info. */
    mfn_t console_mfn;        /* INVALID_MFN for dom0 (it uses console_io) */
    unsigned int console_port;
    mfn_t store_mfn;
    unsigned int store_port;
    char console_line[160];   /* output not yet ended by a newline */
    unsigned int console_line_len;
};

/* The vCPU whose hypercall or trap is being handled. */
extern struct vcpu *current;

/* Registry of live domains, indexed by id (NULL when free). */
struct domain *domain_by_id(domid_t id);

/* The domain a guest's domid field names (DOMID_SELF: the caller), or NULL. */
static inline struct domain *domain_by_any_id(domid_t id)
{
    return id == DOMID_SELF_ID ? current->domain : domain_by_id(id);
}

/* May the caller act on (or ask about) d? Itself, or any domain if it is
 * privileged (Xen's XSM_TARGET rule). */
static inline bool may_control(const struct domain *d)
{
    return d == current->domain || current->domain->is_privileged;
}

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
/* Destroy d now and notify dom0 (remote_shutdown, a stopped domU). */
void domain_kill(struct domain *d);
/* The running domain can no longer run: pick what runs next. Never returns. */
__attribute__((noreturn)) void arch_domain_stopped(struct domain *d);

#endif
