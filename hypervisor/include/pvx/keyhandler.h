/* pvx: debug keys and console input switching (common/keyhandler.c). */
#ifndef PVX_KEYHANDLER_H
#define PVX_KEYHANDLER_H

/* Run the dump for one debug key (h q r m e). */
void handle_debug_key(char key);
/* Route one byte typed on the console: Ctrl-A x3 toggles the target; a
 * byte for dom0 is returned, one taken by the hypervisor gives -1. */
int console_input_byte(char c);

#endif
