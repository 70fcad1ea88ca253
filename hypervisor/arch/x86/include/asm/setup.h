/* pvx: what the boot loader told us, and the x86 setup entry points. */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H
#include <pvx/types.h>

#define BOOT_MAX_MMAP 64
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024

struct boot_mmap_entry { paddr_t start, len; uint32_t type; };  /* type 1 = usable RAM */
struct boot_module { paddr_t start, end; char cmdline[BOOT_CMDLINE_MAX]; };

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];        /* hypervisor command line, file name removed */
    char loader[64];
    unsigned int nr_mmap;
    struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
    unsigned int nr_modules;
    struct boot_module module[BOOT_MAX_MODULES];
};

extern struct boot_info boot_info;

/* Parse Multiboot1 or Multiboot2 information into boot_info. */
void multiboot_parse(uint32_t magic, paddr_t info_paddr);
void serial_init(unsigned int baud);
int serial_getc(void);
/* Start taking console input by interrupt (IRQ4). */
void serial_enable_input(void);
/* Build the direct map and the hypervisor's own page tables. */
void paging_init(void);
/* Carve the frame table and M2P out of RAM and start the frame allocator. */
void memory_init(void);
/* GDT, IDT and TSS for this CPU. */
void desc_init(void);
/* Remap the legacy PICs away from the exception vectors and mask them. */
void i8259_init_masked(void);
/* Let IRQ line irq (0-15) through / block it; end its interrupt (from the
 * handler, before anything that may take long). */
void i8259_unmask_irq(unsigned int irq);
void i8259_mask_irq(unsigned int irq);
void i8259_eoi(unsigned int irq);
/* Calibrate the TSC, read the wallclock and start the timer hardware
 * (arch/x86/time.c); before any domain is built. */
void time_init(void);

/* Physical <-> direct-map virtual addresses. */
#define DIRECTMAP_VIRT(pa) ((void *)(0xFFFF800000000000ull + (uint64_t)(pa)))
#define IMAGE_VIRT_TO_PHYS(va) ((uint64_t)(va) - 0xFFFFFFFF80000000ull)

extern char __image_start_phys[], __image_end[], __bss_start[];

#endif
