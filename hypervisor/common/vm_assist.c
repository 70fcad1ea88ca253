/* pvx: vm_assist. The assists pvx provides are the ones whose behaviour it
 * already has: pae_extended_cr3 (L3 tables anywhere) and
 * architectural_iopl. Others (4gb_segments, writable_pagetables) answer
 * -EINVAL, as Xen does for assists it does not offer; the type is checked
 * before the command, which is -ENOSYS if unknown (Xen's order). */
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/hypercall.h>
#include <public/xen.h>

#define SUPPORTED_ASSISTS ((1u << VMASST_TYPE_pae_extended_cr3) | \
                           (1u << VMASST_TYPE_architectural_iopl) | \
                           (1u << VMASST_TYPE_runstate_update_flag))

/* vm_assist(cmd, type): see docs/abi.md. */
long do_vm_assist(uint32_t cmd, uint32_t type)
{
    struct domain *d = current->domain;
    if (type >= 32 || !(SUPPORTED_ASSISTS & (1u << type)))
        return -EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1ul << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1ul << type);
        return 0;
    default:
        return -ENOSYS;     /* as Xen: a good type with an unknown command */
    }
}
