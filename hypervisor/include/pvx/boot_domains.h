/* pvx: boot-time domains from boot-module command lines (common/boot_domains.c). */
#ifndef PVX_BOOT_DOMAINS_H
#define PVX_BOOT_DOMAINS_H
#include <pvx/types.h>

#define DOMU_DEFAULT_MEM (16ull << 20)

/* A module line "domain name=ping mem=8M weight=256 cap=25 [--] args..."
 * (hyperlaunch style): the options pvx knows, and the rest as the guest's
 * command line ("--" ends the options explicitly). */
struct domain_options {
    char name[32];
    uint64_t mem_bytes;
    unsigned int weight;       /* 1..65535, default 256 */
    unsigned int cap;          /* percent, 0 = none, at most 100 */
    char guest_cmdline[1024];
};

/* Is this module line a domain (first word "domain")? */
bool is_domain_module(const char *cmdline);
/* Parse a domain module line; false (with a reason in err) if an option is
 * malformed. Unknown words go to the guest's command line. */
bool parse_domain_options(const char *cmdline, struct domain_options *o, char *err, size_t err_len);

#endif
