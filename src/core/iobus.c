/* Device buses: ranges of port or MMIO addresses mapped to device callbacks. */
#include "softkvm/iobus.h"

#include <errno.h>

int iobus_add(struct iobus *bus, uint64_t base, uint64_t len, const struct io_ops *ops,
              void *opaque)
{
    if (len == 0 || base + len - 1 < base || ops == NULL)
        return -EINVAL;
    for (unsigned i = 0; i < bus->n; i++) {
        const struct io_region *r = &bus->regions[i];
        if (base <= r->base + r->len - 1 && r->base <= base + len - 1)
            return -EEXIST;
    }
    if (bus->n >= IOBUS_MAX_REGIONS)
        return -ENOSPC;
    bus->regions[bus->n++] = (struct io_region){base, len, ops, opaque, NULL};
    return 0;
}

const struct io_region *iobus_find(const struct iobus *bus, uint64_t addr)
{
    for (unsigned i = 0; i < bus->n; i++) {
        const struct io_region *r = &bus->regions[i];
        if (addr >= r->base && addr - r->base < r->len)
            return r;
    }
    return NULL;
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
