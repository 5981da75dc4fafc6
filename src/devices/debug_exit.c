/* QEMU's isa-debug-exit: a write of v ends the run with exit status (v << 1) | 1. */
#include "devices/devices.h"

static void debug_exit_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    uint64_t status = (val << 1) | 1;
    vm_stop(vm, OUTCOME_GUEST_EXIT, (int)(status & 0xFF),
            "guest wrote 0x%llx to isa-debug-exit: exit status %llu", (unsigned long long)val,
            (unsigned long long)(status & 0xFF));
}

static const struct io_ops debug_exit_ops = {"isa-debug-exit", NULL, debug_exit_write};

int debug_exit_init(struct vm *vm, uint64_t port)
{
    return iobus_add(&vm->pio, port, 4, &debug_exit_ops, NULL);
}
