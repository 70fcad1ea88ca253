/*
 * pvx public ABI: feature bits reported by XENVER_get_features (submap 0).
 */
#ifndef PVX_PUBLIC_FEATURES_H
#define PVX_PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables       0 /* guest may write PTEs directly */
#define XENFEAT_writable_descriptor_tables 1 /* guest may write GDT/LDT directly */
#define XENFEAT_auto_translated_physmap    2 /* the hypervisor translates pfns */
#define XENFEAT_supervisor_mode_kernel     3 /* guest kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb        4 /* PAE L3 tables may be above 4 GiB */
#define XENFEAT_mmu_pt_update_preserve_ad  5 /* MMU_PT_UPDATE_PRESERVE_AD works */
#define XENFEAT_highmem_assist             6 /* MMUEXT_{CLEAR,COPY}_PAGE work */
#define XENFEAT_gnttab_map_avail_bits      7 /* GNTMAP_guest_avail bits kept */
#define XENFEAT_hvm_callback_vector        8
#define XENFEAT_hvm_safe_pvclock           9
#define XENFEAT_hvm_pirqs                 10
#define XENFEAT_dom0                      11 /* may run as dom0 */
/* 12 (grant_map_identity) is withdrawn. */
#define XENFEAT_memory_op_vnode_supported 13
#define XENFEAT_ARM_SMCCC_supported       14
#define XENFEAT_linux_rsdp_unrestricted   15
#define XENFEAT_not_direct_mapped         16
#define XENFEAT_direct_mapped             17

#define XENFEAT_NR_SUBMAPS 1

#endif /* PVX_PUBLIC_FEATURES_H */
