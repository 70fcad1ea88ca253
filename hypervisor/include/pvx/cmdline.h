/* pvx: the hypervisor command line, Xen style (console=com1 com1=115200 dom0_mem=64M loglvl=all noreboot). */
#ifndef PVX_CMDLINE_H
#define PVX_CMDLINE_H
#include <pvx/types.h>

struct hv_options {
    unsigned int com1_baud;      /* 0 = default */
    uint64_t dom0_mem_bytes;     /* 0 = default */
    uint64_t dom0_max_bytes;     /* dom0_mem=...,max:SIZE; 0 = its size */
    bool noreboot;
    bool dom0_no_io_privilege;
    bool bench_gate;             /* bench_gate=on: IDT vector 0x83 is a bare iretq (make bench) */   /* dom0_io_privilege=off: for tests of unprivileged rules */
    int loglvl;                  /* 0 none .. 4 all */
};
extern struct hv_options hv_options;
/* The command line as given (XENVER_commandline shows it to dom0). */
extern char hv_command_line[1024];

/* Parse options; unknown ones are reported on the console, never fatal. */
void cmdline_parse(const char *cmdline);
/* "64M", "1G", "4096K", "1048576" -> bytes; false if malformed. */
bool parse_size(const char *s, size_t len, uint64_t *bytes);

#endif
