/*
 * pvx guests (test guests, guest-os): hypercall stubs, generated from
 * include/hypercalls.def.
 * HYPERVISOR_<name>(...) calls hypercall_page + nr * 32 with the arguments
 * in ebx, ecx, edx, esi, edi and returns eax.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <public/xen.h>

extern char hypercall_page[4096];

/* One hypercall with five register arguments. */
static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    long ret;
    __asm__ volatile("call *%%eax"
                     : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                     : "0"(hypercall_page + nr * 32)
                     : "memory");
    return ret;
}

#define HC_U(x) ((unsigned long)(x))
#define _hc0(nr, ...) hypercall5(nr, 0, 0, 0, 0, 0)
#define _hc1(nr, a) hypercall5(nr, HC_U(a), 0, 0, 0, 0)
#define _hc2(nr, a, b) hypercall5(nr, HC_U(a), HC_U(b), 0, 0, 0)
#define _hc3(nr, a, b, c) hypercall5(nr, HC_U(a), HC_U(b), HC_U(c), 0, 0)
#define _hc4(nr, a, b, c, d) hypercall5(nr, HC_U(a), HC_U(b), HC_U(c), HC_U(d), 0)
#define _hc5(nr, a, b, c, d, e) hypercall5(nr, HC_U(a), HC_U(b), HC_U(c), HC_U(d), HC_U(e))
#define HC_EXPAND(...) __VA_ARGS__
#define HC_CALL(n, ...) _hc##n(__VA_ARGS__)

#define HYPERCALL(nr, name, nargs, params, args, errors) \
    static inline long HYPERVISOR_##name params { return HC_CALL(nargs, nr, HC_EXPAND args); }
#include <hypercalls.def>
#undef HYPERCALL

#endif
