/*
 * guest-os native: the arch interface (kernel/arch.h) on bare x86 in ring 0.
 * Privileged instructions do the work: lgdt/ltr/lidt, the 16550 UART on
 * COM1, the 8259 PICs and the 8254 PIT for the tick, our own PAE page
 * tables written directly (one PDPT per address space, loaded into cr3),
 * cli/sti, hlt, and QEMU's isa-debug-exit port to power off. Time is the
 * TSC, calibrated against PIT channel 2 at boot; the wallclock is the CMOS
 * clock read at boot (both as pvx's hypervisor/arch/x86/time.c does).
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
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

/* ---- time: ns = ((tsc - tsc_at_boot) << shift) * mul >> 32 (Xen's
 * scale), the scale from counting the TSC over 10 ms of PIT channel 2. If
 * the TSC does not count, the tick count (10 ms resolution) stands in. ---- */
#define NSEC_PER_SEC 1000000000ull
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define CALIBRATE_MS 10
static uint64_t tsc_at_boot;
static uint32_t tsc_mul;           /* 0: no TSC, use ticks */
static int tsc_shift;
static uint64_t wallclock_at_boot_ns;

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* TSC ticks per second: count them while PIT channel 2 (mode 0, OUT2 rises
 * at the terminal count) runs CALIBRATE_MS; 0 if the PIT never gets there. */
static uint64_t calibrate_tsc(void)
{
    const uint32_t latch = PIT_HZ * CALIBRATE_MS / 1000;
    uint8_t port_b = inb(PORT_B);
    outb(PORT_B, (port_b & ~0x02) | 0x01);        /* gate on, speaker off */
    outb(PIT_CMD, 0xb0);                          /* channel 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, latch & 0xff);
    outb(PIT_CH2, latch >> 8);
    uint64_t start = rdtsc();
    for (uint32_t spins = 0; !(inb(PORT_B) & 0x20); spins++)
        if (spins > 100000000u)
            return 0;
    uint64_t end = rdtsc();
    outb(PORT_B, port_b & ~0x03);                 /* gate off */
    return (end - start) * PIT_HZ / latch;
}

/* Xen's set_time_scale: shift ticks_per_sec into (1e9, 2e9], then mul =
 * 1e9 * 2^32 / that, so mul fits 32 bits and keeps full precision. */
static void set_time_scale(uint64_t ticks_per_sec)
{
    int shift = 0;
    while (ticks_per_sec > 2 * NSEC_PER_SEC) {
        ticks_per_sec >>= 1;
        shift--;
    }
    while (ticks_per_sec <= NSEC_PER_SEC) {
        ticks_per_sec <<= 1;
        shift++;
    }
    tsc_shift = shift;
    tsc_mul = (uint32_t)((NSEC_PER_SEC << 32) / ticks_per_sec);
}

/* Monotonic: the TSC only counts up on our one CPU. */
uint64_t arch_time_ns(void)
{
    if (!tsc_mul)
        return ticks * TICK_NS;
    uint64_t delta = rdtsc() - tsc_at_boot;
    delta = tsc_shift < 0 ? delta >> -tsc_shift : delta << tsc_shift;
    return (delta >> 32) * tsc_mul + (((uint64_t)(uint32_t)delta * tsc_mul) >> 32);
}

/* ---- the CMOS clock (UTC, QEMU's default): read until two reads agree,
 * so an update between registers cannot tear it; BCD and 12-hour mode
 * decoded. ---- */
#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71
struct rtc_time { unsigned int sec, min, hour, day, mon, year, century; };

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_ADDR, reg);
    return inb(CMOS_DATA);
}

/* One read of the date registers once no update is in progress. */
static void cmos_read_raw(struct rtc_time *t)
{
    for (uint32_t i = 0; i < 10000000u && (cmos_read(0x0a) & 0x80); i++)
        ;                                          /* UIP: an update is under way */
    *t = (struct rtc_time){
        .sec = cmos_read(0x00), .min = cmos_read(0x02), .hour = cmos_read(0x04),
        .day = cmos_read(0x07), .mon = cmos_read(0x08), .year = cmos_read(0x09),
        .century = cmos_read(0x32),
    };
}

static unsigned int bcd(unsigned int v) { return (v & 0x0f) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned int yoe = (unsigned int)(y - era * 400);
    unsigned int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* The CMOS clock in seconds since the epoch, or 0 if it makes no sense. */
static uint64_t cmos_time(void)
{
    struct rtc_time t, again;
    cmos_read_raw(&t);
    for (int tries = 0; tries < 5; tries++) {
        cmos_read_raw(&again);
        if (!memcmp(&t, &again, sizeof(t)))
            break;
        t = again;
    }
    uint8_t status_b = cmos_read(0x0b);
    int pm = t.hour & 0x80;
    t.hour &= 0x7f;
    if (!(status_b & 0x04)) {                      /* BCD, not binary */
        t.sec = bcd(t.sec); t.min = bcd(t.min); t.hour = bcd(t.hour);
        t.day = bcd(t.day); t.mon = bcd(t.mon); t.year = bcd(t.year);
        t.century = bcd(t.century);
    }
    if (!(status_b & 0x02))                        /* 12-hour clock: 12 am is 0 */
        t.hour = t.hour % 12 + (pm ? 12 : 0);
    unsigned int year = (t.century >= 19 && t.century <= 30) ? t.century * 100 + t.year
                        : t.year + (t.year < 70 ? 2000 : 1900);
    if (t.sec > 59 || t.min > 59 || t.hour > 23 || t.day < 1 || t.day > 31 ||
        t.mon < 1 || t.mon > 12 || t.year > 99)
        return 0;
    return (uint64_t)(days_from_civil(year, t.mon, t.day) * 86400 +
                      t.hour * 3600 + t.min * 60 + t.sec);
}

/* Calibrate the TSC, then take the wallclock at boot (time 0). */
static void time_init(void)
{
    uint64_t tsc_hz = calibrate_tsc();
    if (tsc_hz) {
        set_time_scale(tsc_hz);
        tsc_at_boot = rdtsc();
    }
    uint64_t now = arch_time_ns(), rtc_ns = cmos_time() * NSEC_PER_SEC;
    wallclock_at_boot_ns = rtc_ns > now ? rtc_ns - now : 0;
}

uint64_t arch_wallclock_ns(void)
{
    return wallclock_at_boot_ns + arch_time_ns();
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

static uint64_t *user_l2_of(struct aspace *as)
{
    return (uint64_t *)(uint32_t)(((uint64_t *)as)[1] & PTE_ADDR);
}

/* The L1 entries of each protection: NONE leaves out PTE_U (ring 3 faults,
 * the kernel still reaches the page), COW is read-only with bit 9. */
static uint64_t prot_flags(enum user_prot prot)
{
    switch (prot) {
    case USER_PROT_NONE: return PTE_P;
    case USER_PROT_READ: return PTE_P | PTE_U;
    case USER_PROT_COW: return PTE_P | PTE_U | PTE_COW;
    case USER_PROT_RW: break;
    }
    return PTE_P | PTE_RW | PTE_U;
}

static void flush_page(struct aspace *as, uint32_t va)
{
    if (as == loaded)
        __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
}

int arch_map_user_page_prot(struct aspace *as, uint32_t va, void *kpage, enum user_prot prot)
{
    if (va < USER_BASE || va >= USER_END)
        return -22;
    uint64_t *l2e = &user_l2_of(as)[(va >> 21) & 511];
    if (!(*l2e & PTE_P)) {
        void *l1 = page_alloc();
        if (!l1)
            return -12;
        *l2e = (uint32_t)l1 | PTE_P | PTE_RW | PTE_U;
    }
    uint64_t *l1 = (uint64_t *)(uint32_t)(*l2e & PTE_ADDR);
    l1[(va >> 12) & 511] = (uint32_t)kpage | prot_flags(prot);   /* kernel va = physical */
    flush_page(as, va);
    return 0;
}

int arch_map_user_page(struct aspace *as, uint32_t va, void *kpage)
{
    return arch_map_user_page_prot(as, va, kpage, USER_PROT_RW);
}

/* The L1 entry for va, or NULL if its L1 does not exist; *stop: where the
 * entries from there on that this L1 holds end (its 2 MiB, or `end`). */
static uint64_t *l1_entry(struct aspace *as, uint32_t va, uint32_t end, uint32_t *stop)
{
    uint64_t l2e = user_l2_of(as)[(va >> 21) & 511];
    uint32_t next = (va | 0x1fffff) + 1;
    *stop = next - 1 < end - 1 ? next : end;
    if (!(l2e & PTE_P))
        return NULL;
    return &((uint64_t *)(uint32_t)(l2e & PTE_ADDR))[(va >> 12) & 511];
}

/* Both range functions look up each 2 MiB's L1 once, then walk its entries. */
void arch_unmap_user_range(struct aspace *as, uint32_t start, uint32_t end)
{
    uint32_t stop;
    for (uint32_t va = start; va < end && va >= start; va = stop) {
        uint64_t *e = l1_entry(as, va, end, &stop);
        for (; e && va < stop; va += PAGE_SIZE, e++) {
            if (!(*e & PTE_P))
                continue;
            void *page = (void *)(uint32_t)(*e & PTE_ADDR);
            *e = 0;
            flush_page(as, va);
            page_unref(page);
        }
    }
}

int arch_protect_user_range(struct aspace *as, uint32_t start, uint32_t end, enum user_prot prot)
{
    uint32_t stop;
    for (uint32_t va = start; va < end && va >= start; va = stop) {
        uint64_t *e = l1_entry(as, va, end, &stop);
        for (; e && va < stop; va += PAGE_SIZE, e++) {
            if (!(*e & PTE_P))
                continue;
            void *page = (void *)(uint32_t)(*e & PTE_ADDR);
            enum user_prot p = prot == USER_PROT_RW && page_refcount(page) > 1 ? USER_PROT_COW : prot;
            *e = (uint32_t)page | prot_flags(p);
            flush_page(as, va);
        }
    }
    return 0;
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

void *arch_user_page(struct aspace *as, uint32_t va, enum user_prot *prot)
{
    uint32_t stop;
    uint64_t *l1e = l1_entry(as, va, va + PAGE_SIZE, &stop), e = l1e ? *l1e : 0;
    if (!(e & PTE_P))
        return NULL;
    *prot = !(e & PTE_U) ? USER_PROT_NONE : (e & PTE_RW) ? USER_PROT_RW
          : (e & PTE_COW) ? USER_PROT_COW : USER_PROT_READ;
    return (void *)(uint32_t)(e & PTE_ADDR);
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

/* arch_kernel_fault_fixup: see kernel/arch.h. The native kernel expects
 * no fault of its own. */
int arch_kernel_fault_fixup(struct trapframe *tf)
{
    (void)tf;
    return 0;
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
    time_init();
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

/* arch_balloon: see kernel/arch.h. Bare hardware has no one to give
 * memory to. */
int arch_balloon(uint32_t target_pages, struct balloon_state *st)
{
    (void)target_pages;
    (void)st;
    return -ENOSYS;
}

/* arch_xen_physinfo: see kernel/arch.h. */
int arch_xen_physinfo(uint32_t *total_pages, uint32_t *free_pages, uint32_t *cpu_khz)
{
    (void)total_pages;
    (void)free_pages;
    (void)cpu_khz;
    return -ENOSYS;
}
