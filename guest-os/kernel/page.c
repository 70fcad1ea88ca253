/*
 * guest-os: the physical page allocator: a bump allocator over the free
 * range the arch reported, and a list of the pages given back (page_free),
 * which are handed out first. A free page's first word links the list.
 */
#include "kernel.h"

static uintptr_t next_page, end_page;
static void *free_list;
static unsigned int free_listed;

void page_init(const struct mem_range *free)
{
    next_page = PAGE_ROUND_UP(free->start);
    end_page = PAGE_ROUND_DOWN(free->end);
}

void *page_alloc(void)
{
    void *p;
    if (free_list) {
        p = free_list;
        free_list = *(void **)p;
        free_listed--;
    } else if (next_page < end_page) {
        p = (void *)next_page;
        next_page += PAGE_SIZE;
    } else {
        return NULL;
    }
    memset(p, 0, PAGE_SIZE);
    return p;
}

void page_free(void *page)
{
    *(void **)page = free_list;
    free_list = page;
    free_listed++;
}

unsigned int page_free_count(void)
{
    return (unsigned int)((end_page - next_page) / PAGE_SIZE) + free_listed;
}
