/*
 * guest-os: the physical page allocator. For now a bump allocator over the
 * free range the arch reported (nothing is freed yet: the one process of
 * this slice never gives memory back).
 */
#include "kernel.h"

static uintptr_t next_page, end_page;

void page_init(const struct mem_range *free)
{
    next_page = PAGE_ROUND_UP(free->start);
    end_page = PAGE_ROUND_DOWN(free->end);
}

void *page_alloc(void)
{
    if (next_page >= end_page)
        return NULL;
    void *p = (void *)next_page;
    next_page += PAGE_SIZE;
    memset(p, 0, PAGE_SIZE);
    return p;
}

unsigned int page_free_count(void)
{
    return (unsigned int)((end_page - next_page) / PAGE_SIZE);
}
