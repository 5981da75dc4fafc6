/* Boards: region lists (overlap checks, the e820 view), RAM placement, the board's devices. */
#include "softkvm/board.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "softkvm/device.h"
#include "softkvm/irq.h"
#include "softkvm/vm.h"

#define GIB (1ULL << 30)

int region_add(struct region_list *l, const char *name, enum region_kind kind, uint64_t base,
               uint64_t size)
{
    if (size == 0 || base + size - 1 < base)
        return -EINVAL;
    unsigned at = 0;
    while (at < l->n && l->r[at].base < base)
        at++;
    if (at < l->n && l->r[at].base <= base + size - 1)
        return -EEXIST;
    if (at > 0 && l->r[at - 1].base + l->r[at - 1].size - 1 >= base)
        return -EEXIST;
    if (l->n >= BOARD_MAX_REGIONS)
        return -ENOSPC;
    memmove(&l->r[at + 1], &l->r[at], (l->n - at) * sizeof(l->r[0]));
    l->r[at] = (struct mem_region){name, kind, base, size};
    l->n++;
    return 0;
}

const struct mem_region *region_find(const struct region_list *l, uint64_t addr)
{
    for (unsigned i = 0; i < l->n; i++)
        if (addr >= l->r[i].base && addr - l->r[i].base < l->r[i].size)
            return &l->r[i];
    return NULL;
}

int region_list_e820(const struct region_list *l, struct e820_entry *out, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < l->n; i++) {
        const struct mem_region *r = &l->r[i];
        if (r->kind == REGION_MMIO)
            continue;
        uint32_t type = r->kind == REGION_RAM ? E820_RAM : E820_RESERVED;
        if (n > 0 && out[n - 1].type == type && out[n - 1].addr + out[n - 1].size == r->base) {
            out[n - 1].size += r->size;
            continue;
        }
        if (n >= max)
            return -ENOSPC;
        out[n++] = (struct e820_entry){r->base, r->size, type};
    }
    return (int)n;
}

int board_layout(const struct board *b, uint64_t ram, struct region_list *out, char *err,
                 size_t errlen)
{
    memset(out, 0, sizeof(*out));
    uint64_t low_room = b->ram_low_max - b->ram_start;
    uint64_t low = ram < low_room ? ram : low_room;
    uint64_t high = ram - low;
    if (high != 0 && b->ram_high_base == 0) {
        snprintf(err, errlen,
                 "the %s board holds at most %llu MiB of RAM (below its devices); use less -m",
                 b->name, (unsigned long long)(low_room >> 20));
        return -EINVAL;
    }
    uint64_t at = b->ram_start, low_end = b->ram_start + low;
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < b->ncarve; i++) {
        const struct mem_region *c = &b->carve[i];
        if (c->base < at || c->base + c->size > low_end) {
            snprintf(err, errlen, "the %s board needs more than %llu MiB of RAM (for its %s)",
                     b->name, (unsigned long long)(ram >> 20), c->name);
            return -EINVAL;
        }
        if (c->base > at)
            rc = region_add(out, "ram", REGION_RAM, at, c->base - at);
        if (rc == 0)
            rc = region_add(out, c->name, c->kind, c->base, c->size);
        at = c->base + c->size;
    }
    if (rc == 0 && low_end > at)
        rc = region_add(out, "ram", REGION_RAM, at, low_end - at);
    if (rc == 0 && high != 0)
        rc = region_add(out, "ram-high", REGION_RAM, b->ram_high_base, high);
    for (unsigned i = 0; rc == 0 && i < b->nfixed; i++) {
        const struct mem_region *f = &b->fixed[i];
        rc = region_add(out, f->name, f->kind, f->base, f->size);
        if (rc == -EEXIST)
            snprintf(err, errlen, "board %s: region %s at 0x%llx overlaps another", b->name,
                     f->name, (unsigned long long)f->base);
    }
    if (rc != 0 && rc != -EEXIST)
        snprintf(err, errlen, "board %s: cannot lay out %llu MiB of RAM: %s", b->name,
                 (unsigned long long)(ram >> 20), strerror(-rc));
    return rc;
}

int board_create_devices(const struct board *b, struct vm *vm, char *err, size_t errlen)
{
    if (b->irq_lines != 0) {
        int rc = irq_router_init(vm, b->irq_lines);
        if (rc != 0) {
            snprintf(err, errlen, "board %s: cannot create %u interrupt lines", b->name,
                     b->irq_lines);
            return rc;
        }
    }
    for (unsigned i = 0; b->devices != NULL && b->devices[i] != NULL; i++) {
        int rc = device_create(vm, b->devices[i], err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}
