/*
 * pvx host tests: where typed console input goes (common/keyhandler.c's
 * Ctrl-A switch, common/console.c's delivery). Input starts at dom0
 * (queued for CONSOLEIO_read); Ctrl-A three times moves it, in Xen's
 * order, to each running domU (into its PV console ring's in[], with its
 * console port made pending), then to the hypervisor's debug keys, then
 * back to dom0. A domU that has stopped is skipped, and one that stops
 * while it has the input gives it back to dom0 without receiving the
 * byte. A full ring drops bytes, and the ring indexes, which the guest
 * can write, never make pvx write outside in[].
 *
 * A domU's console port waits for dom0, as on Xen; pvx serves the ring
 * while no backend has bound it. Once dom0's backend binds it, pvx
 * neither drains the ring nor writes its in[], and Ctrl-A skips that
 * domU; when the backend lets go, pvx serves it again and prints what
 * was left.
 *
 * Four simulated domains: d0 (privileged), d1, d2 and d3, each domU with
 * a console ring frame and a console port unbound for dom0.
 */
#include <string.h>
#include <CUnit/Basic.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/console.h>
#include <pvx/event.h>
#include <pvx/keyhandler.h>
#include <public/xen.h>
#include <public/io/console.h>
#include <public/event_channel.h>
#include <pvx/hypercall.h>
#include "sim_event.h"

#define NR_DOMS 4
#define CTRL_A "\001\001\001"
static struct domain *doms[NR_DOMS];
static struct sim_as as[NR_DOMS];

static struct xencons_interface *ring_of(struct domain *d)
{
    return arch_mfn_to_virt(d->console_mfn);
}

/* Type s on the console: each byte through the router, then delivered. */
static void type(const char *s)
{
    for (; *s; s++) {
        int c = console_input_byte(*s);
        if (c >= 0)
            console_input_push((char)c);
    }
}

/* What dom0 has waiting (CONSOLEIO_read's queue), emptied. */
static const char *dom0_input(void)
{
    static char buf[300];
    unsigned int n = 0;
    int c;
    while ((c = console_input_pop()) >= 0 && n < sizeof(buf) - 1)
        buf[n++] = (char)c;
    buf[n] = '\0';
    return buf;
}

/* What d's ring holds unread, consumed as the guest would. */
static const char *ring_input(struct domain *d)
{
    static char buf[1100];
    struct xencons_interface *r = ring_of(d);
    unsigned int n = 0;
    while (r->in_cons != r->in_prod && n < sizeof(buf) - 1)
        buf[n++] = r->in[MASK_XENCONS_IDX(r->in_cons++, r->in)];
    buf[n] = '\0';
    return buf;
}

static bool port_pending_cleared(struct domain *d)
{
    struct shared_info *si = arch_mfn_to_virt(d->shared_info_mfn);
    unsigned int p = d->console_port;
    bool was = (si->evtchn_pending[p / 32] >> (p % 32)) & 1;
    si->evtchn_pending[p / 32] &= ~(1u << (p % 32));
    return was;
}

/* A fresh machine; the input router's own state carries over between
 * tests, so put the input back on dom0 first. */
static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        struct domain *d = sim_evtchn_domain_create((domid_t)i, i == 0, &as[i]);
        snprintf(d->name, sizeof(d->name), i ? "guest%u" : "dom0", i);
        d->console_mfn = INVALID_MFN;
        if (i) {
            d->console_mfn = sim_alloc(d);
            memset(ring_of(d), 0, PAGE_SIZE);
            int port = evtchn_alloc_unbound_for(d, 0);
            CU_ASSERT_FATAL(port > 0);
            d->console_port = (unsigned int)port;
        }
        doms[i] = d;
    }
    for (unsigned int i = 0; i < 2 * NR_DOMS + 2; i++) {
        if (console_input_domain() == doms[0])
            break;
        type(CTRL_A);
    }
    CU_ASSERT_FATAL(console_input_domain() == doms[0]);
    dom0_input();
    sim_console_clear();
}

static void test_dom0_by_default(void)
{
    fresh();
    type("ls\n");
    CU_ASSERT_STRING_EQUAL(dom0_input(), "ls\n");
    for (unsigned int i = 1; i < NR_DOMS; i++) {
        CU_ASSERT_STRING_EQUAL(ring_input(doms[i]), "");
        CU_ASSERT_FALSE(port_pending_cleared(doms[i]));
    }
    /* one or two Ctrl-As then another key: no switch, the key passes */
    type("\001\001x\001y");
    CU_ASSERT_STRING_EQUAL(dom0_input(), "xy");
    CU_ASSERT_FALSE(sim_console_has("console input now goes to"));
}

static void test_cycle(void)
{
    fresh();
    type(CTRL_A "one");
    CU_ASSERT(sim_console_has("*** console input now goes to guest1 (input to d1;"));
    CU_ASSERT_STRING_EQUAL(ring_input(doms[1]), "one");
    CU_ASSERT(port_pending_cleared(doms[1]));
    CU_ASSERT_STRING_EQUAL(dom0_input(), "");
    type(CTRL_A "two");
    CU_ASSERT(sim_console_has("console input now goes to guest2 (input to d2;"));
    CU_ASSERT_STRING_EQUAL(ring_input(doms[2]), "two");
    CU_ASSERT_STRING_EQUAL(ring_input(doms[1]), "");
    CU_ASSERT_FALSE(port_pending_cleared(doms[1]));
    type(CTRL_A "3");
    CU_ASSERT_STRING_EQUAL(ring_input(doms[3]), "3");
    sim_console_clear();
    type(CTRL_A "h");
    CU_ASSERT(sim_console_has("console input now goes to the hypervisor"));
    CU_ASSERT(sim_console_has("debug keys"));          /* 'h' went to the key handler */
    CU_ASSERT(console_input_domain() == NULL);
    for (unsigned int i = 1; i < NR_DOMS; i++)
        CU_ASSERT_STRING_EQUAL(ring_input(doms[i]), "");
    CU_ASSERT_STRING_EQUAL(dom0_input(), "");
    type(CTRL_A "back");
    CU_ASSERT(sim_console_has("console input now goes to dom0 (input to d0;"));
    CU_ASSERT_STRING_EQUAL(dom0_input(), "back");
}

static void test_skips_stopped(void)
{
    fresh();
    doms[1]->state = DOMAIN_SHUTDOWN;
    doms[3]->state = DOMAIN_CRASHED;
    type(CTRL_A "a");
    CU_ASSERT(console_input_domain() == doms[2]);
    CU_ASSERT_STRING_EQUAL(ring_input(doms[2]), "a");
    type(CTRL_A);
    CU_ASSERT(console_input_domain() == NULL);
    type(CTRL_A);
    CU_ASSERT(console_input_domain() == doms[0]);
    /* only dom0 left: dom0 <-> hypervisor, as before domUs existed */
    doms[2]->state = DOMAIN_SHUTDOWN;
    type(CTRL_A);
    CU_ASSERT(console_input_domain() == NULL);
    type(CTRL_A);
    CU_ASSERT(console_input_domain() == doms[0]);
}

static void test_focused_domain_stops(void)
{
    fresh();
    type(CTRL_A CTRL_A "x");
    CU_ASSERT_STRING_EQUAL(ring_input(doms[2]), "x");
    sim_evtchn_domain_destroy(doms[2]);
    doms[2] = NULL;
    sim_console_clear();
    type("lost");
    CU_ASSERT(sim_console_has("console input now goes to dom0 (input to d0;"));
    CU_ASSERT(sim_console_has("d2 has stopped"));
    /* the byte that found d2 gone is dropped, the rest reach dom0 */
    CU_ASSERT_STRING_EQUAL(dom0_input(), "ost");
    type(CTRL_A);                                      /* d1, then d3: d2 is gone */
    CU_ASSERT(console_input_domain() == doms[1]);
    type(CTRL_A);
    CU_ASSERT(console_input_domain() == doms[3]);
}

static void test_ring_full_and_hostile_indexes(void)
{
    fresh();
    type(CTRL_A);
    struct xencons_interface *r = ring_of(doms[1]);
    char many[sizeof(r->in) + 11];
    memset(many, 'k', sizeof(many) - 1);
    many[sizeof(many) - 1] = '\0';
    type(many);
    CU_ASSERT_EQUAL(r->in_prod - r->in_cons, sizeof(r->in));     /* 10 dropped */
    r->in_cons += 4;                                               /* the guest reads 4 */
    type("abcdef");
    CU_ASSERT_EQUAL(r->in_prod - r->in_cons, sizeof(r->in));
    CU_ASSERT_EQUAL(r->in[MASK_XENCONS_IDX(r->in_prod - 1, r->in)], 'd');
    /* indexes near the wrap, and in_prod far ahead of in_cons */
    memset(r, 0, PAGE_SIZE);
    r->in_cons = r->in_prod = 0xfffffffeu;
    type("wrap");
    CU_ASSERT_EQUAL(r->in_prod, 2u);
    CU_ASSERT(memcmp(r->in + 1022, "wr", 2) == 0 && memcmp(r->in, "ap", 2) == 0);
    memset(r, 0, PAGE_SIZE);
    r->in_prod = 0x7ffffff0u;                                      /* a lying guest */
    type("z");
    CU_ASSERT_EQUAL(r->in_prod, 0x7ffffff0u);                      /* looks full: dropped */
    const uint8_t *page = (const uint8_t *)r;
    for (size_t i = sizeof(r->in); i < offsetof(struct xencons_interface, in_cons); i++)
        CU_ASSERT_EQUAL_FATAL(page[i], 0);                         /* out[] untouched */
}

/* An event_channel_op as dom0, its argument at va 0x1000 of dom0's
 * standard address space (sim.h: data page 1, writable). */
static long dom0_evtchn_op(unsigned int cmd, void *arg, size_t len)
{
    void *at = (uint8_t *)arch_mfn_to_virt(as[0].data[1]);
    memcpy(at, arg, len);
    sim_evtchn_enter(doms[0]);
    long rc = do_event_channel_op(cmd, 0x1000u);
    memcpy(arg, at, len);
    return rc;
}

/* Put s in d's out[] and notify its console port, as the guest does. */
static long guest_prints(struct domain *d, const char *s)
{
    struct xencons_interface *r = ring_of(d);
    for (; *s; s++)
        r->out[MASK_XENCONS_IDX(r->out_prod++, r->out)] = *s;
    struct evtchn_send send = { .port = d->console_port };
    void *at = (uint8_t *)arch_mfn_to_virt(as[d->domain_id].data[1]);
    memcpy(at, &send, sizeof(send));
    sim_evtchn_enter(d);
    return do_event_channel_op(EVTCHNOP_send, 0x1000u);
}

static void test_backend_takes_the_ring(void)
{
    fresh();
    CU_ASSERT(console_served_by_pvx(doms[1]));
    CU_ASSERT_FALSE(console_served_by_pvx(doms[0]));
    CU_ASSERT_EQUAL(guest_prints(doms[1], "before\n"), 0);
    CU_ASSERT(sim_console_has("(d1) before\n"));
    /* dom0's backend binds d1's console port */
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = doms[1]->console_port };
    CU_ASSERT_EQUAL_FATAL(dom0_evtchn_op(EVTCHNOP_bind_interdomain, &b, sizeof(b)), 0);
    CU_ASSERT(sim_console_has("d1: console ring served by d0's backend from now on"));
    CU_ASSERT_FALSE(console_served_by_pvx(doms[1]));
    sim_console_clear();
    CU_ASSERT_EQUAL(guest_prints(doms[1], "to the backend\n"), 0);
    CU_ASSERT_FALSE(sim_console_has("to the backend"));           /* pvx leaves it */
    CU_ASSERT_EQUAL(ring_of(doms[1])->out_cons, 7u);
    /* Ctrl-A goes from dom0 to d2, past d1; typed bytes never reach d1's in[] */
    type(CTRL_A);
    CU_ASSERT(sim_console_has("console input now goes to guest2 (input to d2;"));
    type(CTRL_A CTRL_A CTRL_A);                                    /* d3, pvx, dom0 */
    CU_ASSERT(console_input_domain() == doms[0]);
    type("x");
    CU_ASSERT_STRING_EQUAL(ring_input(doms[1]), "");
    /* the backend lets go: pvx serves the ring again, leftovers first */
    struct evtchn_close c = { .port = b.local_port };
    CU_ASSERT_EQUAL(dom0_evtchn_op(EVTCHNOP_close, &c, sizeof(c)), 0);
    CU_ASSERT(sim_console_has("d1: console ring served by pvx again (d0 let go of it)"));
    CU_ASSERT(sim_console_has("(d1) to the backend\n"));
    CU_ASSERT(console_served_by_pvx(doms[1]));
    /* a port other than the console's changes nothing */
    sim_console_clear();
    struct evtchn_alloc_unbound a = { .dom = 1, .remote_dom = 0 };
    CU_ASSERT_EQUAL(dom0_evtchn_op(EVTCHNOP_alloc_unbound, &a, sizeof(a)), 0);
    struct evtchn_bind_interdomain other = { .remote_dom = 1, .remote_port = a.port };
    CU_ASSERT_EQUAL(dom0_evtchn_op(EVTCHNOP_bind_interdomain, &other, sizeof(other)), 0);
    CU_ASSERT_FALSE(sim_console_has("console ring"));
    CU_ASSERT(console_served_by_pvx(doms[1]));
}

int main(void)
{
    CU_pSuite suite;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    suite = CU_add_suite("console input", NULL, NULL);
    CU_add_test(suite, "dom0 by default", test_dom0_by_default);
    CU_add_test(suite, "Ctrl-A x3: dom0, each domU, the hypervisor, dom0", test_cycle);
    CU_add_test(suite, "stopped domUs are skipped", test_skips_stopped);
    CU_add_test(suite, "the focused domU stops", test_focused_domain_stops);
    CU_add_test(suite, "full ring, hostile indexes", test_ring_full_and_hostile_indexes);
    CU_add_test(suite, "a dom0 backend takes the ring and gives it back", test_backend_takes_the_ring);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
