/* pvx: guest output on the hypervisor console (common/console.c). */
#ifndef PVX_CONSOLE_H
#define PVX_CONSOLE_H
#include <pvx/types.h>

struct domain;

/* Print len bytes of d's output: dom0's as is, others' line by line with a
 * "(dN) " prefix (a partial line waits for its newline), control
 * characters but tab dropped. */
void console_domain_write(struct domain *d, const char *buf, size_t len);
/* Print d's unfinished line, if any (when it stops). */
void console_domain_flush(struct domain *d);
/* Copy whatever d put in its PV console ring to the console; notify it. */
void console_ring_drain(struct domain *d);
/* Is d a domU whose console ring pvx serves (its console port is still
 * unbound: no backend in dom0 has bound it)? */
bool console_served_by_pvx(const struct domain *d);
/* event_channel_op.c, after d's port was bound or let go by the other
 * end: if it is d's console port, say who serves the ring now (and, if
 * pvx again, drain what is there). */
void console_backend_changed(struct domain *d, unsigned int port);

/* Console input: deliver a typed byte to the domain that has the input
 * (console_input_domain): for dom0 queue it and raise VIRQ_CONSOLE, for a
 * domU put it in its console ring's in[] and notify its console port; a
 * full queue or ring drops it. console_input_pop takes dom0's oldest
 * (-1 if none). */
void console_input_push(char c);
int console_input_pop(void);

#endif
