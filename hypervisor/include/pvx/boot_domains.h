/* pvx: boot-time domains from boot-module command lines (common/boot_domains.c). */
#ifndef PVX_BOOT_DOMAINS_H
#define PVX_BOOT_DOMAINS_H
#include <pvx/types.h>

#define DOMU_DEFAULT_MEM (16ull << 20)

/* A module line "domain name=ping mem=8M maxmem=16M weight=256 cap=25 [--] args..."
 * (hyperlaunch style): the options pvx knows, and the rest as the guest's
 * command line ("--" ends the options explicitly). */
struct domain_options {
    char name[32];
    uint64_t mem_bytes;        /* what the domain starts with */
    uint64_t maxmem_bytes;     /* the most it may balloon up to (>= mem; default mem) */
    unsigned int weight;       /* 1..65535, default 256 */
    unsigned int cap;          /* percent, 0 = none, at most 100 */
    char guest_cmdline[1024];
};

/* Is this module line a domain (first word "domain")? */
bool is_domain_module(const char *cmdline);
/* Is this module line a ramdisk (first word "ramdisk")? */
bool is_ramdisk_module(const char *cmdline);

/* What each boot module is. Module 0 is dom0's kernel; module 1 is dom0's
 * ramdisk unless its line starts with "domain"; each "domain ..." module
 * is a domU's kernel; a "ramdisk" module right after a domain's kernel is
 * that domain's ramdisk (start_info.mod_start/mod_len, as dom0's). Any
 * other module (a second ramdisk, or an unknown line) is unused. */
enum boot_module_kind { BOOT_MODULE_KERNEL, BOOT_MODULE_RAMDISK, BOOT_MODULE_UNUSED };
/* Classify the n modules from their command lines (file names already
 * removed): kind[i], and for a kernel ramdisk[i] = the index of its
 * ramdisk module (0 if none; always 0 for the others). */
void classify_boot_modules(const char *const cmdlines[], unsigned int n,
                           enum boot_module_kind kind[], unsigned int ramdisk[]);
/* Parse a domain module line; false (with a reason in err) if an option is
 * malformed. Unknown words go to the guest's command line. */
bool parse_domain_options(const char *cmdline, struct domain_options *o, char *err, size_t err_len);

#endif
