/* guest-os: what the architecture-neutral kernel files share. */
#ifndef GUEST_OS_KERNEL_H
#define GUEST_OS_KERNEL_H

#include <stdarg.h>
#include "arch.h"
#include "fs.h"
#include "proc_abi.h"

#define PAGE_SIZE 4096u
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* printk.c: formatted console output (%d %u %x %s %c %p, l/ll, width, 0). */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* The same with arguments: the length the whole output would have. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
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
/* The balloon (arch_balloon): a page from page_alloc leaves the domain
 * (its frame goes back to the hypervisor; its address stays reserved), or
 * a page that had left is back (it joins the free pages). */
void page_balloon_out(void *page);
void page_balloon_in(void *page);
unsigned int page_total_count(void);
/* Sharing (fork's copy-on-write): page_alloc's count is 1; page_unref
 * frees the page when the count drops to 0. */
void page_ref(void *page);
void page_unref(void *page);
unsigned int page_refcount(void *page);

/* vm.c: a process's memory is a sorted list of areas, each a page-aligned
 * range with one protection (GOS_PROT_ bits): the program image and brk
 * heap, the user stack, and mmap's anonymous mappings. A page inside an
 * area is either mapped (arch) or appears zeroed on first touch; a touch
 * outside every area, or against its protection, is a fault (SIGSEGV). */
#define NVMA 16
struct vma { uint32_t start, end, prot; };
/* In a vma's prot beside the GOS_PROT_ bits: an area of grant mappings
 * (GOS_GNTMAP_MAP: another domain's pages, one grant per page, held by
 * the arch): never demand-zero, copy-on-write, mprotect'd or inherited
 * by a fork's child. */
#define VMA_GRANT 0x100u
struct vm { struct vma area[NVMA]; unsigned int n; };
/* The user stack: USER_STACK_SIZE below USER_END, mapped at spawn/exec;
 * mmap's area grows down from MMAP_TOP (a guard gap above it). */
#define USER_STACK_SIZE (64 * 1024)
#define MMAP_TOP 0x7F000000u

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
    int exit_status;           /* ZOMBIE: a wait status (exit code << 8, or the signal) */
    uint32_t brk;              /* current end of the heap */
    uint32_t brk_mapped;       /* heap pages are mapped up to here */
    struct vm vm;              /* memory areas (vm.c) */
    uint32_t sig_pending;      /* bit n: signal n sent, not yet delivered (signal.c) */
    uint32_t sig_blocked;      /* bit n: signal n's handler is running */
    uint32_t sig_handler[GOS_NSIG];     /* GOS_SIG_DFL, GOS_SIG_IGN or a user address */
    uint32_t sig_trampoline[GOS_NSIG];  /* where a handler returns (SYS_signal) */
    struct fd_table fds;       /* open files (kernel/fs.h) */
    struct trapframe *tf;      /* the current system call's (fork copies it) */
};
extern struct proc procs[NPROC];
extern struct proc *current;
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
/* End current with exit code `status` (its parent's wait sees status << 8). */
void proc_exit(int status) __attribute__((noreturn));
/* End current as killed by signal sig (the wait status is sig). */
void proc_exit_signal(int sig) __attribute__((noreturn));
/* The live (not UNUSED) process with this pid, or NULL. */
struct proc *proc_find(int pid);
/* Wait for child pid (-1 or less, or 0: any) to end; its pid with its
 * wait status in *status; 0 if options has GOS_WNOHANG and none has ended
 * yet; -ECHILD if there is no such child; -EINTR if a signal came. */
int proc_wait(int pid, int *status, int options);

/* vm.c */
/* A fresh program's areas: image and heap [USER_BASE, heap_end) and the
 * stack, both read-write (spawn, exec). */
void vm_init(struct vm *vm, uint32_t heap_end);
/* Make the user page at va of the current process present, and writable
 * if `write` (demand-zero pages, copy-on-write): 0, or -EFAULT if va is
 * not in any area of the process or the area's protection forbids the
 * access (-ENOMEM if no page is left). The system calls' user-memory
 * checks (uaccess) and the page-fault handler both use it. */
int user_page_fault(uint32_t va, int write);
/* User page faults fixed so far (demand-zero, copy-on-write): the
 * balloon's fault rate. */
extern uint32_t page_faults;
/* User pages mapped in p's areas (procinfo). */
unsigned int vm_pages(struct proc *p);
long sys_brk(uint32_t addr, uint32_t unused1, uint32_t unused2);
long sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd, uint32_t pgoff);
long sys_munmap(uint32_t addr, uint32_t len, uint32_t unused);
long sys_mprotect(uint32_t addr, uint32_t len, uint32_t prot);
/* GOS_GNTMAP_MAP: a new one-page grant area of current (writable or
 * read-only), placed as mmap places areas: its va, or 0 (no room, no
 * area slot). */
uint32_t vm_grant_area_add(int writable);
/* Take current's grant area page at va away: 0, -EINVAL (not a grant
 * area), -ENOMEM (a split needs an area slot). */
int vm_grant_area_remove(uint32_t va);
/* fork: the child's copy of the areas loses the grant areas (a hole). */
void vm_fork_drop_grants(struct vm *vm);

/* signal.c: per-process signals (newlib's numbers, proc_abi.h). */
/* Send sig (1..GOS_NSIG-1) to p: an ignored one is dropped; otherwise it
 * waits in p->sig_pending and a sleeping p is woken to return -EINTR. */
void signal_send(struct proc *p, int sig);
/* A fault's signal to current: delivered even if ignored or blocked then
 * (its handler reset to the default, which ends the process). */
void signal_force(int sig);
/* Nonzero if the current process has a signal waiting that ends a
 * blocking system call (the caller returns -EINTR). */
int signal_pending(void);
/* On the way back to ring 3 (tf from ring 3): act on one pending signal:
 * end the process (default action), or point tf at its handler with a
 * signal frame pushed on the user stack. */
void signal_deliver(struct trapframe *tf);
/* exec: caught signals go back to the default (their handlers are gone). */
void signal_exec(struct proc *p);
long sys_kill(uint32_t pid, uint32_t sig, uint32_t unused);
long sys_signal(uint32_t sig, uint32_t handler, uint32_t trampoline);
long sys_sigreturn(uint32_t unused1, uint32_t unused2, uint32_t unused3);
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

/* uaccess.c: every system call's access to user memory. The range must lie
 * in user space and each page is made present (writable for a copy out)
 * with user_page_fault first, so a bad pointer gives -EFAULT, never a
 * kernel fault. */
int copy_from_user(void *dst, uint32_t uva, size_t len);        /* 0 or -EFAULT */
int copy_to_user(uint32_t uva, const void *src, size_t len);    /* 0 or -EFAULT */
/* The string's length without its NUL (copied with it into dst), -EFAULT,
 * or -ENAMETOOLONG if there is no NUL within max bytes. */
int copy_string_from_user(char *dst, uint32_t uva, size_t max);
/* Make [uva, uva + len) present (and writable if `write`) without copying,
 * before an action that cannot be undone (a read that consumes a pipe's
 * bytes): 0 or -EFAULT. */
int fault_in_user(uint32_t uva, size_t len, int write);
/* Does [uva, uva + len) lie inside user space (mapped or not)? len 0 still
 * needs uva inside it. */
int user_range_ok(uint32_t uva, size_t len);

/* syscall.c */
void syscall(struct trapframe *tf);

#endif
