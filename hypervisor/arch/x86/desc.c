/*
 * pvx: GDT, IDT and TSS.
 *
 * The GDT lives in the per-vCPU area at PERVCPU_GDT_VA (16 pages, limit
 * 0xFFFF): pages 0-13 show the guest's own GDT frames (set_gdt), pages 14-15
 * the hypervisor's reserved entries, which are the same frames for every
 * vCPU. Switching vCPUs switches L4, and with it which GDT frames appear;
 * GDTR never changes.
 */
#include <pvx/lib.h>
#include <pvx/mm.h>
#include <pvx/cmdline.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/page.h>

struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
};

struct __attribute__((packed)) idt_gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
};

static struct tss64 tss __attribute__((aligned(64)));
static struct idt_gate idt[256] __attribute__((aligned(4096)));
static char double_fault_stack[8192] __attribute__((aligned(16)));
static mfn_t reserved_gdt_mfn[2];
static mfn_t zero_gdt_mfn;

extern const uint64_t exception_stubs[32];
extern char hypercall_entry[], int80_entry[], spurious_entry[], bench_gate_entry[], timer_irq_entry[],
    serial_irq_entry[];

/* Set IDT gate `vec` to a 64-bit interrupt gate at handler with DPL dpl. */
static void set_gate(unsigned int vec, const void *handler, unsigned int dpl, unsigned int ist)
{
    uint64_t a = (uint64_t)handler;
    idt[vec] = (struct idt_gate){
        .offset_lo = a & 0xffff, .selector = HYP_CS, .ist = ist,
        .type_attr = 0x8E | (dpl << 5), .offset_mid = (a >> 16) & 0xffff,
        .offset_hi = a >> 32,
    };
}

/* A flat 32-bit code or data segment with the given DPL. */
static uint64_t flat32(bool code, unsigned int dpl)
{
    uint64_t access = 0x90 | (dpl << 5) | (code ? 0x0B : 0x03); /* P S type (accessed) */
    return 0x00CF00000000FFFFull | (access << 40);
}

/* Write a 16-byte system descriptor (TSS type 9, LDT type 2) at gdt[i]. */
static void set_system_desc(uint64_t *gdt, unsigned int i, uint64_t base, uint32_t limit, unsigned int type)
{
    gdt[i] = (limit & 0xffff) | ((base & 0xffffff) << 16) | ((uint64_t)(0x80 | type) << 40) |
             ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[i + 1] = base >> 32;
}

/* Fill the reserved GDT frames (entries from 7168). */
static void build_reserved_gdt(void)
{
    for (int i = 0; i < 2; i++) {
        reserved_gdt_mfn[i] = alloc_xen_frame();
        memset(arch_mfn_to_virt(reserved_gdt_mfn[i]), 0, PAGE_SIZE);
    }
    zero_gdt_mfn = alloc_xen_frame();
    memset(arch_mfn_to_virt(zero_gdt_mfn), 0, PAGE_SIZE);
    uint64_t *g = arch_mfn_to_virt(reserved_gdt_mfn[0]);  /* g[0] is entry 7168 */
    g[(HYP_CS >> 3) - FIRST_RESERVED_GDT_ENTRY] = 0x00AF9B000000FFFFull;
    g[(HYP_DS >> 3) - FIRST_RESERVED_GDT_ENTRY] = 0x00CF93000000FFFFull;
    g[(RING1_CS >> 3) - FIRST_RESERVED_GDT_ENTRY] = flat32(true, 1);
    g[(RING1_DS >> 3) - FIRST_RESERVED_GDT_ENTRY] = flat32(false, 1);
    g[(RING3_CS >> 3) - FIRST_RESERVED_GDT_ENTRY] = flat32(true, 3);
    g[(RING3_DS >> 3) - FIRST_RESERVED_GDT_ENTRY] = flat32(false, 3);
    set_system_desc(g, (TSS_SEL >> 3) - FIRST_RESERVED_GDT_ENTRY, (uint64_t)&tss, sizeof(tss) - 1, 9);
}

/* gdt_init_pervcpu: see asm/desc.h. */
void gdt_init_pervcpu(intpte_t *l1)
{
    const intpte_t flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        l1[i] = (zero_gdt_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;
    l1[14] = (reserved_gdt_mfn[0] << PAGE_SHIFT) | flags;
    l1[15] = (reserved_gdt_mfn[1] << PAGE_SHIFT) | flags;
}

/* ldt_load: see asm/desc.h. */
void ldt_load(unsigned int nr_ents)
{
    uint64_t *g = arch_mfn_to_virt(reserved_gdt_mfn[0]);
    if (nr_ents == 0) {
        __asm__ volatile("lldt %w0" :: "r"(0));
        return;
    }
    set_system_desc(g, (LDT_SEL >> 3) - FIRST_RESERVED_GDT_ENTRY, PERVCPU_LDT_VA, nr_ents * 8 - 1, 2);
    __asm__ volatile("lldt %w0" :: "r"(LDT_SEL));
}

/* desc_load: see asm/desc.h. */
void desc_load(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; }
        gdtr = { NR_GDT_PAGES * PAGE_SIZE - 1, PERVCPU_GDT_VA },
        idtr = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lgdt %0" :: "m"(gdtr));
    __asm__ volatile("lidt %0" :: "m"(idtr));
    /* Reload CS and the data segments with the reserved selectors. */
    __asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
                     :: "i"(HYP_CS) : "rax", "memory");
    __asm__ volatile("movl %0, %%ds; movl %0, %%es; movl %0, %%ss" :: "r"(HYP_DS));
    uint64_t *g = arch_mfn_to_virt(reserved_gdt_mfn[0]);
    g[(TSS_SEL >> 3) - FIRST_RESERVED_GDT_ENTRY] &= ~(2ull << 40);  /* clear busy */
    __asm__ volatile("ltr %w0" :: "r"(TSS_SEL));
}

/* desc_init: see asm/setup.h. Builds the idle vCPU's L4 and switches to it. */
void desc_init(void)
{
    build_reserved_gdt();
    tss.rsp[0] = (uint64_t)boot_stack_top;
    tss.ist[0] = (uint64_t)double_fault_stack + sizeof(double_fault_stack);
    tss.iomap_base = sizeof(tss);   /* no I/O bitmap: all ports trap from ring 1/3 */
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, spurious_entry, 0, 0);
    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, (const void *)exception_stubs[v], (v == 3 || v == 4) ? 3 : 0, v == 8 ? 1 : 0);
    set_gate(0x20, timer_irq_entry, 0, 0);          /* IRQ0: the PIT (time.c) */
    set_gate(0x24, serial_irq_entry, 0, 0);         /* IRQ4: COM1 input (serial.c) */
    set_gate(0x82, hypercall_entry, 1, 0);
    /* System calls of the guests' ring 3: `int $0x80` cannot #GP its way
     * in cheaply, so a DPL-3 gate leads to entry.S's fast path, which
     * bounces it to the guest's handler (or to C if anything is unusual). */
    set_gate(0x80, int80_entry, 3, 0);
    /* The benchmark floor (make bench, bench_gate=on): `int $0x83` from
     * ring 1 is a bare iretq. Harmless (the stub touches no state) but not
     * Xen's ABI, so it is off unless asked for. */
    if (hv_options.bench_gate)
        set_gate(0x83, bench_gate_entry, 1, 0);

    intpte_t *l1;
    mfn_t l4 = make_vcpu_l4(&l1);
    if (l4 == INVALID_MFN)
        panic("no memory for the idle page tables");
    gdt_init_pervcpu(l1);
    idle_l4 = arch_mfn_to_virt(l4);
    write_cr3(l4 << PAGE_SHIFT);
    desc_load();
}
