/*
 * Test guest "hypercall_df": a hypercall made with the direction flag set
 * (`std`) behaves like any other. The hypervisor's C code assumes DF = 0
 * (its string copies run upwards), so the entry path must clear it; a
 * backwards copy would write the wrong guest bytes and hand the guest
 * bytes of the hypervisor stack. The guest's DF comes back unchanged.
 */
#include "guest.h"

void test_main(void)
{
    static char buf[64];
    memset(buf, 0x55, sizeof(buf));
    unsigned long flags;
    long rc;
    __asm__ volatile("std");
    rc = HYPERVISOR_xen_version(XENVER_extraversion, buf + 24);
    __asm__ volatile("pushf; pop %0; cld" : "=r"(flags));
    CHECK_EQ(rc, 0);
    CHECK(flags & 0x400);                              /* DF preserved */
    CHECK(memcmp(buf + 24, ".0-pvx", 7) == 0);
    unsigned int stray = 0;
    for (int i = 0; i < 24; i++)
        stray += buf[i] != 0x55;
    for (int i = 40; i < 64; i++)
        stray += buf[i] != 0x55;
    CHECK_EQ(stray, 0);                                /* nothing outside the 16 bytes */
}
