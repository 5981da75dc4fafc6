/* The per-VM MSR table: sorted disjoint ranges, binary-searched on every MSR exit. */
#include "softkvm/msr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "softkvm/vm.h"

/* Index of the first range whose first index is > index. */
static unsigned upper_bound(const struct msr_table *t, uint32_t index)
{
    unsigned lo = 0, hi = t->n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (t->ranges[mid].first <= index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int msr_register(struct vm *vm, uint32_t first, uint32_t last, const char *name, msr_read_fn read,
                 msr_write_fn write, void *opaque)
{
    struct msr_table *t = &vm->msrs;
    if (first > last || (read == NULL && write == NULL))
        return -EINVAL;
    unsigned at = upper_bound(t, first);
    if (at > 0 && t->ranges[at - 1].last >= first)
        return -EEXIST;
    if (at < t->n && t->ranges[at].first <= last)
        return -EEXIST;
    if (t->n == t->cap) {
        unsigned cap = t->cap ? t->cap * 2 : 16;
        struct msr_range *r = realloc(t->ranges, cap * sizeof(*r));
        if (r == NULL)
            return -ENOMEM;
        t->ranges = r;
        t->cap = cap;
    }
    memmove(&t->ranges[at + 1], &t->ranges[at], (t->n - at) * sizeof(*t->ranges));
    t->ranges[at] = (struct msr_range){first, last, name, read, write, opaque, 0, 0};
    t->n++;
    return 0;
}

struct msr_range *msr_find(struct vm *vm, uint32_t index)
{
    struct msr_table *t = &vm->msrs;
    unsigned at = upper_bound(t, index);
    if (at == 0)
        return NULL;
    struct msr_range *r = &t->ranges[at - 1];
    return index <= r->last ? r : NULL;
}

void msr_table_release(struct msr_table *t)
{
    free(t->ranges);
    *t = (struct msr_table){0};
}
