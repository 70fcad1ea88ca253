/* guest-os: what the architecture-neutral kernel files share. */
#ifndef GUEST_OS_KERNEL_H
#define GUEST_OS_KERNEL_H

#include <stdarg.h>
#include "arch.h"
#include "fs.h"

#define PAGE_SIZE 4096u
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* printk.c: formatted console output (%d %u %x %s %c %p, l/ll, width, 0). */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* page.c: the physical page allocator (pages of the arch's free range). */
void page_init(const struct mem_range *free);
/* A zeroed page, or NULL when memory is exhausted. */
void *page_alloc(void);
/* Give back a page from page_alloc that nothing maps or uses any more. */
void page_free(void *page);
unsigned int page_free_count(void);
/* Sharing (fork's copy-on-write): page_alloc's count is 1; page_unref
 * frees the page when the count drops to 0. */
void page_ref(void *page);
void page_unref(void *page);
unsigned int page_refcount(void *page);

/* proc.c and sched.c: processes and the round-robin scheduler. */
#define NPROC 16
enum proc_state { PROC_UNUSED, PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_ZOMBIE };
struct proc {
    int pid;                   /* 0: the idle process (kmain's own stack) */
    enum proc_state state;
    struct proc *parent;
    char name[16];
    struct aspace *aspace;     /* NULL for idle */
    uintptr_t kstack_top;      /* traps from ring 3 land here */
    uint32_t kesp;             /* saved by swtch while not running */
    const void *chan;          /* SLEEPING: woken by wakeup(chan), or ... */
    uint64_t wake_ns;          /* ... when chan is NULL, at this time */
    int exit_status;           /* ZOMBIE */
    uint32_t brk;              /* current end of the heap */
    uint32_t brk_mapped;       /* heap pages are mapped up to here */
    struct fd_table fds;       /* open files (kernel/fs.h) */
    struct trapframe *tf;      /* the current system call's (fork copies it) */
};
extern struct proc procs[NPROC];
extern struct proc *current;
/* Map fresh zeroed user pages over [start, end) of the current process. */
int user_map_range(uint32_t start, uint32_t end);
/* Start program `name` as a child of current with argv (at most 8
 * strings): /bin/NAME from the file system (or `name` itself if it is a
 * path), else the program of that name linked into the kernel. The new pid
 * or a negative errno. */
int proc_spawn(const char *name, const char *const *argv, int argc);
/* exec: replace current's program (the same name rules and argv limit as
 * proc_spawn); 0 with current->tf set to enter the new program, or a
 * negative errno with the caller untouched. */
int proc_exec(const char *name, const char *const *argv, int argc);
/* fork: a copy of current (copy-on-write memory); the child's pid or a
 * negative errno. The child returns 0 from the system call. */
int proc_fork(void);
/* A page fault at user address va: 0 if it was a write to a copy-on-write
 * page, now writable; -1 if not ours to fix. */
int cow_fault(uint32_t va, uint32_t error_code);
/* Make the user page at va of the current process present, and writable
 * if `write` (demand-zero pages, copy-on-write): 0, or -EFAULT if va is
 * not in any mapping of the process (or a write to a read-only one). The
 * system calls' user-memory checks (uaccess) and the page-fault handler
 * both use it. */
int user_page_fault(uint32_t va, int write);
/* Nonzero if the current process has a signal waiting that ends a
 * blocking system call (the caller returns -EINTR). */
int signal_pending(void);
void proc_exit(int status) __attribute__((noreturn));
/* Wait for child pid (-1: any) to exit; its pid, its status in *status. */
int proc_wait(int pid, int *status);
/* sched.c (every call with interrupts disabled, as the kernel runs). */
void sched_init(void);
void sched_idle(void) __attribute__((noreturn));   /* kmain ends here */
/* Give the CPU away; current->state says why (RUNNABLE: just yield). */
void sched(void);
void sched_yield(void);
void sched_tick(struct trapframe *tf);
void sleep_on(const void *chan);
void sleep_until(uint64_t wake_ns);
void wakeup(const void *chan);
/* swtch.S: save callee-saved registers on this stack and *save_esp, then
 * resume the stack load_esp. */
void swtch(uint32_t *save_esp, uint32_t load_esp);

/* elf.c: load an ELF32 executable into user address space `as`; *entry and *end (the
 * highest loaded address) on success. 0 or a negative errno. */
int elf_load(struct aspace *as, const void *image, size_t size, uint32_t *entry, uint32_t *end);

/* syscall.c */
void syscall(struct trapframe *tf);

#endif
