/*
 * Test guest "enosys": the -ENOSYS contract (docs/abi.md, "Not implemented").
 * A guest probes for optional hypercalls by calling them, so every number
 * pvx does not implement must answer -ENOSYS, and never crash anything:
 *  - every number 0-63 that include/hypercalls.def does not list, called
 *    through its hypercall-page entry (the list is generated from the table,
 *    so a newly added hypercall drops out of this test by itself);
 *  - 64-127: the hypercall page has entries for all 128 numbers (checked
 *    byte by byte), and the entry stub refuses numbers past its table;
 *  - raw `int $0x82` with huge numbers (0x80000000, 0xFFFFFFFF and others):
 *    the bounds check must treat eax as unsigned 32-bit;
 * and the argument registers must not matter: each call is made twice, with
 * zeros and with all-ones arguments.
 */
#include "guest.h"

#define PAGE_ENTRIES 128

static const unsigned char implemented[64] = {
#define HYPERCALL(nr, name, nargs, params, args, errors) [nr] = 1,
#include <hypercalls.def>
#undef HYPERCALL
};

/* The hypercall page entry for nr: mov $nr, %eax; int $0x82; ret, rest int3
 * (entry 23, iret, is push %eax; mov $23, %eax; int $0x82). */
static unsigned int check_page_entry(unsigned int nr)
{
    const unsigned char *e = (const unsigned char *)hypercall_page + nr * 32;
    static const unsigned char iret_code[] = { 0x50, 0xb8, 23, 0, 0, 0, 0xcd, 0x82 };
    unsigned char code[8] = { 0xb8, (unsigned char)nr, 0, 0, 0, 0xcd, 0x82, 0xc3 };
    const unsigned char *want = nr == __HYPERVISOR_iret ? iret_code : code;
    unsigned int bad = memcmp(e, want, 8) != 0;
    for (unsigned int i = 8; i < 32; i++)
        bad += e[i] != 0xcc;
    return bad;
}

/* Call hypercall-page entry nr with every argument register set to arg. */
static long call_entry(unsigned int nr, unsigned long arg)
{
    return hypercall5(nr, arg, arg, arg, arg, arg);
}

/* A raw int $0x82 with eax = nr (not through the hypercall page). */
static long raw_hypercall(uint32_t nr)
{
    long ret;
    __asm__ volatile("int $0x82"
                     : "=a"(ret)
                     : "0"(nr), "b"(0), "c"(0), "d"(0), "S"(0), "D"(0)
                     : "memory");
    return ret;
}

/* Check one number that must be -ENOSYS; prints which one on failure. */
static void check_enosys(const char *how, uint32_t nr, long rc)
{
    if (rc == -XEN_ENOSYS) {
        checks_passed++;
        return;
    }
    checks_failed++;
    guest_printf("FAIL %s %u (0x%x): got %ld, want -ENOSYS (-38)\n", how, nr, nr, rc);
}

void test_main(void)
{
    unsigned int bad_entries = 0, unlisted = 0;
    for (unsigned int nr = 0; nr < PAGE_ENTRIES; nr++)
        bad_entries += check_page_entry(nr);
    CHECK_EQ(bad_entries, 0);

    for (unsigned int nr = 0; nr < 64; nr++) {
        if (implemented[nr])
            continue;
        unlisted++;
        check_enosys("page entry", nr, call_entry(nr, 0));
        check_enosys("page entry (args ~0)", nr, call_entry(nr, ~0ul));
    }
    CHECK(unlisted > 0);
    for (unsigned int nr = 64; nr < PAGE_ENTRIES; nr++) {
        check_enosys("page entry", nr, call_entry(nr, 0));
        check_enosys("page entry (args ~0)", nr, call_entry(nr, ~0ul));
    }

    static const uint32_t huge[] = {
        64, 128, 255, 256, 0x10000, 0x7FFFFFFF, 0x80000000u, 0x80000000u + __HYPERVISOR_xen_version,
        0xFFFFFFC0u, 0xFFFFFFFEu, 0xFFFFFFFFu,
    };
    for (unsigned int i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
        check_enosys("int $0x82 eax", huge[i], raw_hypercall(huge[i]));

    /* The raw path itself works: an implemented number through int $0x82. */
    CHECK_EQ(raw_hypercall(__HYPERVISOR_xen_version), (4 << 16) | 17);
    guest_printf("enosys: %u unlisted numbers below 64\n", unlisted);
}
