/*
 * guest-os native: the arch interface (kernel/arch.h) on bare x86 in ring 0.
 * Privileged instructions do the work: lgdt/ltr/lidt, the 16550 UART on
 * COM1, the 8259 PICs and the 8254 PIT for the tick, our own PAE page
 * tables written directly (one PDPT per address space, loaded into cr3),
 * cli/sti, hlt, and QEMU's isa-debug-exit port to power off.
 */
#include "../../kernel/kernel.h"
#include "native.h"

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4     /* QEMU -device isa-debug-exit,iobase=0xf4 */
#define IDENTITY_MAP_END 0x40000000u   /* the kernel maps the low 1 GiB 1:1 */

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_U  0x004ull
#define PTE_PS 0x080ull
#define PTE_COW 0x200ull     /* an available bit: read-only until the copy */
#define PTE_ADDR 0x000ffffffffff000ull

extern uint64_t gdt[];
extern uint32_t multiboot_info;
extern const uint32_t trap_stub_table[256];
extern char kernel_end[];

/* ---- console: COM1, polled ---- */
static void serial_init(void)
{
    outb(COM1 + 1, 0x00);        /* no UART interrupts */
    outb(COM1 + 3, 0x80);        /* DLAB */
    outb(COM1 + 0, 0x01);        /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);        /* 8N1 */
    outb(COM1 + 2, 0xc7);        /* FIFOs on */
    outb(COM1 + 4, 0x03);        /* DTR, RTS */
    arch_console_write("\n", 1);  /* after the BIOS's "Booting from ROM.." */
}

static void serial_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

void arch_console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int arch_console_read_byte(void)
{
    return (inb(COM1 + 5) & 1) ? inb(COM1) : -1;
}

/* ---- descriptor tables ---- */
struct tss {
    uint32_t link, esp0, ss0, unused[22];
    uint16_t trap, iomap_base;
} __attribute__((packed));

static struct tss tss;
static uint64_t idt[256];

static uint64_t gate(uint32_t handler, unsigned int dpl)
{
    /* 32-bit interrupt gate: interrupts off on entry. */
    return (handler & 0xffff) | ((uint64_t)KERNEL_CS << 16) |
           ((uint64_t)(0x8e | dpl << 5) << 40) | ((uint64_t)(handler >> 16) << 48);
}

static void tables_init(void)
{
    uint32_t base = (uint32_t)&tss, limit = sizeof(tss) - 1;
    tss.ss0 = KERNEL_DS;           /* esp0: arch_switch_to */
    tss.iomap_base = sizeof(tss);
    gdt[TSS_SEL >> 3] = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
                        (0x89ull << 40) | ((uint64_t)(base >> 24) << 56);
    __asm__ volatile("ltr %w0" :: "r"(TSS_SEL));

    for (unsigned int v = 0; v < 256; v++)
        idt[v] = gate(trap_stub_table[v], v == 0x80 || v == 3 || v == 4 ? 3 : 0);
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) desc = { sizeof(idt) - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" :: "m"(desc));

}

/* ---- the tick: PIT channel 0 at 100 Hz on IRQ 0; the PICs remapped to
 * vectors 0x20-0x2f (the BIOS leaves IRQ 0 on vector 8, the double fault),
 * every IRQ but 0 masked. ---- */
#define PIC1 0x20
#define PIC2 0xa0
#define PIT_HZ 1193182u
static volatile uint64_t ticks;

static void timer_init(void)
{
    outb(PIC1, 0x11);              /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2, 0x11);
    outb(PIC1 + 1, TIMER_VECTOR);  /* ICW2: vector bases */
    outb(PIC2 + 1, TIMER_VECTOR + 8);
    outb(PIC1 + 1, 4);             /* ICW3: slave on IRQ 2 */
    outb(PIC2 + 1, 2);
    outb(PIC1 + 1, 1);             /* ICW4: 8086 mode */
    outb(PIC2 + 1, 1);
    outb(PIC1 + 1, 0xfe);          /* only IRQ 0 */
    outb(PIC2 + 1, 0xff);
    uint32_t divisor = (PIT_HZ * (TICK_NS / 1000) + 500000) / 1000000;
    outb(0x43, 0x34);              /* channel 0, lo/hi byte, mode 2 (rate generator) */
    outb(0x40, (uint8_t)divisor);
    outb(0x40, (uint8_t)(divisor >> 8));
}

int arch_timer_ack(void)
{
    outb(PIC1, 0x20);              /* EOI */
    ticks++;
    return 1;
}

/* Tick resolution (10 ms) for now; the TSC would give more. */
uint64_t arch_time_ns(void)
{
    return ticks * TICK_NS;
}

/* ---- paging: PAE, the low 1 GiB identity-mapped with 2 MiB pages (kernel
 * only, one L2 shared by every address space), user space under L3 slot 1
 * with 4 KiB pages. An address space is its PDPT page (slot 1: its own L2). ---- */
static uint64_t boot_pdpt[4] __attribute__((aligned(32)));
static uint64_t kernel_l2[512] __attribute__((aligned(4096)));
static struct aspace *loaded;

static void paging_init(void)
{
    for (unsigned int i = 0; i < 512; i++)
        kernel_l2[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
    boot_pdpt[0] = (uint32_t)kernel_l2 | PTE_P;     /* PAE PDPTEs take P only */
    uint32_t cr0, cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4 | 0x20));              /* PAE */
    __asm__ volatile("mov %0, %%cr3" :: "r"((uint32_t)boot_pdpt));
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0 | 0x80010000u));       /* PG, WP */
}

struct aspace *arch_aspace_create(void)
{
    uint64_t *pdpt = page_alloc(), *user_l2 = page_alloc();
    if (!pdpt || !user_l2)
        return NULL;
    pdpt[0] = (uint32_t)kernel_l2 | PTE_P;
    pdpt[1] = (uint32_t)user_l2 | PTE_P;
    return (struct aspace *)pdpt;
}

int arch_map_user_page(struct aspace *as, uint32_t va, void *kpage)
{
    if (va < USER_BASE || va >= USER_END)
        return -22;
    uint64_t *user_l2 = (uint64_t *)(uint32_t)(((uint64_t *)as)[1] & ~0xfffull);
    uint64_t *l2e = &user_l2[(va >> 21) & 511];
    if (!(*l2e & PTE_P)) {
        void *l1 = page_alloc();
        if (!l1)
            return -12;
        *l2e = (uint32_t)l1 | PTE_P | PTE_RW | PTE_U;
    }
    uint64_t *l1 = (uint64_t *)(uint32_t)(*l2e & ~0xfffull);
    l1[(va >> 12) & 511] = (uint32_t)kpage | PTE_P | PTE_RW | PTE_U;   /* kernel va = physical */
    if (as == loaded)
        __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
    return 0;
}

static uint64_t *user_l2_of(struct aspace *as)
{
    return (uint64_t *)(uint32_t)(((uint64_t *)as)[1] & PTE_ADDR);
}

/* fork: the child's L2 and L1s written directly; the parent's writable
 * entries made read-only copy-on-write in place, then cr3 reloaded. */
struct aspace *arch_aspace_fork(struct aspace *parent)
{
    struct aspace *child = arch_aspace_create();
    if (!child)
        return NULL;
    uint64_t *pl2 = user_l2_of(parent), *cl2 = user_l2_of(child);
    for (unsigned int i = 0; i < 512; i++) {
        if (!(pl2[i] & PTE_P))
            continue;
        uint64_t *pl1 = (uint64_t *)(uint32_t)(pl2[i] & PTE_ADDR), *cl1 = page_alloc();
        if (!cl1)
            return NULL;
        for (unsigned int j = 0; j < 512; j++) {
            if (!(pl1[j] & PTE_P))
                continue;
            if (pl1[j] & PTE_RW)
                pl1[j] = (pl1[j] & ~PTE_RW) | PTE_COW;
            cl1[j] = pl1[j];
            page_ref((void *)(uint32_t)(pl1[j] & PTE_ADDR));
        }
        cl2[i] = (uint32_t)cl1 | PTE_P | PTE_RW | PTE_U;
    }
    if (parent == loaded)
        __asm__ volatile("mov %0, %%cr3" :: "r"(parent) : "memory");
    return child;
}

/* Give an address space back (not the loaded one): user pages lose a
 * reference, the L1s, the user L2 and the PDPT are freed. */
void arch_aspace_destroy(struct aspace *as)
{
    if (!as)
        return;
    if (as == loaded)
        panic("arch_aspace_destroy: address space %p is loaded", (void *)as);
    uint64_t *l2 = user_l2_of(as);
    for (unsigned int i = 0; i < 512; i++) {
        if (!(l2[i] & PTE_P))
            continue;
        uint64_t *l1 = (uint64_t *)(uint32_t)(l2[i] & PTE_ADDR);
        for (unsigned int j = 0; j < 512; j++)
            if (l1[j] & PTE_P)
                page_unref((void *)(uint32_t)(l1[j] & PTE_ADDR));
        page_free(l1);
    }
    page_free(l2);
    page_free(as);
}

void *arch_user_page(struct aspace *as, uint32_t va, int *cow)
{
    uint64_t l2e = user_l2_of(as)[(va >> 21) & 511];
    if (!(l2e & PTE_P))
        return NULL;
    uint64_t e = ((uint64_t *)(uint32_t)(l2e & PTE_ADDR))[(va >> 12) & 511];
    *cow = (e & PTE_COW) && !(e & PTE_RW);
    return e & PTE_P ? (void *)(uint32_t)(e & PTE_ADDR) : NULL;
}

void arch_switch_to(struct aspace *as, uintptr_t kstack_top)
{
    tss.esp0 = kstack_top;
    if (as && as != loaded) {
        __asm__ volatile("mov %0, %%cr3" :: "r"(as) : "memory");
        loaded = as;
    }
}

uint32_t arch_fault_addr(void)
{
    uint32_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    return cr2;
}

/* ---- interrupts, idle, power ---- */
void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
/* sti takes effect after the next instruction: no tick is lost before hlt. */
void arch_idle(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

void arch_shutdown(int status)
{
    outb(DEBUG_EXIT_PORT, (uint8_t)(status ? 1 : 0));   /* QEMU exits (v << 1) | 1 */
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* ---- start of day ---- */
struct multiboot_info { uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr; };
struct multiboot_module { uint32_t start, end, string, reserved; };
static char cmdline[256];
static uint32_t mem_end = 0x100000;
static uint32_t initrd_start, initrd_end;

void arch_init(struct mem_range *free)
{
    serial_init();
    tables_init();
    timer_init();
    const struct multiboot_info *mbi = (const void *)multiboot_info;
    if (mbi && (mbi->flags & 1))
        mem_end = 0x100000 + mbi->mem_upper * 1024;
    /* Copied: the loader left it in memory we are about to hand out. */
    if (mbi && (mbi->flags & 4) && mbi->cmdline) {
        const char *s = (const char *)mbi->cmdline;
        for (size_t i = 0; i + 1 < sizeof(cmdline) && s[i]; i++)
            cmdline[i] = s[i];
    }
    if (mem_end > IDENTITY_MAP_END)
        mem_end = IDENTITY_MAP_END;
    /* The first module is the initrd; QEMU -initrd (and GRUB) load it above
     * the kernel, so free memory starts after it. */
    uint32_t free_start = (uint32_t)kernel_end;
    if (mbi && (mbi->flags & 8) && mbi->mods_count) {
        const struct multiboot_module *mod = (const void *)mbi->mods_addr;
        if (mod->start < mod->end && mod->end <= mem_end) {
            initrd_start = mod->start;
            initrd_end = mod->end;
            if (PAGE_ROUND_UP(initrd_end) > free_start)
                free_start = PAGE_ROUND_UP(initrd_end);
        }
    }
    paging_init();
    free->start = free_start;
    free->end = mem_end;
}

void arch_initrd(const void **start, size_t *len)
{
    *start = (const void *)initrd_start;
    *len = initrd_end - initrd_start;
}

const char *arch_name(void) { return "native"; }
const char *arch_platform(void) { return "x86 ring 0 (Multiboot)"; }
const char *arch_cmdline(void) { return cmdline; }
