/* Device buses: port I/O and MMIO ranges, each served by a device model's callbacks. */
#ifndef SOFTKVM_IOBUS_H
#define SOFTKVM_IOBUS_H

#include "softkvm/types.h"

struct vm;

/* A device's callbacks. off is relative to the region base; size is 1, 2, 4 or 8. */
struct io_ops {
    const char *name;
    uint64_t (*read)(struct vm *vm, void *opaque, uint64_t off, unsigned size);
    void (*write)(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val);
};

/* One claimed range. Regions are allocated one by one, so a pointer to one stays valid until
 * it is removed (the engine's MMIO callbacks hold such pointers). */
struct io_region {
    uint64_t base;
    uint64_t len;
    const struct io_ops *ops;
    void *opaque;
    struct vm *vm; /* set by vm_add_mmio for the engine callbacks */
};

/* A bus: regions kept sorted by base, no fixed cap. A zeroed iobus is an empty bus. */
struct iobus {
    struct io_region **regions;
    unsigned n, cap;
};

/* Add [base, base + len). Returns 0, -EINVAL (len 0, wraps, no ops), -EEXIST (overlaps a
 * region) or -ENOMEM. *out (if not NULL) gets the new region. */
int iobus_add_region(struct iobus *bus, uint64_t base, uint64_t len, const struct io_ops *ops,
                     void *opaque, struct io_region **out);

/* iobus_add_region without the out pointer. */
int iobus_add(struct iobus *bus, uint64_t base, uint64_t len, const struct io_ops *ops,
              void *opaque);

/* Remove the region that starts at base (as PCI BARs move). Returns 0 or -ENOENT. */
int iobus_remove(struct iobus *bus, uint64_t base);

/* Release every region (the bus is empty and reusable afterwards). */
void iobus_release(struct iobus *bus);

/* The region containing addr, or NULL. */
const struct io_region *iobus_find(const struct iobus *bus, uint64_t addr);

/* Dispatch an access. Reads of unclaimed addresses return all ones (what a bus without a
 * device answers); writes to them are dropped. Return true if a device claimed it. */
bool iobus_read(struct vm *vm, const struct iobus *bus, uint64_t addr, unsigned size,
                uint64_t *val);
bool iobus_write(struct vm *vm, const struct iobus *bus, uint64_t addr, unsigned size,
                 uint64_t val);

#endif
