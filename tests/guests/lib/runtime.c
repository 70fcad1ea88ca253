/* pvx test guests: start-up, console output, checks and page helpers. */
#include "guest.h"

start_info_t *start_info;
shared_info_t *shared_info;
uint32_t *p2m;
unsigned int checks_passed, checks_failed;
extern unsigned long boot_stack_top;
static char shared_info_page[4096] __attribute__((aligned(4096)));
static unsigned long next_free_va;

void *memset(void *d, int c, size_t n) { unsigned char *p = d; while (n--) *p++ = (unsigned char)c; return d; }
void *memcpy(void *d, const void *s, size_t n) { unsigned char *p = d; const unsigned char *q = s; while (n--) *p++ = *q++; return d; }
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}
size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

/* Write a string to the hypervisor console. */
void guest_puts(const char *s)
{
    HYPERVISOR_console_io(CONSOLEIO_write, strlen(s), (char *)s);
}

struct out { char *buf; size_t size, len; };
static void put(struct out *o, char c) { if (o->len + 1 < o->size) o->buf[o->len] = c; o->len++; }
static void put_num(struct out *o, unsigned long long v, unsigned base, int width, char pad, int neg)
{
    char d[24]; int n = 0;
    do { d[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    if (neg) d[n++] = '-';
    while (width-- > n) put(o, pad);
    while (n) put(o, d[--n]);
}

/* Formats %d %u %x %s %c %p with l/ll, width and 0-padding. */
int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(&o, *fmt); continue; }
        fmt++;
        char pad = ' '; int width = 0, longs = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') { longs++; fmt++; }
        long long sv; unsigned long long uv;
        switch (*fmt) {
        case 'd': sv = longs >= 2 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);
                  put_num(&o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv, 10, width, pad, sv < 0); break;
        case 'u': case 'x':
                  uv = longs >= 2 ? va_arg(ap, unsigned long long) : longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
                  put_num(&o, uv, *fmt == 'u' ? 10 : 16, width, pad, 0); break;
        case 'p': put(&o, '0'); put(&o, 'x'); put_num(&o, (unsigned long)va_arg(ap, void *), 16, 8, '0', 0); break;
        case 's': { const char *s = va_arg(ap, const char *); if (!s) s = "(null)"; while (*s) put(&o, *s++); break; }
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        default: put(&o, '%'); put(&o, *fmt); break;
        }
    }
    if (size) buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int guest_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt);
    int n = guest_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void guest_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap; va_start(ap, fmt);
    guest_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    guest_puts(buf);
}

void check_true(int cond, const char *what, const char *file, int line)
{
    if (cond) { checks_passed++; return; }
    checks_failed++;
    guest_printf("FAIL %s:%d: %s\n", file, line, what);
}

void check_eq(long long got, long long want, const char *what, const char *file, int line)
{
    if (got == want) { checks_passed++; return; }
    checks_failed++;
    guest_printf("FAIL %s:%d: %s: got %lld (0x%llx), want %lld (0x%llx)\n", file, line, what,
                 got, (unsigned long long)got, want, (unsigned long long)want);
}

static void power_off(void)
{
    struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
    for (;;)
        ;
}

void test_exit(const char *result, const char *reason)
{
    guest_printf("%u passed, %u failed\n", checks_passed, checks_failed);
    if (reason)
        guest_printf("Test result: %s (%s)\n", result, reason);
    else
        guest_printf("Test result: %s\n", result);
    power_off();
    for (;;)
        ;
}

void test_finish(void)
{
    test_exit(checks_failed ? "FAILURE" : (checks_passed ? "SUCCESS" : "ERROR"),
              checks_passed || checks_failed ? NULL : "no checks ran");
}

unsigned long free_va_start(void)
{
    unsigned long top = (boot_stack_top + 4095) & ~4095ul;
    return (top + 512 * 1024 + (4ul << 20) - 1) & ~((4ul << 20) - 1);
}

void *mfn_to_va(uint32_t mfn)
{
    uint32_t pfn = machine_to_phys_mapping[mfn];
    if (pfn >= start_info->nr_pages || (unsigned long)pfn * 4096 >= free_va_start())
        return 0;
    return (void *)((unsigned long)pfn * 4096);
}

uint32_t va_to_mfn(const void *va)
{
    return p2m[(unsigned long)va >> 12];
}

uint64_t pte_maddr_of(unsigned long va)
{
    uint64_t *l3 = (uint64_t *)start_info->pt_base;
    uint64_t l3e = l3[va >> 30];
    if (!(l3e & 1))
        return 0;
    uint64_t *l2 = mfn_to_va((uint32_t)(l3e >> 12));
    if (!l2)
        return 0;
    uint64_t l2e = l2[(va >> 21) & 511];
    if (!(l2e & 1))
        return 0;
    return (l2e & 0x000ffffffffff000ull) + ((va >> 12) & 511) * 8;
}

uint64_t pte_of(unsigned long va)
{
    uint64_t ma = pte_maddr_of(va);
    if (!ma)
        return 0;
    uint64_t *l1 = mfn_to_va((uint32_t)(ma >> 12));
    return l1 ? l1[(ma & 4095) / 8] : 0;
}

void *alloc_page(void)
{
    if (!next_free_va)
        next_free_va = (boot_stack_top + 4095) & ~4095ul;
    if (next_free_va >= free_va_start()) {
        guest_puts("alloc_page: pool exhausted\n");
        test_exit("ERROR", "out of pages");
    }
    void *p = (void *)next_free_va;
    next_free_va += 4096;
    memset(p, 0, 4096);
    return p;
}

long mmu_update1(uint64_t ptr, uint64_t val)
{
    mmu_update_t req = { .ptr = ptr, .val = val };
    return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

long mmuext1(unsigned int cmd, uint32_t arg1, uint32_t arg2)
{
    struct mmuext_op op;
    op.cmd = cmd;
    op.arg1.mfn = arg1;
    op.arg2.nr_ents = arg2;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Called from start.S. */
void runtime_start(start_info_t *si)
{
    start_info = si;
    p2m = (uint32_t *)si->mfn_list;
    long rc = HYPERVISOR_update_va_mapping((unsigned long)shared_info_page,
                                           si->shared_info | 0x3 /* P|RW */ | 0x20, 0, UVMF_INVLPG);
    if (rc == 0)
        shared_info = (shared_info_t *)shared_info_page;
    else
        guest_printf("runtime: cannot map shared_info (%ld)\n", rc);
    test_main();
    test_finish();
}
