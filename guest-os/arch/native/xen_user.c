/*
 * guest-os native: the hypervisor calls for user programs
 * (include/xen_user.h) on bare hardware: there is no hypervisor, so every
 * call is -ENOSYS and a process never holds anything to give back.
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"

long arch_sys_xenbus(uint32_t op, uint32_t ubuf, uint32_t len)
{
    (void)op; (void)ubuf; (void)len;
    return -ENOSYS;
}

long arch_sys_xen_evtchn(uint32_t op, uint32_t uarg, uint32_t unused)
{
    (void)op; (void)uarg; (void)unused;
    return -ENOSYS;
}

long arch_sys_xen_gntmap(uint32_t op, uint32_t uarg, uint32_t unused)
{
    (void)op; (void)uarg; (void)unused;
    return -ENOSYS;
}

long arch_sys_xen_domains(uint32_t domid, uint32_t uinfo, uint32_t unused)
{
    (void)domid; (void)uinfo; (void)unused;
    return -ENOSYS;
}

long arch_sys_xen_console(uint32_t op, uint32_t domid, uint32_t unused)
{
    (void)op; (void)domid; (void)unused;
    return -ENOSYS;
}

void arch_proc_exit(struct proc *p) { (void)p; }
void arch_grant_unmap(struct proc *p, uint32_t start, uint32_t end) { (void)p; (void)start; (void)end; }
void arch_fork_begin(struct proc *p) { (void)p; }
void arch_fork_end(struct proc *p) { (void)p; }
