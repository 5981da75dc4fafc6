/* QEMU's isa-debug-exit: a write of v ends the run with exit status (v << 1) | 1. */
#include <stdio.h>

#include "devices/devices.h"

static void debug_exit_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    uint64_t status = (val << 1) | 1;
    vm_stop(vm, OUTCOME_GUEST_EXIT, (int)(status & 0xFF),
            "guest wrote 0x%llx to isa-debug-exit: exit status %llu", (unsigned long long)val,
            (unsigned long long)(status & 0xFF));
}

static const struct io_ops debug_exit_ops = {"isa-debug-exit", NULL, debug_exit_write};

static int debug_exit_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                             size_t errlen)
{
    uint64_t base = devprop_u64(p, "iobase"), len = devprop_u64(p, "iosize");
    int rc = iobus_add(&vm->pio, base, len, &debug_exit_ops, NULL);
    if (rc != 0)
        snprintf(err, errlen, "isa-debug-exit: ports 0x%llx-0x%llx are taken or out of range",
                 (unsigned long long)base, (unsigned long long)(base + len - 1));
    return rc;
}

static const struct devprop_def debug_exit_props[] = {
    {"iobase", DEVPROP_U64, "0x501", 0, 0xFFFF, "its first port"},
    {"iosize", DEVPROP_U64, "0x2", 1, 0x100, "how many ports it claims"},
};

const struct device_type debug_exit_type = {
    .name = "isa-debug-exit",
    .desc = "QEMU's isa-debug-exit: a write of v ends the run with status (v << 1) | 1",
    .props = debug_exit_props,
    .nprops = 2,
    .create = debug_exit_create,
};
