/*
 * Test guest "xen_version": every XENVER_* sub-op (docs/abi.md, Xen 4.17's
 * common/kernel.c). Guests identify the hypervisor and its features with
 * these calls at start of day, so each must answer exactly:
 *  - version, pagesize: the value itself;
 *  - the strings (extraversion, capabilities, changeset, compile_info,
 *    commandline): written over their full fixed size, NUL-padded, so no
 *    stale byte of the guest's buffer survives (the buffer is pre-filled with
 *    0xAA), and nothing written past the end;
 *  - platform_parameters, get_features (submap 0; any other submap is
 *    -EINVAL as in Xen, buffer untouched), guest_handle, build_id
 *    (-ENODATA), unknown commands (-ENOSYS);
 *  - every output sub-op refuses bad buffers with -EFAULT: unmapped, running
 *    into an unmapped page, the read-only M2P, a page-table frame (mapped
 *    read-only: must not be written), the hypervisor area, wrapping 4 GiB.
 * xen-cmdline sets the hypervisor command line this test expects to read.
 */
#include "guest.h"
#include "bad_ptr.h"

#define FILL 0xAA
#define GUARD 32    /* bytes after each buffer that must stay FILL */
#define EXPECTED_HV_CMDLINE "console=com1 com1=115200 loglvl=all noreboot"

static unsigned char *buf;      /* two scratch pages */

/* Fill the buffer and its guard with FILL. */
static void prefill(size_t size)
{
    memset(buf, FILL, size + GUARD);
}

/* Bytes in [from, to) of buf that are not `value`. */
static unsigned int count_not(size_t from, size_t to, unsigned char value)
{
    unsigned int n = 0;
    for (size_t i = from; i < to; i++)
        n += buf[i] != value;
    return n;
}

/* buf[off, off + size) holds want, NUL-padded to size. */
static void check_padded_at(size_t off, size_t size, const char *want)
{
    size_t len = strlen(want);
    CHECK(len < size);
    CHECK_EQ(memcmp(buf + off, want, len), 0);
    CHECK_EQ(count_not(off + len, off + size, 0), 0);
}

/* A NUL-terminated string fills part of field [off, off + size); the rest
 * is zero. Returns its length. */
static size_t check_terminated_at(size_t off, size_t size)
{
    size_t len = 0;
    while (len < size && buf[off + len] != 0)
        len++;
    CHECK(len < size);
    CHECK_EQ(count_not(off + len, off + size, 0), 0);
    return len;
}

/* A string sub-op: result 0, the string padded over size, guard intact. */
static void check_string_op(int cmd, size_t size, const char *want)
{
    prefill(size);
    CHECK_EQ(HYPERVISOR_xen_version(cmd, buf), 0);
    if (want)
        check_padded_at(0, size, want);
    else
        check_terminated_at(0, size);
    CHECK_EQ(count_not(size, size + GUARD, FILL), 0);
}

static void check_compile_info(void)
{
    xen_compile_info_t *ci = (xen_compile_info_t *)buf;
    prefill(sizeof(*ci));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_compile_info, ci), 0);
    size_t compiler_len = check_terminated_at(offsetof(xen_compile_info_t, compiler), sizeof(ci->compiler));
    CHECK(compiler_len > 0);
    CHECK_EQ(memcmp(ci->compiler, "gcc", 3), 0);
    check_padded_at(offsetof(xen_compile_info_t, compile_by), sizeof(ci->compile_by), "pvx");
    check_padded_at(offsetof(xen_compile_info_t, compile_domain), sizeof(ci->compile_domain), "pvx.local");
    size_t date_len = check_terminated_at(offsetof(xen_compile_info_t, compile_date), sizeof(ci->compile_date));
    CHECK_EQ(date_len, 11);    /* __DATE__: "Mmm dd yyyy" */
    CHECK_EQ(count_not(sizeof(*ci), sizeof(*ci) + GUARD, FILL), 0);
}

static void check_platform_parameters(void)
{
    xen_platform_parameters_t *pp = (xen_platform_parameters_t *)buf;
    prefill(sizeof(*pp));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_platform_parameters, pp), 0);
    CHECK_EQ(pp->virt_start, 0xF5800000u);
    CHECK_EQ(pp->virt_start, HYPERVISOR_VIRT_START);
    CHECK_EQ(count_not(sizeof(*pp), sizeof(*pp) + GUARD, FILL), 0);
}

static void check_get_features(void)
{
    const uint32_t want0 = (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                           (1u << XENFEAT_highmem_assist) | (1u << XENFEAT_dom0);
    xen_feature_info_t *fi = (xen_feature_info_t *)buf;

    prefill(sizeof(*fi));
    fi->submap_idx = 0;
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_get_features, fi), 0);
    CHECK_EQ(fi->submap_idx, 0);
    CHECK_EQ(fi->submap, want0);      /* we are dom0 */
    CHECK_EQ(count_not(sizeof(*fi), sizeof(*fi) + GUARD, FILL), 0);

    /* Xen 4.17 has one submap: any other index is -EINVAL, nothing written. */
    static const uint32_t bad_idx[] = { 1, XENFEAT_NR_SUBMAPS, 2, 0x80000000u, 0xFFFFFFFFu };
    for (unsigned int i = 0; i < sizeof(bad_idx) / sizeof(bad_idx[0]); i++) {
        prefill(sizeof(*fi));
        fi->submap_idx = bad_idx[i];
        CHECK_EQ(HYPERVISOR_xen_version(XENVER_get_features, fi), -XEN_EINVAL);
        CHECK_EQ(fi->submap_idx, bad_idx[i]);
        CHECK_EQ(fi->submap, 0xAAAAAAAAu);
    }
}

static void check_guest_handle(void)
{
    prefill(sizeof(xen_domain_handle_t));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_guest_handle, buf), 0);
    CHECK_EQ(count_not(0, sizeof(xen_domain_handle_t), 0), 0);     /* dom0's handle is all zero */
    CHECK_EQ(count_not(sizeof(xen_domain_handle_t), sizeof(xen_domain_handle_t) + GUARD, FILL), 0);
}

static void check_build_id(void)
{
    xen_build_id_t *bid = (xen_build_id_t *)buf;
    prefill(64);
    bid->len = 64 - sizeof(*bid);
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_build_id, bid), -XEN_ENODATA);
    CHECK_EQ(bid->len, 64 - sizeof(*bid));
    CHECK_EQ(count_not(sizeof(*bid), 64 + GUARD, FILL), 0);
}

/* Sub-ops that write a result, with the size they write. */
static const struct { int cmd; size_t size; } out_ops[] = {
    { XENVER_extraversion, sizeof(xen_extraversion_t) },
    { XENVER_compile_info, sizeof(xen_compile_info_t) },
    { XENVER_capabilities, sizeof(xen_capabilities_info_t) },
    { XENVER_changeset, sizeof(xen_changeset_info_t) },
    { XENVER_platform_parameters, sizeof(xen_platform_parameters_t) },
    { XENVER_get_features, sizeof(xen_feature_info_t) },
    { XENVER_guest_handle, sizeof(xen_domain_handle_t) },
    { XENVER_commandline, sizeof(xen_commandline_t) },
};

static long call_at(int cmd, unsigned long va)
{
    return HYPERVISOR_xen_version(cmd, (void *)va);
}

static void check_bad_pointers(void)
{
    check_bad_ptr_layout();
    /* A page-table frame is mapped read-only: entries 256-511 of the L3 are
     * unused (zero), so a wrongly allowed write would show there. */
    unsigned long l3_unused = start_info->pt_base + 2048;
    CHECK_EQ(pte_of(start_info->pt_base) & 3, 1);   /* P, not RW */
    uint32_t m2p0 = machine_to_phys_mapping[0];

    for (unsigned int i = 0; i < sizeof(out_ops) / sizeof(out_ops[0]); i++) {
        int cmd = out_ops[i].cmd;
        size_t size = out_ops[i].size;
        unsigned int before = checks_failed;
        CHECK_EQ(call_at(cmd, unmapped_va()), -XEN_EFAULT);
        CHECK_EQ(call_at(cmd, straddling_va(size / 2)), -XEN_EFAULT);
        for (unsigned long m2p = MACH2PHYS_VIRT_START; m2p <= MACH2PHYS_VIRT_START + 4096; m2p += 4096) {
            /* get_features reads its submap_idx first, and the M2P is
             * readable: a non-zero index there is -EINVAL before the write. */
            long want = cmd == XENVER_get_features && *(uint32_t *)m2p ? -XEN_EINVAL : -XEN_EFAULT;
            CHECK_EQ(call_at(cmd, m2p), want);
        }
        CHECK_EQ(call_at(cmd, l3_unused), -XEN_EFAULT);
        for (unsigned int j = 0; j < NR_HYPERVISOR_AREA_VAS; j++)
            CHECK_EQ(call_at(cmd, hypervisor_area_vas[j]), -XEN_EFAULT);
        if (checks_failed != before)
            guest_printf("  (bad pointers for XENVER cmd %d)\n", cmd);
    }
    unsigned int l3_changed = 0;
    for (unsigned int i = 0; i < 2048; i++)
        l3_changed += ((unsigned char *)l3_unused)[i] != 0;
    CHECK_EQ(l3_changed, 0);
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
}

void test_main(void)
{
    buf = alloc_page();
    CHECK(alloc_page() == buf + GUEST_PAGE_SIZE);   /* room for 1024 bytes + guard anywhere */

    CHECK_EQ(HYPERVISOR_xen_version(XENVER_version, NULL), (4 << 16) | 17);
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);

    check_string_op(XENVER_extraversion, sizeof(xen_extraversion_t), ".0-pvx");
    check_string_op(XENVER_capabilities, sizeof(xen_capabilities_info_t), "xen-3.0-x86_32p");
    check_string_op(XENVER_changeset, sizeof(xen_changeset_info_t), "pvx");
    check_string_op(XENVER_commandline, sizeof(xen_commandline_t), EXPECTED_HV_CMDLINE);
    /* A buffer that ends exactly where an unmapped page begins is fine: the
     * hypervisor copies the fixed size, not a byte more. */
    char *tail = (char *)straddling_va(sizeof(xen_extraversion_t));
    memset(tail, FILL, sizeof(xen_extraversion_t));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_extraversion, tail), 0);
    CHECK_EQ(memcmp(tail, ".0-pvx\0\0\0\0\0\0\0\0\0", sizeof(xen_extraversion_t)), 0);
    tail = (char *)straddling_va(sizeof(xen_capabilities_info_t));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_capabilities, tail), 0);
    CHECK_EQ(memcmp(tail, "xen-3.0-x86_32p", 16), 0);

    check_compile_info();
    check_platform_parameters();
    check_get_features();
    check_guest_handle();
    check_build_id();

    static const int unknown[] = { 11, 12, 63, 100, 0x7FFFFFFF, (int)0x80000000, -1 };
    for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        prefill(64);
        CHECK_EQ(HYPERVISOR_xen_version(unknown[i], buf), -XEN_ENOSYS);
        CHECK_EQ(count_not(0, 64 + GUARD, FILL), 0);
    }

    check_bad_pointers();
}
