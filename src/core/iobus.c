/* Device buses: ranges of port or MMIO addresses mapped to device callbacks. */
#include "softkvm/iobus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Index of the first region whose base is >= base. */
static unsigned lower_bound(const struct iobus *bus, uint64_t base)
{
    unsigned lo = 0, hi = bus->n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (bus->regions[mid]->base < base)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int iobus_add_region(struct iobus *bus, uint64_t base, uint64_t len, const struct io_ops *ops,
                     void *opaque, struct io_region **out)
{
    if (len == 0 || base + len - 1 < base || ops == NULL)
        return -EINVAL;
    unsigned at = lower_bound(bus, base);
    /* Sorted and disjoint: only the neighbours can overlap. */
    if (at < bus->n && bus->regions[at]->base <= base + len - 1)
        return -EEXIST;
    if (at > 0) {
        const struct io_region *p = bus->regions[at - 1];
        if (p->base + p->len - 1 >= base)
            return -EEXIST;
    }
    if (bus->n == bus->cap) {
        unsigned cap = bus->cap ? bus->cap * 2 : 16;
        struct io_region **r = realloc(bus->regions, cap * sizeof(*r));
        if (r == NULL)
            return -ENOMEM;
        bus->regions = r;
        bus->cap = cap;
    }
    struct io_region *r = malloc(sizeof(*r));
    if (r == NULL)
        return -ENOMEM;
    *r = (struct io_region){base, len, ops, opaque, NULL};
    memmove(&bus->regions[at + 1], &bus->regions[at], (bus->n - at) * sizeof(*bus->regions));
    bus->regions[at] = r;
    bus->n++;
    if (out != NULL)
        *out = r;
    return 0;
}

int iobus_add(struct iobus *bus, uint64_t base, uint64_t len, const struct io_ops *ops,
              void *opaque)
{
    return iobus_add_region(bus, base, len, ops, opaque, NULL);
}

int iobus_remove(struct iobus *bus, uint64_t base)
{
    unsigned at = lower_bound(bus, base);
    if (at >= bus->n || bus->regions[at]->base != base)
        return -ENOENT;
    free(bus->regions[at]);
    memmove(&bus->regions[at], &bus->regions[at + 1], (bus->n - at - 1) * sizeof(*bus->regions));
    bus->n--;
    return 0;
}

void iobus_release(struct iobus *bus)
{
    for (unsigned i = 0; i < bus->n; i++)
        free(bus->regions[i]);
    free(bus->regions);
    *bus = (struct iobus){0};
}

const struct io_region *iobus_find(const struct iobus *bus, uint64_t addr)
{
    /* The last region whose base is <= addr is the only candidate. */
    unsigned at = lower_bound(bus, addr);
    if (at < bus->n && bus->regions[at]->base == addr)
        return bus->regions[at];
    if (at == 0)
        return NULL;
    const struct io_region *r = bus->regions[at - 1];
    return addr - r->base < r->len ? r : NULL;
}

bool iobus_read(struct vm *vm, const struct iobus *bus, uint64_t addr, unsigned size, uint64_t *val)
{
    const struct io_region *r = iobus_find(bus, addr);
    if (r == NULL || r->ops->read == NULL) {
        *val = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
        return r != NULL;
    }
    *val = r->ops->read(vm, r->opaque, addr - r->base, size);
    return true;
}

bool iobus_write(struct vm *vm, const struct iobus *bus, uint64_t addr, unsigned size, uint64_t val)
{
    const struct io_region *r = iobus_find(bus, addr);
    if (r == NULL)
        return false;
    if (r->ops->write != NULL)
        r->ops->write(vm, r->opaque, addr - r->base, size, val);
    return true;
}
