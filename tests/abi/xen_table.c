/*
 * tests/abi: the reference table, from Xen's own public headers
 * (/usr/include/xen) as a 32-bit PV guest sees them. Built with -m32 only.
 */
#ifndef __i386__
#error "Xen's x86_32 guest ABI: compile with -m32"
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
#include <xen/io/console.h>

#include "abi_table.h"
