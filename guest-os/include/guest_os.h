/* guest-os's own system calls and structures, for user programs
 * (lib/syscalls.c) and the kernel (kernel/syscall.c). */
#ifndef GUEST_OS_H
#define GUEST_OS_H

#include <stdint.h>

/* sysinfo(): what free and uptime print. */
struct gos_sysinfo {
    uint64_t uptime_ns;       /* monotonic time since boot */
    uint32_t total_pages;     /* pages the kernel's allocator manages */
    uint32_t free_pages;      /* of which free */
    uint32_t fs_pages;        /* of which held by the file system */
    uint32_t nprocs;          /* processes that exist (not idle) */
    char build[16];           /* "native" or "pv" */
    char platform[48];        /* e.g. "pvx, ring 1, dom0" */
};

/* procinfo(): one process, for ps. */
#define GOS_PROC_RUNNABLE 1
#define GOS_PROC_RUNNING  2
#define GOS_PROC_SLEEPING 3
#define GOS_PROC_ZOMBIE   4
struct gos_procinfo {
    int32_t pid, ppid;
    uint32_t state;           /* GOS_PROC_* */
    uint32_t pages;           /* user pages mapped */
    char name[16];
};

/* balloon(): the domain's memory (PV; native has none: ENOSYS). */
struct gos_balloon {
    uint32_t current_kib;     /* what the domain holds now (pvx's count) */
    uint32_t target_kib;      /* what the balloon moves towards */
    uint32_t max_kib;         /* maxmem: the most it may hold */
    uint32_t floor_kib;       /* the balloon never takes it below this */
};

#ifndef GUEST_OS_KERNEL
/* Start the program `name` as a child with argv (NULL-terminated, at most
 * 8 strings): /bin/NAME from the file system (`name` itself if it contains
 * a '/'), else the program of that name linked into the kernel. Its pid,
 * or -1 and errno (ENOENT: no such program). */
int spawn(const char *name, char *const argv[]);
/* 0 and *info filled, or -1 and errno. */
int sysinfo(struct gos_sysinfo *info);
/* The process at table position `index` or the first one after it:
 * returns the index to ask next (> index) with *info filled, 0 when there
 * are no more, or -1 and errno. Start with index 0. */
int procinfo(int index, struct gos_procinfo *info);
/* Set the balloon's target to target_kib (0: leave it) and move towards
 * it; 0 and *info filled, or -1 and errno (ENOSYS: no hypervisor). */
int balloon(uint32_t target_kib, struct gos_balloon *info);
#endif

#endif
