/*
 * guest-os: the physical page allocator: a bump allocator over the free
 * range the arch reported, and a list of the pages given back (page_free),
 * which are handed out first. A free page's first word links the list.
 */
#include "kernel.h"

static uintptr_t next_page, end_page, bump_end, range_end;
static unsigned int absent;          /* pages of the range the balloon has out */
static void *free_list;
static unsigned int free_listed;
/* Reference counts (fork's copy-on-write sharing), one per page of the
 * range, kept in its first pages. */
static uint16_t *refs;
static uintptr_t first_page;

void page_init(const struct mem_range *free)
{
    next_page = PAGE_ROUND_UP(free->start);
    end_page = PAGE_ROUND_DOWN(free->end);
    bump_end = free->present_end ? PAGE_ROUND_DOWN(free->present_end) : end_page;
    refs = (uint16_t *)next_page;
    size_t bytes = PAGE_ROUND_UP((end_page - next_page) / PAGE_SIZE * sizeof(uint16_t));
    memset(refs, 0, bytes);
    next_page += bytes;
    if (next_page > bump_end)
        panic("page_init: the reference counts for %u KiB do not fit in the %u KiB present",
              (unsigned int)((end_page - free->start) / 1024), (unsigned int)((bump_end - free->start) / 1024));
    first_page = next_page;
    range_end = end_page;
    absent = (unsigned int)((end_page - bump_end) / PAGE_SIZE);
    end_page = bump_end;             /* the bump allocator stops where the present pages end */
}

static uint16_t *ref_of(void *page) { return &refs[((uintptr_t)page - first_page) / PAGE_SIZE]; }
void page_ref(void *page) { ++*ref_of(page); }
unsigned int page_refcount(void *page) { return *ref_of(page); }
void page_unref(void *page)
{
    if (--*ref_of(page) == 0)
        page_free(page);
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
    *ref_of(p) = 1;
    return p;
}

void page_free(void *page)
{
    *ref_of(page) = 0;
    *(void **)page = free_list;
    free_list = page;
    free_listed++;
}

/* Pages the allocator manages (after its reference counts), not
 * counting those the balloon has out. */
unsigned int page_total_count(void)
{
    return (unsigned int)((range_end - first_page) / PAGE_SIZE) - absent;
}

void page_balloon_out(void *page)
{
    *ref_of(page) = 0;
    absent++;
}

/* A page coming back is free; it may lie past the bump allocator's end
 * (pages that were never present), which is why the range counts all. */
void page_balloon_in(void *page)
{
    absent--;
    page_free(page);
}

unsigned int page_free_count(void)
{
    return (unsigned int)((end_page - next_page) / PAGE_SIZE) + free_listed;
}
