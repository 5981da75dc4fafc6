/* Unit-test helper for the PC device models: a VM without an engine (x86 arch, 24 interrupt
 * lines, the virtual clock counted as running), port I/O helpers and a recording irq sink. */
#ifndef SOFTKVM_PCDEV_VM_H
#define SOFTKVM_PCDEV_VM_H

#include <stdlib.h>

#include "softkvm/arch.h"
#include "softkvm/device.h"
#include "softkvm/vm.h"

extern const struct arch_ops x86_64_arch_ops;

static inline struct vm *pcdev_vm(void)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    if (vm == NULL)
        abort();
    vm->arch = &x86_64_arch_ops;
    vm->ncpus = 1;
    vm->vclock.enabled = true;
    vm->vclock.deadline = UINT64_MAX;
    if (irq_router_init(vm, 24) != 0)
        abort();
    return vm;
}

static inline void pcdev_vm_free(struct vm *vm)
{
    vm_destroy_devices(vm);
    iobus_release(&vm->pio);
    iobus_release(&vm->mmio);
    irq_router_release(vm);
    free(vm);
}

static inline void outb(struct vm *vm, uint16_t port, uint8_t val)
{
    iobus_write(vm, &vm->pio, port, 1, val);
}

static inline uint8_t inb(struct vm *vm, uint16_t port)
{
    uint64_t v = 0xFF;
    iobus_read(vm, &vm->pio, port, 1, &v);
    return (uint8_t)v;
}

/* What a controller would see on the lines a device drives: the level and the rising edges. */
struct line_log {
    bool level[IRQ_MAX_LINES];
    unsigned rises[IRQ_MAX_LINES];
};

static inline void line_log_set(struct vm *vm, void *opaque, unsigned pin, bool level)
{
    (void)vm;
    struct line_log *l = opaque;
    if (level && !l->level[pin])
        l->rises[pin]++;
    l->level[pin] = level;
}

static const struct irq_sink_ops line_log_ops = {"line-log", line_log_set};

#endif
