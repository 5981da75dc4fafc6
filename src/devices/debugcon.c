/* QEMU's isa-debugcon (port 0xE9 by default): bytes written go to the console; reads give 0xE9. */
#include <errno.h>
#include <stdio.h>

#include "devices/devices.h"

static uint64_t debugcon_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    return 0xE9; /* QEMU's "readback" value: how guests detect the port */
}

static void debugcon_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    vm_console_putc(vm, (uint8_t)val);
}

static const struct io_ops debugcon_ops = {"isa-debugcon", debugcon_read, debugcon_write};

static int debugcon_create(struct vm *vm, const struct devprops *p, void **state, char *err,
                           size_t errlen)
{
    uint64_t base = devprop_u64(p, "iobase");
    int rc = iobus_add(&vm->pio, base, 1, &debugcon_ops, NULL);
    if (rc != 0)
        snprintf(err, errlen, "isa-debugcon: port 0x%llx is taken", (unsigned long long)base);
    return rc;
}

static const struct devprop_def debugcon_props[] = {
    {"iobase", DEVPROP_U64, "0xe9", 0, 0xFFFF, "its port"},
};

const struct device_type debugcon_type = {
    .name = "isa-debugcon",
    .desc = "QEMU's debug console: a byte written to the port goes to the console",
    .props = debugcon_props,
    .nprops = 1,
    .create = debugcon_create,
};
