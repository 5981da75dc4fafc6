/* The INTR/INTA wire: one external-interrupt controller per VM and the CPU side listening to it. */
#include "softkvm/extint.h"

#include <errno.h>

#include "softkvm/vm.h"

int vm_extint_attach(struct vm *vm, const struct extint_ops *ops, void *opaque)
{
    if (vm->extint.ops != NULL)
        return -EEXIST;
    vm->extint.ops = ops;
    vm->extint.opaque = opaque;
    return 0;
}

void vm_extint_detach(struct vm *vm, void *opaque)
{
    if (vm->extint.ops != NULL && vm->extint.opaque == opaque) {
        vm->extint.ops = NULL;
        vm->extint.opaque = NULL;
    }
}

void vm_extint_listen(struct vm *vm, extint_notify_fn notify)
{
    vm->extint.notify = notify;
}

bool vm_extint_pending(struct vm *vm)
{
    return vm->extint.ops != NULL && vm->extint.ops->pending(vm, vm->extint.opaque);
}

int vm_extint_ack(struct vm *vm)
{
    return vm->extint.ops != NULL ? vm->extint.ops->ack(vm, vm->extint.opaque) : -1;
}

void vm_extint_changed(struct vm *vm, bool level)
{
    if (vm->extint.notify != NULL)
        vm->extint.notify(vm, level);
}
