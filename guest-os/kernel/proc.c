/*
 * guest-os: processes. Each has a pid, a page of kernel stack, its own
 * user address space (arch_aspace_create) and a parent. For now a process
 * is made by spawning a program: /bin/NAME from the file system (the
 * initrd), else one linked into the kernel image (user_blob.S); fork copies
 * a process, exec replaces its program (proc_exec). A process's descriptors (kernel/fs.h) are the console's
 * for a child of idle (init), otherwise a copy of its parent's. A reaped
 * process's address space (arch_aspace_destroy) and kernel stack are
 * freed, and so is the address space exec replaces. A process's memory
 * areas are in vm.c, its signals in signal.c.
 * Rules: procs[0] is idle and never exits; pid 1 (init) is the first
 * process; its exit ends the system; a ZOMBIE keeps its wait status until
 * its parent's proc_wait reaps it; the children of a process that ends
 * become init's (as in Unix), so init's wait reaps them.
 */
#include "kernel.h"
#include "errno.h"
#define USER_STACK_TOP  USER_END
#define MAX_ARGS 8

/* The programs linked into the kernel (user_blob.S). */
struct program { const char *name; const unsigned char *image, *end; };
extern const struct program programs[], programs_end[];

static int next_pid = 1;

static const struct program *find_program(const char *name)
{
    for (const struct program *p = programs; p < programs_end; p++) {
        size_t n = strlen(p->name);
        if (!memcmp(p->name, name, n + 1))
            return p;
    }
    return NULL;
}

/* The user stack of a new process, its top page holding what crt0 reads at
 * esp: argc, argv[0..argc-1], NULL, an empty environment (NULL), then the
 * strings. *esp is the user address of argc. */
static int build_stack(struct aspace *as, const char *const *argv, int argc, uint32_t *esp)
{
    for (uint32_t va = USER_STACK_TOP - USER_STACK_SIZE; va < USER_STACK_TOP - PAGE_SIZE; va += PAGE_SIZE) {
        void *page = page_alloc();
        int rc = page ? arch_map_user_page(as, va, page) : -ENOMEM;
        if (rc)
            return rc;
    }
    char *top = page_alloc();
    if (!top)
        return -ENOMEM;
    uint32_t top_va = USER_STACK_TOP - PAGE_SIZE;
    uint32_t *words = (uint32_t *)top;
    uint32_t strings = 4 * (uint32_t)(argc + 3);       /* offset of the strings */
    words[0] = (uint32_t)argc;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        if (strings + n > PAGE_SIZE)
            return -E2BIG;
        memcpy(top + strings, argv[i], n);
        words[1 + i] = top_va + strings;
        strings += (uint32_t)n;
    }
    words[1 + argc] = words[2 + argc] = 0;
    *esp = top_va;
    return arch_map_user_page(as, top_va, top);
}

/* Where a new process's first swtch returns: into ring 3. */
static void proc_start(void)
{
    uint32_t *frame = (uint32_t *)(current->kstack_top - 8);
    arch_enter_user(frame[0], frame[1]);
}

/* A free slot, or NULL. */
static struct proc *proc_alloc(void)
{
    for (struct proc *p = procs + 1; p < procs + NPROC; p++)
        if (p->state == PROC_UNUSED)
            return p;
    return NULL;
}

/* The ELF image of program `name`: the file /bin/NAME (or `name` itself
 * if it contains a '/'), else the embedded program of that name. */
static int find_image(const char *name, const void **image, size_t *size)
{
    char path[FS_PATH_MAX] = "/bin/";
    size_t n = strlen(name), at = 5;
    for (size_t i = 0; i < n; i++)
        if (name[i] == '/')
            at = 0;
    if (at + n >= sizeof(path))
        return -ENAMETOOLONG;
    memcpy(path + at, name, n + 1);
    int rc = fs_file_image(path, image, size);
    if (rc != -ENOENT || at == 0)
        return rc;
    const struct program *prog = find_program(name);
    if (!prog)
        return -ENOENT;
    *image = prog->image;
    *size = (size_t)(prog->end - prog->image);
    return 0;
}

int proc_spawn(const char *name, const char *const *argv, int argc)
{
    const void *image;
    size_t size;
    int rc = find_image(name, &image, &size);
    if (rc)
        return rc;
    if (argc < 0 || argc > MAX_ARGS)
        return -E2BIG;
    struct proc *p = proc_alloc();
    if (!p)
        return -ENOMEM;
    struct aspace *as = arch_aspace_create();
    char *kstack = page_alloc();
    if (!as || !kstack)
        return -ENOMEM;
    uint32_t entry, end, esp;
    rc = elf_load(as, image, size, &entry, &end);
    if (!rc)
        rc = build_stack(as, argv, argc, &esp);
    if (rc)
        return rc;
    *p = (struct proc){ .pid = next_pid++, .parent = current, .aspace = as,
                        .kstack_top = (uintptr_t)kstack + PAGE_SIZE,
                        .brk = PAGE_ROUND_UP(end), .brk_mapped = PAGE_ROUND_UP(end) };
    vm_init(&p->vm, p->brk_mapped);
    if (current->pid == 0)
        fd_table_init_console(&p->fds);
    else
        fd_table_copy(&p->fds, &current->fds);
    const char *base = name;             /* the name is the path's last part */
    for (const char *c = name; *c; c++)
        if (*c == '/' && c[1])
            base = c + 1;
    size_t n = strlen(base);
    memcpy(p->name, base, n < sizeof(p->name) ? n + 1 : sizeof(p->name) - 1);
    /* The top of the kernel stack: user eip and esp for proc_start; below
     * them what swtch pops: edi, esi, ebx, ebp, then its return address. */
    uint32_t *sp = (uint32_t *)p->kstack_top;
    *--sp = esp;
    *--sp = entry;
    *--sp = (uint32_t)proc_start;
    for (int i = 0; i < 4; i++)
        *--sp = 0;
    p->kesp = (uint32_t)sp;
    p->state = PROC_RUNNABLE;
    return p->pid;
}

/* exec: replace current's program with `name` (find_image's rules) and
 * argv (kernel copies, at most MAX_ARGS). The new address space is built
 * completely before anything of the old one is touched, so a failure
 * returns an errno to the intact caller. On success the system call's trap
 * frame resumes at the new entry with the new stack; pid, parent and
 * descriptors stay; the old address space is freed. */
int proc_exec(const char *name, const char *const *argv, int argc)
{
    const void *image;
    size_t size;
    if (argc < 0 || argc > MAX_ARGS)
        return -E2BIG;
    int rc = find_image(name, &image, &size);
    if (rc)
        return rc;
    struct aspace *as = arch_aspace_create();
    if (!as)
        return -ENOMEM;
    uint32_t entry, end, esp;
    rc = elf_load(as, image, size, &entry, &end);
    if (rc == -EINVAL)
        rc = -ENOEXEC;
    if (!rc)
        rc = build_stack(as, argv, argc, &esp);
    if (rc) {
        arch_aspace_destroy(as);
        return rc;
    }
    struct aspace *old = current->aspace;
    current->aspace = as;
    current->brk = current->brk_mapped = PAGE_ROUND_UP(end);
    vm_init(&current->vm, current->brk_mapped);
    signal_exec(current);
    const char *base = name;
    for (const char *c = name; *c; c++)
        if (*c == '/' && c[1])
            base = c + 1;
    size_t n = strlen(base);
    memset(current->name, 0, sizeof(current->name));
    memcpy(current->name, base, n < sizeof(current->name) ? n : sizeof(current->name) - 1);
    arch_switch_to(as, current->kstack_top);
    arch_aspace_destroy(old);           /* no longer loaded */
    struct trapframe *tf = current->tf;
    tf->eip = entry;
    tf->esp = esp;
    tf->edi = tf->esi = tf->ebp = tf->ebx = tf->edx = tf->ecx = 0;
    return 0;
}

int proc_fork(void)
{
    struct proc *p = proc_alloc();
    if (!p)
        return -ENOMEM;
    char *kstack = page_alloc();
    if (!kstack)
        return -ENOMEM;
    struct aspace *as = arch_aspace_fork(current->aspace);
    if (!as) {
        page_free(kstack);
        return -ENOMEM;
    }
    /* The same memory areas and signal actions; no signal pending. */
    *p = (struct proc){ .pid = next_pid++, .parent = current, .aspace = as,
                        .kstack_top = (uintptr_t)kstack + PAGE_SIZE,
                        .brk = current->brk, .brk_mapped = current->brk_mapped,
                        .vm = current->vm, .sig_blocked = current->sig_blocked };
    memcpy(p->sig_handler, current->sig_handler, sizeof(p->sig_handler));
    memcpy(p->sig_trampoline, current->sig_trampoline, sizeof(p->sig_trampoline));
    memcpy(p->name, current->name, sizeof(p->name));
    fd_table_copy(&p->fds, &current->fds);
    /* The top of the child's kernel stack: a copy of the parent's trap
     * frame (eax = 0: fork's result in the child), below it what swtch
     * pops, returning into the entry code's trap return. */
    struct trapframe *tf = (struct trapframe *)p->kstack_top - 1;
    *tf = *current->tf;
    tf->eax = 0;
    uint32_t *sp = (uint32_t *)tf;
    *--sp = (uint32_t)arch_trap_return;
    for (int i = 0; i < 4; i++)
        *--sp = 0;
    p->kesp = (uint32_t)sp;
    p->state = PROC_RUNNABLE;
    return p->pid;
}

struct proc *proc_find(int pid)
{
    for (struct proc *p = procs + 1; p < procs + NPROC; p++)
        if (p->state != PROC_UNUSED && p->pid == pid)
            return p;
    return NULL;
}

/* End current with wait status `status`: its files closed, its memory
 * areas dropped (the pages go with the address space when it is reaped),
 * its children given to init, its parent told (SIGCHLD, wakeup). */
static void proc_end(int status) __attribute__((noreturn));
static void proc_end(int status)
{
    fd_table_close_all(&current->fds);
    arch_proc_exit(current);        /* its ports, grant mappings, store requests */
    current->vm.n = 0;
    if (current->pid == 1) {
        if (status & 0x7f)
            kprintf("guest-os: init killed by signal %d\n", status & 0x7f);
        else
            kprintf("guest-os: process exited with status %u\n", (unsigned int)(status >> 8) & 0xff);
        arch_shutdown(status == 0 ? 0 : 1);
    }
    struct proc *init = proc_find(1);
    for (struct proc *p = procs + 1; p < procs + NPROC; p++) {
        if (p->state == PROC_UNUSED || p->parent != current)
            continue;
        p->parent = init;
        if (p->state == PROC_ZOMBIE)
            wakeup(init);
    }
    current->exit_status = status;
    current->state = PROC_ZOMBIE;
    signal_send(current->parent, GOS_SIGCHLD);
    wakeup(current->parent);
    sched();                /* a ZOMBIE is never picked again */
    panic("a zombie ran");
}

void proc_exit(int status)
{
    proc_end((status & 0xff) << 8);
}

void proc_exit_signal(int sig)
{
    proc_end(sig & 0x7f);
}

int proc_wait(int pid, int *status, int options)
{
    for (;;) {
        int children = 0;
        for (struct proc *p = procs + 1; p < procs + NPROC; p++) {
            if (p->state == PROC_UNUSED || p->parent != current || (pid > 0 && p->pid != pid))
                continue;
            children++;
            if (p->state == PROC_ZOMBIE) {
                *status = p->exit_status;
                /* current's address space is loaded, not the zombie's;
                 * its kernel stack is not in use since it switched away. */
                arch_aspace_destroy(p->aspace);
                page_free((void *)(p->kstack_top - PAGE_SIZE));
                p->aspace = NULL;
                p->state = PROC_UNUSED;
                return p->pid;
            }
        }
        if (!children)
            return -ECHILD;
        if (options & GOS_WNOHANG)
            return 0;
        if (signal_pending())       /* after the scan: a child that ended still counts */
            return -EINTR;
        sleep_on(current);
    }
}
