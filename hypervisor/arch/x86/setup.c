/*
 * pvx: start of day. head.S calls start_pvx() in long mode on the boot
 * stack; this brings up the console, memory, descriptor tables, builds
 * dom0 from the first boot module and enters it.
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

void vcpu_start(struct vcpu *v, uint32_t eip, uint32_t esp, uint32_t esi) __attribute__((noreturn));
void free_boot_module(const struct boot_module *m);

/* How many pages dom0 gets: dom0_mem= if given, else 128 MiB (leaving the
 * rest for other domains), never more than is free minus a small reserve. */
static unsigned long dom0_pages(void)
{
    unsigned long free = frame_alloc_free_count();
    unsigned long reserve = 64;       /* hypervisor frames still needed (vCPU tables etc.) */
    unsigned long want = hv_options.dom0_mem_bytes ? hv_options.dom0_mem_bytes >> PAGE_SHIFT
                                                   : (128ul << 20) >> PAGE_SHIFT;
    if (free < reserve + 1)
        return 0;
    return want < free - reserve ? want : free - reserve;
}

/* Build dom0 from module 0 (kernel) and module 1 (optional ramdisk). */
static struct domain *build_dom0(struct domain_start_state *start)
{
    if (boot_info.nr_modules == 0)
        panic("no dom0 kernel: give one as the first boot module");
    const struct boot_module *km = &boot_info.module[0];
    const struct boot_module *rd = boot_info.nr_modules > 1 ? &boot_info.module[1] : NULL;
    unsigned long pages = dom0_pages();
    struct domain *d = domain_create(0, pages + 1, true);   /* + shared_info */
    if (!d)
        panic("cannot create dom0");
    d->has_io_privilege = !hv_options.dom0_no_io_privilege;
    struct domain_build_params p = {
        .kernel = maddr_to_virt(km->start), .kernel_size = km->end - km->start,
        .initrd = rd ? maddr_to_virt(rd->start) : NULL, .initrd_size = rd ? rd->end - rd->start : 0,
        .cmdline = km->cmdline, .nr_pages = pages,
    };
    struct domain_layout l;
    char err[160];
    int rc = domain_build(d, &p, start, &l, err, sizeof(err));
    if (rc)
        panic("d0: cannot build dom0: %s", err);
    printk("d0: %lu MiB, kernel %08x-%08x, start_info %08x, page tables %08x (%u frames), "
           "mapped to %08x, entry %08x\n", pages >> 8, l.kernel_start, l.kernel_end,
           l.start_info_va, l.pt_start, l.nr_pt_frames, l.virt_end, start->entry);
    free_boot_module(km);
    if (rd)
        free_boot_module(rd);
    return d;
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
    struct domain_start_state start;
    struct domain *d0 = build_dom0(&start);
    printk("starting d0 (%lu frames free)\n", frame_alloc_free_count());
    vcpu_start(d0->vcpu0, start.entry, start.stack_top, start.start_info_va);
}
