/*
 * guest-os: the architecture interface. Everything in kernel/ is the same
 * source and the same object code for both builds; only arch/native (bare
 * x86, ring 0) and arch/pv (ring 1 on pvx, Xen's x86_32 PV ABI) implement
 * what is declared here. Keep this list short: each entry is a place where
 * a port has to do something (docs/porting.md counts what each one costs).
 */
#ifndef GUEST_OS_ARCH_H
#define GUEST_OS_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* Registers saved on a trap or system call, lowest address first. Both
 * arches' entry stubs build exactly this (pusha order). */
struct trapframe {
    uint32_t es, ds;
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
    uint32_t vector, error_code;    /* error_code 0 if the vector has none */
    uint32_t eip, cs, eflags;       /* as the CPU (native) or pvx (PV) pushed them */
    uint32_t esp, ss;               /* only for a trap from ring 3 */
};

/* Free memory the kernel may hand out: kernel-virtual, page aligned,
 * writable, mapped for the kernel only. Pages from `present_end` (0: the
 * same as end) to end are not there yet: the PV balloon may bring them in
 * later (page_balloon_in). */
struct mem_range { uintptr_t start, end, present_end; };

/* ---- start of day ---- */
/* Called first by the arch's entry code: console, descriptor tables, trap
 * and system-call entry, paging. Fills *free with the free memory. */
void arch_init(struct mem_range *free);
/* The build's name ("native" or "pv") and what it runs on, for the banner. */
const char *arch_name(void);
const char *arch_platform(void);
/* The kernel command line ("" if none). */
const char *arch_cmdline(void);
/* The initrd (a ustar archive) the loader left in memory: kernel-virtual,
 * outside the free range. *len = 0 when there is none. */
void arch_initrd(const void **start, size_t *len);

/* ---- console ---- */
void arch_console_write(const char *s, size_t len);
/* The next input byte, or -1 if none is waiting (does not block). */
int arch_console_read_byte(void);

/* ---- interrupts, the timer and idling ----
 * The kernel runs with interrupts disabled (native: interrupt gates; PV:
 * trap-table entries and the event callback mask events); they are on in
 * ring 3 and inside arch_idle. The timer ticks every TICK_NS and arrives
 * as a trap with vector TIMER_VECTOR (native: IRQ 0 of the remapped PIC;
 * PV: the event upcall, which pvx sends for VIRQ_TIMER). */
#define TIMER_VECTOR 0x20
#define TICK_NS 10000000ull
void arch_irq_disable(void);
void arch_irq_enable(void);
/* Enable interrupts, wait for the next one, disable them again. */
void arch_idle(void);
/* Acknowledge a TIMER_VECTOR trap: 1 if the timer fired (a PV upcall may
 * be for another event), 0 otherwise. */
int arch_timer_ack(void);
/* Monotonic system time in ns since boot, fine-grained (native: the TSC
 * calibrated against the PIT at boot; PV: vcpu_time_info and the TSC). */
uint64_t arch_time_ns(void);
/* The wallclock: ns since 1970-01-01 UTC now (native: the CMOS clock read
 * at boot plus arch_time_ns since; PV: shared_info's wc_* plus system
 * time). */
uint64_t arch_wallclock_ns(void);

/* ---- user address space ----
 * User space is 0x40000000-0x7FFFFFFF (page-table L3 slot 1; the kernel
 * keeps slot 0, the low 1 GiB). */
#define USER_BASE 0x40000000u
#define USER_END  0x80000000u
/* One user address space: the arch's page tables (opaque to the kernel). */
struct aspace;
/* A new, empty user address space (the kernel part shared), or NULL. */
struct aspace *arch_aspace_create(void);
/* How a user page is mapped. NONE keeps the page mapped (its contents
 * stay) but for the kernel only, so ring 3 faults on it; COW is read-only
 * until the write fault copies it (kernel/vm.c). */
enum user_prot { USER_PROT_NONE, USER_PROT_READ, USER_PROT_RW, USER_PROT_COW };
/* Map the kernel page `kpage` (from page_alloc) at user address va of
 * `as` (current or not) with protection `prot`, replacing what was there
 * (the caller unrefs a replaced page); the TLB entry is flushed if `as` is
 * loaded. 0 or a negative errno. */
int arch_map_user_page_prot(struct aspace *as, uint32_t va, void *kpage, enum user_prot prot);
/* The same, read-write. */
int arch_map_user_page(struct aspace *as, uint32_t va, void *kpage);
/* Unmap every page in [start, end) of `as` (page aligned, in user space)
 * and page_unref it; the TLB is flushed if `as` is loaded. */
void arch_unmap_user_range(struct aspace *as, uint32_t start, uint32_t end);
/* Give every page mapped in [start, end) of `as` protection `prot` (NONE,
 * READ or RW); RW becomes COW for a page another address space shares
 * (page_refcount > 1). The TLB is flushed if `as` is loaded. 0 or a
 * negative errno. */
int arch_protect_user_range(struct aspace *as, uint32_t start, uint32_t end, enum user_prot prot);
/* fork: a new address space mapping the same user pages as `parent`;
 * every user page becomes read-only and copy-on-write in both and is
 * page_ref'd once for the child. NULL when memory runs out. */
struct aspace *arch_aspace_fork(struct aspace *parent);
/* Free `as` (not the loaded address space): its user pages are
 * page_unref'd (shared copy-on-write pages just lose a reference), its
 * page-table pages freed and its slot recycled. */
void arch_aspace_destroy(struct aspace *as);
/* The kernel address of the page mapped at user va of `as` (NULL if none)
 * and how it is mapped (*prot). */
void *arch_user_page(struct aspace *as, uint32_t va, enum user_prot *prot);
/* The entry code's trap return: with esp at a struct trapframe, resumes
 * it (a forked child's first swtch returns here). */
void arch_trap_return(void);
/* Run on: traps from ring 3 now land on the stack ending at kstack_top,
 * and `as` (unless NULL: the kernel-only idle keeps what is loaded)
 * becomes the address space. */
void arch_switch_to(struct aspace *as, uintptr_t kstack_top);
/* Enter ring 3 at eip with stack esp; never returns (system calls and
 * traps come back through trap()). */
void arch_enter_user(uint32_t eip, uint32_t esp) __attribute__((noreturn));
/* The faulting address of the last page fault. */
uint32_t arch_fault_addr(void);
/* A fault in the kernel's own code that the arch expects and recovers
 * from: 1 if tf's eip was at such an access and now points at its
 * recovery (PV: the console backend reading a ring whose domain pvx has
 * torn down, arch/pv/consback.c), 0 otherwise (native: always). */
int arch_kernel_fault_fixup(struct trapframe *tf);

/* ---- the memory balloon (PV: memory moves between domains) ---- */
struct balloon_state {
    uint32_t current_pages;    /* pages the domain holds now (the hypervisor's count) */
    uint32_t target_pages;     /* what the balloon moves towards */
    uint32_t max_pages;        /* the most it may hold (maxmem) */
    uint32_t floor_pages;      /* it never shrinks below this */
};
/* Set the target (0: keep it) and move towards it, as far as the floor,
 * maxmem and the hypervisor's free memory allow; *st says where it ended.
 * 0, or -ENOSYS where there is no balloon (native). */
int arch_balloon(uint32_t target_pages, struct balloon_state *st);

/* The machine's memory as the hypervisor reports it (dom0's tools):
 * 0, -EPERM (not dom0), -ENOSYS (native: no hypervisor). */
int arch_xen_physinfo(uint32_t *total_pages, uint32_t *free_pages, uint32_t *cpu_khz);

/* ---- the hypervisor for user programs (include/xen_user.h, issue 5) ----
 * PV: arch/pv/evtchn.c, gntmap.c, domains.c, xenbus.c; native answers
 * every call -ENOSYS and holds nothing. What a process holds (ports,
 * grant mappings, store requests, watches, transactions) is the arch's,
 * keyed by its struct proc; the kernel tells the arch when it must go. */
struct proc;
long arch_sys_xenbus(uint32_t op, uint32_t ubuf, uint32_t len);
long arch_sys_xen_evtchn(uint32_t op, uint32_t uarg, uint32_t unused);
long arch_sys_xen_gntmap(uint32_t op, uint32_t uarg, uint32_t unused);
long arch_sys_xen_domains(uint32_t domid, uint32_t uinfo, uint32_t unused);
long arch_sys_xen_console(uint32_t op, uint32_t domid, uint32_t unused);
/* p is ending (proc_exit; its address space still loaded): give back
 * everything the arch holds for it. */
void arch_proc_exit(struct proc *p);
/* Unmap p's grant mappings inside [start, end) (their areas are going:
 * munmap, MAP_FIXED over them, exec), in one batch, while p's address
 * space (the old one, for exec) is still loaded. */
void arch_grant_unmap(struct proc *p, uint32_t start, uint32_t end);
/* fork: p's grant mappings are taken out of its page tables before they
 * are copied (the child must not get them) and put back after, at the
 * same addresses. A mapping that cannot be put back (the granter revoked
 * it meanwhile) is dropped: its page faults (SIGSEGV) from then on. */
void arch_fork_begin(struct proc *p);
void arch_fork_end(struct proc *p);

/* ---- the end ---- */
/* Power off: status 0 = success, anything else = failure. */
void arch_shutdown(int status) __attribute__((noreturn));

/* ---- called by the arch code ---- */
void kmain(void) __attribute__((noreturn));
/* Every trap and system call (vector 0x80) arrives here; on return the
 * arch resumes the interrupted context from *tf. */
void trap(struct trapframe *tf);

#endif
