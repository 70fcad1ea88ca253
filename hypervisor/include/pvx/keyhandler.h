/* pvx: debug keys and console input switching (common/keyhandler.c). */
#ifndef PVX_KEYHANDLER_H
#define PVX_KEYHANDLER_H

/* Run the dump for one debug key (h q r m e). */
void handle_debug_key(char key);
struct domain;

/* Route one byte typed on the console: Ctrl-A x3 moves the input to the
 * next target (dom0, each running domU, the hypervisor, dom0...); a byte
 * for a domain is returned (console_input_push delivers it), one taken by
 * the hypervisor (Ctrl-A, debug keys) gives -1. */
int console_input_byte(char c);
/* The domain console input goes to now, NULL while the hypervisor has it.
 * If the domU that had it has stopped, input goes back to dom0 (said on
 * the console) and this once NULL is returned: the byte in hand was meant
 * for the stopped domain, so it is dropped rather than given to dom0. */
struct domain *console_input_domain(void);

#endif
