/*
 * tests/abi: the table from pvx's public headers (include/public). Built
 * twice: -m32 (the guest's view) and -m64 (the hypervisor's view), both
 * freestanding; and both again with ABI_TOOLS_VIEW for checks_tools.def
 * (the same headers serve guests and toolstacks).
 */
#include <public/xen.h>
#include <public/callback.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/io/xs_wire.h>

#include "abi_table.h"
