/*
 * guest-os: benchcount, bench's operations (guest-os/user/bench.c) done a
 * few times each between two marker system calls, for counting the traps
 * and hypercalls each one makes (tools/pvx-bench --count boots it under
 * QEMU -d int, which logs every interrupt with the registers, and counts
 * the vectors, and the hypercall numbers of int $0x82, between markers).
 * A marker is system call 0x7f00 + 2 * row (begin) or + 1 (end), which
 * the kernel answers with ENOSYS; each row does COUNT_OPS operations
 * (page_fault: COUNT_OPS pages) after one warm-up; prot_fault's markers
 * hold one write that faults COUNT_OPS times and the handler's mprotect.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define COUNT_OPS 8
#define PAGE 4096
#define MAP_BYTES (1024 * 1024)

extern char **environ;

/* Marker system call `nr` (unknown to the kernel: one trap, ENOSYS). */
static void marker(long nr)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr) : "memory");
}

/* One getppid(). */
static void op_null_call(void) { getppid(); }

/* fork, the child exits, wait. */
static void op_fork(void)
{
    int pid = fork(), status;
    if (pid == 0)
        _exit(1);
    waitpid(pid, &status, 0);
}

/* fork, the child execs /bin/true, wait. */
static void op_exec(void)
{
    int pid = fork(), status;
    if (pid == 0) {
        char *args[] = { "true", NULL };
        execve("/bin/true", args, environ);
        _exit(99);
    }
    waitpid(pid, &status, 0);
}

static int there[2], back[2], ctx_child;
/* One round trip of a byte to the partner process (two switches). */
static void op_ctx_round_trip(void)
{
    char token = 't';
    write(there[1], &token, 1);
    read(back[0], &token, 1);
}

/* A byte into a pipe and back, in this process. */
static void op_pipe(void)
{
    char token = 't';
    write(there[1], &token, 1);
    read(there[0], &token, 1);
}

/* Start the partner of op_ctx_round_trip: 0, or -1 without pipes. */
static int ctx_start(void)
{
    if (pipe(there) < 0 || pipe(back) < 0)
        return -1;
    ctx_child = fork();
    if (ctx_child == 0) {
        char token;
        close(there[1]);
        close(back[0]);
        while (read(there[0], &token, 1) == 1 && write(back[1], &token, 1) == 1)
            ;
        _exit(0);
    }
    return 0;
}

/* Stop the partner (its read sees the end of the pipe). */
static void ctx_stop(void)
{
    int status;
    close(there[1]);
    close(back[0]);
    waitpid(ctx_child, &status, 0);
    close(there[0]);
    close(back[1]);
}

static volatile char *fault_area;
static long fault_next;
/* The first write to the next page of fault_area. */
static void op_page_fault(void) { fault_area[PAGE * fault_next++] = 1; }

/* mmap 1 MiB, touch 7 pages (lmbench lat_mmap's walk), munmap. */
static void op_mmap(void)
{
    volatile char *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return;
    for (long off = 0; off < MAP_BYTES / 10; off += 16 * 1024)
        p[off] = 1;
    munmap((void *)p, MAP_BYTES);
}

static volatile char *prot_page;
static volatile int prot_caught, prot_to_catch;
/* SIGSEGV: count; at the last fault make the page writable (bench's rule). */
static void prot_handler(int sig)
{
    (void)sig;
    if (++prot_caught >= prot_to_catch)
        mprotect((void *)prot_page, PAGE, PROT_READ | PROT_WRITE);
}

/* One write to the read-only page that faults `faults` times. */
static void prot_faults(int faults)
{
    prot_caught = 0;
    prot_to_catch = faults;
    mprotect((void *)prot_page, PAGE, PROT_READ);
    prot_page[0] = 1;
}

/* Row `row`: one warm-up, then COUNT_OPS operations between markers. */
static void count(int row, const char *name, void (*op)(void))
{
    printf("benchcount: row %d %s\n", row, name);
    fflush(stdout);
    op();
    marker(0x7f00 + 2 * row);
    for (int i = 0; i < COUNT_OPS; i++)
        op();
    marker(0x7f00 + 2 * row + 1);
}

/* Every row in turn (rows that need missing kernel parts just fail). */
int main(void)
{
    count(0, "null_call", op_null_call);
    count(1, "fork", op_fork);
    count(2, "exec", op_exec);
    if (ctx_start() == 0) {
        count(3, "ctx_round_trip", op_ctx_round_trip);
        count(4, "pipe_overhead", op_pipe);
        ctx_stop();
    }
    fault_area = mmap(NULL, (COUNT_OPS + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fault_area != MAP_FAILED)
        count(5, "page_fault", op_page_fault);
    count(6, "mmap", op_mmap);
    prot_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (prot_page != MAP_FAILED) {
        prot_page[0] = 0;
        signal(SIGSEGV, prot_handler);
        printf("benchcount: row 7 prot_fault (the markers hold %d faults and the last handler's mprotect)\n", COUNT_OPS);
        fflush(stdout);
        prot_faults(1);
        prot_caught = 0;
        prot_to_catch = COUNT_OPS;
        mprotect((void *)prot_page, PAGE, PROT_READ);
        marker(0x7f00 + 2 * 7);
        prot_page[0] = 1;
        marker(0x7f00 + 2 * 7 + 1);
    }
    printf("benchcount: done\n");
    return 0;
}
