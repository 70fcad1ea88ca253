/* pvx: messages about what guests did. Xen-style log levels decide which
 * hypervisor messages are shown (loglvl=none|error|warning|info|all;
 * warning is the default): a refused guest request is a warning. */
#include <pvx/lib.h>
#include <pvx/cmdline.h>

/* guest_refusal: see pvx/lib.h. */
int guest_refusal(unsigned int domid, int err, const char *fmt, ...)
{
    if (hv_options.loglvl < LOGLVL_WARNING)
        return err;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk("d%u: %s\n", domid, msg);
    return err;
}
