/*
 * guest-os: user memory. A process's memory is its list of areas (struct
 * vm, kernel.h): the program image with the brk heap above it, the user
 * stack, and the anonymous mappings of mmap2. The arch's page tables hold
 * the pages; this file decides which pages may exist and how they are
 * mapped, and fixes the faults that should succeed (user_page_fault):
 * demand-zero pages and copy-on-write.
 * Rules:
 *  - Areas are sorted, disjoint, page aligned and inside user space, at
 *    most NVMA of them; neighbours with the same protection are merged.
 *  - Every mapped user page lies inside an area and is mapped as the area's
 *    protection says: PROT_NONE as USER_PROT_NONE (kept, but not reachable
 *    from ring 3), READ or EXEC as READ, WRITE as RW, or COW while another
 *    address space shares the page (after fork). Changing an area's
 *    protection changes its pages' entries (mprotect), removing an area
 *    unmaps and unrefs its pages (munmap, MAP_FIXED over it).
 *  - The image and heap area starts at USER_BASE and ends at brk_mapped;
 *    its pages and the stack's are mapped eagerly (spawn, exec, brk), so
 *    brk reports a shortage as ENOMEM. An mmap area's pages appear, zeroed,
 *    on first touch. mmap places areas top-down from MMAP_TOP, above the
 *    heap; MAP_FIXED may place one anywhere in user space.
 *  - A grant area (VMA_GRANT, PV's GOS_GNTMAP_MAP) holds pages of another
 *    domain that the arch mapped and alone unmaps (arch_grant_unmap,
 *    before the area goes: munmap, MAP_FIXED, exec); its pages are never
 *    demand-zero or copy-on-write, its protection never changes, and a
 *    fork's child does not get it.
 *  - An area list changes all or nothing: edits are made on a copy, which
 *    replaces the process's list only when every step has succeeded.
 */
#include "kernel.h"
#include "errno.h"

#define PROT_ALL (GOS_PROT_READ | GOS_PROT_WRITE | GOS_PROT_EXEC)

/* How a page of an area with protection prot is mapped (shared pages of a
 * writable area stay copy-on-write). */
static enum user_prot page_prot(uint32_t prot, void *page)
{
    if (prot & GOS_PROT_WRITE)
        return page && page_refcount(page) > 1 ? USER_PROT_COW : USER_PROT_RW;
    return prot & PROT_ALL ? USER_PROT_READ : USER_PROT_NONE;
}

/* The area holding va, or NULL. */
static const struct vma *vm_find(const struct vm *vm, uint32_t va)
{
    for (unsigned int i = 0; i < vm->n; i++)
        if (va >= vm->area[i].start && va < vm->area[i].end)
            return &vm->area[i];
    return NULL;
}

/* Does any area overlap [start, end)? */
static int vm_overlaps(const struct vm *vm, uint32_t start, uint32_t end)
{
    for (unsigned int i = 0; i < vm->n; i++)
        if (vm->area[i].start < end && start < vm->area[i].end)
            return 1;
    return 0;
}

/* Is all of [start, end) inside areas (no holes)? */
static int vm_covers(const struct vm *vm, uint32_t start, uint32_t end)
{
    uint32_t at = start;
    for (unsigned int i = 0; i < vm->n && at < end; i++)
        if (vm->area[i].start <= at && vm->area[i].end > at)
            at = vm->area[i].end;
    return at >= end;
}

/* Take [start, end) out of the areas, trimming or splitting them: 0, or
 * -ENOMEM if a split needs a slot and none is left. */
static int vm_remove(struct vm *vm, uint32_t start, uint32_t end)
{
    for (unsigned int i = 0; i < vm->n; i++) {
        struct vma *a = &vm->area[i];
        if (a->start < start && a->end > end) {         /* a hole in the middle */
            if (vm->n == NVMA)
                return -ENOMEM;
            for (unsigned int j = vm->n; j > i + 1; j--)
                vm->area[j] = vm->area[j - 1];
            vm->area[i + 1] = (struct vma){ end, a->end, a->prot };
            a->end = start;
            vm->n++;
            return 0;
        }
    }
    unsigned int kept = 0;
    for (unsigned int i = 0; i < vm->n; i++) {
        struct vma a = vm->area[i];
        if (a.end > start && a.start < end) {
            if (a.start >= start && a.end <= end)
                continue;                               /* wholly inside: gone */
            if (a.start < start)
                a.end = start;
            else
                a.start = end;
        }
        vm->area[kept++] = a;
    }
    vm->n = kept;
    return 0;
}

/* Add the area [start, end) with prot where no area is, merging it with
 * neighbours of the same protection: 0, or -ENOMEM if no slot is left. */
static int vm_insert(struct vm *vm, uint32_t start, uint32_t end, uint32_t prot)
{
    unsigned int i = 0;
    while (i < vm->n && vm->area[i].start < start)
        i++;
    struct vma *left = i > 0 ? &vm->area[i - 1] : NULL, *right = i < vm->n ? &vm->area[i] : NULL;
    int join_left = left && left->end == start && left->prot == prot;
    int join_right = right && right->start == end && right->prot == prot;
    if (join_left && join_right) {
        left->end = right->end;
        for (unsigned int j = i; j + 1 < vm->n; j++)
            vm->area[j] = vm->area[j + 1];
        vm->n--;
    } else if (join_left) {
        left->end = end;
    } else if (join_right) {
        right->start = start;
    } else {
        if (vm->n == NVMA)
            return -ENOMEM;
        for (unsigned int j = vm->n; j > i; j--)
            vm->area[j] = vm->area[j - 1];
        vm->area[i] = (struct vma){ start, end, prot };
        vm->n++;
    }
    return 0;
}

/* [start, end) becomes one area with prot, whatever was there: on a copy
 * of *vm that replaces it only if both steps fit. 0 or -ENOMEM. */
static int vm_set(struct vm *vm, uint32_t start, uint32_t end, uint32_t prot)
{
    struct vm edited = *vm;
    if (vm_remove(&edited, start, end) || vm_insert(&edited, start, end, prot))
        return -ENOMEM;
    *vm = edited;
    return 0;
}

/* The highest free range of len bytes below MMAP_TOP and above floor: its
 * start, or 0 if there is none. */
static uint32_t vm_find_gap(const struct vm *vm, uint32_t len, uint32_t floor)
{
    uint32_t hi = MMAP_TOP;
    for (int i = (int)vm->n - 1; i >= -1 && hi > floor; i--) {
        if (i >= 0 && vm->area[i].start >= hi)
            continue;                                   /* above the search */
        uint32_t lo = i >= 0 && vm->area[i].end > floor ? vm->area[i].end : floor;
        if (lo <= hi && hi - lo >= len)
            return hi - len;
        if (i >= 0)
            hi = vm->area[i].start;
    }
    return 0;
}

/* For exec (vm is current's), the old program's grant mappings go first,
 * while its address space is still the loaded one. */
void vm_init(struct vm *vm, uint32_t heap_end)
{
    if (vm == &current->vm)
        arch_grant_unmap(current, USER_BASE, USER_END);
    vm->area[0] = (struct vma){ USER_BASE, heap_end, PROT_ALL };
    vm->area[1] = (struct vma){ USER_END - USER_STACK_SIZE, USER_END, GOS_PROT_READ | GOS_PROT_WRITE };
    vm->n = 2;
}

/* A fresh zeroed page at va (inside an area with prot, nothing mapped). */
static int demand_zero(uint32_t va, uint32_t prot)
{
    void *page = page_alloc();
    if (!page)
        return -ENOMEM;
    if (arch_map_user_page_prot(current->aspace, va, page, page_prot(prot, page))) {
        page_free(page);
        return -ENOMEM;
    }
    return 0;
}

/* A write to page (mapped read-only at va inside a writable area): copy it
 * if another address space still shares it, else just make it writable. */
static int make_writable(uint32_t va, void *page)
{
    if (page_refcount(page) == 1)
        return arch_map_user_page_prot(current->aspace, va, page, USER_PROT_RW) ? -ENOMEM : 0;
    void *copy = page_alloc();
    if (!copy)
        return -ENOMEM;
    memcpy(copy, page, PAGE_SIZE);
    if (arch_map_user_page_prot(current->aspace, va, copy, USER_PROT_RW)) {
        page_free(copy);
        return -ENOMEM;
    }
    page_unref(page);
    return 0;
}

int user_page_fault(uint32_t va, int write)
{
    if (va < USER_BASE || va >= USER_END || !current->aspace)
        return -EFAULT;
    const struct vma *a = vm_find(&current->vm, va);
    if (!a || !(a->prot & PROT_ALL) || (write && !(a->prot & GOS_PROT_WRITE)))
        return -EFAULT;
    va = PAGE_ROUND_DOWN(va);
    enum user_prot have;
    void *page = arch_user_page(current->aspace, va, &have);
    if (a->prot & VMA_GRANT)        /* mapped as the area says, or gone */
        return page ? 0 : -EFAULT;
    if (!page)
        return demand_zero(va, a->prot);
    if (have == USER_PROT_RW || (!write && have != USER_PROT_NONE))
        return 0;                   /* already allowed: a stale TLB entry, or uaccess asking */
    if (write)
        return make_writable(va, page);
    return arch_map_user_page_prot(current->aspace, va, page, page_prot(a->prot, page)) ? -ENOMEM : 0;
}

unsigned int vm_pages(struct proc *p)
{
    unsigned int n = 0;
    enum user_prot prot;
    for (unsigned int i = 0; p->aspace && i < p->vm.n; i++)
        for (uint32_t va = p->vm.area[i].start; va < p->vm.area[i].end; va += PAGE_SIZE)
            n += arch_user_page(p->aspace, va, &prot) != NULL;
    return n;
}

/* brk(addr): move the heap end to addr (0 or below the current end: just
 * ask); the new end, or the old one if the heap cannot grow there (an
 * area in the way, or no memory). The heap's pages are mapped at once. */
long sys_brk(uint32_t addr, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    struct proc *p = current;
    if (addr <= p->brk)
        return (long)p->brk;
    if (addr > USER_END)
        return (long)p->brk;
    uint32_t want = PAGE_ROUND_UP(addr);
    if (want > p->brk_mapped) {
        if (vm_overlaps(&p->vm, p->brk_mapped, want) ||
            vm_set(&p->vm, p->brk_mapped, want, PROT_ALL))
            return (long)p->brk;
        for (uint32_t va = p->brk_mapped; va < want; va += PAGE_SIZE) {
            if (demand_zero(va, PROT_ALL)) {
                arch_unmap_user_range(p->aspace, p->brk_mapped, va);
                vm_remove(&p->vm, p->brk_mapped, want);     /* trims: needs no slot */
                return (long)p->brk;
            }
        }
        p->brk_mapped = want;
    }
    p->brk = addr;
    return (long)addr;
}

/* mmap2(addr, len, prot, flags, fd, pgoff): a private anonymous mapping
 * of len bytes (rounded up to pages), zero-filled on first touch. Without
 * MAP_FIXED, addr is only a hint and is not used: the area goes below the
 * lowest free space under MMAP_TOP. With MAP_FIXED it goes exactly at
 * addr, replacing whatever was mapped there. fd and pgoff are ignored, as
 * Linux does for anonymous mappings. The address, or -EINVAL (len 0,
 * unknown prot or flags, not MAP_PRIVATE | MAP_ANONYMOUS, a MAP_FIXED
 * addr not page aligned), -ENOMEM (no room, outside user space, no area
 * slot left). */
long sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd, uint32_t pgoff)
{
    (void)fd; (void)pgoff;
    const uint32_t known = GOS_MAP_PRIVATE | GOS_MAP_FIXED | GOS_MAP_ANONYMOUS;
    if (!len || (prot & ~PROT_ALL) || (flags & ~known) ||
        !(flags & GOS_MAP_PRIVATE) || !(flags & GOS_MAP_ANONYMOUS))
        return -EINVAL;
    if (len > USER_END - USER_BASE)
        return -ENOMEM;
    len = PAGE_ROUND_UP(len);
    if (flags & GOS_MAP_FIXED) {
        if (addr & (PAGE_SIZE - 1))
            return -EINVAL;
        if (addr < USER_BASE || addr >= USER_END || len > USER_END - addr)
            return -ENOMEM;
    } else {
        addr = vm_find_gap(&current->vm, len, current->brk_mapped);
        if (!addr)
            return -ENOMEM;
    }
    if (vm_set(&current->vm, addr, addr + len, prot))
        return -ENOMEM;
    arch_grant_unmap(current, addr, addr + len);                /* what MAP_FIXED replaced */
    arch_unmap_user_range(current->aspace, addr, addr + len);
    return (long)addr;
}

/* The page-aligned user range [addr, addr + len rounded up) in *end:
 * -EINVAL if addr is not aligned or the range leaves user space. */
static int user_pages(uint32_t addr, uint32_t len, uint32_t *end)
{
    if ((addr & (PAGE_SIZE - 1)) || addr < USER_BASE || addr >= USER_END ||
        len > USER_END - addr)
        return -EINVAL;
    *end = addr + PAGE_ROUND_UP(len);
    return 0;
}

/* munmap(addr, len): unmap [addr, addr + len) and free its pages (shared
 * copy-on-write pages just lose a reference); areas are trimmed or split.
 * Nothing mapped there is not an error. 0, -EINVAL (len 0, addr not
 * aligned, outside user space), -ENOMEM (a split needs an area slot). */
long sys_munmap(uint32_t addr, uint32_t len, uint32_t unused)
{
    (void)unused;
    uint32_t end;
    if (!len || user_pages(addr, len, &end))
        return -EINVAL;
    if (vm_remove(&current->vm, addr, end))
        return -ENOMEM;
    arch_grant_unmap(current, addr, end);
    arch_unmap_user_range(current->aspace, addr, end);
    return 0;
}

/* mprotect(addr, len, prot): give [addr, addr + len) protection prot
 * (PROT_NONE keeps the contents, unreachable until made accessible
 * again). 0, -EINVAL (addr not aligned, unknown prot bits, outside user
 * space, a grant mapping in the range), -ENOMEM (part of the range is not mapped, or a split needs an
 * area slot). */
long sys_mprotect(uint32_t addr, uint32_t len, uint32_t prot)
{
    uint32_t end;
    if ((prot & ~PROT_ALL) || user_pages(addr, len, &end))
        return -EINVAL;
    if (end == addr)
        return 0;
    for (unsigned int i = 0; i < current->vm.n; i++)
        if ((current->vm.area[i].prot & VMA_GRANT) && current->vm.area[i].start < end &&
            addr < current->vm.area[i].end)
            return -EINVAL;
    if (!vm_covers(&current->vm, addr, end) || vm_set(&current->vm, addr, end, prot))
        return -ENOMEM;
    return arch_protect_user_range(current->aspace, addr, end, page_prot(prot, NULL)) ? -ENOMEM : 0;
}

uint32_t vm_grant_area_add(int writable)
{
    uint32_t prot = GOS_PROT_READ | (writable ? GOS_PROT_WRITE : 0) | VMA_GRANT;
    uint32_t va = vm_find_gap(&current->vm, PAGE_SIZE, current->brk_mapped);
    if (!va || vm_set(&current->vm, va, va + PAGE_SIZE, prot))
        return 0;
    return va;
}

int vm_grant_area_remove(uint32_t va)
{
    const struct vma *a = vm_find(&current->vm, va);
    if (!a || !(a->prot & VMA_GRANT) || (va & (PAGE_SIZE - 1)))
        return -EINVAL;
    return vm_remove(&current->vm, va, va + PAGE_SIZE);
}

/* Whole areas go, so no split and no slot is needed. */
void vm_fork_drop_grants(struct vm *vm)
{
    unsigned int kept = 0;
    for (unsigned int i = 0; i < vm->n; i++)
        if (!(vm->area[i].prot & VMA_GRANT))
            vm->area[kept++] = vm->area[i];
    vm->n = kept;
}
