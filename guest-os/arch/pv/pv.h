/* guest-os PV: what arch.c and time.c share. */
#ifndef GUEST_OS_PV_H
#define GUEST_OS_PV_H

#include <public/xen.h>

/* shared_info, mapped by arch_init (NULL before). */
extern shared_info_t *shared_info;
extern const uint32_t trap_stub_table[256];
/* time.c: register the event callback, bind VIRQ_TIMER, start the tick. */
void events_init(void);

#endif
