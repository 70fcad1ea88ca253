/* guest-os: uname (newlib has no sys/utsname.h); Linux's layout. */
#ifndef GUEST_OS_SYS_UTSNAME_H
#define GUEST_OS_SYS_UTSNAME_H

#define UTSNAME_LENGTH 65
struct utsname {
    char sysname[UTSNAME_LENGTH];    /* "guest-os" */
    char nodename[UTSNAME_LENGTH];   /* "guest-os" */
    char release[UTSNAME_LENGTH];    /* the kernel version */
    char version[UTSNAME_LENGTH];    /* the build: "native" or "pv (pvx, ring 1, dom0)" */
    char machine[UTSNAME_LENGTH];    /* "i686" */
    char domainname[UTSNAME_LENGTH];
};

int uname(struct utsname *buf);

#endif
