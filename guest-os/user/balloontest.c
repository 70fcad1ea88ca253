/*
 * guest-os: balloontest: the PV balloon driver, run as init on a domain
 * with room to grow (tests/guest-os/run.sh boots dom0 with
 * dom0_mem=32M,max:48M). Checks:
 *  - at boot the domain holds its start size, maxmem is above it;
 *  - shrinking to 20M: the hypervisor's count (current) follows, free
 *    memory shrinks by as much, and memory still works (a 4 MiB malloc,
 *    written and read back);
 *  - growing to maxmem: current reaches it, free memory grows (pages that
 *    were never present before are usable);
 *  - a target below the floor stops at the floor, and the system still
 *    runs processes (fork, exec of /bin/true);
 *  - a target above maxmem stops at maxmem.
 * On the native build the balloon does not exist: ENOSYS.
 * Prints "balloontest: N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest_os.h"
#include "xen_user.h"

static int passed, failed;

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("balloontest: FAIL %s\n", what);
    }
}

static struct gos_balloon set(uint32_t kib)
{
    struct gos_balloon b = { 0 };
    check(balloon(kib, &b) == 0, "balloon() succeeds");
    printf("balloontest: [varies] target %lu KiB: current %lu KiB, floor %lu KiB\n", (unsigned long)kib,
           (unsigned long)b.current_kib, (unsigned long)b.floor_kib);
    return b;
}

static uint32_t free_kib(void)
{
    struct gos_sysinfo si;
    return sysinfo(&si) == 0 ? si.free_pages * 4 : 0;
}

/* Map, fill, check and unmap `mib` MiB (mmap: munmap gives the pages
 * back, so the balloon can take them afterwards). */
static int memory_works(unsigned int mib)
{
    size_t n = (size_t)mib << 20;
    unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    for (size_t i = 0; i < n; i += 512)
        p[i] = (unsigned char)(i >> 9);
    int ok = 1;
    for (size_t i = 0; i < n; i += 512)
        ok &= p[i] == (unsigned char)(i >> 9);
    munmap(p, n);
    return ok;
}

/* a and b differ by want KiB, give or take the few pages stdio and the
 * kernel may have taken meanwhile. */
static int about(uint32_t a, uint32_t b, uint32_t want)
{
    uint32_t d = a > b ? a - b : b - a;
    return d + 64 >= want && d <= want + 64;
}

int main(void)
{
    struct gos_balloon b;
    struct gos_physinfo pi;
    int pi_rc = xen_physinfo(&pi);
    if (balloon(0, &b) < 0) {
        check(errno == ENOSYS, "no balloon on bare hardware: ENOSYS");
        check(pi_rc == -1 && errno == ENOSYS, "no physinfo on bare hardware: ENOSYS");
        printf("balloontest: %d passed, %d failed\n", passed, failed);
        return failed != 0;
    }
    check(b.current_kib == 32 * 1024, "starts with 32 MiB");
    check(b.max_kib == 48 * 1024, "maxmem 48 MiB");
    check(b.target_kib == b.current_kib, "the target starts at the current size");
    check(pi_rc == 0 && pi.free_pages > 0 && pi.free_pages < pi.total_pages && pi.cpu_khz > 0,
          "physinfo: the machine's memory");
    uint32_t host_free0 = pi.free_pages;

    printf("balloontest: starting\n");             /* stdio's buffer now, not while measuring */
    uint32_t free0 = free_kib();
    b = set(20 * 1024);
    check(b.current_kib == 20 * 1024, "shrinks to 20 MiB");
    check(about(free0, free_kib(), 12 * 1024), "12 MiB fewer free");
    check(xen_physinfo(&pi) == 0 && pi.free_pages == host_free0 + 12 * 256, "pvx has the 12 MiB back");
    check(memory_works(4), "4 MiB still usable");

    b = set(48 * 1024);
    check(b.current_kib == 48 * 1024, "grows to maxmem");
    check(about(free_kib(), free0, 16 * 1024), "16 MiB more free than at boot");
    check(memory_works(24), "24 MiB usable (more than the domain started with free)");

    b = set(1024);
    check(b.current_kib == b.floor_kib && b.current_kib >= 4096, "a tiny target stops at the floor");
    check(b.current_kib < 16 * 1024, "the floor is well below the start size");
    int pid = fork();
    if (pid == 0) {
        char *argv[] = { "/bin/true", NULL };
        execv(argv[0], argv);
        _exit(9);
    }
    int status = -1;
    check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "fork and exec still work at the floor");
    check(memory_works(1), "1 MiB usable at the floor");

    b = set(1024 * 1024);
    check(b.current_kib == 48 * 1024 && b.target_kib == 48 * 1024, "a target above maxmem stops at maxmem");
    printf("balloontest: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
