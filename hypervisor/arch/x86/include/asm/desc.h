/* pvx: segment selectors and the per-CPU descriptor tables. */
#ifndef ASM_DESC_H
#define ASM_DESC_H
#include <pvx/types.h>
#include <public/xen.h>   /* FIRST_RESERVED_GDT_PAGE / _ENTRY */

/* Reserved GDT entries start at entry 7168 (selector 0xe000), in GDT page
 * 14; guests own pages 0-13 (FIRST_RESERVED_GDT_PAGE = 14). */
#define NR_GDT_PAGES 16
#define HYP_CS     0xe008
#define HYP_DS     0xe010
#define RING1_CS   0xe019
#define RING1_DS   0xe021
#define RING3_CS   0xe02b
#define RING3_DS   0xe033
#define TSS_SEL    0xe040
#define LDT_SEL    0xe050

/* Map the hypervisor's reserved GDT pages into a per-vCPU L1 and install
 * GDT page slots 0-13 as empty. */
void gdt_init_pervcpu(intpte_t *pervcpu_l1);
/* Load GDTR/IDTR/TR for the per-vCPU area (after switching to a vCPU L4). */
void desc_load(void);
/* Point the LDT descriptor at the per-vCPU LDT area with nr_ents entries. */
void ldt_load(unsigned int nr_ents);
/* The hypervisor stack's top, rsp0 in the TSS. */
extern char boot_stack_top[];

#endif
