/*
 * tests/abi: the reference table, from Xen's own public headers
 * (/usr/include/xen) as a 32-bit PV guest sees them. Built with -m32 only.
 * With ABI_TOOLS_VIEW, as a 32-bit toolstack in dom0 sees them instead
 * (__XEN_TOOLS__: the control interfaces, which change a few guest-view
 * names, so the two views are separate tables).
 */
#ifndef __i386__
#error "Xen's x86_32 guest ABI: compile with -m32"
#endif
#ifdef ABI_TOOLS_VIEW
#define __XEN_TOOLS__ 1
#endif

#include <stdint.h>
#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#ifdef ABI_TOOLS_VIEW
#include <xen/domctl.h>
#include <xen/sysctl.h>
#endif

#include "abi_table.h"
