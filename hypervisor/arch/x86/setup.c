/*
 * pvx: start of day. head.S calls start_pvx() in long mode on the boot
 * stack; this brings up the console, memory, descriptor tables and time,
 * builds dom0 and the boot-time domUs from the boot modules, and hands the
 * CPU to the scheduler.
 */
#include <pvx/lib.h>
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/domain_build.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/setup.h>
#include <asm/vcpu.h>
#include <pvx/cmdline.h>
#include <pvx/boot_domains.h>
#include <pvx/console.h>
#include <pvx/event.h>
#include <pvx/sched.h>
#include <public/xen.h>
#include <asm/regs.h>

/* Free frames once the boot-time domains exist (the 'm' debug key and the
 * end-of-run report compare against it). */
unsigned long boot_free_frames;
unsigned long free_without_domus;
unsigned long dom0_frames_without_domus;     /* what dom0 owned then (domain.c) */

/* Frames a module occupies that the allocator does not have. */
static unsigned long module_frames(const struct boot_module *m)
{
    unsigned long n = 0;
    for (paddr_t pa = m->start & PAGE_MASK; pa < m->end; pa += PAGE_SIZE) {
        mfn_t mfn = pa >> PAGE_SHIFT;
        if (mfn_valid(mfn) && frame_table[mfn].owner == DOMID_XEN_ID && frame_table[mfn].count == 0)
            n++;
    }
    return n;
}

unsigned long free_boot_module(const struct boot_module *m);

/* Pages for dom0: dom0_mem= if given, else 128 MiB, never more than what
 * is free after the boot-time domUs and a small hypervisor reserve. */
static unsigned long dom0_pages(unsigned long domu_pages)
{
    unsigned long free = frame_alloc_free_count();
    unsigned long reserve = 64 + 8 * boot_info.nr_modules;  /* vCPU tables etc. */
    unsigned long want = hv_options.dom0_mem_bytes ? hv_options.dom0_mem_bytes >> PAGE_SHIFT
                                                   : (128ul << 20) >> PAGE_SHIFT;
    if (free < reserve + domu_pages + 1)
        return 0;
    unsigned long room = free - reserve - domu_pages;
    return want < room ? want : room;
}

/* Make v start at Xen's start-of-day state the first time it is scheduled:
 * eip, esp, esi = start_info, flat ring-1 segments, virtual IF on, events
 * masked (vcpu_info upcall masks were set when shared_info was made). */
static void vcpu_prepare_start(struct vcpu *v, const struct domain_start_state *s)
{
    struct arch_vcpu *a = v->arch;
    memset(&a->saved_regs, 0, sizeof(a->saved_regs));
    a->saved_regs.rip = s->entry;
    a->saved_regs.cs = FLAT_RING1_CS;
    a->saved_regs.rflags = X86_EFLAGS_IF | 0x2;
    a->saved_regs.rsp = s->stack_top;
    a->saved_regs.ss = FLAT_RING1_SS;
    a->saved_regs.rsi = s->start_info_va;
    a->ds = a->es = a->fs = a->gs = FLAT_RING1_DS;
    a->kernel_sp = s->stack_top;
    v->runstate = RUNSTATE_runnable;
    sched_credit_add(v);
}

/* Build one domain; panics for dom0, reports and skips a domU on error. */
static struct domain *build_domain(domid_t id, const struct boot_module *km,
                                   const struct boot_module *rd, unsigned long pages,
                                   unsigned long max_pages, const char *cmdline, const char *name)
{
    bool is_dom0 = id == 0;
    if (max_pages < pages)
        max_pages = pages;
    struct domain *d = domain_create(id, max_pages + 1, is_dom0);   /* + shared_info */
    if (!d) {
        if (is_dom0)
            panic("cannot create dom0");
        printk("d%u: cannot create (out of memory?); skipped\n", id);
        return NULL;
    }
    if (name && name[0])
        snprintf(d->name, sizeof(d->name), "%s", name);
    d->has_io_privilege = is_dom0 && !hv_options.dom0_no_io_privilege;
    struct domain_build_params p = {
        .kernel = maddr_to_virt(km->start), .kernel_size = km->end - km->start,
        .initrd = rd ? maddr_to_virt(rd->start) : NULL, .initrd_size = rd ? rd->end - rd->start : 0,
        .cmdline = cmdline, .nr_pages = pages,
    };
    if (!is_dom0) {
        /* Both wait for dom0, as Xen's toolstack makes them: dom0's console
         * backend binds the first (pvx serves the ring until it does, and
         * again if it lets go), its store daemon the second. */
        int console = evtchn_alloc_unbound_for(d, 0);
        int store = evtchn_alloc_unbound_for(d, 0);
        if (console < 0 || store < 0) {
            printk("d%u: no event channels for console/store; skipped\n", id);
            domain_destroy(d);
            return NULL;
        }
        p.console_port = (unsigned int)console;
        p.store_port = (unsigned int)store;
        d->console_port = (unsigned int)console;
        d->store_port = (unsigned int)store;
    }
    struct domain_layout l;
    struct domain_start_state start;
    char err[160];
    int rc = domain_build(d, &p, &start, &l, err, sizeof(err));
    if (rc) {
        if (is_dom0)
            panic("d0: cannot build dom0: %s", err);
        printk("d%u (%s): cannot build: %s; skipped\n", id, d->name, err);
        domain_destroy(d);
        return NULL;
    }
    printk("d%u (%s): %lu KiB (max %lu KiB), weight %u, cap %u%%, kernel %08x-%08x, start_info %08x, "
           "page tables %08x (%u frames), entry %08x\n", id, d->name, pages * 4, max_pages * 4, d->weight, d->cap,
           l.kernel_start, l.kernel_end, l.start_info_va, l.pt_start, l.nr_pt_frames, start.entry);
    if (rd)
        printk("d%u (%s): ramdisk %lu KiB at %08x\n", id, d->name,
               (unsigned long)((p.initrd_size + 1023) / 1024), l.initrd_start);
    vcpu_prepare_start(d->vcpu0, &start);
    return d;
}

/* Build dom0 (module 0, its ramdisk in module 1 unless that is a domain)
 * and every boot-time domU ("domain ..." modules, each with the "ramdisk"
 * module that follows it, if any: classify_boot_modules), then free the
 * modules. */
static void build_boot_domains(void)
{
    unsigned int n = boot_info.nr_modules;
    if (n == 0)
        panic("no dom0 kernel: give one as the first boot module");
    const char *lines[BOOT_MAX_MODULES];
    static enum boot_module_kind kind[BOOT_MAX_MODULES];
    static unsigned int ramdisk[BOOT_MAX_MODULES];
    for (unsigned int i = 0; i < n; i++)
        lines[i] = boot_info.module[i].cmdline;
    classify_boot_modules(lines, n, kind, ramdisk);
    static struct domain_options opts[BOOT_MAX_MODULES];
    bool valid[BOOT_MAX_MODULES] = { false };
    unsigned long domu_pages = 0;
    for (unsigned int i = 1; i < n; i++) {
        char err[96];
        if (kind[i] == BOOT_MODULE_UNUSED) {
            printk("module %u ('%s') is neither a domain, dom0's ramdisk nor the ramdisk of the "
                   "domain before it: ignored\n", i, boot_info.module[i].cmdline);
        } else if (kind[i] != BOOT_MODULE_KERNEL) {
            continue;
        } else if (!parse_domain_options(boot_info.module[i].cmdline, &opts[i], err, sizeof(err))) {
            printk("module %u: %s: domain skipped\n", i, err);
        } else {
            valid[i] = true;
            domu_pages += opts[i].mem_bytes >> PAGE_SHIFT;
        }
    }
    const struct boot_module *rd0 = ramdisk[0] ? &boot_info.module[ramdisk[0]] : NULL;
    build_domain(0, &boot_info.module[0], rd0, dom0_pages(domu_pages), hv_options.dom0_max_bytes >> PAGE_SHIFT,
                 boot_info.module[0].cmdline, "dom0");
    free_boot_module(&boot_info.module[0]);
    if (rd0)
        free_boot_module(rd0);
    /* What is free with dom0 alone: the reference for "every frame the
     * domUs had came back" (their modules are freed once they are built). */
    free_without_domus = frame_alloc_free_count();
    dom0_frames_without_domus = domain_owned_frames(domain_by_id(0));
    for (unsigned int i = 1; i < n; i++)
        if (i != ramdisk[0])
            free_without_domus += module_frames(&boot_info.module[i]);
    domid_t next_id = 1;
    for (unsigned int i = 1; i < n; i++) {
        if (!valid[i])
            continue;
        const struct boot_module *rd = ramdisk[i] ? &boot_info.module[ramdisk[i]] : NULL;
        struct domain *u = build_domain(next_id, &boot_info.module[i], rd,
                                        opts[i].mem_bytes >> PAGE_SHIFT, opts[i].maxmem_bytes >> PAGE_SHIFT,
                                        opts[i].guest_cmdline, opts[i].name);
        if (u) {
            u->weight = opts[i].weight;
            u->cap = opts[i].cap;
        }
        next_id++;
    }
    for (unsigned int i = 1; i < n; i++)
        if (i != ramdisk[0])
            free_boot_module(&boot_info.module[i]);
}

/* C entry from head.S. */
void start_pvx(uint32_t magic, uint64_t info_paddr)
{
    serial_init(115200);
    i8259_init_masked();
    paging_init();
    multiboot_parse(magic, info_paddr);
    cmdline_parse(boot_info.cmdline);
    if (hv_options.com1_baud)
        serial_init(hv_options.com1_baud);
    printk("pvx hypervisor starting (x86-64, 32-bit PAE PV guests)\n");
    printk("command line: %s\n", boot_info.cmdline);
    if (boot_info.loader[0])
        printk("boot loader: %s\n", boot_info.loader);
    memory_init();
    desc_init();
    time_init();
    build_boot_domains();
    boot_free_frames = frame_alloc_free_count();
    printk("starting domains (%lu frames free)\n", boot_free_frames);
    serial_enable_input();
    bool domus = false;
    for (domid_t id = 1; id < MAX_DOMAINS && !domus; id++)
        domus = domain_by_id(id) != NULL;
    printk(domus ? "console input goes to dom0; Ctrl-A three times switches it to each domU in turn, "
                   "then to the hypervisor's debug keys\n"
                 : "console input goes to dom0; press Ctrl-A three times for the hypervisor's debug keys\n");
    schedule();
}
