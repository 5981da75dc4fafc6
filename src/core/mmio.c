/* MMIO regions: maps a device range into the engine and routes its accesses to the device. */
#include "softkvm/mmio.h"

#include <errno.h>

#include "softkvm/arch.h"
#include "softkvm/trace.h"

/* Who is accessing and from where, for the trace. */
static void trace_access(struct vm *vm, const char *kind, const uint64_t vals[3])
{
    static const char *const keys[] = {"addr", "size", "value"};
    struct vcpu *v = vm->running != NULL ? vm->running : &vm->vcpus[0];
    trace_event(vm, v->id, vm->arch->get_pc(v), kind, 3, keys, vals);
}

static uint64_t mmio_read_cb(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    (void)uc;
    struct io_region *r = user;
    struct vm *vm = r->vm;
    vm->stats.mmio++;
    uint64_t val = r->ops->read != NULL ? r->ops->read(vm, r->opaque, offset, size) : 0;
    if (trace_enabled(vm)) {
        const uint64_t vals[] = {r->base + offset, size, val};
        trace_access(vm, "mmio_read", vals);
    }
    return val;
}

static void mmio_write_cb(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    struct io_region *r = user;
    struct vm *vm = r->vm;
    vm->stats.mmio++;
    if (trace_enabled(vm)) {
        const uint64_t vals[] = {r->base + offset, size, value};
        trace_access(vm, "mmio_write", vals);
    }
    if (r->ops->write != NULL)
        r->ops->write(vm, r->opaque, offset, size, value);
}

int vm_add_mmio(struct vm *vm, uint64_t base, uint64_t len, const struct io_ops *ops, void *opaque)
{
    if ((base | len) & ~SKVM_PAGE_MASK)
        return -EINVAL;
    struct io_region *r;
    int rc = iobus_add_region(&vm->mmio, base, len, ops, opaque, &r);
    if (rc != 0)
        return rc;
    r->vm = vm;
    if (vm->uc == NULL)
        return 0;
    if (uc_mmio_map(vm->uc, base, len, mmio_read_cb, r, mmio_write_cb, r) != UC_ERR_OK) {
        iobus_remove(&vm->mmio, base);
        return -EINVAL;
    }
    return 0;
}

int vm_remove_mmio(struct vm *vm, uint64_t base)
{
    const struct io_region *r = iobus_find(&vm->mmio, base);
    if (r == NULL || r->base != base)
        return -ENOENT;
    if (vm->uc != NULL && uc_mem_unmap(vm->uc, r->base, r->len) != UC_ERR_OK)
        return -EINVAL;
    return iobus_remove(&vm->mmio, base);
}
